#include "chart_axes.hpp"

#include "log_ticks.hpp"

#include <QCategoryAxis>
#include <QChart>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace viewer {

namespace {

double niceStep(double range, double targetTicks)
{
    if (!(range > 0) || !(targetTicks > 0))
        return 1.0;
    const double raw = range / targetTicks;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double r = raw / magnitude;
    const double nice = r < 1.5 ? 1.0 : r < 3.0 ? 2.0 : r < 7.0 ? 5.0 : 10.0;
    return nice * magnitude;
}

QString labelFormatFor(double step, double a, double b)
{
    const double magnitude = std::max(std::abs(a), std::abs(b));
    if (magnitude >= 1e7 || step < 1e-5)
        return QStringLiteral("%.4g");
    const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
    return QStringLiteral("%.%1f").arg(decimals);
}

void configureValueAxis(QValueAxis* axis, double a, double b, double pixels, double pixelsPerTick)
{
    const double step = niceStep(b - a, std::max(2.0, pixels / pixelsPerTick));
    const QString format = labelFormatFor(step, a, b);
    const bool changed = axis->tickType() != QValueAxis::TicksDynamic
        || axis->tickInterval() != step || axis->labelFormat() != format;
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(std::floor(a / step) * step);
    axis->setTickInterval(step);
    axis->setLabelFormat(format);
    // Qt Charts 6.4 recomputes the tick positions on a range change only: a new interval with the
    // same range keeps the old ticks on screen. Nudge the range to make it recompute.
    if (changed && axis->min() == a && axis->max() == b)
        axis->setRange(a, b + (b - a) * 1e-6);
    axis->setRange(a, b);
}

// A log axis: a category axis over log10 of the range whose categories end at the ticks of
// LogTicks, labelled with their values (QLogValueAxis labels powers of the base only).
void configureLogAxis(
    QCategoryAxis* axis, double lo, double hi, double pixels, double pixelsPerTick)
{
    const std::vector<double> ticks =
        LogTicks::values(lo, hi, static_cast<int>(pixels / pixelsPerTick));
    const QStringList labels = LogTicks::labels(ticks);
    const double a = std::log10(lo);
    const double b = std::log10(hi);
    if (axis->categoriesLabels() != labels || axis->startValue() != a) {
        for (const QString& label : axis->categoriesLabels())
            axis->remove(label);
        axis->setStartValue(a);
        for (std::size_t i = 0; i < ticks.size(); ++i)
            axis->append(labels[static_cast<qsizetype>(i)], std::max(std::log10(ticks[i]), a));
    }
    axis->setRange(a, b);
}

} // namespace

ChartAxes::ChartAxes(QChart* chart)
{
    auto* logX = new QCategoryAxis;
    auto* logY = new QCategoryAxis;
    for (QCategoryAxis* axis : { logX, logY })
        axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_axes = { new QValueAxis, logX, new QDateTimeAxis, new QValueAxis, logY };
    for (std::size_t i = 0; i < m_axes.size(); ++i) {
        m_axes[i]->setVisible(false);
        chart->addAxis(m_axes[i], i < 3 ? Qt::AlignBottom : Qt::AlignLeft);
    }
}

bool ChartAxes::select(const ChartOptions& options, const std::vector<QLineSeries*>& legendSeries)
{
    const bool wall = options.xMode == XAxisMode::Wall;
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
    if (auto* timeAxis = qobject_cast<QDateTimeAxis*>(m_x)) {
        const double span = mapping.x1 - mapping.x0;
        timeAxis->setFormat(span < 120 ? QStringLiteral("HH:mm:ss.zzz")
                : span < 86400         ? QStringLiteral("HH:mm:ss")
                                       : QStringLiteral("MM-dd HH:mm"));
        timeAxis->setTickCount(std::clamp(static_cast<int>(w / 120), 2, 8));
        timeAxis->setRange(
            QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(std::floor(mapping.x0 * 1000.0))),
            QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(std::ceil(mapping.x1 * 1000.0))));
    } else if (auto* logAxis = qobject_cast<QCategoryAxis*>(m_x)) {
        configureLogAxis(logAxis, mapping.x0, mapping.x1, w, 70);
    } else if (auto* valueAxis = qobject_cast<QValueAxis*>(m_x)) {
        configureValueAxis(valueAxis, mapping.x0, mapping.x1, w, 90);
    }
    if (auto* logAxis = qobject_cast<QCategoryAxis*>(m_y))
        configureLogAxis(logAxis, mapping.y0, mapping.y1, h, 30);
    else if (auto* valueAxis = qobject_cast<QValueAxis*>(m_y))
        configureValueAxis(valueAxis, mapping.y0, mapping.y1, h, 36);
}

} // namespace viewer
