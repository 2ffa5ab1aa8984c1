#include "metric_chart.hpp"

#include "chart_axes.hpp"
#include "chart_markers.hpp"
#include "chart_overlay.hpp"
#include "curve_geometry.hpp"
#include "hover_values.hpp"
#include "plain_label.hpp"
#include "run.hpp"
#include "run_names.hpp"
#include "series_layer.hpp"
#include "smoothed_curves.hpp"
#include "steady_range.hpp"

#include <QApplication>
#include <QChart>
#include <QGraphicsLayout>
#include <QLegend>
#include <QLineSeries>
#include <QSet>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <limits>

namespace viewer {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr int MaxNameChars = 60; // legend and hover names; the full name is in the runs panel
constexpr int MaxHoverNameChars = 48;
constexpr int MaxBadgeNameChars = 24;

// Plain-text names at most maxChars long, cut around the part where each differs from the
// others (RunNames::elideApart): "sweep_lr=0.001,seed=1" and "..seed=2" stay apart.
QStringList namesApart(const QStringList& names, int maxChars)
{
    QStringList plain;
    plain.reserve(names.size());
    for (const QString& name : names)
        plain << plainLabel(name, 1024);
    return RunNames::elideApart(plain, maxChars);
}
constexpr int MaxHoverRows = 10; // curves listed in the hover box; the rest are counted
constexpr int MaxMemberChars = 30; // a group's min/max member names in the hover box
constexpr qreal HoverReach = 5.0; // pixels: markers this close to the cursor are described
constexpr int InteractionFrameMs = 12; // wheel/drag redraws: at most one per frame

} // namespace

MetricChart::MetricChart(const QString& key, QWidget* parent)
    : QChartView(new QChart, parent)
    , m_model(key)
    , m_syncedX(NaN)
{
    QChart* c = chart();
    c->setAnimationOptions(QChart::NoAnimation);
    c->setBackgroundRoundness(0);
    c->setMargins(QMargins(4, 2, 6, 2));
    c->layout()->setContentsMargins(0, 0, 0, 0);
    c->legend()->setAlignment(Qt::AlignBottom);
    c->legend()->setShowToolTips(false);
    // Qt Charts renders titles and legend labels as HTML: the untrusted key is escaped (V30) and
    // elided first (V31) so that a 1 MiB tag name costs a short label.
    c->setTitle(plainLabel(key, 160).toHtmlEscaped());

    setRubberBand(QChartView::NoRubberBand);
    setDragMode(QGraphicsView::NoDrag);
    setRenderHint(QPainter::Antialiasing, true);
    setMouseTracking(true);
    viewport()->setMouseTracking(true);
    setMinimumSize(260, 200);
    setFrameShape(QFrame::NoFrame);

    m_markers = new ChartMarkers(c);
    m_markers->setZValue(1.5); // above the plot background and shades, under the grid lines
    m_layer = new SeriesLayer(c);
    m_layer->setZValue(4.5); // above Qt's (empty) series, under the legend
    // Hovering repaints small strips of the chart: the markers come from a pixmap then, and are
    // drawn again only when they change. The layer keeps its own image (a repaint is one blit);
    // a pixmap cache over it cost a second blit and a fill of every repainted strip, on the GUI
    // thread, at every live batch (issue 15).
    m_markers->setCacheMode(QGraphicsItem::DeviceCoordinateCache);
    // The layer may drop a large drawing's geometry once drawn; drawing anew, it asks here (from
    // its paint(): the refresh comes at the next turn).
    m_layer->setGeometryNeeded([this] {
        m_dirty = true;
        queueRefresh();
    });
    m_overlay = new ChartOverlay(c);
    m_overlay->setZValue(10.0);

    m_interaction = new QTimer(this);
    m_interaction->setSingleShot(true);
    m_interaction->setInterval(InteractionFrameMs);
    connect(m_interaction, &QTimer::timeout, this, [this] {
        if (m_dirty)
            refresh();
    });
    connect(c, &QChart::plotAreaChanged, this, [this] {
        if (!m_inRelayout)
            relayout();
    });
    // A smoothing computed on a worker arrived: points appended since its snapshot are smoothed
    // in place at the redraw.
    connect(&m_model.smoothing(), &SmoothedCurves::resultArrived, this, [this] {
        m_dirty = true;
        if (isVisible())
            refresh();
    });
    m_axes = std::make_unique<ChartAxes>(c);
    ensureAxes();
    applyTheme();
}

MetricChart::~MetricChart() = default;

void MetricChart::setRuns(const QList<ChartRun>& runs)
{
    m_runs = runs;
    QList<CurveRun> curveRuns;
    m_colors.clear();
    for (const ChartRun& r : runs) {
        curveRuns.push_back({ r.runId, r.run, r.group, r.groupName, r.name });
        m_colors.insert(r.runId, r.color); // the last one of an id wins, as the lookups did
    }
    m_model.setRuns(curveRuns);
    invalidate();
}

void MetricChart::setLegendShown(bool shown)
{
    if (shown == m_legendShown)
        return;
    m_legendShown = shown;
    invalidate();
}

void MetricChart::setOptions(const ChartOptions& options)
{
    if (m_model.setOptions(options))
        invalidate();
}

void MetricChart::setXRange(double x0, double x1)
{
    const bool extended = x0 == m_mapping.x0 && x1 >= m_mapping.x1;
    if (!m_model.setXRange(x0, x1))
        return;
    // The grid extending x past the newest point (following live data) shows the same points:
    // the y range may stay steady. Any other move fits it again.
    if (extended)
        m_dirty = true;
    else
        invalidate();
}

void MetricChart::setAutoXRange()
{
    if (m_model.setAutoXRange())
        invalidate();
}

void MetricChart::resetYRange()
{
    if (!m_model.fixedY())
        return;
    m_model.setFixedY(std::nullopt);
    invalidate();
}

void MetricChart::dataChanged(const QList<int>& runIds)
{
    if (m_model.dataChanged(runIds))
        m_dirty = true;
}

void MetricChart::setFixedYRange(const std::optional<std::pair<double, double>>& y)
{
    m_model.setFixedY(y);
    invalidate();
}

void MetricChart::finishSmoothing()
{
    if (m_model.finishSmoothing())
        m_dirty = true;
}

bool MetricChart::isSmoothingPending() const
{
    return m_model.smoothing().isPending();
}

int MetricChart::smoothingJobsStarted() const
{
    return m_model.smoothing().jobsStarted();
}

int MetricChart::staleSmoothingResults() const
{
    return m_model.smoothing().staleResults();
}

int MetricChart::axisChanges() const
{
    return m_axes->axisChanges();
}

QAbstractAxis* MetricChart::xAxis() const
{
    return m_axes->x();
}

QAbstractAxis* MetricChart::yAxis() const
{
    return m_axes->y();
}

void MetricChart::ensureAxes()
{
    if (m_axes->select(m_model.options(), m_legendSeries))
        applyTheme();
    m_axes->x()->setTitleText(m_model.xTitle().toHtmlEscaped());
}

void MetricChart::applyTheme()
{
    QChart* c = chart();
    const QPalette pal = palette();
    const bool dark = pal.color(QPalette::Window).lightness() < 128;
    const QColor text = pal.color(QPalette::WindowText);
    const QColor base = dark ? pal.color(QPalette::Base) : QColor(Qt::white);
    c->setBackgroundBrush(base);
    c->setBackgroundPen(Qt::NoPen);
    c->setPlotAreaBackgroundVisible(false);
    QFont titleFont = font();
    titleFont.setPointSizeF(9.5);
    titleFont.setBold(true);
    c->setTitleFont(titleFont);
    c->setTitleBrush(text);
    QFont small = font();
    small.setPointSizeF(8.0);
    c->legend()->setFont(small);
    c->legend()->setLabelColor(text);
    QColor grid = text;
    grid.setAlpha(dark ? 45 : 30);
    QColor axisLine = text;
    axisLine.setAlpha(120);
    m_axes->applyTheme(small, text, grid, axisLine);
    m_markers->setBandColor(dark ? QColor(255, 255, 255, 16) : QColor(0, 0, 0, 13));
    QColor boxBackground = base;
    boxBackground.setAlpha(235);
    m_overlay->setColors(text, boxBackground);
}

void MetricChart::changeEvent(QEvent* event)
{
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        applyTheme();
}

void MetricChart::showEvent(QShowEvent* event)
{
    QChartView::showEvent(event);
    if (m_dirty)
        queueRefresh(); // in view: at the next turn; made ahead of a scroll: once the view idles
}

void MetricChart::resizeEvent(QResizeEvent* event)
{
    // The curves follow the new plot area in Qt Charts' layout pass (relayout(), unless a refresh
    // is due anyway); ticks and y axis at the next turn; a chart out of view when it is seen.
    QChartView::resizeEvent(event);
    if (event->size() == event->oldSize())
        return;
    invalidate();
    queueRefresh();
}

void MetricChart::queueRefresh()
{
    if (m_refreshQueued)
        return;
    m_refreshQueued = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_refreshQueued = false;
            if (m_dirty && isVisible() && !viewport()->visibleRegion().isEmpty())
                refresh();
        },
        Qt::QueuedConnection);
}

// Legend: one empty Qt series per curve, only for its marker and (escaped) label.
void MetricChart::updateLegend()
{
    std::vector<const Curve*> curves; // faint group members have the group's entry
    for (const auto& curve : m_model.curves()) {
        if (!curve->faintMember)
            curves.push_back(curve.get());
    }
    const std::size_t entries = m_legendShown ? curves.size() : 0;
    while (m_legendSeries.size() < entries) {
        auto* s = new QLineSeries;
        chart()->addSeries(s);
        s->attachAxis(m_axes->x());
        s->attachAxis(m_axes->y());
        m_legendSeries.push_back(s);
    }
    while (m_legendSeries.size() > entries) {
        QLineSeries* s = m_legendSeries.back();
        m_legendSeries.pop_back();
        chart()->removeSeries(s);
        delete s;
    }
    for (std::size_t i = 0; i < entries; ++i) {
        const QString label = plainLabel(curves[i]->name, MaxNameChars).toHtmlEscaped();
        if (m_legendSeries[i]->name() != label)
            m_legendSeries[i]->setName(label);
        const QColor color = m_colors.value(curves[i]->runId);
        if (m_legendSeries[i]->color() != color)
            m_legendSeries[i]->setPen(QPen(color, 2.0));
    }
    // One run needs no legend (the runs panel shows its color); two or more, or a group, do.
    chart()->legend()->setVisible(
        m_legendShown && (curves.size() > 1 || (curves.size() == 1 && curves.front()->isGroup())));
}

void MetricChart::refresh()
{
    m_dirty = false;
    // Axes, legend and ranges set below make Qt Charts lay out the plot area again: the geometry
    // is built once at the end, for its final area (1,000 runs: a few hundred ms per build).
    m_inRelayout = true;
    m_model.update();
    ensureAxes();
    updateLegend();

    const std::pair<double, double> shownY { m_mapping.y0, m_mapping.y1 };
    const auto [x0, x1] = m_model.xRange();
    const ChartOptions& options = m_model.options();
    m_mapping.x0 = x0;
    m_mapping.x1 = x1;
    m_mapping.logX = options.logX && options.xMode != XAxisMode::Wall;
    m_mapping.logY = options.logY;
    // The plot area is known only after Qt's layout; before the first one, estimate it so that
    // the decimation width is right from the start.
    const QRectF plot = chart()->plotArea();
    m_mapping.rect = plot.width() > 1 && plot.height() > 1
        ? plot
        : QRectF(60, 30, std::max(width() - 80, 10), std::max(height() - 110, 10));
    m_model.decimateLater(columns());
    const std::pair<double, double> fittedY = m_model.yRange(m_mapping.x0, m_mapping.x1);
    // Live appends only: the y range changes in steps (SteadyRange), not at every append.
    const bool steadyY =
        m_steadyRanges && m_dataOnly && isAutoYRange() && !m_mapping.logY && m_geometryBuilds > 0;
    std::tie(m_mapping.y0, m_mapping.y1) =
        steadyY ? SteadyRange::followY(shownY, fittedY) : fittedY;
    m_dataOnly = true;
    m_axes->applyRanges(m_mapping, QSizeF(size()));
    // The first legend and titles laid out now, not next turn (which would build again).
    if (QGraphicsLayout* layout = chart()->layout(); layout && m_geometryBuilds == 0)
        layout->activate();
    m_inRelayout = false;
    const QRectF laidOut = chart()->plotArea();
    if (laidOut.width() > 1 && laidOut.height() > 1 && laidOut != m_mapping.rect) {
        const int columnsBefore = columns().width;
        m_mapping.rect = laidOut;
        if (columns().width != columnsBefore)
            m_model.decimateLater(columns());
    }
    buildGeometry();
}

void MetricChart::relayout()
{
    // Called from the chart's layout pass: only the geometry follows the new plot area. Axis
    // ranges and ticks are not touched here (Qt Charts would not lay out their new labels).
    // A chart marked dirty is refreshed at the next turn, for its final area: not built here too.
    if (m_dirty)
        return;
    m_inRelayout = true;
    m_mapping.rect = chart()->plotArea();
    m_model.decimateLater(columns());
    buildGeometry();
    m_inRelayout = false;
}

PixelColumns MetricChart::columns() const
{
    PixelColumns cols;
    cols.x0 = m_mapping.x0;
    cols.x1 = m_mapping.x1;
    cols.logX = m_mapping.logX;
    cols.width = static_cast<int>(std::lround(m_mapping.rect.width() * devicePixelRatioF()));
    return cols;
}

void MetricChart::buildGeometry()
{
    const QRectF plot = m_mapping.rect;
    m_layer->setPlotArea(plot);
    m_markers->setPlotArea(plot);
    m_overlay->setAreas(QRectF(QPointF(0, 0), chart()->size()), plot);
    m_layer->setGrid(m_axes->gridLines(plot));
    if (!m_mapping.isValid()) {
        m_layer->setCurves({});
        m_markers->setMarkers({}, {});
        m_overlay->setBadges({});
        return;
    }
    if (m_model.curves().size() > SeriesLayer::AntialiasedCurvesAtMost)
        SeriesLayer::waitForLargeImage();
    m_layer->setCurves(CurveGeometry::build(m_model, m_colors, m_mapping, columns(),
        devicePixelRatioF(), [this](std::size_t i) { m_model.releaseDecimatedPoints(i); }));
    ++m_geometryBuilds;
    buildMarkers();
    buildBadges();
    if (!std::isnan(m_syncedX))
        m_overlay->setCrosshair(m_mapping.px(m_syncedX));
}

// A Restart that the global step joins (the step counter starting a new pass: its x goes on past
// the previous record's) is not a break in the line, and is not marked; a resume from a
// checkpoint, whose x goes back, is.
bool MetricChart::joinedByGlobalStep(const Run& run, const RunEvent& ev, double x) const
{
    if (ev.kind != RunEvent::Kind::Restart || m_model.options().xMode != XAxisMode::GlobalStep)
        return false;
    // The nearest earlier record with an x (begin records may have none); a few are enough.
    for (std::uint32_t back = 1; back <= 64 && back <= ev.record; ++back) {
        const double before = m_model.recordX(run, ev.record - back);
        if (std::isfinite(before))
            return x > before;
    }
    return false;
}

void MetricChart::buildMarkers()
{
    std::vector<std::pair<qreal, qreal>> bands;
    std::vector<ChartMarkers::Line> lines;
    m_eventHits.clear();
    const QRectF plot = m_mapping.rect;
    QSet<qint64> seen; // one line per kind, run and pixel: 100k errors cost 100k checks, few lines
    bool haveBands = false;
    for (const ChartRun& r : m_runs) {
        if (!r.run)
            continue;
        const RecordTable& records = r.run->records;
        // (epoch, x) of each epoch boundary; a boundary before the first step has no x: -inf.
        std::vector<std::pair<double, double>> starts;
        std::vector<std::pair<double, double>> ends;
        for (std::size_t e = 0; e < r.run->events.size(); ++e) {
            const RunEvent& ev = r.run->events[e];
            if (ev.record >= records.size())
                continue;
            double x = m_model.recordX(*r.run, ev.record);
            if (ev.kind == RunEvent::Kind::EpochBegin || ev.kind == RunEvent::Kind::EpochEnd) {
                if (!std::isfinite(x))
                    x = -std::numeric_limits<double>::infinity();
                (ev.kind == RunEvent::Kind::EpochBegin ? starts : ends).emplace_back(ev.epoch, x);
                continue;
            }
            if (!std::isfinite(x) || joinedByGlobalStep(*r.run, ev, x))
                continue;
            const qreal px = m_mapping.px(x);
            if (!(px >= plot.left() - 0.5 && px <= plot.right() + 0.5))
                continue;
            const bool error = ev.kind == RunEvent::Kind::Error;
            m_eventHits.push_back({ px, r.runId, e });
            const qint64 key = (static_cast<qint64>(std::lround(px)) << 24)
                ^ (error ? 0 : (static_cast<qint64>(r.runId) + 1) << 1);
            if (seen.contains(key))
                continue;
            seen.insert(key);
            ChartMarkers::Line line;
            line.kind = error ? ChartMarkers::Line::Kind::Error : ChartMarkers::Line::Kind::Restart;
            line.px = px;
            line.color = r.color;
            lines.push_back(line);
        }
        // Epoch bands of the first run that has epochs: every other epoch is shaded. Overlaying
        // the epochs of several runs would shade everything.
        if (haveBands)
            continue;
        // Odd epochs are shaded: from their begin to the next begin, or, with only ends known,
        // from the previous end to theirs.
        auto shade = [&](double a, double b) {
            qreal left = std::isfinite(a) ? m_mapping.px(a) : plot.left();
            qreal right = std::isfinite(b) ? m_mapping.px(b) : plot.right();
            if (!std::isfinite(left))
                left = plot.left();
            left = std::max(left, plot.left());
            right = std::min(right, plot.right());
            if (right > left)
                bands.emplace_back(left, right);
        };
        const bool fromStarts = !starts.empty();
        const auto& bounds = fromStarts ? starts : ends;
        for (std::size_t i = 0; i < bounds.size(); ++i) {
            const double epoch = std::isfinite(bounds[i].first) ? bounds[i].first : double(i);
            if (std::fmod(std::abs(epoch), 2.0) < 1.0)
                continue;
            if (fromStarts)
                shade(
                    bounds[i].second, i + 1 < bounds.size() ? bounds[i + 1].second : m_mapping.x1);
            else
                shade(i > 0 ? bounds[i - 1].second : -std::numeric_limits<double>::infinity(),
                    bounds[i].second);
        }
        haveBands = !bounds.empty();
    }
    m_markers->setMarkers(std::move(bands), std::move(lines));
}

void MetricChart::buildBadges()
{
    std::vector<ChartOverlay::Badge> badges;
    QStringList badgeNames;
    constexpr std::size_t MaxBadges = 6;
    std::size_t hidden = 0;
    for (const ChartRun& r : m_runs) {
        if (!r.run)
            continue;
        const Series* series = m_model.seriesOf(r.runId);
        if (!series)
            continue;
        const Series& s = *series;
        if (s.nonFinite().empty())
            continue;
        if (badges.size() >= MaxBadges) {
            ++hidden;
            continue;
        }
        QStringList parts;
        if (s.nanCount())
            parts << QStringLiteral("%1 NaN").arg(s.nanCount());
        if (s.posInfCount())
            parts << QStringLiteral("%1 +Inf").arg(s.posInfCount());
        if (s.negInfCount())
            parts << QStringLiteral("%1 -Inf").arg(s.negInfCount());
        ChartOverlay::Badge badge;
        badge.runId = r.runId;
        badge.color = r.color;
        badge.text = parts.join(QStringLiteral(", "));
        badges.push_back(std::move(badge));
        badgeNames << r.shownName();
    }
    // Names cut around where they differ: two diverged seeds of one sweep stay apart.
    if (m_runs.size() > 1) {
        const QStringList names = namesApart(badgeNames, MaxBadgeNameChars);
        for (std::size_t i = 0; i < badges.size(); ++i)
            badges[i].text =
                names.value(static_cast<qsizetype>(i)) + QStringLiteral(": ") + badges[i].text;
    }
    if (hidden > 0) {
        ChartOverlay::Badge more;
        more.text = QStringLiteral("%1 more runs with NaN/Inf").arg(hidden);
        badges.push_back(std::move(more));
    }
    m_overlay->setBadges(std::move(badges));
}

// ---- hover ---------------------------------------------------------------------------------

void MetricChart::setSyncedCrosshair(double x)
{
    m_syncedX = x;
    m_overlay->setCrosshair(std::isnan(x) || !m_mapping.isValid() ? NaN : m_mapping.px(x));
}

QList<HoverValue> MetricChart::valuesAt(double x) const
{
    QList<HoverValue> out;
    for (const CurveValue& c : m_model.valuesAt(x)) {
        HoverValue v;
        v.runId = c.runId;
        v.name = c.name;
        v.color = m_colors.value(c.runId);
        v.x = c.x;
        v.value = c.value;
        v.raw = c.raw;
        v.rawMax = c.rawMax;
        v.record = c.record;
        out.push_back(v);
    }
    return out;
}

void MetricChart::hoverAt(const QPointF& pos)
{
    const ChartOptions& options = m_model.options();
    const QRectF plot = m_mapping.rect;
    const int badge = m_overlay->badgeAt(pos);
    if (badge >= 0) {
        const auto& b = m_overlay->badges()[static_cast<std::size_t>(badge)];
        std::vector<ChartOverlay::TextLine> lines;
        const double x = firstNanX(b.runId);
        const double nonFinite = std::isnan(x) ? m_model.firstNonFiniteX(b.runId) : x;
        if (!std::isnan(nonFinite))
            lines.push_back({ b.color,
                QStringLiteral("Click: go to the first %1 at %2 %3")
                    .arg(std::isnan(x) ? QStringLiteral("Inf") : QStringLiteral("NaN"),
                        m_model.xTitle(), formatX(options.xMode, nonFinite)),
                false });
        m_overlay->setHoverBox(pos, std::move(lines));
        m_overlay->setCrosshair(NaN);
        setCursor(Qt::PointingHandCursor);
        return;
    }
    unsetCursor();
    if (!m_mapping.isValid() || !plot.contains(pos)) {
        clearHover();
        return;
    }
    const double x = m_mapping.xAt(pos.x());
    std::vector<ChartOverlay::TextLine> lines;
    const QList<CurveValue> values = m_model.valuesAt(x);
    // The header shows x as it was logged: the nearest point's (step 1712, not the cursor's
    // 1712.1291).
    lines.push_back({ QColor(),
        m_model.xTitle() + QLatin1Char(' ')
            + formatX(options.xMode, values.isEmpty() ? x : values.first().x),
        false });
    const bool smoothing = options.smoothing != SmoothingKind::None;
    // Sorted by value, at most MaxHoverRows around the line nearest the cursor (issue 12).
    const HoverValues::Window window =
        HoverValues::window(values, m_mapping.yAt(pos.y()), MaxHoverRows);
    if (window.moreAbove > 0)
        lines.push_back(
            { QColor(), QStringLiteral("+%1 more above").arg(window.moreAbove), false });
    QStringList rowNames;
    for (const CurveValue& v : window.rows)
        rowNames << v.name;
    rowNames = namesApart(rowNames, MaxHoverNameChars);
    for (qsizetype row = 0; row < window.rows.size(); ++row) {
        const CurveValue& v = window.rows[row];
        QString text = rowNames.value(row) + QStringLiteral(": ");
        if (v.group) {
            auto named = [](double value, const QString& member) {
                return member.isEmpty() ? formatValue(value)
                                        : formatValue(value) + QStringLiteral(" (")
                        + plainLabel(member, MaxMemberChars) + QLatin1Char(')');
            };
            text += formatValue(v.value) + QStringLiteral("  [") + named(v.raw, v.minName)
                + QStringLiteral(", ") + named(v.rawMax, v.maxName) + QLatin1Char(']');
        } else {
            text += formatValue(v.value);
            if (smoothing)
                text += QStringLiteral("  (raw ") + formatValue(v.raw) + QLatin1Char(')');
        }
        const qreal px = m_mapping.px(v.x);
        if (!(std::abs(px - pos.x()) < 8.0))
            text += QStringLiteral("  at ") + formatX(options.xMode, v.x);
        if (options.logY && v.value <= 0)
            text += QStringLiteral("  (<= 0: not drawn on a log axis)");
        if (options.logX && v.x <= 0)
            text += QStringLiteral("  (x <= 0: not drawn on a log axis)");
        lines.push_back({ m_colors.value(v.runId), text, !std::isfinite(v.value) });
    }
    if (window.moreBelow > 0)
        lines.push_back(
            { QColor(), QStringLiteral("+%1 more below").arg(window.moreBelow), false });
    // Non-finite points under the cursor, which have no line to hover.
    const PixelColumns cols = columns();
    const qreal dpr = devicePixelRatioF();
    for (const auto& curve : m_model.curves()) {
        if (curve->faintMember)
            continue; // the group's mean marks its non-finite points
        const DecimatedSeries& d = curve->isGroup() ? curve->line : curve->raw;
        auto near = [&](const std::vector<double>& xs, const char* what) {
            for (double nx : xs) {
                const qreal px = plot.left() + cols.pixelX(nx) / dpr;
                if (std::abs(px - pos.x()) <= HoverReach) {
                    lines.push_back({ m_colors.value(curve->runId),
                        plainLabel(curve->name, MaxNameChars) + QStringLiteral(": ")
                            + QLatin1String(what) + QStringLiteral(" at ")
                            + formatX(options.xMode, nx),
                        true });
                    return;
                }
            }
        };
        near(d.nanX, "NaN");
        near(d.posInfX, "+Inf");
        near(d.negInfX, "-Inf");
    }
    // Events under the cursor: their type and message, as plain text.
    int shown = 0;
    for (const EventHit& hit : m_eventHits) {
        if (std::abs(hit.px - pos.x()) > HoverReach)
            continue;
        const ChartRun* r = chartRun(hit.runId);
        if (!r || !r->run || hit.event >= r->run->events.size())
            continue;
        if (++shown > 8) {
            lines.push_back({ QColor(), QStringLiteral("… more events here"), false });
            break;
        }
        const RunEvent& ev = r->run->events[hit.event];
        const QString where = formatX(options.xMode, m_model.recordX(*r->run, ev.record));
        if (ev.kind == RunEvent::Kind::Error) {
            QString text = QStringLiteral("Error at %1: ").arg(where) + plainLabel(ev.type, 80);
            if (!ev.message.isEmpty())
                text += QStringLiteral(": ") + plainLabel(ev.message, 300);
            if (m_runs.size() > 1)
                text += QStringLiteral("  (") + plainLabel(r->shownName(), 40) + QLatin1Char(')');
            lines.push_back({ QColor(214, 39, 40), text, true });
        } else {
            lines.push_back({ r->color,
                QStringLiteral("Restart at %1 (resumed, step went backwards)").arg(where), false });
        }
    }
    m_overlay->setCrosshair(pos.x());
    m_overlay->setHoverBox(pos, std::move(lines));
    emit hovered(x);
}

void MetricChart::clearHover()
{
    m_overlay->setHoverBox({}, {});
    m_overlay->setCrosshair(
        std::isnan(m_syncedX) || !m_mapping.isValid() ? NaN : m_mapping.px(m_syncedX));
    emit hovered(NaN);
}

// ---- queries -------------------------------------------------------------------------------

const ChartRun* MetricChart::chartRun(int runId) const
{
    const ChartRun* found = nullptr;
    for (const ChartRun& r : m_runs) {
        if (r.runId == runId)
            found = &r;
    }
    return found;
}

double MetricChart::firstNanX(int runId) const
{
    return m_model.firstNanX(runId);
}

std::size_t MetricChart::nanCount(int runId) const
{
    return m_model.nanCount(runId);
}

const std::vector<double>* MetricChart::smoothedValues(int runId) const
{
    return m_model.smoothedValues(runId);
}

void MetricChart::writeCsvRows(QTextStream& out, XAxisMode mode)
{
    m_model.writeCsvRows(out, mode);
}

QImage MetricChart::renderImage(const QSize& size)
{
    if (size.isValid() && size != this->size())
        resize(size);
    // An off-screen widget gets its resize event only when shown or painted: deliver it now and
    // run the chart's layout, so that the plot area (and the decimation width) fit `size`.
    if (testAttribute(Qt::WA_PendingResizeEvent) || chart()->size() != QSizeF(viewport()->size())) {
        setAttribute(Qt::WA_PendingResizeEvent, false);
        QResizeEvent event(this->size(), this->size());
        QCoreApplication::sendEvent(this, &event);
    }
    refresh();
    // Run Qt's layout now (not at the next event loop turn): it fixes the plot area, and the
    // lines are re-decimated for its width.
    chart()->layout()->invalidate();
    chart()->layout()->activate();
    return grab().toImage();
}

} // namespace viewer
