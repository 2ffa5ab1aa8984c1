#include "curve_model.hpp"

#include "curve_csv.hpp"
#include "hover_values.hpp"
#include "parallel_chunks.hpp"
#include "run.hpp"
#include "series_x.hpp"
#include "smoothed_curves.hpp"
#include "y_range.hpp"

#include <QDir>
#include <QFileInfo>
#include <QHash>

#include <cmath>
#include <limits>

namespace viewer {

QString shownRunName(const Run* run, const QString& name)
{
    if (!name.isEmpty())
        return name;
    if (!run)
        return {};
    return run->displayName.isEmpty() ? run->id : run->displayName;
}

using SeriesX::pointX;
using SeriesX::segmentsOf;

namespace {

// Where a series' line breaks: at every restart, except in GlobalStep mode and against an x
// metric (tokens seen go on across epochs), where only an x going back (a resume from a
// checkpoint) breaks it.
std::vector<std::uint32_t> segmentStartsIn(
    const Series& s, const ChartOptions& options, const RecordTable::XColumn& column)
{
    return options.xMode == XAxisMode::GlobalStep || !options.xMetric.isEmpty()
        ? SeriesX::segmentStartsWhereXGoesBack(s, column)
        : s.segmentStarts();
}

} // namespace

CurveModel::CurveModel(QString key)
    : m_key(std::move(key))
    , m_smoothing(std::make_unique<SmoothedCurves>(m_key))
{
}

CurveModel::~CurveModel() = default;

void CurveModel::setRuns(const QList<CurveRun>& runs)
{
    m_runs = runs;
    m_xExtent.reset();
    m_runAt.clear();
    m_runAt.reserve(m_runs.size());
    for (qsizetype i = 0; i < m_runs.size(); ++i) {
        if (m_runs[i].run && !m_runAt.contains(m_runs[i].runId))
            m_runAt.insert(m_runs[i].runId, i);
    }
    applyOptions(effective(m_requested));
    QHash<int, const Run*> shown;
    for (const CurveRun& r : m_runs)
        shown.insert(r.runId, r.run);
    m_smoothing->keepOnly(shown);
    m_curves.clear();
    m_metricX.clear(); // a run may be freed once it is no longer shown
}

QString CurveModel::xMetricKey(const Run& run) const
{
    const QString& metric = m_options.xMetric;
    QString tag = m_key.left(m_key.indexOf(QLatin1Char('/')));
    // The viewer's derived/* series are made at step_end records (step duration) or any record
    // (records per second): they read a bare name from step_end.
    if (tag == QLatin1String("derived"))
        tag = QStringLiteral("step_end");
    QString own = MetricXColumn::seriesKey(tag, metric);
    if (run.findSeries(own) < 0 && metric.contains(QLatin1Char('/')) && run.findSeries(metric) >= 0)
        return metric;
    return own;
}

RecordTable::XColumn CurveModel::xColumnOf(const Run& run) const
{
    if (m_options.xMetric.isEmpty())
        return run.records.xColumn(m_options.xMode);
    const QString key = xMetricKey(run);
    auto it = m_metricX.find(&run);
    if (it == m_metricX.end() || it->second.key() != key)
        it = m_metricX.insert_or_assign(&run, MetricXColumn(key)).first;
    return it->second.update(run);
}

bool CurveModel::hasX(const Run& run) const
{
    return m_options.xMetric.isEmpty() || run.findSeries(xMetricKey(run)) >= 0;
}

double CurveModel::recordX(const Run& run, std::uint32_t record) const
{
    if (m_options.xMetric.isEmpty())
        return run.records.x(m_options.xMode, record);
    const RecordTable::XColumn column = xColumnOf(run);
    return column.values && record < run.records.size() ? column.values[record] - column.offset
                                                        : std::numeric_limits<double>::quiet_NaN();
}

bool CurveModel::xMetricMissing() const
{
    if (m_options.xMetric.isEmpty())
        return false;
    bool anySeries = false;
    for (const CurveRun& r : m_runs) {
        if (!r.run || r.run->findSeries(m_key) < 0)
            continue;
        anySeries = true;
        if (hasX(*r.run))
            return false;
    }
    return anySeries;
}

QString CurveModel::xTitle() const
{
    if (m_options.xMetric.isEmpty())
        return xAxisTitle(m_options.xMode);
    for (const CurveRun& r : m_runs) {
        if (r.run && r.run->findSeries(m_key) >= 0 && hasX(*r.run))
            return xMetricKey(*r.run);
    }
    return QStringLiteral("%1 (not logged with %2)")
        .arg(m_options.xMetric, m_key.left(m_key.indexOf(QLatin1Char('/'))));
}

ChartOptions CurveModel::effective(const ChartOptions& requested) const
{
    ChartOptions o = requested;
    if (!o.smoothingChosen && o.smoothing == SmoothingKind::None
        && m_key.startsWith(QLatin1String("step_end/"))) {
        for (const CurveRun& r : m_runs) {
            const Series* s = seriesOf(r.runId);
            if (s && s->size() > ChartOptions::DefaultSmoothingMinPoints) {
                o.smoothing = SmoothingKind::Ema;
                o.smoothingParam = ChartOptions::DefaultEmaWeight;
                break;
            }
        }
    }
    if (o.xModeChosen || o.xMode != XAxisMode::Step || !o.xMetric.isEmpty())
        return o;
    for (const CurveRun& r : m_runs) {
        if (r.run && r.run->findSeries(m_key) >= 0 && r.run->records.stepCounterRestarts()) {
            o.xMode = XAxisMode::GlobalStep;
            break;
        }
    }
    return o;
}

bool CurveModel::setOptions(const ChartOptions& options)
{
    if (options == m_requested)
        return false;
    m_requested = options;
    applyOptions(effective(options));
    return true;
}

bool CurveModel::applyOptions(const ChartOptions& options)
{
    if (options == m_options)
        return false;
    m_xExtent.reset();
    const bool xChanged = options.xMode != m_options.xMode || options.logX != m_options.logX
        || options.xMetric != m_options.xMetric;
    m_options = options;
    if (xChanged)
        m_metricX.clear();
    m_curves.clear();
    if (xChanged) {
        m_fixedX.reset();
        m_fixedY.reset();
    } else if (m_options.logY && m_fixedY && m_fixedY->first <= 0) {
        m_fixedY.reset();
    }
    return true;
}

bool CurveModel::setXRange(double x0, double x1)
{
    if (!(x1 > x0) || !std::isfinite(x0) || !std::isfinite(x1))
        return false;
    if (m_options.logX && x0 <= 0)
        return false;
    if (m_fixedX && m_fixedX->first == x0 && m_fixedX->second == x1)
        return false;
    m_fixedX = std::make_pair(x0, x1);
    return true;
}

bool CurveModel::setAutoXRange()
{
    if (!m_fixedX)
        return false;
    m_fixedX.reset();
    return true;
}

bool CurveModel::dataChanged(const QList<int>& runIds)
{
    bool touched = false;
    for (const CurveRun& r : m_runs) {
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
        return false;
    m_xExtent.reset();
    for (auto& curve : m_curves) {
        for (int id : curve->members) {
            if (runIds.contains(id))
                curve->aggregateDirty = true;
        }
    }
    return true;
}

bool CurveModel::dataXExtent(double& x0, double& x1) const
{
    if (!m_xExtent) {
        XExtent e;
        e.found = computeDataXExtent(e.x0, e.x1);
        m_xExtent = e;
    }
    if (!m_xExtent->found)
        return false;
    x0 = m_xExtent->x0;
    x1 = m_xExtent->x1;
    return true;
}

bool CurveModel::computeDataXExtent(double& x0, double& x1) const
{
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    for (const CurveRun& r : m_runs) {
        const Run* run = nullptr;
        const Series* s = seriesOf(r.runId, &run);
        if (!s)
            continue;
        if (!hasX(*run))
            continue;
        const auto column = xColumnOf(*run);
        auto xOf = [&](std::size_t i) { return pointX(*s, column, i); };
        for (const auto& [b, e] : segmentsOf(*s, segmentStartsIn(*s, m_options, column))) {
            double a = 0;
            double z = 0;
            if (SeriesX::segmentExtent(b, e, xOf, m_options.logX, a, z)) {
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

void CurveModel::rebuildCurves()
{
    m_curves.clear();
    QList<const CurveRun*> withSeries;
    for (const CurveRun& r : m_runs) {
        if (r.run && r.run->findSeries(m_key) >= 0 && hasX(*r.run))
            withSeries.push_back(&r); // (a run without the --x metric has nothing to draw)
    }
    auto nameOf = [](const CurveRun& r) { return r.shownName(); };
    if (m_options.groupMode == GroupMode::Overlay) {
        for (const CurveRun* r : withSeries) {
            auto curve = std::make_unique<Curve>();
            curve->runId = r->runId;
            curve->name = nameOf(*r);
            m_curves.push_back(std::move(curve));
        }
        return;
    }
    // MeanBand: groups in the order their first run appears.
    QList<int> groupOrder;
    QHash<int, QList<const CurveRun*>> groups;
    for (const CurveRun* r : withSeries) {
        const int g = r->group >= 0 ? r->group : -1 - r->runId;
        if (!groups.contains(g))
            groupOrder.push_back(g);
        groups[g].push_back(r);
    }
    for (int g : groupOrder) {
        const QList<const CurveRun*>& members = groups[g];
        auto curve = std::make_unique<Curve>();
        curve->runId = members.front()->runId;
        if (members.size() == 1) {
            curve->name = nameOf(*members.front());
        } else {
            for (const CurveRun* r : members) {
                curve->members.push_back(r->runId);
                if (m_options.groupMembersFaint) {
                    auto member = std::make_unique<Curve>();
                    member->runId = r->runId;
                    member->name = nameOf(*r);
                    member->faintMember = true;
                    m_curves.push_back(std::move(member));
                }
            }
            // Named after what the members share: their file, else their folder (per-rank files).
            QString name = nameOf(*members.front());
            const QString source = members.front()->run->sourcePath;
            bool sameSource = true;
            for (const CurveRun* r : members)
                sameSource = sameSource && r->run->sourcePath == source;
            const QString folder = QFileInfo(source).dir().dirName();
            if (!sameSource && !folder.isEmpty() && folder != QLatin1String("."))
                name = folder;
            if (!members.front()->groupName.isEmpty())
                name = members.front()->groupName;
            curve->name = QStringLiteral("%1 (mean of %2)").arg(name).arg(members.size());
        }
        m_curves.push_back(std::move(curve));
    }
}

void CurveModel::update()
{
    m_decimationStale = true; // data, options or runs may have changed since the last one
    m_xExtent.reset();
    forgetPendingDecimation();
    // A step counter that restarted since (a followed run entered its second epoch).
    if ((!m_requested.xModeChosen && m_options.xMode == XAxisMode::Step)
        || (!m_requested.smoothingChosen && m_options.smoothing == SmoothingKind::None))
        applyOptions(effective(m_requested));
    if (m_curves.empty())
        rebuildCurves();
    if (m_options.smoothing != SmoothingKind::None) {
        std::vector<SmoothedCurves::Item> items;
        items.reserve(static_cast<std::size_t>(m_runs.size()));
        for (const CurveRun& r : m_runs) {
            if (const Series* s = seriesOf(r.runId))
                items.push_back({ r.runId, r.run, s });
        }
        m_smoothing->updateAll(items, m_options.smoothing, m_options.smoothingParam);
    }
    for (auto& curve : m_curves) {
        if (curve->isGroup() && curve->aggregateDirty)
            updateAggregate(*curve);
    }
}

// A live group whose members only append (no restart, raw values) changes only at x at or after
// the smallest of its members' last aggregated x: the rest of the aggregate is kept, and the
// members' points from there on are aggregated again. Per batch O(what was appended, plus what a
// lagging member leaves open), not O(the store).
bool CurveModel::extendAggregate(Curve& curve)
{
    if (m_options.smoothing != SmoothingKind::None
        || curve.aggregatedSizes.size() != static_cast<std::size_t>(curve.members.size())
        || curve.aggregate.empty())
        return false;
    struct Member
    {
        const Series* series;
        RecordTable::XColumn column;
    };
    std::vector<Member> members;
    double cut = std::numeric_limits<double>::infinity();
    for (qsizetype m = 0; m < curve.members.size(); ++m) {
        const Run* run = nullptr;
        const Series* s = seriesOf(curve.members[m], &run);
        const std::size_t done = curve.aggregatedSizes[static_cast<std::size_t>(m)];
        if (!s || !s->segmentStarts().empty() || done == 0 || done > s->size())
            return false;
        const auto column = xColumnOf(*run);
        const double last = pointX(*s, column, done - 1);
        if (!std::isfinite(last))
            return false;
        cut = std::min(cut, last);
        members.push_back({ s, column });
    }
    std::vector<std::vector<double>> xs(members.size());
    std::vector<std::vector<double>> ys(members.size());
    std::vector<SeriesAggregation::Curve> tails;
    for (std::size_t m = 0; m < members.size(); ++m) {
        const Series& s = *members[m].series;
        auto xOf = [&](std::size_t i) { return pointX(s, members[m].column, i); };
        for (std::size_t i = SeriesX::lowerBound(0, s.size(), cut, xOf); i < s.size(); ++i) {
            const double x = xOf(i);
            if (!(xs[m].empty() || x >= xs[m].back()))
                return false; // x went back (or NaN) without a restart: rebuild whole
            xs[m].push_back(x);
            ys[m].push_back(s.values()[i]);
        }
        tails.push_back(SeriesAggregation::fromArrays(xs[m], ys[m]));
    }
    curve.aggregate.replaceFrom(cut, tails);
    for (std::size_t m = 0; m < members.size(); ++m)
        curve.aggregatedSizes[m] = members[m].series->size();
    return true;
}

void CurveModel::updateAggregate(Curve& curve)
{
    curve.aggregateDirty = false;
    if (extendAggregate(curve))
        return;
    curve.aggregatedSizes.clear();
    std::vector<SeriesAggregation::Curve> inputs;
    std::vector<std::vector<double>> xs; // x of smoothed curves, which aggregate as arrays
    xs.reserve(static_cast<std::size_t>(curve.members.size()));
    for (int id : curve.members) {
        const Run* run = nullptr;
        const Series* s = seriesOf(id, &run);
        if (!s)
            continue;
        const auto column = xColumnOf(*run);
        const std::vector<double>* smoothed = smoothedValues(id);
        if (smoothed) {
            std::vector<double>& x = xs.emplace_back(s->size());
            for (std::size_t i = 0; i < s->size(); ++i)
                x[i] = pointX(*s, column, i);
            inputs.push_back(SeriesAggregation::fromArrays(x, *smoothed));
        } else {
            inputs.push_back(SeriesAggregation::fromSeries(*s, column));
        }
        curve.aggregatedSizes.push_back(s->size());
    }
    curve.aggregate.rebuild(inputs);
    if (curve.aggregatedSizes.size() != static_cast<std::size_t>(curve.members.size()))
        curve.aggregatedSizes.clear();
}

std::pair<double, double> CurveModel::xRange() const
{
    if (m_fixedX)
        return *m_fixedX;
    double x0 = 0;
    double x1 = 1;
    if (dataXExtent(x0, x1)) {
        if (x1 <= x0) {
            if (m_options.logX) {
                x0 /= 2;
                x1 *= 2;
            } else {
                x0 -= 0.5;
                x1 += 0.5;
            }
        }
        return { x0, x1 };
    }
    return m_options.logX ? std::make_pair(1.0, 10.0) : std::make_pair(0.0, 1.0);
}

void CurveModel::forgetPendingDecimation()
{
    // The sources point into the runs, which may change (or go) before the next decimateLater().
    m_sources.clear();
    for (auto& curve : m_curves)
        curve->decimationPending = false;
}

void CurveModel::releaseDecimatedPoints()
{
    for (std::size_t c = 0; c < m_curves.size(); ++c)
        releaseDecimatedPoints(c);
}

void CurveModel::releaseDecimatedPoints(std::size_t curve)
{
    Curve& c = *m_curves.at(curve);
    for (DecimatedSeries* d : { &c.raw, &c.line, &c.lower, &c.upper }) {
        std::vector<QPointF>().swap(d->points);
        std::vector<std::uint32_t>().swap(d->indices);
        std::vector<std::uint32_t>().swap(d->pieceStarts);
        std::vector<IndexRange>().swap(d->visible);
    }
    m_decimationStale = true;
}

void CurveModel::decimate(const PixelColumns& cols)
{
    decimateLater(cols);
    m_trimDecimated = true; // kept until the next decimation
    ParallelChunks::run(m_curves.size(), 8, [this](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i)
            decimateCurve(i);
    });
}

void CurveModel::decimateLater(const PixelColumns& cols)
{
    // The chart's layout pass often reports a plot area that moved or changed height only: the
    // pixel columns are the same, and so are the decimated points.
    if (!m_decimationStale && cols.x0 == m_decimatedFor.x0 && cols.x1 == m_decimatedFor.x1
        && cols.width == m_decimatedFor.width && cols.logX == m_decimatedFor.logX)
        return;
    m_decimationStale = false;
    m_decimatedFor = cols;
    m_trimDecimated = false; // CurveGeometry frees each curve's points once it is in pixels
    m_sources.assign(m_curves.size(), CurveSource {});
    for (auto& curve : m_curves) {
        curve->raw.clear();
        curve->line.clear();
        curve->lower.clear();
        curve->upper.clear();
        curve->decimationPending = false;
    }
    if (!cols.isValid())
        return;
    // What each run's curve reads, found here (an x metric's column is brought up to date on
    // this thread); the decimation itself touches only its own curve, on any thread.
    for (std::size_t i = 0; i < m_curves.size(); ++i) {
        Curve& curve = *m_curves[i];
        curve.decimationPending = true;
        if (curve.isGroup())
            continue;
        const Run* run = nullptr;
        CurveSource& source = m_sources[i];
        source.series = seriesOf(curve.runId, &run);
        if (!source.series)
            continue;
        source.column = xColumnOf(*run);
        source.smoothed = smoothedValues(curve.runId);
        source.smoothedPyramid = source.smoothed ? m_smoothing->pyramid(curve.runId) : nullptr;
    }
    if (m_options.logY) {
        // The log axis' y range reads the decimated points (its smallest positive value).
        ParallelChunks::run(m_curves.size(), 8, [this](std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i)
                decimateCurve(i);
        });
    }
}

void CurveModel::decimateCurve(std::size_t i)
{
    if (i >= m_curves.size() || i >= m_sources.size() || !m_curves[i]->decimationPending)
        return;
    Curve& curve = *m_curves[i];
    curve.decimationPending = false;
    decimateCurve(curve, m_sources[i], m_decimatedFor, m_trimDecimated);
}

void CurveModel::decimateCurve(
    Curve& curve, const CurveSource& source, const PixelColumns& cols, bool trim) const
{
    if (curve.isGroup()) {
        const GroupAggregate& agg = curve.aggregate;
        if (agg.empty())
            return;
        auto aggregateSource = [&](const std::vector<double>& y, const MinMaxPyramid& pyramid,
                                   const std::vector<std::uint32_t>& nonFinite) {
            Decimator::Source src;
            src.values = &y;
            src.pyramid = &pyramid;
            src.x = agg.x.data();
            src.nonFinite = &nonFinite;
            src.trim = trim;
            return src;
        };
        Decimator::decimate(
            aggregateSource(agg.mean, agg.meanPyramid, agg.meanNonFinite), cols, curve.line);
        Decimator::decimate(
            aggregateSource(agg.min, agg.minPyramid, agg.minNonFinite), cols, curve.lower);
        Decimator::decimate(
            aggregateSource(agg.max, agg.maxPyramid, agg.maxNonFinite), cols, curve.upper);
        return;
    }
    const Series* s = source.series;
    if (!s)
        return;
    const std::vector<std::uint32_t> starts = segmentStartsIn(*s, m_options, source.column);
    Decimator::Source rawSource;
    rawSource.values = &s->values();
    rawSource.pyramid = &s->pyramid();
    rawSource.records = &s->records();
    rawSource.xColumn = source.column;
    rawSource.segmentStarts = &starts;
    rawSource.nonFinite = &s->nonFinite();
    rawSource.trim = trim;
    Decimator::decimate(rawSource, cols, curve.raw);
    curve.lineIsSmoothed = source.smoothed != nullptr;
    if (source.smoothed) {
        Decimator::Source src = rawSource;
        src.values = source.smoothed;
        src.pyramid = source.smoothedPyramid;
        // Smoothing keeps NaN/Inf exactly where they are: the raw values' list serves.
        Decimator::decimate(src, cols, curve.line);
    }
}

std::pair<double, double> CurveModel::yRange(double x0, double x1) const
{
    if (m_fixedY)
        return *m_fixedY;
    // What the y range looks at: the drawn line of each run (its smoothed values when smoothing
    // is on: the range fits the smoothed lines, the faint raw shadow may be clipped), or a
    // group's min and max.
    std::vector<YRange::Part> parts;
    for (const auto& curve : m_curves) {
        if (curve->faintMember)
            continue; // inside its group's band, unless smoothed: the band sets the range
        if (!curve->isGroup()) {
            const Run* run = nullptr;
            const Series* s = seriesOf(curve->runId, &run);
            if (!s)
                continue;
            const auto column = xColumnOf(*run);
            auto xOf = [&](std::size_t i) { return pointX(*s, column, i); };
            const auto segments = segmentsOf(*s, segmentStartsIn(*s, m_options, column));
            const std::vector<double>* smoothed = smoothedValues(curve->runId);
            const MinMaxPyramid* smoothedPyramid =
                smoothed ? m_smoothing->pyramid(curve->runId) : nullptr;
            if (smoothed && smoothedPyramid) {
                parts.push_back(
                    { smoothed, smoothedPyramid, YRange::pointsInside(segments, xOf, x0, x1),
                        &curve->line.points, &s->values() });
                continue;
            }
            parts.push_back({ &s->values(), &s->pyramid(),
                YRange::pointsInside(segments, xOf, x0, x1), &curve->raw.points });
            continue;
        }
        const GroupAggregate& agg = curve->aggregate;
        auto xOf = [&](std::size_t i) { return agg.x[i]; };
        const std::vector<std::pair<std::size_t, std::size_t>> all { { 0, agg.x.size() } };
        const std::vector<IndexRange> inside = YRange::pointsInside(all, xOf, x0, x1);
        parts.push_back({ &agg.min, &agg.minPyramid, inside, &curve->lower.points });
        parts.push_back({ &agg.max, &agg.maxPyramid, inside, &curve->upper.points });
    }
    YRange::Options options;
    options.logY = m_options.logY;
    options.ignoreOutliers = m_options.ignoreOutliers;
    return YRange::automatic(parts, x0, x1, options);
}

// ---- queries -------------------------------------------------------------------------------

const CurveRun* CurveModel::runOf(int runId) const
{
    const CurveRun* found = nullptr;
    for (const CurveRun& r : m_runs) {
        if (r.runId == runId)
            found = &r;
    }
    return found;
}

const Series* CurveModel::seriesOf(int runId, const Run** run) const
{
    const auto at = m_runAt.constFind(runId);
    if (at == m_runAt.cend())
        return nullptr;
    const CurveRun& r = m_runs[*at];
    const int index = r.run->findSeries(m_key);
    if (index < 0)
        return nullptr;
    if (run)
        *run = r.run;
    return &r.run->series[static_cast<std::size_t>(index)];
}

double CurveModel::firstNanX(int runId) const
{
    const Run* run = nullptr;
    const Series* s = seriesOf(runId, &run);
    if (!s || s->nanCount() == 0)
        return std::numeric_limits<double>::quiet_NaN();
    for (std::uint32_t i : s->nonFinite()) {
        if (std::isnan(s->values()[i]))
            return recordX(*run, s->records()[i]);
    }
    return std::numeric_limits<double>::quiet_NaN();
}

double CurveModel::firstNonFiniteX(int runId) const
{
    const Run* run = nullptr;
    const Series* s = seriesOf(runId, &run);
    if (!s || s->nonFinite().empty())
        return std::numeric_limits<double>::quiet_NaN();
    return recordX(*run, s->records()[s->nonFinite().front()]);
}

std::size_t CurveModel::nanCount(int runId) const
{
    const Series* s = seriesOf(runId);
    return s ? s->nanCount() : 0;
}

bool CurveModel::finishSmoothing()
{
    if (m_options.smoothing == SmoothingKind::None)
        return false;
    bool changed = false;
    for (const CurveRun& r : m_runs) {
        if (const Series* s = seriesOf(r.runId))
            changed = m_smoothing->update(
                          r.runId, r.run, *s, m_options.smoothing, m_options.smoothingParam, true)
                || changed;
    }
    return changed;
}

const std::vector<double>* CurveModel::smoothedValues(int runId) const
{
    if (m_options.smoothing == SmoothingKind::None)
        return nullptr;
    const Series* s = seriesOf(runId);
    return s ? m_smoothing->values(runId, *s) : nullptr;
}

QList<CurveValue> CurveModel::valuesAt(double x) const
{
    return HoverValues::at(*this, x);
}

void CurveModel::writeCsvRows(QTextStream& out, XAxisMode mode)
{
    CurveCsv::writeRows(*this, out, mode);
}

} // namespace viewer
