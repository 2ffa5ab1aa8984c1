#pragma once

#include "column_titles.hpp"
#include "run.hpp"

#include <QAbstractTableModel>

#include <vector>

namespace viewer {

// The malformed lines of one run (line number, byte offset, reason), a copy taken when the
// dialog opens so that the run may go on growing or be closed meanwhile. GUI thread. Reasons
// can quote the file: shown as plain text.
class MalformedLinesModel : public QAbstractTableModel
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
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<MalformedLine> m_lines;
    ColumnTitles m_titles; // the header: one per column of Columns
};

} // namespace viewer
