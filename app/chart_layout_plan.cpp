#include "chart_layout_plan.hpp"

#include <QSet>

#include <algorithm>
#include <cmath>

namespace viewer {

int ChartLayoutPlan::columnsFor(int width, int chartCount)
{
    const int fit = std::clamp(width / MinChartWidth, 1, MaxColumns);
    return std::clamp(std::min(fit, chartCount), 1, MaxColumns);
}

int ChartLayoutPlan::rowHeightFor(int viewHeight, int chosenHeight, int rows, int spacing)
{
    const int chosen = std::clamp(chosenHeight, MinChartHeight, MaxChartHeight);
    if (viewHeight <= 0 || rows <= 0)
        return chosen;
    const int inView = std::clamp(
        static_cast<int>(std::lround(double(viewHeight) / chosen)), 1, std::max(1, rows));
    const int height = (viewHeight - spacing * (inView - 1)) / inView;
    // A view too short for one chart of the minimum height scrolls instead of squeezing it.
    return std::max(height, MinChartHeight);
}

int ChartLayoutPlan::Cells::rowsFor(int count) const
{
    return count > 0 ? (count + columns - 1) / columns : 0;
}

int ChartLayoutPlan::Cells::heightFor(int count) const
{
    const int rows = rowsFor(count);
    return rows > 0 ? 2 * margin + rows * rowHeight + (rows - 1) * spacing : 0;
}

QRect ChartLayoutPlan::Cells::rect(int index) const
{
    const int inner = std::max(0, width - 2 * margin - (columns - 1) * spacing);
    const int column = index % columns;
    // The last column takes the pixels a division leaves over, as a stretched grid layout does.
    const int x0 = margin + column * (inner / columns + spacing);
    const int x1 = column == columns - 1 ? width - margin : x0 + inner / columns;
    const int y = margin + (index / columns) * (rowHeight + spacing);
    return { x0, y, std::max(0, x1 - x0), rowHeight };
}

std::pair<int, int> ChartLayoutPlan::Cells::rowsIn(int top, int bottom, int rows) const
{
    const int pitch = std::max(1, rowHeight + spacing);
    const int first = std::clamp((top - margin) / pitch, 0, std::max(0, rows - 1));
    const int last = std::clamp((bottom - 1 - margin) / pitch, 0, rows - 1);
    return { first, last };
}

bool ChartLayoutPlan::isDerived(const QString& key)
{
    return key.startsWith(QLatin1String("derived/"));
}

ChartLayoutPlan::Section ChartLayoutPlan::sectionOf(const QString& key, const QStringList& pinned)
{
    if (pinned.contains(key))
        return Section::Pinned;
    return isDerived(key) ? Section::Derived : Section::User;
}

QStringList ChartLayoutPlan::order(const QStringList& keys, const QStringList& pinned)
{
    const QSet<QString> present(keys.begin(), keys.end());
    QStringList out;
    out.reserve(keys.size());
    QSet<QString> placed;
    for (const QString& key : pinned) {
        if (present.contains(key) && !placed.contains(key)) {
            out << key;
            placed.insert(key);
        }
    }
    for (const QString& key : keys) {
        if (!placed.contains(key) && !isDerived(key))
            out << key;
    }
    for (const QString& key : keys) {
        if (!placed.contains(key) && isDerived(key))
            out << key;
    }
    return out;
}

} // namespace viewer
