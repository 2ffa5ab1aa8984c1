// What a MetricChart says in text: its title, legend and axis titles, and how x and values are
// written (the hover, the events table, CSV).
#include "chart_axes.hpp"
#include "metric_chart.hpp"
#include "number_format.hpp"

#include <QAbstractAxis>
#include <QChart>
#include <QDateTime>
#include <QLegend>
#include <QLegendMarker>

#include <cmath>

namespace viewer {

QString MetricChart::titleText() const
{
    return chart()->title();
}

QStringList MetricChart::legendTexts() const
{
    QStringList out;
    for (QLegendMarker* marker : chart()->legend()->markers())
        out << marker->label();
    return out;
}

QString MetricChart::xAxisTitle() const
{
    return m_axes->x() ? m_axes->x()->titleText() : QString();
}

QString MetricChart::xModeTitle(XAxisMode mode)
{
    return viewer::xAxisTitle(mode);
}

QString MetricChart::formatX(XAxisMode mode, double x)
{
    if (!std::isfinite(x))
        return formatValue(x);
    switch (mode) {
    case XAxisMode::Wall:
        return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(std::llround(x * 1000.0)))
            .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
    case XAxisMode::Relative:
        return NumberFormat::duration(x);
    default:
        return NumberFormat::logged(x); // integer steps as integers
    }
}

QString MetricChart::formatValue(double v)
{
    if (std::isnan(v))
        return QStringLiteral("NaN");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("+Inf") : QStringLiteral("-Inf");
    return QString::number(v, 'g', 6);
}

} // namespace viewer
