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
