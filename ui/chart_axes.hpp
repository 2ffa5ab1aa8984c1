#pragma once

#include "axis_ticks.hpp"
#include "chart_options.hpp"
#include "plot_mapping.hpp"
#include "series_layer.hpp"

#include <QFont>
#include <QPalette>
#include <QPen>
#include <QRectF>
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
//
// The grid of the linear and log axes is not Qt Charts' (its line items are hidden): gridLines()
// gives the same lines for the SeriesLayer to draw into its image. Qt Charts paints each grid line
// item on the GUI thread at every redraw of the plot, and Qt 6.4's raster engine hands every
// line taller than 96 pixels to the thread pool and waits (issue 15: most of a live redraw).
class ChartAxes
{
public:
    using GridLines = LayerGrid; // lines of the grid in chart coordinates

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

    // The lines Qt Charts would draw for the visible axes over `plot` (its plot area): each
    // category boundary inside it, and its edges. None for the date-time axis, whose grid Qt
    // Charts still draws.
    GridLines gridLines(const QRectF& plot) const;
    // Times applyRanges() changed an axis (each makes Qt Charts lay the chart out again).
    int axisChanges() const
    {
        return m_axisChanges;
    }

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
    int m_axisChanges = 0;
    // What applyRanges() last showed: the same again computes no ticks.
    struct Applied
    {
        const QAbstractAxis* x = nullptr;
        const QAbstractAxis* y = nullptr;
        AxisTicks::Style xStyle = AxisTicks::Style::Si;
        double x0 = 0, x1 = 0, y0 = 0, y1 = 0, w = 0, h = 0;
        bool operator==(const Applied& o) const
        {
            return x == o.x && y == o.y && xStyle == o.xStyle && x0 == o.x0 && x1 == o.x1
                && y0 == o.y0 && y1 == o.y1 && w == o.w && h == o.h;
        }
    } m_applied;
};

} // namespace viewer
