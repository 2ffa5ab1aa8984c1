#include "titled_table_model.hpp"

#include <utility>

namespace viewer {

TitledTableModel::TitledTableModel(std::vector<ColumnTitles::Column> titles, QObject* parent)
    : QAbstractTableModel(parent)
    , m_titles(std::move(titles))
{
}

int TitledTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_titles.count();
}

QVariant TitledTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    return m_titles.headerData(section, orientation, role);
}

} // namespace viewer
