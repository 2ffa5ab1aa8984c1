#include "column_titles.hpp"

#include <utility>

namespace viewer {

ColumnTitles::ColumnTitles(std::vector<Column> columns)
    : m_columns(std::move(columns))
{
}

int ColumnTitles::count() const
{
    return static_cast<int>(m_columns.size());
}

QVariant ColumnTitles::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= count())
        return {};
    const Column& column = m_columns[static_cast<std::size_t>(section)];
    if (role == Qt::DisplayRole)
        return column.title;
    if (role == Qt::ToolTipRole && !column.toolTip.isEmpty())
        return column.toolTip;
    return {};
}

} // namespace viewer
