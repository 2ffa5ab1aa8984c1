#include "metric_chart.hpp"

#include "chart_markers.hpp"
#include "chart_overlay.hpp"
#include "csv_format.hpp"
#include "log_ticks.hpp"
#include "min_max_pyramid.hpp"
#include "plain_label.hpp"
#include "robust_range.hpp"
#include "run.hpp"
#include "series_aggregation.hpp"
#include "series_layer.hpp"
#include "smoothing.hpp"
#include "smoothing_job.hpp"

#include <QActionGroup>
#include <QApplication>
#include <QChart>
#include <QContextMenuEvent>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QGraphicsLayout>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QCategoryAxis>
#include <QMenu>
#include <QMouseEvent>
#include <QPointer>
#include <QRubberBand>
#include <QTextStream>
#include <QThreadPool>
#include <QTimer>
#include <QValueAxis>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <limits>

namespace viewer {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr int MaxNameChars = 60; // legend and hover names; the full name is in the runs panel
constexpr qreal HoverReach = 5.0; // pixels: markers this close to the cursor are described
constexpr qreal GeometryMargin = 2000.0; // pixels around the plot inside which lines are kept
constexpr int InteractionFrameMs = 12; // wheel/drag redraws: at most one per frame
// Up to this many points to smooth (a whole series or the points appended since the last time),
// smoothing costs about a millisecond and is done in place; more go to a worker thread.
constexpr std::size_t InPlaceSmoothingPoints = 100000;
constexpr std::size_t SnapshotSlice = 262144; // points a smoothing job copies per event-loop turn

// x of point i of a series through one x mode of its run.
double pointX(const Series& s, const RecordTable::XColumn& column, std::size_t i)
{
    const std::uint32_t r = s.records()[i];
    return column.values ? column.values[r] - column.offset : static_cast<double>(r);
}

// [begin, end) point ranges of a series' segments (a restart starts a new one).
std::vector<std::pair<std::size_t, std::size_t>> segmentsOf(const Series& s)
{
    std::vector<std::pair<std::size_t, std::size_t>> out;
    std::size_t begin = 0;
    for (std::uint32_t start : s.segmentStarts()) {
        if (start > begin && start <= s.size())
            out.emplace_back(begin, start);
        begin = std::max<std::size_t>(begin, start);
    }
    if (begin < s.size())
        out.emplace_back(begin, s.size());
    return out;
}

// First index in [b, e) whose x is >= x (x is non-decreasing within a segment; a NaN x, a record
// before any step, sorts first).
template <class XOf> std::size_t lowerBound(std::size_t b, std::size_t e, double x, const XOf& xOf)
{
    while (b < e) {
        const std::size_t mid = b + (e - b) / 2;
        if (!(xOf(mid) >= x))
            b = mid + 1;
        else
            e = mid;
    }
    return b;
}

// The x extent of a segment of increasing x; only x > minExclusive counts (log axes: > 0).
template <class XOf>
bool segmentExtent(
    std::size_t b, std::size_t e, const XOf& xOf, bool positiveOnly, double& lo, double& hi)
{
    if (b >= e)
        return false;
    std::size_t first = positiveOnly
        ? lowerBound(b, e, std::nextafter(0.0, 1.0), xOf)
        : lowerBound(b, e, -std::numeric_limits<double>::infinity(), xOf);
    while (first < e && !std::isfinite(xOf(first)))
        ++first;
    if (first >= e)
        return false;
    std::size_t last = e - 1;
    while (last > first && !std::isfinite(xOf(last)))
        --last;
    lo = xOf(first);
    hi = xOf(last);
    return std::isfinite(lo) && std::isfinite(hi);
}

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

// Splits a decimated piece (pixel points, possibly far outside the plot or NaN where a log axis
// has no position) into polylines kept inside `bounds`: QPainter's rasteriser misbehaves with
// coordinates in the millions, and a NaN point must break the line, not join across it.
void addClippedPiece(const std::vector<QPointF>& pts, const QRectF& bounds,
    std::vector<QPolygonF>& out, std::vector<QPointF>& dots)
{
    auto finite = [](const QPointF& p) { return std::isfinite(p.x()) && std::isfinite(p.y()); };
    if (pts.size() == 1) {
        if (finite(pts[0]) && bounds.contains(pts[0]))
            dots.push_back(pts[0]);
        return;
    }
    QPolygonF current;
    auto finish = [&] {
        if (current.size() >= 2)
            out.push_back(std::move(current));
        else if (current.size() == 1 && bounds.contains(current[0]))
            dots.push_back(current[0]);
        current = QPolygonF();
    };
    for (std::size_t i = 1; i < pts.size(); ++i) {
        QPointF p = pts[i - 1];
        QPointF q = pts[i];
        if (!finite(p) || !finite(q)) {
            finish();
            continue;
        }
        if (bounds.contains(p) && bounds.contains(q)) {
            if (current.isEmpty())
                current << p;
            current << q;
            continue;
        }
        // Liang-Barsky clip of the segment p-q to bounds.
        double t0 = 0.0;
        double t1 = 1.0;
        const double dx = q.x() - p.x();
        const double dy = q.y() - p.y();
        const double pp[4] = { -dx, dx, -dy, dy };
        const double qq[4] = { p.x() - bounds.left(), bounds.right() - p.x(), p.y() - bounds.top(),
            bounds.bottom() - p.y() };
        bool visible = true;
        for (int k = 0; k < 4 && visible; ++k) {
            if (pp[k] == 0.0) {
                if (qq[k] < 0)
                    visible = false;
                continue;
            }
            const double t = qq[k] / pp[k];
            if (pp[k] < 0)
                t0 = std::max(t0, t);
            else
                t1 = std::min(t1, t);
            if (t0 > t1)
                visible = false;
        }
        if (!visible) {
            finish();
            continue;
        }
        const QPointF a(p.x() + t0 * dx, p.y() + t0 * dy);
        const QPointF b(p.x() + t1 * dx, p.y() + t1 * dy);
        if (current.isEmpty() || current.back() != a) {
            finish();
            current << a;
        }
        current << b;
        if (t1 < 1.0)
            finish();
    }
    finish();
}

} // namespace

// Smoothed values of one run's series, kept across repaints and extended as points arrive.
struct MetricChart::RunCache
{
    const Run* run = nullptr;
    SmoothingKind kind = SmoothingKind::None;
    double param = 0.0;
    std::size_t done = 0; // source points covered by `smoothed`
    std::vector<double> smoothed; // parallel to the series' values
    Smoothing::EmaState ema;
    MinMaxPyramid pyramid; // of `smoothed`, for the decimator
    // Bumped whenever what is smoothed, or how, changes: a job's result of an older generation is
    // stale and dropped.
    std::uint64_t generation = 0;
    std::shared_ptr<SmoothingJob> job; // copying or computing; its result is awaited
};

// One drawn line: a run (Overlay, or a group of one) or a group's mean (MeanBand).
struct MetricChart::Curve
{
    int runId = -1;
    QList<int> members; // MeanBand: the runs averaged (more than one)
    QColor color;
    QString name; // plain text
    // Reused across frames so that a redraw allocates nothing.
    DecimatedSeries raw;
    DecimatedSeries line;
    DecimatedSeries lower;
    DecimatedSeries upper;
    bool lineIsSmoothed = false; // Overlay: `line` holds the smoothed curve of this frame
    // MeanBand: the aggregate on a common x, rebuilt when a member changes.
    bool aggregateDirty = true;
    std::vector<double> aggX;
    std::vector<double> aggMean;
    std::vector<double> aggMin;
    std::vector<double> aggMax;
    std::vector<std::uint32_t> aggCount;
    MinMaxPyramid meanPyramid;
    MinMaxPyramid minPyramid;
    MinMaxPyramid maxPyramid;
    std::vector<std::uint32_t> meanNonFinite;
    std::vector<std::uint32_t> minNonFinite;
    std::vector<std::uint32_t> maxNonFinite;
};

MetricChart::MetricChart(const QString& key, QWidget* parent)
    : QChartView(new QChart, parent)
    , m_key(key)
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
    c->setTitle(plainLabel(m_key, 160).toHtmlEscaped());

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
    // Hovering repaints small strips of the chart: the curves come from a pixmap then, and are
    // drawn again only when their geometry changes.
    m_markers->setCacheMode(QGraphicsItem::DeviceCoordinateCache);
    m_layer->setCacheMode(QGraphicsItem::DeviceCoordinateCache);
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
    ensureAxes();
    applyTheme();
}

MetricChart::~MetricChart() = default;

void MetricChart::setRuns(const QList<ChartRun>& runs)
{
    m_runs = runs;
    QHash<int, std::shared_ptr<RunCache>> kept;
    for (const ChartRun& r : m_runs) {
        auto it = m_cache.find(r.runId);
        if (it != m_cache.end() && (*it)->run == r.run)
            kept.insert(r.runId, *it);
    }
    m_cache = std::move(kept);
    m_curves.clear();
    m_dirty = true;
}

void MetricChart::setOptions(const ChartOptions& options)
{
    if (options == m_options)
        return;
    const bool xChanged = options.xMode != m_options.xMode || options.logX != m_options.logX;
    m_options = options;
    m_curves.clear();
    if (xChanged) {
        m_fixedX.reset();
        m_fixedY.reset();
    } else if (m_options.logY && m_fixedY && m_fixedY->first <= 0) {
        m_fixedY.reset();
    }
    m_dirty = true;
}

void MetricChart::setXRange(double x0, double x1)
{
    if (!(x1 > x0) || !std::isfinite(x0) || !std::isfinite(x1))
        return;
    if (m_options.logX && x0 <= 0)
        return;
    if (m_fixedX && m_fixedX->first == x0 && m_fixedX->second == x1)
        return;
    m_fixedX = std::make_pair(x0, x1);
    m_dirty = true;
}

void MetricChart::setAutoXRange()
{
    if (!m_fixedX)
        return;
    m_fixedX.reset();
    m_dirty = true;
}

void MetricChart::resetYRange()
{
    if (!m_fixedY)
        return;
    m_fixedY.reset();
    m_dirty = true;
}

void MetricChart::dataChanged(const QList<int>& runIds)
{
    bool touched = false;
    for (const ChartRun& r : m_runs) {
        if (!runIds.contains(r.runId))
            continue;
        touched = true;
        // A series appearing in a run that had none changes the set of curves.
        if (r.run && r.run->findSeries(m_key) >= 0) {
            bool present = false;
            for (const auto& c : m_curves)
                present = present || c->runId == r.runId || c->members.contains(r.runId);
            if (!present)
                m_curves.clear();
        }
    }
    if (!touched)
        return;
    for (auto& curve : m_curves) {
        for (int id : curve->members) {
            if (runIds.contains(id))
                curve->aggregateDirty = true;
        }
    }
    m_dirty = true;
}

bool MetricChart::dataXExtent(double& x0, double& x1) const
{
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    for (const ChartRun& r : m_runs) {
        if (!r.run)
            continue;
        const int index = r.run->findSeries(m_key);
        if (index < 0)
            continue;
        const Series& s = r.run->series[static_cast<std::size_t>(index)];
        const auto column = r.run->records.xColumn(m_options.xMode);
        auto xOf = [&](std::size_t i) { return pointX(s, column, i); };
        for (const auto& [b, e] : segmentsOf(s)) {
            double a = 0;
            double z = 0;
            if (segmentExtent(b, e, xOf, m_options.logX, a, z)) {
                lo = std::min(lo, a);
                hi = std::max(hi, z);
            }
        }
    }
    if (!(lo <= hi))
        return false;
    x0 = lo;
    x1 = hi;
    return true;
}

void MetricChart::rebuildCurves()
{
    m_curves.clear();
    QList<const ChartRun*> withSeries;
    for (const ChartRun& r : m_runs) {
        if (r.run && r.run->findSeries(m_key) >= 0)
            withSeries.push_back(&r);
    }
    auto nameOf = [](const ChartRun& r) {
        return r.run->displayName.isEmpty() ? r.run->id : r.run->displayName;
    };
    if (m_options.groupMode == GroupMode::Overlay) {
        for (const ChartRun* r : withSeries) {
            auto curve = std::make_unique<Curve>();
            curve->runId = r->runId;
            curve->color = r->color;
            curve->name = nameOf(*r);
            m_curves.push_back(std::move(curve));
        }
        return;
    }
    // MeanBand: groups in the order their first run appears.
    QList<int> groupOrder;
    QHash<int, QList<const ChartRun*>> groups;
    for (const ChartRun* r : withSeries) {
        const int g = r->group >= 0 ? r->group : -1 - r->runId;
        if (!groups.contains(g))
            groupOrder.push_back(g);
        groups[g].push_back(r);
    }
    for (int g : groupOrder) {
        const QList<const ChartRun*>& members = groups[g];
        auto curve = std::make_unique<Curve>();
        curve->runId = members.front()->runId;
        curve->color = members.front()->color;
        if (members.size() == 1) {
            curve->name = nameOf(*members.front());
        } else {
            for (const ChartRun* r : members)
                curve->members.push_back(r->runId);
            // Named after what the members share: their file, else their folder (per-rank files).
            QString name = nameOf(*members.front());
            const QString source = members.front()->run->sourcePath;
            bool sameSource = true;
            for (const ChartRun* r : members)
                sameSource = sameSource && r->run->sourcePath == source;
            const QString folder = QFileInfo(source).dir().dirName();
            if (!sameSource && !folder.isEmpty() && folder != QLatin1String("."))
                name = folder;
            curve->name = QStringLiteral("%1 (mean of %2)").arg(name).arg(members.size());
        }
        m_curves.push_back(std::move(curve));
    }
}

void MetricChart::updateSmoothing(
    const std::shared_ptr<RunCache>& cachePtr, const Series& series, bool wait)
{
    RunCache& cache = *cachePtr;
    const std::vector<double>& values = series.values();
    const bool same = cache.kind == m_options.smoothing && cache.param == m_options.smoothingParam
        && cache.done <= values.size();
    if (!same) {
        cache.kind = m_options.smoothing;
        cache.param = m_options.smoothingParam;
        cache.done = 0;
        cache.smoothed.clear();
        cache.ema = {};
        cache.pyramid.clear();
        cache.job.reset();
        ++cache.generation;
    }
    if (cache.kind == SmoothingKind::None || cache.done == values.size())
        return;
    if (wait && cache.job) {
        cache.job.reset(); // computed here instead: its result will be stale
        ++cache.generation;
    }
    if (!wait) {
        if (cache.job)
            return; // extended when its result arrives
        if (values.size() - cache.done > InPlaceSmoothingPoints) {
            // Recomputed from the start on a worker; the raw line is drawn meanwhile.
            cache.done = 0;
            cache.smoothed.clear();
            cache.ema = {};
            cache.pyramid.clear();
            ++cache.generation;
            cache.job =
                std::make_shared<SmoothingJob>(cache.generation, cache.kind, cache.param, series);
            // Even the first slice is copied later: this call returns at once.
            QTimer::singleShot(
                0, this, [this, weak = std::weak_ptr<RunCache>(cachePtr), job = cache.job] {
                    continueSmoothingJob(weak, job);
                });
            return;
        }
    }
    // Both smoothings follow a growing series: the EMA appends (earlier values never change), the
    // moving average also recomputes the last half window, whose values change as points arrive.
    switch (cache.kind) {
    case SmoothingKind::None:
        return;
    case SmoothingKind::Ema:
        Smoothing::appendEma(
            values, cache.param, cache.ema, cache.smoothed, series.segmentStarts());
        cache.pyramid.appended(cache.smoothed);
        break;
    case SmoothingKind::MovingAverage: {
        const int window = std::max(1, static_cast<int>(std::lround(cache.param)));
        if (cache.done == 0) {
            cache.smoothed = Smoothing::movingAverage(values, window, series.segmentStarts());
            cache.pyramid.rebuild(cache.smoothed);
        } else {
            const std::size_t rewritten = Smoothing::updateMovingAverage(
                values, window, cache.smoothed, series.segmentStarts());
            cache.pyramid.changedFrom(cache.smoothed, rewritten);
        }
        break;
    }
    }
    cache.done = values.size();
}

void MetricChart::continueSmoothingJob(
    const std::weak_ptr<RunCache>& weak, const std::shared_ptr<SmoothingJob>& job)
{
    const std::shared_ptr<RunCache> cache = weak.lock();
    if (!cache || cache->job != job || job->generation() != cache->generation)
        return; // superseded before its copy was complete
    const int index = cache->run->findSeries(m_key);
    if (index < 0)
        return;
    if (!job->copyStep(cache->run->series[static_cast<std::size_t>(index)], SnapshotSlice)) {
        QTimer::singleShot(0, this, [this, weak, job] { continueSmoothingJob(weak, job); });
        return;
    }
    ++m_smoothingJobsStarted;
    QPointer<MetricChart> self(this);
    QThreadPool::globalInstance()->start([self, weak, job] {
        job->run();
        // Handed back through the application object, which outlives any chart.
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, weak, job] {
                if (self)
                    self->acceptSmoothing(weak, job);
            },
            Qt::QueuedConnection);
    });
}

void MetricChart::acceptSmoothing(
    const std::weak_ptr<RunCache>& weak, const std::shared_ptr<SmoothingJob>& job)
{
    const std::shared_ptr<RunCache> cache = weak.lock();
    if (!cache || job->generation() != cache->generation) {
        ++m_staleSmoothingResults;
        return;
    }
    cache->smoothed = std::move(job->smoothed());
    cache->pyramid = std::move(job->pyramid());
    cache->ema = job->emaState();
    cache->done = job->size();
    cache->job.reset();
    m_dirty = true;
    if (isVisible())
        refresh(); // points appended since the snapshot are smoothed in place here
}

void MetricChart::finishSmoothing()
{
    if (m_options.smoothing == SmoothingKind::None)
        return;
    for (const ChartRun& r : m_runs) {
        const Series* s = seriesOf(r.runId);
        if (!s)
            continue;
        auto& cache = m_cache[r.runId];
        if (!cache || cache->run != r.run) {
            cache = std::make_shared<RunCache>();
            cache->run = r.run;
        }
        if (cache->done != s->size() || cache->kind != m_options.smoothing
            || cache->param != m_options.smoothingParam) {
            updateSmoothing(cache, *s, true);
            m_dirty = true;
        }
    }
}

bool MetricChart::isSmoothingPending() const
{
    for (const auto& cache : m_cache) {
        if (cache->job)
            return true;
    }
    return false;
}

void MetricChart::ensureAxes()
{
    QChart* c = chart();
    // Every axis type is created once and kept: only the active x and y axes are visible and
    // attached. Removing an axis from a QChart leaves its labels and grid behind in Qt Charts 6.4
    // (its item groups are not children of the axis item that gets hidden).
    if (m_axes.empty()) {
        auto* logX = new QCategoryAxis;
        auto* logY = new QCategoryAxis;
        for (QCategoryAxis* axis : { logX, logY })
            axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
        m_axes = { new QValueAxis, logX, new QDateTimeAxis, new QValueAxis, logY };
        for (std::size_t i = 0; i < m_axes.size(); ++i) {
            m_axes[i]->setVisible(false);
            c->addAxis(m_axes[i], i < 3 ? Qt::AlignBottom : Qt::AlignLeft);
        }
    }
    const bool wall = m_options.xMode == XAxisMode::Wall;
    QAbstractAxis* wantX = wall ? m_axes[2] : m_options.logX ? m_axes[1] : m_axes[0];
    QAbstractAxis* wantY = m_options.logY ? m_axes[4] : m_axes[3];
    const bool changed = wantX != m_axisX || wantY != m_axisY;
    if (changed) {
        for (QLineSeries* s : m_legendSeries) {
            for (QAbstractAxis* a : s->attachedAxes())
                s->detachAxis(a);
        }
        for (QAbstractAxis* a : m_axes)
            a->setVisible(a == wantX || a == wantY);
        m_axisX = wantX;
        m_axisY = wantY;
        for (QLineSeries* s : m_legendSeries) {
            s->attachAxis(m_axisX);
            s->attachAxis(m_axisY);
        }
        applyTheme();
    }
    m_axisX->setTitleText(xModeTitle(m_options.xMode).toHtmlEscaped());
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
        refresh();
}

void MetricChart::resizeEvent(QResizeEvent* event)
{
    QChartView::resizeEvent(event);
    // Tick spacing and the y axis follow the new size at the next turn of the event loop (a
    // window resize sends many of these); a chart out of view waits until it is seen.
    m_dirty = true;
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

void MetricChart::refresh()
{
    m_dirty = false;
    m_decimationStale = true; // data, options or runs may have changed since the last one
    if (m_curves.empty())
        rebuildCurves();
    ensureAxes();

    // Legend: one empty Qt series per curve, only for its marker and (escaped) label.
    while (m_legendSeries.size() < m_curves.size()) {
        auto* s = new QLineSeries;
        chart()->addSeries(s);
        s->attachAxis(m_axisX);
        s->attachAxis(m_axisY);
        m_legendSeries.push_back(s);
    }
    while (m_legendSeries.size() > m_curves.size()) {
        QLineSeries* s = m_legendSeries.back();
        m_legendSeries.pop_back();
        chart()->removeSeries(s);
        delete s;
    }
    for (std::size_t i = 0; i < m_curves.size(); ++i) {
        const QString label = plainLabel(m_curves[i]->name, MaxNameChars).toHtmlEscaped();
        if (m_legendSeries[i]->name() != label)
            m_legendSeries[i]->setName(label);
        if (m_legendSeries[i]->color() != m_curves[i]->color) {
            QPen pen(m_curves[i]->color, 2.0);
            m_legendSeries[i]->setPen(pen);
        }
    }
    // One run needs no legend (the runs panel shows its color); two or more, or a group, do.
    chart()->legend()->setVisible(
        m_curves.size() > 1 || (m_curves.size() == 1 && !m_curves.front()->members.isEmpty()));

    for (const ChartRun& r : m_runs) {
        if (!r.run || m_options.smoothing == SmoothingKind::None)
            continue;
        const int index = r.run->findSeries(m_key);
        if (index < 0)
            continue;
        auto& cache = m_cache[r.runId];
        if (!cache || cache->run != r.run) {
            cache = std::make_shared<RunCache>();
            cache->run = r.run;
        }
        updateSmoothing(cache, r.run->series[static_cast<std::size_t>(index)], false);
    }
    for (auto& curve : m_curves) {
        if (!curve->members.isEmpty() && curve->aggregateDirty)
            updateAggregate(*curve);
    }

    // x range: fixed by the user or the grid, else the data's extent.
    double x0 = 0;
    double x1 = 1;
    if (m_fixedX) {
        x0 = m_fixedX->first;
        x1 = m_fixedX->second;
    } else if (dataXExtent(x0, x1)) {
        if (x1 <= x0) {
            if (m_options.logX) {
                x0 /= 2;
                x1 *= 2;
            } else {
                x0 -= 0.5;
                x1 += 0.5;
            }
        }
    } else {
        x0 = m_options.logX ? 1.0 : 0.0;
        x1 = m_options.logX ? 10.0 : 1.0;
    }
    m_mapping.x0 = x0;
    m_mapping.x1 = x1;
    m_mapping.logX = m_options.logX && m_options.xMode != XAxisMode::Wall;
    m_mapping.logY = m_options.logY;
    // The plot area is known only after Qt's layout; before the first one, estimate it so that
    // the y range (min/max of the decimated points, exact at any width) is right from the start.
    const QRectF plot = chart()->plotArea();
    m_mapping.rect = plot.width() > 1 && plot.height() > 1
        ? plot
        : QRectF(60, 30, std::max(width() - 80, 10), std::max(height() - 110, 10));
    decimate();
    computeYRange();
    applyAxisRanges();
    buildGeometry();
}

void MetricChart::relayout()
{
    // Called from the chart's layout pass: only the geometry follows the new plot area. Axis
    // ranges and ticks are not touched here (Qt Charts would not lay out their new labels).
    m_inRelayout = true;
    m_mapping.rect = chart()->plotArea();
    decimate();
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

void MetricChart::decimate()
{
    const PixelColumns cols = columns();
    // The chart's layout pass often reports a plot area that moved or changed height only: the
    // pixel columns are the same, and so are the decimated points.
    if (!m_decimationStale && cols.x0 == m_decimatedFor.x0 && cols.x1 == m_decimatedFor.x1
        && cols.width == m_decimatedFor.width && cols.logX == m_decimatedFor.logX)
        return;
    m_decimationStale = false;
    m_decimatedFor = cols;
    for (auto& curve : m_curves) {
        curve->raw.clear();
        curve->line.clear();
        curve->lower.clear();
        curve->upper.clear();
    }
    if (!cols.isValid())
        return;
    for (auto& curve : m_curves) {
        if (!curve->members.isEmpty()) {
            if (curve->aggX.empty())
                continue;
            auto source = [&](const std::vector<double>& y, const MinMaxPyramid& pyramid,
                              const std::vector<std::uint32_t>& nonFinite) {
                Decimator::Source src;
                src.values = &y;
                src.pyramid = &pyramid;
                src.x = curve->aggX.data();
                src.nonFinite = &nonFinite;
                return src;
            };
            Decimator::decimate(source(curve->aggMean, curve->meanPyramid, curve->meanNonFinite),
                cols, curve->line);
            Decimator::decimate(
                source(curve->aggMin, curve->minPyramid, curve->minNonFinite), cols, curve->lower);
            Decimator::decimate(
                source(curve->aggMax, curve->maxPyramid, curve->maxNonFinite), cols, curve->upper);
            continue;
        }
        const ChartRun* r = nullptr;
        for (const ChartRun& candidate : m_runs) {
            if (candidate.runId == curve->runId)
                r = &candidate;
        }
        if (!r || !r->run)
            continue;
        const int index = r->run->findSeries(m_key);
        if (index < 0)
            continue;
        const Series& s = r->run->series[static_cast<std::size_t>(index)];
        const auto column = r->run->records.xColumn(m_options.xMode);
        Decimator::decimate(s, column, cols, curve->raw);
        const auto cache = m_cache.value(curve->runId);
        curve->lineIsSmoothed = m_options.smoothing != SmoothingKind::None && cache
            && cache->done == s.size() && cache->smoothed.size() == s.size();
        if (curve->lineIsSmoothed) {
            Decimator::Source src;
            src.values = &cache->smoothed;
            src.pyramid = &cache->pyramid;
            src.records = &s.records();
            src.xColumn = column;
            src.segmentStarts = &s.segmentStarts();
            src.nonFinite = &s.nonFinite(); // smoothing keeps NaN/Inf exactly where they are
            Decimator::decimate(src, cols, curve->line);
        }
    }
}

void MetricChart::computeYRange()
{
    if (m_fixedY) {
        m_mapping.y0 = m_fixedY->first;
        m_mapping.y1 = m_fixedY->second;
        return;
    }
    const bool log = m_options.logY;
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    // What the y range looks at: the raw values of each run (a smoothed line lies inside them),
    // or a group's min and max; only the points inside the visible x range.
    struct Part
    {
        const std::vector<double>* y;
        const MinMaxPyramid* pyramid;
        const DecimatedSeries* decimated;
    };
    std::vector<Part> parts;
    for (const auto& curve : m_curves) {
        if (curve->members.isEmpty()) {
            if (const Series* s = seriesOf(curve->runId))
                parts.push_back({ &s->values(), &s->pyramid(), &curve->raw });
        } else {
            parts.push_back({ &curve->aggMin, &curve->minPyramid, &curve->lower });
            parts.push_back({ &curve->aggMax, &curve->maxPyramid, &curve->upper });
        }
    }
    for (const Part& part : parts) {
        double a = 0;
        double b = 0;
        bool found = false;
        if (m_options.ignoreOutliers) {
            RobustRange::Options robust;
            robust.padding = 0.0;
            found = RobustRange::quantileRange(*part.y, part.decimated->visible, robust, a, b);
        } else if (!log) {
            found = RobustRange::finiteRange(
                *part.y, *part.pyramid, part.decimated->visible, 0.0, a, b);
        }
        if (log) {
            // A log axis shows values > 0 only: the smallest positive one is among the decimated
            // points (each column keeps its min, and its first and last point).
            double positive = std::numeric_limits<double>::infinity();
            double top = -std::numeric_limits<double>::infinity();
            for (const QPointF& p : part.decimated->points) {
                if (p.x() < m_mapping.x0 || p.x() > m_mapping.x1 || !(p.y() > 0)
                    || !std::isfinite(p.y()))
                    continue;
                positive = std::min(positive, p.y());
                top = std::max(top, p.y());
            }
            if (!found) {
                a = positive;
                b = top;
            } else {
                a = std::max(a, positive);
            }
            found = a <= b;
        }
        if (found) {
            lo = std::min(lo, a);
            hi = std::max(hi, b);
        }
    }
    if (!(lo <= hi)) {
        lo = log ? 0.1 : 0.0;
        hi = log ? 10.0 : 1.0;
    }
    if (log) {
        const double span = std::log10(hi) - std::log10(lo);
        const double pad = span > 0 ? span * 0.04 : 0.3;
        lo = std::pow(10.0, std::log10(lo) - pad);
        hi = std::pow(10.0, std::log10(hi) + pad);
    } else {
        RobustRange::pad(lo, hi, 0.05);
    }
    m_mapping.y0 = lo;
    m_mapping.y1 = hi;
}

void MetricChart::applyAxisRanges()
{
    // Tick spacing from the widget's size, not the plot area's: the plot area depends on the
    // labels, which depend on the spacing, and Qt Charts does not settle that loop by itself.
    const double w = std::max(width() - 90, 100);
    const double h = std::max(height() - 120, 60);
    if (auto* timeAxis = qobject_cast<QDateTimeAxis*>(m_axisX)) {
        const double span = m_mapping.x1 - m_mapping.x0;
        timeAxis->setFormat(span < 120 ? QStringLiteral("HH:mm:ss.zzz")
                : span < 86400         ? QStringLiteral("HH:mm:ss")
                                       : QStringLiteral("MM-dd HH:mm"));
        timeAxis->setTickCount(std::clamp(static_cast<int>(w / 120), 2, 8));
        timeAxis->setRange(
            QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(std::floor(m_mapping.x0 * 1000.0))),
            QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(std::ceil(m_mapping.x1 * 1000.0))));
    } else if (auto* logAxis = qobject_cast<QCategoryAxis*>(m_axisX)) {
        configureLogAxis(logAxis, m_mapping.x0, m_mapping.x1, w, 70);
    } else if (auto* valueAxis = qobject_cast<QValueAxis*>(m_axisX)) {
        configureValueAxis(valueAxis, m_mapping.x0, m_mapping.x1, w, 90);
    }
    if (auto* logAxis = qobject_cast<QCategoryAxis*>(m_axisY))
        configureLogAxis(logAxis, m_mapping.y0, m_mapping.y1, h, 30);
    else if (auto* valueAxis = qobject_cast<QValueAxis*>(m_axisY))
        configureValueAxis(valueAxis, m_mapping.y0, m_mapping.y1, h, 36);
}

void MetricChart::buildGeometry()
{
    const QRectF plot = m_mapping.rect;
    m_layer->setPlotArea(plot);
    m_markers->setPlotArea(plot);
    m_overlay->setAreas(QRectF(QPointF(0, 0), chart()->size()), plot);
    if (!m_mapping.isValid()) {
        m_layer->setCurves({});
        m_markers->setMarkers({}, {});
        m_overlay->setBadges({});
        return;
    }
    const PixelColumns cols = columns();
    const qreal dpr = devicePixelRatioF();
    const QRectF bounds =
        plot.adjusted(-GeometryMargin, -GeometryMargin, GeometryMargin, GeometryMargin);
    // x at the centre of the decimator's pixel column: the line is then exactly the line of all
    // points (see Decimator); y through the plot's linear or log mapping.
    auto toPixel = [&](const QPointF& p) {
        return QPointF(plot.left() + cols.pixelX(p.x()) / dpr, m_mapping.py(p.y()));
    };
    auto markerPx = [&](const std::vector<double>& xs) {
        std::vector<qreal> out;
        out.reserve(xs.size());
        for (double x : xs) {
            const qreal px = plot.left() + cols.pixelX(x) / dpr;
            if (px >= plot.left() - 0.5 && px <= plot.right() + 0.5)
                out.push_back(px);
        }
        return out;
    };
    auto addPieces = [&](const DecimatedSeries& d, LayerCurve& out) {
        std::vector<QPointF> pts;
        for (std::size_t k = 0; k < d.pieceCount(); ++k) {
            pts.clear();
            for (std::size_t i = d.pieceStarts[k]; i < d.pieceEnd(k); ++i)
                pts.push_back(toPixel(d.points[i]));
            addClippedPiece(pts, bounds, out.pieces, out.dots);
        }
    };
    std::vector<LayerCurve> layers;
    const bool smoothing = m_options.smoothing != SmoothingKind::None;
    for (const auto& curve : m_curves) {
        if (!curve->members.isEmpty()) {
            LayerCurve band;
            band.color = curve->color;
            // Min and max share x and breaks: piece k of each bounds band k.
            if (curve->lower.pieceCount() == curve->upper.pieceCount()) {
                for (std::size_t k = 0; k < curve->upper.pieceCount(); ++k) {
                    QPolygonF poly;
                    for (std::size_t i = curve->upper.pieceStarts[k]; i < curve->upper.pieceEnd(k);
                         ++i)
                        poly << toPixel(curve->upper.points[i]);
                    for (std::size_t i = curve->lower.pieceEnd(k);
                         i-- > curve->lower.pieceStarts[k];)
                        poly << toPixel(curve->lower.points[i]);
                    bool ok = true;
                    for (const QPointF& p : poly)
                        ok = ok && std::isfinite(p.x()) && std::isfinite(p.y());
                    if (ok && poly.size() >= 3)
                        band.bands.push_back(std::move(poly));
                }
            }
            LayerCurve mean;
            mean.color = curve->color;
            mean.width = 1.8;
            addPieces(curve->line, mean);
            mean.nanPx = markerPx(curve->line.nanX);
            mean.posInfPx = markerPx(curve->line.posInfX);
            mean.negInfPx = markerPx(curve->line.negInfX);
            mean.bands = std::move(band.bands);
            layers.push_back(std::move(mean));
            continue;
        }
        // Until its smoothed line is computed, a curve is drawn as the raw line alone.
        const bool smoothed = smoothing && curve->lineIsSmoothed;
        LayerCurve raw;
        raw.color = curve->color;
        raw.faint = smoothed;
        raw.width = smoothed ? 1.0 : 1.5;
        addPieces(curve->raw, raw);
        // Markers come from the raw values: smoothing must not hide a NaN.
        raw.nanPx = markerPx(curve->raw.nanX);
        raw.posInfPx = markerPx(curve->raw.posInfX);
        raw.negInfPx = markerPx(curve->raw.negInfX);
        if (smoothed) {
            LayerCurve line;
            line.color = curve->color;
            line.width = 1.8;
            addPieces(curve->line, line);
            line.nanPx = std::move(raw.nanPx);
            line.posInfPx = std::move(raw.posInfPx);
            line.negInfPx = std::move(raw.negInfPx);
            layers.push_back(std::move(raw));
            layers.push_back(std::move(line));
        } else {
            layers.push_back(std::move(raw));
        }
    }
    m_layer->setCurves(std::move(layers));
    buildMarkers();
    buildBadges();
    if (!std::isnan(m_syncedX))
        m_overlay->setCrosshair(m_mapping.px(m_syncedX));
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
            double x = records.x(m_options.xMode, ev.record);
            if (ev.kind == RunEvent::Kind::EpochBegin || ev.kind == RunEvent::Kind::EpochEnd) {
                if (!std::isfinite(x))
                    x = -std::numeric_limits<double>::infinity();
                (ev.kind == RunEvent::Kind::EpochBegin ? starts : ends).emplace_back(ev.epoch, x);
                continue;
            }
            if (!std::isfinite(x))
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
    constexpr std::size_t MaxBadges = 6;
    std::size_t hidden = 0;
    for (const ChartRun& r : m_runs) {
        if (!r.run)
            continue;
        const int index = r.run->findSeries(m_key);
        if (index < 0)
            continue;
        const Series& s = r.run->series[static_cast<std::size_t>(index)];
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
        badge.text = (m_runs.size() > 1 ? plainLabel(r.run->displayName, 24) + QStringLiteral(": ")
                                        : QString())
            + parts.join(QStringLiteral(", "));
        badges.push_back(std::move(badge));
    }
    if (hidden > 0) {
        ChartOverlay::Badge more;
        more.text = QStringLiteral("%1 more runs with NaN/Inf").arg(hidden);
        badges.push_back(std::move(more));
    }
    m_overlay->setBadges(std::move(badges));
}

void MetricChart::updateAggregate(Curve& curve)
{
    curve.aggregateDirty = false;
    std::vector<SeriesAggregation::Curve> inputs;
    std::vector<std::vector<double>> xs; // x of smoothed curves, which aggregate as arrays
    xs.reserve(static_cast<std::size_t>(curve.members.size()));
    for (int id : curve.members) {
        const Run* run = nullptr;
        const Series* s = seriesOf(id, &run);
        if (!s)
            continue;
        const auto column = run->records.xColumn(m_options.xMode);
        const auto cache = m_cache.value(id);
        if (m_options.smoothing != SmoothingKind::None && cache && cache->done == s->size()
            && cache->smoothed.size() == s->size()) {
            std::vector<double>& x = xs.emplace_back(s->size());
            for (std::size_t i = 0; i < s->size(); ++i)
                x[i] = pointX(*s, column, i);
            inputs.push_back(SeriesAggregation::fromArrays(x, cache->smoothed));
        } else {
            inputs.push_back(SeriesAggregation::fromSeries(*s, column));
        }
    }
    SeriesAggregation::Result result = SeriesAggregation::aggregate(inputs);
    curve.aggX = std::move(result.x);
    curve.aggMean = std::move(result.mean);
    curve.aggMin = std::move(result.min);
    curve.aggMax = std::move(result.max);
    curve.aggCount = std::move(result.count);
    auto nonFinite = [](const std::vector<double>& y, std::vector<std::uint32_t>& out) {
        out.clear();
        for (std::size_t i = 0; i < y.size(); ++i) {
            if (!std::isfinite(y[i]))
                out.push_back(static_cast<std::uint32_t>(i));
        }
    };
    curve.meanPyramid.rebuild(curve.aggMean);
    curve.minPyramid.rebuild(curve.aggMin);
    curve.maxPyramid.rebuild(curve.aggMax);
    nonFinite(curve.aggMean, curve.meanNonFinite);
    nonFinite(curve.aggMin, curve.minNonFinite);
    nonFinite(curve.aggMax, curve.maxNonFinite);
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
    const bool smoothing = m_options.smoothing != SmoothingKind::None;
    for (const auto& curve : m_curves) {
        HoverValue v;
        v.runId = curve->runId;
        v.name = curve->name;
        v.color = curve->color;
        if (!curve->members.isEmpty()) {
            const auto& xs = curve->aggX;
            if (xs.empty())
                continue;
            auto xOf = [&](std::size_t i) { return xs[i]; };
            std::size_t i = lowerBound(0, xs.size(), x, xOf);
            if (i == xs.size() || (i > 0 && std::abs(xs[i - 1] - x) <= std::abs(xs[i] - x)))
                --i;
            v.x = xs[i];
            v.value = curve->aggMean[i];
            v.raw = curve->aggMin[i];
            v.rawMax = curve->aggMax[i];
            out.push_back(v);
            continue;
        }
        const ChartRun* r = nullptr;
        for (const ChartRun& candidate : m_runs) {
            if (candidate.runId == curve->runId)
                r = &candidate;
        }
        if (!r || !r->run)
            continue;
        const int index = r->run->findSeries(m_key);
        if (index < 0)
            continue;
        const Series& s = r->run->series[static_cast<std::size_t>(index)];
        const auto column = r->run->records.xColumn(m_options.xMode);
        auto xOf = [&](std::size_t i) { return pointX(s, column, i); };
        std::size_t best = s.size();
        double bestDistance = std::numeric_limits<double>::infinity();
        for (const auto& [b, e] : segmentsOf(s)) {
            const std::size_t i = lowerBound(b, e, x, xOf);
            for (std::size_t c : { i > b ? i - 1 : e, i }) {
                if (c >= e)
                    continue;
                const double d = std::abs(xOf(c) - x);
                // Ties go to the later segment: after a restart the resumed run is the live one.
                if (d <= bestDistance) {
                    bestDistance = d;
                    best = c;
                }
            }
        }
        if (best >= s.size())
            continue;
        v.x = xOf(best);
        v.raw = s.values()[best];
        v.value = v.raw;
        v.record = s.records()[best];
        const auto cache = m_cache.value(curve->runId);
        if (smoothing && cache && best < cache->smoothed.size())
            v.value = cache->smoothed[best];
        out.push_back(v);
    }
    return out;
}

void MetricChart::hoverAt(const QPointF& pos)
{
    const QRectF plot = m_mapping.rect;
    const int badge = m_overlay->badgeAt(pos);
    if (badge >= 0) {
        const auto& b = m_overlay->badges()[static_cast<std::size_t>(badge)];
        std::vector<ChartOverlay::TextLine> lines;
        const double x = firstNanX(b.runId);
        const double nonFinite = std::isnan(x) ? firstNonFiniteX(b.runId) : x;
        if (!std::isnan(nonFinite))
            lines.push_back({ b.color,
                QStringLiteral("Click: go to the first %1 at %2 %3")
                    .arg(std::isnan(x) ? QStringLiteral("Inf") : QStringLiteral("NaN"),
                        xModeTitle(m_options.xMode), formatX(m_options.xMode, nonFinite)),
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
    lines.push_back({ QColor(),
        xModeTitle(m_options.xMode) + QLatin1Char(' ') + formatX(m_options.xMode, x), false });
    const bool smoothing = m_options.smoothing != SmoothingKind::None;
    const QList<HoverValue> values = valuesAt(x);
    for (const HoverValue& v : values) {
        QString text = plainLabel(v.name, MaxNameChars) + QStringLiteral(": ");
        const bool group = v.runId >= 0 && [&] {
            for (const auto& c : m_curves) {
                if (c->runId == v.runId)
                    return !c->members.isEmpty();
            }
            return false;
        }();
        if (group) {
            text += formatValue(v.value) + QStringLiteral("  [") + formatValue(v.raw)
                + QStringLiteral(", ") + formatValue(v.rawMax) + QLatin1Char(']');
        } else {
            text += formatValue(v.value);
            if (smoothing)
                text += QStringLiteral("  (raw ") + formatValue(v.raw) + QLatin1Char(')');
        }
        const qreal px = m_mapping.px(v.x);
        if (!(std::abs(px - pos.x()) < 8.0))
            text += QStringLiteral("  at ") + formatX(m_options.xMode, v.x);
        if (m_options.logY && v.value <= 0)
            text += QStringLiteral("  (<= 0: not drawn on a log axis)");
        if (m_options.logX && v.x <= 0)
            text += QStringLiteral("  (x <= 0: not drawn on a log axis)");
        lines.push_back({ v.color, text, !std::isfinite(v.value) });
    }
    // Non-finite points under the cursor, which have no line to hover.
    const PixelColumns cols = columns();
    const qreal dpr = devicePixelRatioF();
    for (const auto& curve : m_curves) {
        const DecimatedSeries& d = curve->members.isEmpty() ? curve->raw : curve->line;
        auto near = [&](const std::vector<double>& xs, const char* what) {
            for (double nx : xs) {
                const qreal px = plot.left() + cols.pixelX(nx) / dpr;
                if (std::abs(px - pos.x()) <= HoverReach) {
                    lines.push_back({ curve->color,
                        plainLabel(curve->name, MaxNameChars) + QStringLiteral(": ")
                            + QLatin1String(what) + QStringLiteral(" at ")
                            + formatX(m_options.xMode, nx),
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
        const ChartRun* r = nullptr;
        for (const ChartRun& candidate : m_runs) {
            if (candidate.runId == hit.runId)
                r = &candidate;
        }
        if (!r || !r->run || hit.event >= r->run->events.size())
            continue;
        if (++shown > 8) {
            lines.push_back({ QColor(), QStringLiteral("… more events here"), false });
            break;
        }
        const RunEvent& ev = r->run->events[hit.event];
        const QString where =
            formatX(m_options.xMode, r->run->records.x(m_options.xMode, ev.record));
        if (ev.kind == RunEvent::Kind::Error) {
            QString text = QStringLiteral("Error at %1: ").arg(where) + plainLabel(ev.type, 80);
            if (!ev.message.isEmpty())
                text += QStringLiteral(": ") + plainLabel(ev.message, 300);
            if (m_runs.size() > 1)
                text +=
                    QStringLiteral("  (") + plainLabel(r->run->displayName, 40) + QLatin1Char(')');
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

const Series* MetricChart::seriesOf(int runId, const Run** run) const
{
    for (const ChartRun& r : m_runs) {
        if (r.runId != runId || !r.run)
            continue;
        const int index = r.run->findSeries(m_key);
        if (index < 0)
            return nullptr;
        if (run)
            *run = r.run;
        return &r.run->series[static_cast<std::size_t>(index)];
    }
    return nullptr;
}

double MetricChart::firstNanX(int runId) const
{
    const Run* run = nullptr;
    const Series* s = seriesOf(runId, &run);
    if (!s || s->nanCount() == 0)
        return NaN;
    for (std::uint32_t i : s->nonFinite()) {
        if (std::isnan(s->values()[i]))
            return run->records.x(m_options.xMode, s->records()[i]);
    }
    return NaN;
}

double MetricChart::firstNonFiniteX(int runId) const
{
    const Run* run = nullptr;
    const Series* s = seriesOf(runId, &run);
    if (!s || s->nonFinite().empty())
        return NaN;
    return run->records.x(m_options.xMode, s->records()[s->nonFinite().front()]);
}

std::size_t MetricChart::nanCount(int runId) const
{
    const Series* s = seriesOf(runId);
    return s ? s->nanCount() : 0;
}

const std::vector<double>* MetricChart::smoothedValues(int runId) const
{
    const Series* s = seriesOf(runId);
    const auto cache = m_cache.value(runId);
    if (!s || !cache || m_options.smoothing == SmoothingKind::None || cache->done != s->size())
        return nullptr;
    return &cache->smoothed;
}

void MetricChart::writeCsvRows(QTextStream& out, XAxisMode mode)
{
    const bool smoothing = m_options.smoothing != SmoothingKind::None;
    const QString metric = csvText(m_key);
    for (const ChartRun& r : m_runs) {
        const Run* run = nullptr;
        const Series* s = seriesOf(r.runId, &run);
        if (!s)
            continue;
        const std::vector<double>* smoothed = nullptr;
        if (smoothing) {
            // A chart out of view may not have smoothed its newest points yet.
            auto& cache = m_cache[r.runId];
            if (!cache || cache->run != run) {
                cache = std::make_shared<RunCache>();
                cache->run = run;
            }
            updateSmoothing(cache, *s, true);
            smoothed = &cache->smoothed;
        }
        const QString name = csvText(run->displayName.isEmpty() ? run->id : run->displayName);
        const auto column = run->records.xColumn(mode);
        for (std::size_t i = 0; i < s->size(); ++i) {
            out << name << ',' << metric << ',' << csvNumber(pointX(*s, column, i)) << ','
                << csvNumber(s->values()[i]) << ',';
            if (smoothed && i < smoothed->size())
                out << csvNumber((*smoothed)[i]);
            out << '\n';
        }
    }
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
    return m_axisX ? m_axisX->titleText() : QString();
}

QString MetricChart::xModeTitle(XAxisMode mode)
{
    switch (mode) {
    case XAxisMode::Step:
        return QStringLiteral("step");
    case XAxisMode::Epoch:
        return QStringLiteral("epoch");
    case XAxisMode::Wall:
        return QStringLiteral("wall clock");
    case XAxisMode::Relative:
        return QStringLiteral("relative time (s)");
    case XAxisMode::Sequence:
        return QStringLiteral("record");
    }
    return {};
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
        return QString::number(x, 'f', x < 100 ? 3 : 1) + QStringLiteral(" s");
    default:
        if (x == std::floor(x) && std::abs(x) < 1e15)
            return QString::number(static_cast<qint64>(x));
        return QString::number(x, 'g', 8);
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
                x = firstNonFiniteX(runId);
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
        if (m_fixedY) {
            const double ya = PlotMapping::axisValue(m.y0, m.logY);
            const double yb = PlotMapping::axisValue(m.y1, m.logY);
            const double yshift = dy / m.rect.height() * (yb - ya);
            auto yback = [&](double v) { return m.logY ? std::pow(10.0, v) : v; };
            m_fixedY = std::make_pair(yback(ya + yshift), yback(yb + yshift));
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
                    m_fixedY = std::make_pair(y0, y1);
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

void MetricChart::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton) {
        QChartView::mouseDoubleClickEvent(event);
        return;
    }
    m_fixedY.reset();
    m_fixedX.reset();
    m_dirty = true;
    refresh();
    emit resetRequested();
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
        m_fixedY = std::make_pair(back(c - (c - ya) * factor), back(c + (yb - c) * factor));
        m_dirty = true;
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
    ChartOptions o = m_options;
    auto apply = [this](const ChartOptions& next) {
        setOptions(next);
        refresh();
        emit optionsEdited();
    };
    menu.addAction(tr("Reset zoom"), this, [this] {
        m_fixedY.reset();
        m_fixedX.reset();
        m_dirty = true;
        refresh();
        emit resetRequested();
    });
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
    for (XAxisMode mode : { XAxisMode::Step, XAxisMode::Epoch, XAxisMode::Wall, XAxisMode::Relative,
             XAxisMode::Sequence }) {
        QAction* a = xMenu->addAction(xModeTitle(mode));
        a->setCheckable(true);
        a->setChecked(o.xMode == mode);
        xGroup->addAction(a);
        connect(a, &QAction::triggered, this, [apply, o, mode]() mutable {
            o.xMode = mode;
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
        const Series* s = seriesOf(r.runId);
        if (!s || s->nonFinite().empty())
            continue;
        if (!anyNan)
            menu.addSeparator();
        anyNan = true;
        const double x =
            std::isnan(firstNanX(r.runId)) ? firstNonFiniteX(r.runId) : firstNanX(r.runId);
        menu.addAction(tr("Go to first %1 of %2")
                           .arg(s->nanCount() ? QStringLiteral("NaN") : QStringLiteral("Inf"),
                               plainLabel(r.run->displayName, 40)),
            this, [this, x] { emit goToXRequested(x); });
    }
    menu.exec(event->globalPos());
}

} // namespace viewer
