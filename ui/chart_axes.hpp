#pragma once

#include "axis_ticks.hpp"
#include "chart_options.hpp"
#include "plot_mapping.hpp"

#include <QFont>
#include <QPalette>
#include <QSizeF>

#include <vector>

class QAbstractAxis;
class QChart;
class QLineSeries;

namespace viewer {

// The axes of one MetricChart on its QChart: linear and log (category axes whose categories end
// at the AxisTicks ticks, with its distinct labels: "250k" steps, "1h 23m" durations, offset
// notation on a narrow range) and date-time for x, linear and log for y. Every axis type is created
// once and kept, only the active x and y axes are visible and attached: removing an axis from a
// QChart leaves its labels and grid behind in Qt Charts 6.4 (its item groups are not children of
// the axis item that gets hidden).
class ChartAxes
{
public:
    explicit ChartAxes(QChart* chart);

    // Shows the axes the options ask for, attaching the legend series to them. True when the
    // visible pair changed (the caller then re-applies the theme).
    bool select(const ChartOptions& options, const std::vector<QLineSeries*>& legendSeries);
    // Colors and fonts of every axis.
    void applyTheme(
        const QFont& small, const QColor& text, const QColor& grid, const QColor& axisLine);
    // Ranges and tick spacing for the mapping; `size` is the widget's (tick spacing follows the
    // widget, not the plot area, which depends on the labels, which depend on the spacing: Qt
    // Charts does not settle that loop by itself).
    void applyRanges(const PlotMapping& mapping, const QSizeF& size);

    QAbstractAxis* x() const
    {
        return m_x;
    }
    QAbstractAxis* y() const
    {
        return m_y;
    }

private:
    std::vector<QAbstractAxis*> m_axes; // value, log, time (x); value, log (y); owned by the chart
    QAbstractAxis* m_x = nullptr; // the visible ones
    QAbstractAxis* m_y = nullptr;
    AxisTicks::Style m_xStyle = AxisTicks::Style::Si; // steps and counts; durations; epochs
};

} // namespace viewer
