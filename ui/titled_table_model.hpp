#pragma once

#include "column_titles.hpp"

#include <QAbstractTableModel>

#include <vector>

namespace viewer {

// A flat table with fixed, titled columns: columnCount() and the horizontal header come from the
// ColumnTitles a subclass gives (one per entry of its Columns enum); the subclass gives rows and
// cells. GUI thread.
class TitledTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    TitledTableModel(std::vector<ColumnTitles::Column> titles, QObject* parent);

private:
    ColumnTitles m_titles;
};

} // namespace viewer
