#include "chart_grid.hpp"

#include "csv_format.hpp"
#include "curve_model.hpp"
#include "metric_chart.hpp"
#include "run.hpp"
#include "steady_range.hpp"
#include "workspace.hpp"

#include <QLabel>
#include <QSaveFile>
#include <QScrollArea>
#include <QScrollBar>
#include <QShortcut>
#include <QTextStream>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>
#include <limits>
#include <utility>

namespace viewer {

namespace {

constexpr int RefreshIntervalMs = 33; // <= 30 coalesced redraws per second
constexpr int InteractionFrameMs = 16; // charts following another one's zoom or pan
// Charts made ahead of a scroll (near the view, not in it) are drawn once the view has been idle
// this long: the charts in view come first (5,000 runs: about 1.5 s per chart).
constexpr int AheadIdleMs = 500;
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

int modeKey(XAxisMode mode)
{
    return static_cast<int>(mode);
}

QString csvXHeader(XAxisMode mode)
{
    return xAxisCsvHeader(mode);
}

} // namespace

ChartGrid::ChartGrid(Workspace* workspace, QWidget* parent)
    : QWidget(parent)
    , m_workspace(workspace)
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_scroll = new QScrollArea(this);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // No layout: the grid places the charts near the view itself (chart_grid_layout.cpp).
    m_container = new QWidget(m_scroll);
    m_placeholder = new QLabel(m_container);
    m_placeholder->setTextFormat(Qt::PlainText);
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_scroll->setWidget(m_container);
    m_scroll->viewport()->installEventFilter(this);
    outer->addWidget(m_scroll);

    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    m_timer->setInterval(RefreshIntervalMs);
    connect(m_timer, &QTimer::timeout, this, [this] { refresh(false, false); });
    m_interaction = new QTimer(this);
    m_interaction->setSingleShot(true);
    m_interaction->setInterval(InteractionFrameMs);
    connect(m_interaction, &QTimer::timeout, this, [this] {
        forEachChart([this](MetricChart* chart) {
            if (chart->isDirty() && isShown(chart))
                chart->refresh();
        });
    });
    m_ahead = new QTimer(this);
    m_ahead->setSingleShot(true);
    m_ahead->setInterval(AheadIdleMs);
    connect(m_ahead, &QTimer::timeout, this, [this] { refresh(true, false); });
    m_fill = new QTimer(this);
    m_fill->setSingleShot(true);
    m_fill->setInterval(0);
    connect(m_fill, &QTimer::timeout, this, [this] { updateViewport(ChartsPerTurn); });
    m_escape = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    m_escape->setContext(Qt::WidgetWithChildrenShortcut);
    m_escape->setEnabled(false);
    connect(m_escape, &QShortcut::activated, this, [this] { setMaximizedChart(QString()); });
    // Charts scrolled into view are created, or catch up on what they missed while hidden.
    connect(m_scroll->verticalScrollBar(), &QScrollBar::valueChanged, this, [this] {
        updateViewport(ChartsPerTurn);
        scheduleRefresh();
    });

    if (m_workspace) {
        connect(m_workspace, &Workspace::runAdded, this,
            [this](int runId) { addRun(runId, nullptr, m_workspace->sourceOfRun(runId)); });
        connect(m_workspace, &Workspace::runRemoved, this, &ChartGrid::removeRun);
        connect(m_workspace, &Workspace::runsAppended, this, &ChartGrid::notifyRunsAppended);
        // A workspace that goes first takes its runs with it: no chart may keep pointing at them.
        connect(m_workspace, &QObject::destroyed, this, [this] {
            for (auto it = m_runs.begin(); it != m_runs.end();)
                it = it->second.run ? std::next(it) : m_runs.erase(it);
            applyRunsToAll();
            rescanKeys();
            scheduleRefresh();
        });
        for (int runId : m_workspace->runIds())
            addRun(runId, nullptr, m_workspace->sourceOfRun(runId));
    }
    syncCharts();
}

ChartGrid::~ChartGrid() = default;

const Run* ChartGrid::runOf(int runId) const
{
    const auto it = m_runs.find(runId);
    if (it == m_runs.end())
        return nullptr;
    if (it->second.run)
        return it->second.run;
    return m_workspace ? m_workspace->run(runId) : nullptr;
}

void ChartGrid::addRun(int runId, const Run* run, int group)
{
    RunEntry& entry = m_runs[runId];
    entry.run = run;
    entry.group = group;
    entry.defaultGroup = group;
    entry.seriesSeen = 0;
    entry.color = m_palette.color(runId);
    m_keysDirty = true;
    // Handed to the charts at the next refresh, not per run: a folder of 5,000 runs adds them in
    // one event-loop turn, and each hand-over costs every chart O(runs) (issue 15).
    m_runsDirty = true;
    scheduleRefresh();
}

void ChartGrid::removeRun(int runId)
{
    m_runNames.remove(runId);
    if (m_runs.erase(runId) == 0)
        return;
    // At once, not at the next refresh: the Run may be freed as soon as this returns.
    applyRunsToAll();
    rescanKeys();
    scheduleRefresh();
}

void ChartGrid::notifyRunsAppended(const QList<int>& runIds)
{
    QList<int> ours;
    for (int id : runIds) {
        auto it = m_runs.find(id);
        if (it == m_runs.end())
            continue;
        ours.push_back(id);
        const Run* run = runOf(id);
        if (run && run->series.size() != it->second.seriesSeen)
            m_keysDirty = true;
    }
    if (ours.isEmpty())
        return;
    ++m_dataStamp;
    forEachChart([&ours](MetricChart* chart) { chart->dataChanged(ours); });
    scheduleRefresh();
}

void ChartGrid::setMetricFilter(const QSet<QString>& visibleKeys)
{
    m_filter = visibleKeys;
    syncCharts();
    scheduleRefresh();
}

void ChartGrid::clearMetricFilter()
{
    m_filter.reset();
    syncCharts();
    scheduleRefresh();
}

QStringList ChartGrid::metricKeys() const
{
    const_cast<ChartGrid*>(this)->scanKeys();
    QStringList keys(m_keys.begin(), m_keys.end());
    keys.sort();
    return keys;
}

void ChartGrid::setRunVisible(int runId, bool visible)
{
    auto it = m_runs.find(runId);
    if (it == m_runs.end() || it->second.visible == visible)
        return;
    it->second.visible = visible;
    rescanKeys();
    applyRunsToAll();
    scheduleRefresh();
}

bool ChartGrid::isRunVisible(int runId) const
{
    const auto it = m_runs.find(runId);
    return it != m_runs.end() && it->second.visible;
}

QColor ChartGrid::runColor(int runId) const
{
    const auto it = m_runs.find(runId);
    return it != m_runs.end() ? it->second.color : m_palette.peek(runId);
}

void ChartGrid::setRunColor(int runId, const QColor& color)
{
    m_palette.setColor(runId, color);
    auto it = m_runs.find(runId);
    if (it != m_runs.end())
        it->second.color = color;
    applyRunsToAll();
    scheduleRefresh();
}

void ChartGrid::setRunGroup(int runId, int group)
{
    auto it = m_runs.find(runId);
    if (it == m_runs.end())
        return;
    it->second.group = group;
    applyRunsToAll();
    scheduleRefresh();
}

void ChartGrid::setRunColors(const QHash<int, QColor>& colors)
{
    for (auto it = colors.begin(); it != colors.end(); ++it) {
        m_palette.setColor(it.key(), it.value());
        auto entry = m_runs.find(it.key());
        if (entry != m_runs.end())
            entry->second.color = it.value();
    }
    m_runsDirty = true; // at the next refresh: the runs table recolours once per run added
    scheduleRefresh();
}

void ChartGrid::setRunNames(const QHash<int, QString>& names)
{
    bool changed = false;
    for (auto it = names.begin(); it != names.end(); ++it) {
        QString& kept = m_runNames[it.key()];
        changed = changed || kept != it.value();
        kept = it.value();
    }
    if (!changed)
        return;
    m_runsDirty = true; // at the next refresh, once for many rows
    scheduleRefresh();
}

void ChartGrid::setRunGroups(const QHash<int, RunGroup>& groups)
{
    for (auto it = groups.begin(); it != groups.end(); ++it) {
        auto entry = m_runs.find(it.key());
        if (entry == m_runs.end())
            continue;
        entry->second.group = it->group >= 0 ? it->group : entry->second.defaultGroup;
        entry->second.groupName = it->group >= 0 ? it->name : QString();
        entry->second.groupColor = it->group >= 0 ? it->color : QColor();
    }
    m_runsDirty = true; // at the next refresh: regrouped once per run added
    scheduleRefresh();
}

void ChartGrid::setHighlightedRun(int runId)
{
    if (runId == m_highlighted)
        return;
    m_highlighted = runId;
    applyRunsToAll();
    refresh(false, false);
}

void ChartGrid::setChartLegendsShown(bool shown)
{
    m_chartLegends = shown;
    forEachChart([shown](MetricChart* chart) { chart->setLegendShown(shown); });
    scheduleRefresh();
}

QList<ChartRun> ChartGrid::chartRuns() const
{
    QList<ChartRun> out;
    // A highlighted run's group (or the run) keeps its colour; the rest fade.
    int highlightedGroup = -1;
    if (const auto h = m_runs.find(m_highlighted); h != m_runs.end())
        highlightedGroup = h->second.group;
    for (const auto& [id, entry] : m_runs) {
        if (!entry.visible)
            continue;
        const Run* run = runOf(id);
        if (!run)
            continue;
        const bool banded = m_options.groupMode == GroupMode::MeanBand;
        QColor color = banded && entry.groupColor.isValid() ? entry.groupColor : entry.color;
        if (m_highlighted >= 0 && id != m_highlighted
            && (entry.group < 0 || entry.group != highlightedGroup
                || m_options.groupMode != GroupMode::MeanBand))
            color.setAlpha(45);
        out.push_back({ id, run, color, entry.group, entry.groupName, m_runNames.value(id) });
    }
    return out;
}

void ChartGrid::applyRuns(MetricChart* chart) const
{
    chart->setRuns(chartRuns());
}

void ChartGrid::applyRunsToAll()
{
    m_runsDirty = false;
    ++m_runHandOvers;
    ++m_dataStamp;
    const QList<ChartRun> runs = chartRuns();
    forEachChart([&runs](MetricChart* chart) { chart->setRuns(runs); });
}

void ChartGrid::rescanKeys()
{
    m_keys.clear();
    for (auto& [id, entry] : m_runs)
        entry.seriesSeen = 0;
    m_keysDirty = true;
}

void ChartGrid::scanKeys()
{
    if (!m_keysDirty)
        return;
    m_keysDirty = false;
    for (auto& [id, entry] : m_runs) {
        if (!entry.visible)
            continue;
        const Run* run = runOf(id);
        if (!run)
            continue;
        for (std::size_t i = entry.seriesSeen; i < run->series.size(); ++i)
            m_keys.insert(run->series[i].key());
        entry.seriesSeen = run->series.size();
    }
}

bool ChartGrid::isShown(const MetricChart* chart) const
{
    // The view's own region is covered by its opaque viewport: ask the viewport.
    return chart->isVisible() && !chart->viewport()->visibleRegion().isEmpty();
}

void ChartGrid::scheduleRefresh()
{
    if (!m_timer->isActive())
        m_timer->start();
}

void ChartGrid::setWheelZooms(bool on)
{
    m_wheelZooms = on;
    forEachChart([on](MetricChart* chart) { chart->setWheelZooms(on); });
}

void ChartGrid::refreshNow(bool everyChart)
{
    m_timer->stop();
    if (m_runsDirty)
        applyRunsToAll();
    if (m_keysDirty)
        syncCharts();
    updateViewport(-1); // every chart near the view, now
    forEachChart([this, everyChart](MetricChart* chart) {
        if (everyChart || isShown(chart))
            chart->finishSmoothing();
    });
    refresh(everyChart, true);
}

void ChartGrid::refresh(bool everyChart, bool exactRanges)
{
    if (m_runsDirty)
        applyRunsToAll();
    if (m_keysDirty)
        syncCharts();
    QSet<int> modes;
    for (auto& [key, slot] : m_slots)
        modes.insert(modeKey(factsOf(key, slot).shownMode));
    for (int mode : modes)
        applyXView(static_cast<XAxisMode>(mode), true);
    // Following live data, ranges change in steps; a refresh asked for now fits them exactly.
    const bool steady = !exactRanges && m_workspace && m_workspace->isIdle();
    bool aheadDue = false;
    forEachChart([this, everyChart, steady, &aheadDue](MetricChart* chart) {
        if (!chart->isDirty())
            return;
        if (everyChart || isShown(chart)) {
            chart->setSteadyRanges(steady);
            chart->refresh();
        } else {
            aheadDue = true;
        }
    });
    if (aheadDue)
        m_ahead->start();
}

bool ChartGrid::extentOf(XAxisMode mode, double& x0, double& x1) const
{
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    // Every key counts, with a chart or not: the shared range does not jump as the view scrolls.
    auto* self = const_cast<ChartGrid*>(this); // fills the slots' caches
    for (auto& [key, slot] : self->m_slots) {
        const ChartSlot& facts = self->factsOf(key, slot);
        if (facts.shownMode != mode || !facts.hasExtent)
            continue;
        lo = std::min(lo, facts.x0);
        hi = std::max(hi, facts.x1);
    }
    if (!(lo <= hi))
        return false;
    x0 = lo;
    x1 = hi;
    return true;
}

// Puts every chart of `mode` on the mode's shared x range: the user's (moved along with the
// newest data while it touches the right edge and following is on) or the data's whole extent.
void ChartGrid::applyXView(XAxisMode mode, bool emitChange)
{
    XView& view = m_xViews[modeKey(mode)];
    double e0 = 0;
    double e1 = 1;
    const bool haveExtent = extentOf(mode, e0, e1);
    std::pair<double, double> range = view.shown;
    bool autoRange = false;
    // Records appended to loaded sources (not a load in progress, whose end shows the exact
    // extent): the automatic range extends in steps, and the axes stay put in between.
    const bool live = m_workspace && m_workspace->isIdle();
    const bool liveBefore = std::exchange(view.live, false);
    if (!view.fixed) {
        if (!haveExtent) {
            autoRange = true;
        } else if (m_follow || !view.everShown) {
            const bool logX = m_options.logX && mode != XAxisMode::Wall;
            range = live && liveBefore && view.everShown && !logX
                ? SteadyRange::followX(view.shown, view.extent, { e0, e1 })
                : std::make_pair(e0, e1);
            view.live = live;
        } else {
            view.fixed = view.shown; // paused: the automatic range stops growing
        }
    }
    if (haveExtent)
        view.extent = { e0, e1 };
    if (view.fixed) {
        range = *view.fixed;
        if (m_follow && view.atRightEdge && haveExtent && e1 > range.second) {
            const bool log = m_options.logX && mode != XAxisMode::Wall && range.first > 0 && e1 > 0;
            if (log) {
                const double ratio = range.second / range.first;
                range = { e1 / ratio, e1 };
            } else {
                const double width = range.second - range.first;
                range = { e1 - width, e1 };
            }
            view.fixed = range;
        }
    }
    forEachChart([mode, autoRange, range](MetricChart* chart) {
        if (chart->options().xMode != mode)
            return;
        if (autoRange)
            chart->setAutoXRange();
        else if (range.second > range.first)
            chart->setXRange(range.first, range.second);
        else
            chart->setAutoXRange(); // a single x: the chart pads it itself
    });
    if (!autoRange && (range != view.shown || !view.everShown)) {
        view.shown = range;
        view.everShown = true;
        if (emitChange && mode == m_options.xMode)
            emit xRangeChanged(range.first, range.second);
    }
}

void ChartGrid::onChartXRange(MetricChart* source, double x0, double x1)
{
    const XAxisMode mode = source->options().xMode;
    XView& view = m_xViews[modeKey(mode)];
    view.fixed = std::make_pair(x0, x1);
    double e0 = 0;
    double e1 = 0;
    // Touching the newest point (within a pixel or so) means "keep showing the newest data".
    view.atRightEdge = extentOf(mode, e0, e1) && x1 >= e1 - (x1 - x0) * 0.002;
    view.shown = { x0, x1 };
    view.everShown = true;
    forEachChart([source, mode, x0, x1](MetricChart* chart) {
        if (chart != source && chart->options().xMode == mode)
            chart->setXRange(x0, x1);
    });
    // The other charts follow at the next frame, together (a wheel sends many events per frame).
    if (!m_interaction->isActive())
        m_interaction->start();
    if (mode == m_options.xMode)
        emit xRangeChanged(x0, x1);
}

void ChartGrid::setOptionEverywhere(const std::function<void(ChartOptions&)>& change)
{
    change(m_options);
    ++m_dataStamp;
    for (auto& [key, slot] : m_slots) {
        change(slot.options);
        if (slot.chart)
            slot.chart->setOptions(slot.options);
    }
    scheduleRefresh();
}

void ChartGrid::setXAxisMode(XAxisMode mode, bool chosen)
{
    // While an x metric is set (setXMetric) the charts keep drawing it like steps.
    const bool metric = !m_options.xMetric.isEmpty();
    const XAxisMode drawn = metric ? XAxisMode::Step : mode;
    setOptionEverywhere([drawn, chosen, metric](ChartOptions& o) {
        o.xMode = drawn;
        o.xModeChosen = chosen || metric;
        if (drawn == XAxisMode::Wall)
            o.logX = false;
    });
    m_xViews.remove(modeKey(drawn));
    applyXView(drawn, true);
}

void ChartGrid::setXMetric(const QString& metric)
{
    if (metric == m_options.xMetric)
        return;
    // A metric's values are counts (tokens, samples): drawn like steps, on a linear x.
    setOptionEverywhere([&metric](ChartOptions& o) {
        o.xMetric = metric;
        if (!metric.isEmpty()) {
            o.xMode = XAxisMode::Step;
            o.xModeChosen = true;
        }
    });
    m_xViews.clear();
    applyXView(m_options.xMode, true);
}

XAxisMode ChartGrid::shownXMode() const
{
    if (!m_options.xModeChosen && m_options.xMode == XAxisMode::Step) {
        auto* self = const_cast<ChartGrid*>(this); // fills the slots' caches
        for (auto& [key, slot] : self->m_slots) {
            if (self->factsOf(key, slot).shownMode == XAxisMode::GlobalStep)
                return XAxisMode::GlobalStep;
        }
    }
    return m_options.xMode;
}

QStringList ChartGrid::chartsWithoutXMetric() const
{
    QStringList keys;
    if (m_options.xMetric.isEmpty())
        return keys; // (the cheap answer for 10,000 keys)
    auto* self = const_cast<ChartGrid*>(this); // fills the slots' caches
    for (const QString& key : m_order) {
        if (self->factsOf(key, self->m_slots.at(key)).xMetricMissing)
            keys << key;
    }
    return keys;
}

void ChartGrid::setSmoothing(SmoothingKind kind, double param, bool chosen)
{
    setOptionEverywhere([kind, param, chosen](ChartOptions& o) {
        o.smoothing = kind;
        o.smoothingParam = param;
        o.smoothingChosen = chosen;
    });
}

void ChartGrid::setLogScale(bool x, bool y)
{
    const bool xChanged = x != m_options.logX;
    setOptionEverywhere([x, y](ChartOptions& o) {
        o.logX = x && o.xMode != XAxisMode::Wall;
        o.logY = y;
    });
    if (xChanged)
        m_xViews.clear();
}

void ChartGrid::setIgnoreOutliers(bool on)
{
    setOptionEverywhere([on](ChartOptions& o) { o.ignoreOutliers = on; });
}

void ChartGrid::setGroupMembersFaint(bool on)
{
    setOptionEverywhere([on](ChartOptions& o) { o.groupMembersFaint = on; });
}

void ChartGrid::setGroupMode(GroupMode mode)
{
    setOptionEverywhere([mode](ChartOptions& o) { o.groupMode = mode; });
}

void ChartGrid::setFollowLatest(bool follow)
{
    if (m_follow == follow)
        return;
    m_follow = follow;
    if (!follow) {
        // Freeze what is shown now, including an automatic range that would otherwise grow.
        for (auto it = m_xViews.begin(); it != m_xViews.end(); ++it) {
            if (!it->fixed && it->everShown)
                it->fixed = it->shown;
        }
    }
    scheduleRefresh();
}

void ChartGrid::zoomToX(double x)
{
    if (!std::isfinite(x))
        return;
    const XAxisMode mode = m_options.xMode;
    XView& view = m_xViews[modeKey(mode)];
    double e0 = 0;
    double e1 = 0;
    const bool haveExtent = extentOf(mode, e0, e1);
    double width = view.shown.second - view.shown.first;
    // From the whole run, zoom in to a tenth of it around x; an already zoomed view keeps its
    // width.
    if (!view.fixed && haveExtent)
        width = (e1 - e0) / 10.0;
    if (!(width > 0))
        width = std::max(std::abs(x) * 0.1, 1.0);
    double x0 = x - width / 2;
    double x1 = x + width / 2;
    if (m_options.logX && x0 <= 0) {
        x0 = x / 2;
        x1 = x * 2;
    }
    view.fixed = std::make_pair(x0, x1);
    view.atRightEdge = haveExtent && x1 >= e1;
    applyXView(mode, true);
    forEachChart([this](MetricChart* chart) {
        if (isShown(chart))
            chart->refresh();
    });
}

void ChartGrid::setXRange(double x0, double x1)
{
    if (!(x1 > x0))
        return;
    XView& view = m_xViews[modeKey(m_options.xMode)];
    view.fixed = std::make_pair(x0, x1);
    double e0 = 0;
    double e1 = 0;
    view.atRightEdge = extentOf(m_options.xMode, e0, e1) && x1 >= e1;
    applyXView(m_options.xMode, true);
    scheduleRefresh();
}

std::pair<double, double> ChartGrid::xRange() const
{
    const auto it = m_xViews.find(modeKey(m_options.xMode));
    return it != m_xViews.end() ? it->shown : std::pair<double, double> { 0.0, 1.0 };
}

void ChartGrid::resetZoom()
{
    m_xViews.clear();
    QSet<int> modes;
    for (auto& [key, slot] : m_slots) {
        slot.fixedY.reset();
        if (slot.chart)
            slot.chart->resetYRange();
        modes.insert(modeKey(factsOf(key, slot).shownMode));
    }
    for (int mode : modes)
        applyXView(static_cast<XAxisMode>(mode), true);
    forEachChart([this](MetricChart* chart) {
        if (isShown(chart))
            chart->refresh();
    });
}

bool ChartGrid::exportCsv(const QString& path, QString* error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    QTextStream out(&file);
    const QString xHeader =
        m_options.xMetric.isEmpty() ? csvXHeader(m_options.xMode) : csvText(m_options.xMetric);
    out << "run,metric," << xHeader << ",value,smoothed\n";
    // Every key of the grid, also those whose chart does not exist (far from the view).
    for (const auto& [key, slot] : m_slots) {
        if (slot.chart)
            slot.chart->writeCsvRows(out, m_options.xMode);
        else
            modelOf(key, slot)->writeCsvRows(out, m_options.xMode);
    }
    out.flush();
    if (out.status() != QTextStream::Ok || !file.commit()) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

QImage ChartGrid::renderChart(const QString& key, QSize size) const
{
    MetricChart chart(key);
    chart.setAttribute(Qt::WA_DontShowOnScreen);
    const auto slot = m_slots.find(key);
    const ChartOptions options = slot == m_slots.end() ? m_options
        : slot->second.chart                           ? slot->second.chart->options()
                                                       : slot->second.options;
    chart.setOptions(options);
    chart.setRuns(chartRuns());
    // The grid's shared range of that x mode (a chart's own axes may not be redrawn yet).
    const auto it = m_xViews.find(modeKey(options.xMode));
    if (it != m_xViews.end() && it->fixed)
        chart.setXRange(it->fixed->first, it->fixed->second);
    else if (it != m_xViews.end() && it->everShown)
        chart.setXRange(it->shown.first, it->shown.second);
    return chart.renderImage(size.isValid() ? size : QSize(800, 400));
}

double ChartGrid::xOfRecord(int runId, std::uint32_t record) const
{
    const Run* run = runOf(runId);
    if (!run || record >= run->records.size())
        return NaN;
    if (m_options.xMetric.isEmpty())
        return run->records.x(m_options.xMode, record);
    for (const QString& key : m_order) {
        if (run->findSeries(key) < 0)
            continue;
        const ChartSlot& slot = m_slots.at(key);
        std::unique_ptr<CurveModel> made;
        const CurveModel* model = slot.chart ? &slot.chart->model() : nullptr;
        if (!model) {
            made = modelOf(key, slot);
            model = made.get();
        }
        if (model->hasX(*run))
            return model->recordX(*run, record);
    }
    return NaN;
}

double ChartGrid::firstNanX(const QString& key, int runId) const
{
    if (const auto slot = m_slots.find(key);
        slot != m_slots.end() && !m_options.xMetric.isEmpty()) {
        // x from the --x metric: the chart (or a model like it) knows it.
        if (slot->second.chart)
            return slot->second.chart->model().firstNanX(runId);
        return modelOf(key, slot->second)->firstNanX(runId);
    }
    const Run* run = runOf(runId);
    if (!run)
        return NaN;
    const int index = run->findSeries(key);
    if (index < 0)
        return NaN;
    const Series& s = run->series[static_cast<std::size_t>(index)];
    for (std::uint32_t i : s.nonFinite()) {
        if (std::isnan(s.values()[i]))
            return run->records.x(m_options.xMode, s.records()[i]);
    }
    return NaN;
}

} // namespace viewer
