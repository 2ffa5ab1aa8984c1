#pragma once

#include "chart_layout_plan.hpp"
#include "chart_options.hpp"
#include "run_palette.hpp"

#include <QHash>
#include <QImage>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QWidget>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>

class QLabel;
class QScrollArea;
class QShortcut;
class QTimer;

namespace viewer {

class CurveModel;
class MetricChart;
class Workspace;
struct ChartRun;
struct Run;

// The scrollable grid of MetricCharts, one per visible metric key ("step_end/loss"), every visible
// run overlaid in its color. GUI thread. Virtualized (issue 15): every key has a light entry (its
// options, pin, y zoom); MetricChart widgets exist only for the rows in or near the view (one
// screen either side), created a few per event-loop turn as the view scrolls and destroyed when
// two screens away, at places the layout plan computes (10,000 keys cost 10,000 entries, not
// 10,000 widgets). Follows a Workspace: charts appear as metric keys appear,
// new points are drawn in bulk (redraws coalesced to <= 30 per second by a single-shot timer, and
// only charts that can be seen are re-decimated; the others catch up when scrolled into view).
// The x range is shared by every chart of the same x mode; it follows the newest data while the
// view touches the right edge, and stays where the user put it otherwise.
//
// API used by the window:
//  - addRun/removeRun/notifyRunsAppended feed runs without a Workspace (tests, tools); with a
//    Workspace they are called from its runAdded/runRemoved/runsAppended signals.
//  - setMetricFilter: until it is first called every metric key gets a chart; clearMetricFilter()
//    goes back to that. metricKeys() lists every key of the visible runs.
//  - setRunGroup: the groups of GroupMode::MeanBand (default: the run's source, so the per-rank
//    files of one folder are averaged together).
//  - setXRange, xRange(), refreshNow(), chart(key), setRunColor, options(), columnCount() and the
//    chartsChanged() signal were added.
//  - chartKeys() is in grid order: step_end metrics first, then epoch_end, custom tags,
//    epoch_begin, error payloads and derived series (alphabetical within each).
//  - exportCsv writes "run,metric,<x mode>,value,smoothed" at full resolution.
//  - Mouse: drag = zoom box (x and y), Shift+drag or middle drag = pan, wheel over a plot = zoom
//    x, Shift+wheel = zoom y, wheel elsewhere = scroll (setWheelZooms(false): Ctrl+wheel zooms),
//    double-click = reset, right click = per-chart options; a NaN badge click centres every chart
//    on the first NaN.
class ChartGrid : public QWidget
{
    Q_OBJECT
public:
    explicit ChartGrid(Workspace* workspace, QWidget* parent = nullptr);
    ~ChartGrid() override;

    // Runs not owned by the workspace: the caller keeps `run` alive until removeRun(runId).
    // group: runs with the same group are averaged in MeanBand mode (-1: a group of its own).
    void addRun(int runId, const Run* run, int group = -1);
    void removeRun(int runId);
    // New points/series/events reached these runs: redrawn at the next coalesced refresh.
    void notifyRunsAppended(const QList<int>& runIds);

    void setMetricFilter(const QSet<QString>& visibleKeys); // exactly these keys get charts
    void clearMetricFilter(); // every key gets a chart (the default)
    QStringList metricKeys() const; // every metric key of the visible runs, sorted

    void setRunVisible(int runId, bool visible);
    bool isRunVisible(int runId) const;
    QColor runColor(int runId) const;
    void setRunColor(int runId, const QColor& color);
    void setRunGroup(int runId, int group);
    // Bulk forms for many runs at once (group by / colour by a field, issue 12): one redraw.
    void setRunColors(const QHash<int, QColor>& colors);
    // Names runs as the runs table does ("job7 rank 3"): legends, hover, NaN badges. An empty
    // name gives the run its own name back.
    void setRunNames(const QHash<int, QString>& names);
    struct RunGroup
    {
        int group = -1; // -1: back to the default (the run's source)
        QString name; // names the band ("optimizer=adamw"); "" = by its members
        QColor color = {}; // the band's colour (invalid: its first member's)
    };
    void setRunGroups(const QHash<int, RunGroup>& groups);
    // This run drawn as is and every other one faded (a legend entry hovered); -1: none.
    void setHighlightedRun(int runId);
    int highlightedRun() const
    {
        return m_highlighted;
    }
    // The per-chart Qt legends (on by default); off when the window shows one legend for all.
    void setChartLegendsShown(bool shown);

    // Global settings: each applies to every chart (overriding what a chart's menu changed).
    // chosen: false for the automatic default (ChartOptions::xModeChosen, smoothingChosen).
    void setXAxisMode(XAxisMode mode, bool chosen = true);
    // --x METRIC (ChartOptions::xMetric): every chart plots against that metric of its own tag;
    // "" goes back to the x mode. The charts draw it as Step (a count, drawn like steps), also
    // through later setXAxisMode calls while the metric is set.
    void setXMetric(const QString& metric);
    // The x mode the charts show: options().xMode, or GlobalStep when Step was not chosen and a
    // chart switched to it by itself (a run's step counter restarts: CurveModel::options()).
    XAxisMode shownXMode() const;
    // The charts that have nothing to draw because none of their runs has the x metric.
    QStringList chartsWithoutXMetric() const;
    void setSmoothing(SmoothingKind kind, double param, bool chosen = true);
    void setLogScale(bool x, bool y);
    void setIgnoreOutliers(bool on);
    void setGroupMode(GroupMode mode);
    void setGroupMembersFaint(bool on); // MeanBand: members drawn thin and faint under the band
    // A plain wheel over a plot zooms x (else only Ctrl+wheel): MetricChart::setWheelZooms.
    void setWheelZooms(bool on);
    bool wheelZooms() const
    {
        return m_wheelZooms;
    }
    const ChartOptions& options() const
    {
        return m_options;
    }

    // Live: the x range follows the newest data while the view touches the right edge.
    void setFollowLatest(bool follow);
    bool followLatest() const
    {
        return m_follow;
    }

    void zoomToX(double x); // centre every chart on x (events table double-click)
    void setXRange(double x0, double x1); // every chart of the global x mode
    std::pair<double, double> xRange() const; // of the global x mode (as last shown)
    void resetZoom(); // x back to the data's extent, y automatic

    int chartCount() const; // the keys that have a place in the grid (created or not)
    // How many times the charts were given the runs: runs added, recoloured or regrouped are
    // handed over at the next refresh, once, however many came (issue 15: a folder of 5,000).
    int runHandOvers() const
    {
        return m_runHandOvers;
    }
    QStringList chartKeys() const; // in grid order
    // The chart of a key, created on demand when it is not near the view (it goes again when
    // the view moves on); nullptr for a key without a place in the grid.
    MetricChart* chart(const QString& key) const;
    // The charts that exist now (near the view), for tests and benchmarks.
    QList<MetricChart*> createdCharts() const;
    // At most this many charts are created per event-loop turn while scrolling.
    static constexpr int ChartsPerTurn = 4;
    int columnCount() const
    {
        return m_columns;
    }

    // Layout (issue 13): 1 to 4 columns by width and rows near `pixels` high, adjusted so the
    // rows in view are whole (ChartLayoutPlan); pinned charts first (the most recently pinned
    // on top, remembered by key while the grid lives), derived/* after the user's metrics.
    void setChartHeight(int pixels);
    int chartHeight() const
    {
        return m_chartHeight;
    }
    void setPinned(const QString& key, bool pinned);
    const QStringList& pinnedKeys() const
    {
        return m_pinned;
    }
    // This chart alone over the whole grid area ("" or an absent key: back to the grid). A
    // chart's title double-click or context menu toggles it; Esc goes back.
    void setMaximizedChart(const QString& key);
    const QString& maximizedChart() const
    {
        return m_maximized;
    }

    // The visible series (charts shown, runs visible) at full resolution.
    bool exportCsv(const QString& path, QString* error) const;
    // A chart drawn at `size` (also for metric keys filtered out of the grid).
    QImage renderChart(const QString& key, QSize size) const;
    // x of a run's record as the charts draw it (the global x mode, or the --x metric as the
    // first chart that has it reads it); NaN when none does.
    double xOfRecord(int runId, std::uint32_t record) const;
    // x (global x mode) of the first NaN of a run's series; NaN when there is none.
    double firstNanX(const QString& key, int runId) const;

    // Runs the coalesced refresh now: for every chart that exists (tests, CSV), or only for those
    // in view (a screenshot; the charts made ahead wait for an idle view, as in the window).
    void refreshNow(bool everyChart = true);

signals:
    void xRangeChanged(double x0, double x1);
    void hoveredX(double x); // NaN when the cursor left the charts
    void chartsChanged(); // charts were added, removed or reordered (pinned)
    void maximizedChartChanged(const QString& key); // "" when back to the grid

protected:
    void resizeEvent(QResizeEvent* event) override;
    // The scroll area's viewport resized (after this widget's own resize, and when its scroll
    // bar comes or goes): the columns and row heights follow.
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct RunEntry
    {
        const Run* run = nullptr; // runs fed by addRun(); with a workspace, looked up there
        bool visible = true;
        int group = -1;
        int defaultGroup = -1; // the group addRun gave (the source), for setRunGroups' -1
        QString groupName;
        QColor groupColor;
        std::size_t seriesSeen = 0; // how many of run->series were scanned for keys
        QColor color;
    };
    struct XView
    {
        std::optional<std::pair<double, double>> fixed; // empty: the data's extent
        bool atRightEdge = true; // the fixed range touches the newest data: follow slides it
        std::pair<double, double> shown { 0.0, 1.0 };
        bool everShown = false;
        // The data's extent when `shown` was chosen, and whether that was while following live
        // data (SteadyRange::followX: the automatic range then extends in steps).
        std::pair<double, double> extent { 0.0, 0.0 };
        bool live = false;
    };

    // One per key with a place in the grid. The chart exists only near the view; what the user
    // set on it (its menu's options, its y zoom) lives here while it does not.
    struct ChartSlot
    {
        MetricChart* chart = nullptr;
        ChartOptions options; // requested: the grid's, or what the chart's menu set
        std::optional<std::pair<double, double>> fixedY; // the user's y zoom (kept when destroyed)
        // What a chart of this key would report, from a widget-free CurveModel (valid while
        // stamp == m_dataStamp): its x mode (Step may become GlobalStep), its data's x extent.
        std::uint64_t stamp = 0;
        XAxisMode shownMode = XAxisMode::Step;
        bool hasExtent = false;
        double x0 = 0.0;
        double x1 = 0.0;
        bool xMetricMissing = false;
    };

    const Run* runOf(int runId) const;
    void scheduleRefresh();
    // everyChart: also those not in view; exactRanges: fitted to the data, not in live steps.
    void refresh(bool everyChart, bool exactRanges);
    void scanKeys(); // adds the keys of series that appeared since the last scan
    void rescanKeys(); // the next scan starts over (a run left or was hidden)
    void syncCharts(); // add/remove slots for the current keys and filter, lay them out
    void relayoutGrid(); // columns, row height, the grid's height, every created chart's place
    void updateOrder(); // m_order and m_indexOf from the slots and pins
    // Creates the charts of the rows in or near the view (at most `budget`; the rest at the next
    // turns) and destroys those two screens away. budget < 0: all at once (screenshots).
    void updateViewport(int budget);
    MetricChart* createChart(const QString& key, ChartSlot& slot);
    void destroyChart(ChartSlot& slot);
    void placeChart(int index, MetricChart* chart) const;
    const ChartSlot& factsOf(const QString& key, ChartSlot& slot);
    // A widget-free model of `key` as its chart would hold it (x, CSV, NaN lookups).
    std::unique_ptr<CurveModel> modelOf(const QString& key, const ChartSlot& slot) const;
    template <typename F> void forEachChart(F f) const
    {
        for (const auto& [key, slot] : m_slots) {
            if (slot.chart)
                f(slot.chart);
        }
    }
    void applyRuns(MetricChart* chart) const;
    void applyRunsToAll();
    QList<ChartRun> chartRuns() const;
    bool extentOf(XAxisMode mode, double& x0, double& x1) const;
    void applyXView(XAxisMode mode, bool emitChange);
    void onChartXRange(MetricChart* chart, double x0, double x1);
    void setOptionEverywhere(const std::function<void(ChartOptions&)>& change);
    bool isShown(const MetricChart* chart) const;

    QPointer<Workspace> m_workspace;
    QScrollArea* m_scroll = nullptr;
    QWidget* m_container = nullptr;
    QTimer* m_fill = nullptr; // creates the next charts near the view at the next turn
    QTimer* m_ahead = nullptr; // draws the charts made ahead once the view is idle (AheadIdleMs)
    ChartLayoutPlan::Cells m_cells; // where the charts go (relayoutGrid)
    QLabel* m_placeholder = nullptr;
    QTimer* m_timer = nullptr; // coalesces data redraws
    QTimer* m_interaction = nullptr; // coalesces the charts following a zoom or pan
    QShortcut* m_escape = nullptr; // Esc: out of the maximised chart (enabled while one is)

    std::map<int, RunEntry> m_runs;
    QHash<int, QString> m_runNames; // kept apart from m_runs: a name may come before its run
    RunPalette m_palette;
    QSet<QString> m_keys; // every metric key seen in the visible runs
    std::optional<QSet<QString>> m_filter;
    // Grid order: what a trainer watches first. step_end metrics, then epoch_end, then custom
    // tags, then epoch_begin, error payloads and derived series; alphabetical within each.
    struct ChartOrder
    {
        static int rank(const QString& key);
        bool operator()(const QString& a, const QString& b) const;
    };
    std::map<QString, ChartSlot, ChartOrder> m_slots;
    QStringList m_order; // the slots' keys in grid order (pinned first, derived last)
    QHash<QString, int> m_indexOf; // key -> index in m_order
    std::uint64_t m_dataStamp = 1; // bumped when runs, data or options change (ChartSlot::stamp)
    ChartOptions m_options;
    bool m_wheelZooms = true;
    QHash<int, XView> m_xViews; // per XAxisMode
    bool m_follow = true;
    bool m_keysDirty = true;
    bool m_runsDirty = false; // runs added since the charts were last given m_runs
    int m_runHandOvers = 0;
    int m_columns = 1;
    int m_chartHeight = ChartLayoutPlan::DefaultChartHeight;
    QStringList m_pinned; // keys, the most recently pinned first; kept when a chart goes
    QString m_maximized; // the key of the chart shown alone, "" for the grid
    int m_highlighted = -1;
    bool m_chartLegends = true;
};

} // namespace viewer
