#include "chart_axes.hpp"

#include "axis_ticks.hpp"

#include <QCategoryAxis>
#include <QChart>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLineSeries>

#include <algorithm>
#include <cmath>

namespace viewer {

namespace {

// Shows ticks on a category axis whose categories end at the tick positions (`at`, in the axis'
// own coordinates: log10 of the value on a log axis), labelled by AxisTicks: distinct labels at
// any range (QValueAxis' printf formats repeat "5e-05" seven times on a narrow range, print
// large steps as "1000000" and durations as raw seconds; QLogValueAxis labels powers only).
// True when the axis changed.
bool showTicks(QCategoryAxis* axis, double a, double b, const std::vector<double>& at,
    const QStringList& labels)
{
    if (!std::isfinite(a) || !std::isfinite(b) || !(b > a))
        return false;
    bool same = axis->categoriesLabels() == labels && axis->startValue() == a;
    for (std::size_t i = 0; same && i < at.size(); ++i)
        same = axis->endValue(labels[static_cast<qsizetype>(i)]) == std::max(at[i], a);
    if (!same) {
        for (const QString& label : axis->categoriesLabels())
            axis->remove(label);
        axis->setStartValue(a);
        for (std::size_t i = 0; i < at.size(); ++i)
            axis->append(labels[static_cast<qsizetype>(i)], std::max(at[i], a));
    }
    const bool moved = axis->min() != a || axis->max() != b;
    axis->setRange(a, b);
    return !same || moved;
}

bool configureLinearAxis(QCategoryAxis* axis, double a, double b, double pixels,
    double pixelsPerTick, AxisTicks::Style style)
{
    const int maxTicks = std::max(2, static_cast<int>(pixels / pixelsPerTick));
    const AxisTicks::Ticks ticks = AxisTicks::linear(a, b, maxTicks, style);
    return showTicks(axis, a, b, ticks.values, ticks.labels);
}

// A log axis: over log10 of the range (AxisTicks::logarithmic: overflow-safe up to DBL_MAX).
bool configureLogAxis(
    QCategoryAxis* axis, double lo, double hi, double pixels, double pixelsPerTick)
{
    if (!(lo > 0) || !(hi > lo) || !std::isfinite(hi))
        return false;
    const AxisTicks::Ticks ticks =
        AxisTicks::logarithmic(lo, hi, std::max(2, static_cast<int>(pixels / pixelsPerTick)));
    std::vector<double> at;
    at.reserve(ticks.values.size());
    for (double v : ticks.values)
        at.push_back(std::log10(v));
    return showTicks(axis, std::log10(lo), std::log10(hi), at, ticks.labels);
}

// Qt Charts' grid of a category axis (ChartCategoryAxisX/Y::calculateLayout and
// HorizontalAxis/VerticalAxis::updateGeometry in Qt 6.4): a line at the start value and at the
// end of each category, those inside the plot, then one at each edge of the plot.
void categoryGrid(QCategoryAxis* axis, double origin, double length, double lo, double hi,
    bool vertical, std::vector<qreal>& out)
{
    const QStringList labels = axis->categoriesLabels();
    const qreal range = axis->max() - axis->min();
    if (!labels.isEmpty() && range > 0) {
        const qreal scale = length / range;
        const auto at = [&](qreal value) {
            const qreal offset = (value - axis->min()) * scale;
            return vertical ? -offset + origin : offset + origin;
        };
        for (qsizetype i = 0; i <= labels.size(); ++i) {
            const qreal p = i < labels.size() ? at(axis->startValue(labels[i]))
                                              : at(axis->endValue(labels[i - 1]));
            if (p >= lo && p <= hi)
                out.push_back(p);
        }
    }
    out.push_back(vertical ? lo : hi);
    out.push_back(vertical ? hi : lo);
}

} // namespace

ChartAxes::ChartAxes(QChart* chart)
{
    auto* linearX = new QCategoryAxis;
    auto* logX = new QCategoryAxis;
    auto* linearY = new QCategoryAxis;
    auto* logY = new QCategoryAxis;
    for (QCategoryAxis* axis : { linearX, logX, linearY, logY }) {
        axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
        axis->setGridLineVisible(false); // drawn by the SeriesLayer: gridLines()
    }
    m_axes = { linearX, logX, new QDateTimeAxis, linearY, logY };
    for (std::size_t i = 0; i < m_axes.size(); ++i) {
        m_axes[i]->setVisible(false);
        chart->addAxis(m_axes[i], i < 3 ? Qt::AlignBottom : Qt::AlignLeft);
    }
}

bool ChartAxes::select(const ChartOptions& options, const std::vector<QLineSeries*>& legendSeries)
{
    const bool wall = options.xMode == XAxisMode::Wall;
    m_xStyle = options.xMode == XAxisMode::Relative ? AxisTicks::Style::Duration
        : options.xMode == XAxisMode::Epoch         ? AxisTicks::Style::Plain
                                                    : AxisTicks::Style::Si;
    QAbstractAxis* wantX = wall ? m_axes[2] : options.logX ? m_axes[1] : m_axes[0];
    QAbstractAxis* wantY = options.logY ? m_axes[4] : m_axes[3];
    if (wantX == m_x && wantY == m_y)
        return false;
    for (QLineSeries* s : legendSeries) {
        for (QAbstractAxis* a : s->attachedAxes())
            s->detachAxis(a);
    }
    for (QAbstractAxis* a : m_axes)
        a->setVisible(a == wantX || a == wantY);
    m_x = wantX;
    m_y = wantY;
    for (QLineSeries* s : legendSeries) {
        s->attachAxis(m_x);
        s->attachAxis(m_y);
    }
    return true;
}

void ChartAxes::applyTheme(
    const QFont& small, const QColor& text, const QColor& grid, const QColor& axisLine)
{
    for (QAbstractAxis* axis : m_axes) {
        axis->setLabelsFont(small);
        axis->setLabelsColor(text);
        axis->setTitleFont(small);
        axis->setTitleBrush(text);
        axis->setGridLineColor(grid);
        axis->setMinorGridLineColor(
            QColor(grid.red(), grid.green(), grid.blue(), grid.alpha() / 2));
        axis->setLinePenColor(axisLine);
    }
}

void ChartAxes::applyRanges(const PlotMapping& mapping, const QSizeF& size)
{
    const double w = std::max(size.width() - 90, 100.0);
    const double h = std::max(size.height() - 120, 60.0);
    const Applied applied { m_x, m_y, m_xStyle, mapping.x0, mapping.x1, mapping.y0, mapping.y1, w,
        h };
    if (applied == m_applied)
        return;
    m_applied = applied;
    bool changed = false;
    if (auto* timeAxis = qobject_cast<QDateTimeAxis*>(m_x)) {
        const double span = mapping.x1 - mapping.x0;
        timeAxis->setFormat(span < 120 ? QStringLiteral("HH:mm:ss.zzz")
                : span < 86400         ? QStringLiteral("HH:mm:ss")
                                       : QStringLiteral("MM-dd HH:mm"));
        timeAxis->setTickCount(std::clamp(static_cast<int>(w / 120), 2, 8));
        const QDateTime from =
            QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(std::floor(mapping.x0 * 1000.0)));
        const QDateTime to =
            QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(std::ceil(mapping.x1 * 1000.0)));
        changed = timeAxis->min() != from || timeAxis->max() != to;
        timeAxis->setRange(from, to);
    } else if (m_x == m_axes[1]) {
        changed = configureLogAxis(static_cast<QCategoryAxis*>(m_x), mapping.x0, mapping.x1, w, 70);
    } else if (m_x == m_axes[0]) {
        changed = configureLinearAxis(
            static_cast<QCategoryAxis*>(m_x), mapping.x0, mapping.x1, w, 60, m_xStyle);
    }
    if (m_y == m_axes[4])
        changed |=
            configureLogAxis(static_cast<QCategoryAxis*>(m_y), mapping.y0, mapping.y1, h, 30);
    else if (m_y == m_axes[3])
        changed |= configureLinearAxis(static_cast<QCategoryAxis*>(m_y), mapping.y0, mapping.y1, h,
            36, AxisTicks::Style::Plain);
    if (changed)
        ++m_axisChanges;
}

ChartAxes::GridLines ChartAxes::gridLines(const QRectF& plot) const
{
    GridLines grid;
    if (auto* x = qobject_cast<QCategoryAxis*>(m_x)) {
        categoryGrid(x, plot.left(), plot.width(), plot.left(), plot.right(), false, grid.x);
        grid.xPen = x->gridLinePen();
    }
    if (auto* y = qobject_cast<QCategoryAxis*>(m_y)) {
        categoryGrid(y, plot.bottom(), plot.height(), plot.top(), plot.bottom(), true, grid.y);
        grid.yPen = y->gridLinePen();
    }
    return grid;
}

} // namespace viewer
