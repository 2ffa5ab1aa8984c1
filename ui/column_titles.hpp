#pragma once

#include <QString>
#include <QVariant>

#include <utility>
#include <vector>

namespace viewer {

// The horizontal header of a model with fixed columns: a title, and optionally a tooltip, per
// column in the order of the model's Columns enum. A model answers columnCount() and headerData()
// from it instead of a switch of its own. GUI thread (titles are translated when it is built).
class ColumnTitles
{
public:
    struct Column
    {
        // Not explicit: a model lists its columns as { { tr("Run") }, { tr("State"), tip } }.
        Column(
            QString columnTitle, QString columnToolTip = {}) // NOLINT(google-explicit-constructor)
            : title(std::move(columnTitle))
            , toolTip(std::move(columnToolTip))
        {
        }
        QString title;
        QString toolTip; // empty: none
    };

    explicit ColumnTitles(std::vector<Column> columns);

    int count() const;
    // The title (Qt::DisplayRole) or tooltip (Qt::ToolTipRole) of a horizontal section; an
    // invalid QVariant for anything else.
    QVariant headerData(int section, Qt::Orientation orientation, int role) const;

private:
    std::vector<Column> m_columns;
};

} // namespace viewer
