#include "chart_overlay.hpp"
#include "metric_chart.hpp"
#include "plain_label.hpp"
#include "run.hpp"

#include <QActionGroup>
#include <QContextMenuEvent>
#include <QElapsedTimer>
#include <QMenu>
#include <QMouseEvent>
#include <QRubberBand>
#include <QTimer>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

// MetricChart's input: mouse zoom (rubber band, wheel), pan, hover, double-click reset and the
// context menu. Each turns into a range or options change on the CurveModel, then a redraw.

namespace viewer {

// ---- interaction ---------------------------------------------------------------------------

QPointF MetricChart::toChart(const QPoint& viewportPos) const
{
    return chart()->mapFromScene(mapToScene(viewportPos));
}

void MetricChart::setXRangeFromUser(double x0, double x1, bool immediate)
{
    if (m_mapping.logX && (x0 <= 0 || x1 <= 0))
        return;
    if (!(x1 > x0) || !std::isfinite(x0) || !std::isfinite(x1))
        return;
    // Below ~1e-12 of relative span the doubles run out: stop zooming in rather than draw noise.
    if ((x1 - x0) <= std::max(std::abs(x0), std::abs(x1)) * 1e-12)
        return;
    setXRange(x0, x1);
    if (immediate) {
        refresh();
    } else if (!m_interaction->isActive()) {
        // A wheel or a drag sends several events per frame: redraw once per frame.
        m_interaction->start();
    }
    emit xRangeRequested(x0, x1);
}

void MetricChart::resetZoom()
{
    m_model.setFixedY(std::nullopt);
    m_model.setAutoXRange();
    invalidate();
    refresh();
    emit resetRequested();
}

void MetricChart::mousePressEvent(QMouseEvent* event)
{
    const QPointF pos = toChart(event->position().toPoint());
    m_pressPos = event->position().toPoint();
    m_pressMapping = m_mapping;
    if (event->button() == Qt::LeftButton) {
        const int badge = m_overlay->badgeAt(pos);
        if (badge >= 0) {
            const int runId = m_overlay->badges()[static_cast<std::size_t>(badge)].runId;
            double x = firstNanX(runId);
            if (std::isnan(x))
                x = m_model.firstNonFiniteX(runId);
            if (!std::isnan(x))
                emit goToXRequested(x);
            event->accept();
            return;
        }
    }
    if (!m_mapping.isValid() || !m_mapping.rect.contains(pos)) {
        event->ignore();
        return;
    }
    const bool pan = event->button() == Qt::MiddleButton
        || (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier));
    if (pan) {
        m_drag = Drag::Pan;
        setCursor(Qt::ClosedHandCursor);
    } else if (event->button() == Qt::LeftButton) {
        m_drag = Drag::Zoom;
        if (!m_rubberBand)
            m_rubberBand = new QRubberBand(QRubberBand::Rectangle, viewport());
        m_rubberBand->setGeometry(QRect(m_pressPos, QSize()));
        m_rubberBand->show();
    } else {
        event->ignore();
        return;
    }
    clearHover();
    event->accept();
}

void MetricChart::mouseMoveEvent(QMouseEvent* event)
{
    const QPoint p = event->position().toPoint();
    if (m_drag == Drag::Zoom && m_rubberBand) {
        m_rubberBand->setGeometry(QRect(m_pressPos, p).normalized());
        event->accept();
        return;
    }
    if (m_drag == Drag::Pan) {
        const PlotMapping& m = m_pressMapping;
        const double dx = p.x() - m_pressPos.x();
        const double dy = p.y() - m_pressPos.y();
        const double a = PlotMapping::axisValue(m.x0, m.logX);
        const double b = PlotMapping::axisValue(m.x1, m.logX);
        const double shift = -dx / m.rect.width() * (b - a);
        auto back = [&](double v) { return m.logX ? std::pow(10.0, v) : v; };
        if (m_model.fixedY()) {
            const double ya = PlotMapping::axisValue(m.y0, m.logY);
            const double yb = PlotMapping::axisValue(m.y1, m.logY);
            const double yshift = dy / m.rect.height() * (yb - ya);
            auto yback = [&](double v) { return m.logY ? std::pow(10.0, v) : v; };
            m_model.setFixedY(std::make_pair(yback(ya + yshift), yback(yb + yshift)));
        }
        setXRangeFromUser(back(a + shift), back(b + shift), false);
        event->accept();
        return;
    }
    if (event->buttons() == Qt::NoButton)
        hoverAt(toChart(p));
    QChartView::mouseMoveEvent(event);
}

void MetricChart::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_drag == Drag::Zoom && m_rubberBand) {
        m_rubberBand->hide();
        const QRect band = QRect(m_pressPos, event->position().toPoint()).normalized();
        m_drag = Drag::None;
        if (band.width() >= 4) {
            const QRectF r(toChart(band.topLeft()), toChart(band.bottomRight()));
            const QRectF plot = m_mapping.rect;
            const double left = std::max(r.left(), plot.left());
            const double right = std::min(r.right(), plot.right());
            if (band.height() >= 4) {
                const double top = std::max(r.top(), plot.top());
                const double bottom = std::min(r.bottom(), plot.bottom());
                const double y0 = m_mapping.yAt(bottom);
                const double y1 = m_mapping.yAt(top);
                if (y1 > y0)
                    m_model.setFixedY(std::make_pair(y0, y1));
            }
            if (right > left)
                setXRangeFromUser(m_mapping.xAt(left), m_mapping.xAt(right), true);
        }
        event->accept();
        return;
    }
    if (m_drag == Drag::Pan) {
        m_drag = Drag::None;
        unsetCursor();
        event->accept();
        return;
    }
    QChartView::mouseReleaseEvent(event);
}

void MetricChart::setLayoutState(bool pinned, bool maximized)
{
    m_pinned = pinned;
    if (maximized == m_maximized)
        return;
    m_maximized = maximized;
    // The key is escaped and elided as in the constructor (Qt Charts titles are HTML: V30, V31).
    const QString title = plainLabel(key(), 160).toHtmlEscaped();
    chart()->setTitle(
        maximized ? title + tr(" \u2014 double-click here or Esc: all charts") : title);
}

void MetricChart::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton) {
        QChartView::mouseDoubleClickEvent(event);
        return;
    }
    // Above the plot (the title): this chart alone in the grid, or back. In the plot: reset.
    if (m_mapping.isValid() && toChart(event->position().toPoint()).y() < m_mapping.rect.top()) {
        emit maximizeToggleRequested();
        event->accept();
        return;
    }
    resetZoom();
    event->accept();
}

void MetricChart::wheelEvent(QWheelEvent* event)
{
    // A wheel event this chart leaves to the grid around it scrolls the grid. While such a scroll
    // goes on, a plain wheel keeps scrolling even when a plot comes under the cursor: a grid of
    // charts that catches the wheel mid-scroll could not be scrolled through.
    static QElapsedTimer lastGridScroll;
    constexpr qint64 ScrollLatchMs = 400;
    const auto scrollGrid = [this, event] {
        if (m_wheelZooms)
            lastGridScroll.start();
        event->ignore();
    };
    const QPointF pos = toChart(event->position().toPoint());
    const bool ctrl = event->modifiers() & Qt::ControlModifier;
    const bool scrolling = lastGridScroll.isValid() && lastGridScroll.elapsed() < ScrollLatchMs;
    const bool zoom = ctrl
        || (m_wheelZooms && m_mapping.rect.contains(pos) && !scrolling
            && !(event->modifiers() & Qt::AltModifier));
    if (!zoom || !m_mapping.isValid()) {
        scrollGrid();
        return;
    }
    const int delta =
        event->angleDelta().y() != 0 ? event->angleDelta().y() : event->angleDelta().x();
    const double factor = std::pow(0.999, delta); // one notch (120): 0.89
    if (event->modifiers() & Qt::ShiftModifier) {
        const double ya = PlotMapping::axisValue(m_mapping.y0, m_mapping.logY);
        const double yb = PlotMapping::axisValue(m_mapping.y1, m_mapping.logY);
        const double c = PlotMapping::axisValue(m_mapping.yAt(pos.y()), m_mapping.logY);
        auto back = [&](double v) { return m_mapping.logY ? std::pow(10.0, v) : v; };
        m_model.setFixedY(std::make_pair(back(c - (c - ya) * factor), back(c + (yb - c) * factor)));
        invalidate();
        if (!m_interaction->isActive())
            m_interaction->start();
    } else {
        const double a = PlotMapping::axisValue(m_mapping.x0, m_mapping.logX);
        const double b = PlotMapping::axisValue(m_mapping.x1, m_mapping.logX);
        const double c = PlotMapping::axisValue(
            m_mapping.xAt(std::clamp(pos.x(), m_mapping.rect.left(), m_mapping.rect.right())),
            m_mapping.logX);
        auto back = [&](double v) { return m_mapping.logX ? std::pow(10.0, v) : v; };
        setXRangeFromUser(back(c - (c - a) * factor), back(c + (b - c) * factor), false);
    }
    event->accept();
}

void MetricChart::leaveEvent(QEvent* event)
{
    clearHover();
    QChartView::leaveEvent(event);
}

void MetricChart::contextMenuEvent(QContextMenuEvent* event)
{
    QMenu menu(this);
    ChartOptions o = m_model.options();
    auto apply = [this](const ChartOptions& next) {
        setOptions(next);
        refresh();
        emit optionsEdited();
    };
    menu.addAction(tr("Reset zoom"), this, [this] { resetZoom(); });
    menu.addAction(m_maximized ? tr("Back to all charts") : tr("Maximise"), this,
        [this] { emit maximizeToggleRequested(); });
    const bool pinned = m_pinned;
    menu.addAction(pinned ? tr("Unpin") : tr("Pin to top"), this,
        [this, pinned] { emit pinRequested(!pinned); });
    menu.addSeparator();
    QAction* logX = menu.addAction(tr("Log scale x"));
    logX->setCheckable(true);
    logX->setChecked(o.logX);
    logX->setEnabled(o.xMode != XAxisMode::Wall);
    connect(logX, &QAction::toggled, this, [apply, o](bool on) mutable {
        o.logX = on;
        apply(o);
    });
    QAction* logY = menu.addAction(tr("Log scale y"));
    logY->setCheckable(true);
    logY->setChecked(o.logY);
    connect(logY, &QAction::toggled, this, [apply, o](bool on) mutable {
        o.logY = on;
        apply(o);
    });
    QAction* outliers = menu.addAction(tr("Ignore outliers in y range"));
    outliers->setCheckable(true);
    outliers->setChecked(o.ignoreOutliers);
    connect(outliers, &QAction::toggled, this, [apply, o](bool on) mutable {
        o.ignoreOutliers = on;
        apply(o);
    });

    QMenu* smoothingMenu = menu.addMenu(tr("Smoothing"));
    auto* smoothingGroup = new QActionGroup(smoothingMenu);
    auto addSmoothing = [&](const QString& label, SmoothingKind kind, double param) {
        QAction* a = smoothingMenu->addAction(label);
        a->setCheckable(true);
        a->setChecked(
            o.smoothing == kind && (kind == SmoothingKind::None || o.smoothingParam == param));
        smoothingGroup->addAction(a);
        connect(a, &QAction::triggered, this, [apply, o, kind, param]() mutable {
            o.smoothing = kind;
            o.smoothingParam = param;
            o.smoothingChosen = true;
            apply(o);
        });
    };
    addSmoothing(tr("None"), SmoothingKind::None, o.smoothingParam);
    for (double w : { 0.6, 0.9, 0.99 })
        addSmoothing(tr("EMA, weight %1").arg(w), SmoothingKind::Ema, w);
    for (double n : { 5.0, 25.0, 101.0 })
        addSmoothing(tr("Moving average, %1 points").arg(n), SmoothingKind::MovingAverage, n);

    QMenu* xMenu = menu.addMenu(tr("X axis"));
    auto* xGroup = new QActionGroup(xMenu);
    for (const XAxisModeText& t : xAxisModeTexts()) {
        const XAxisMode mode = t.mode;
        QAction* a = xMenu->addAction(xModeTitle(mode));
        a->setCheckable(true);
        a->setChecked(o.xMode == mode);
        xGroup->addAction(a);
        connect(a, &QAction::triggered, this, [apply, o, mode]() mutable {
            o.xMode = mode;
            o.xModeChosen = true;
            o.xMetric.clear();
            if (mode == XAxisMode::Wall)
                o.logX = false;
            apply(o);
        });
    }
    QMenu* groupMenu = menu.addMenu(tr("Runs"));
    auto* groupGroup = new QActionGroup(groupMenu);
    for (auto [mode, label] : { std::pair { GroupMode::Overlay, tr("Overlay every run") },
             std::pair { GroupMode::MeanBand, tr("Mean with min/max band per group") } }) {
        QAction* a = groupMenu->addAction(label);
        a->setCheckable(true);
        a->setChecked(o.groupMode == mode);
        groupGroup->addAction(a);
        connect(a, &QAction::triggered, this, [apply, o, mode = mode]() mutable {
            o.groupMode = mode;
            apply(o);
        });
    }

    bool anyNan = false;
    for (const ChartRun& r : m_runs) {
        const Series* s = m_model.seriesOf(r.runId);
        if (!s || s->nonFinite().empty())
            continue;
        if (!anyNan)
            menu.addSeparator();
        anyNan = true;
        const double x =
            std::isnan(firstNanX(r.runId)) ? m_model.firstNonFiniteX(r.runId) : firstNanX(r.runId);
        menu.addAction(tr("Go to first %1 of %2")
                           .arg(s->nanCount() ? QStringLiteral("NaN") : QStringLiteral("Inf"),
                               plainLabel(r.shownName(), 40)),
            this, [this, x] { emit goToXRequested(x); });
    }
    menu.exec(event->globalPos());
}

} // namespace viewer
