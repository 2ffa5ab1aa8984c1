#pragma once

#include "run.hpp"
#include "titled_table_model.hpp"

#include <vector>

namespace viewer {

// The malformed lines of one run (line number, byte offset, reason), a copy taken when the
// dialog opens so that the run may go on growing or be closed meanwhile. GUI thread. Reasons
// can quote the file: shown as plain text.
class MalformedLinesModel : public TitledTableModel
{
    Q_OBJECT
public:
    enum Columns
    {
        LineColumn,
        OffsetColumn,
        ReasonColumn,
        ColumnCount
    };
    enum Roles
    {
        LineRole = Qt::UserRole, // 1-based line number
        OffsetRole,
        ReasonRole, // unabridged
    };

    explicit MalformedLinesModel(QObject* parent = nullptr);

    void setLines(std::vector<MalformedLine> lines);
    const std::vector<MalformedLine>& lines() const
    {
        return m_lines;
    }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    std::vector<MalformedLine> m_lines;
};

} // namespace viewer
