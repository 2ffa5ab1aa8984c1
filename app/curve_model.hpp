#pragma once

#include "chart_options.hpp"
#include "decimator.hpp"
#include "group_aggregate.hpp"
#include "metric_x_column.hpp"

#include <QHash>
#include <QList>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

class QTextStream;

namespace viewer {

class Series;
class SmoothedCurves;
struct Run;

// One run as a chart's curve model sees it. The Run is owned elsewhere (the Workspace) and must
// outlive the model's use of it: whoever owns the model calls setRuns() before a Run is freed.
// A run's name as the views show it: `name` (as the runs table names it) when set, else the
// run's display name, else its id.
QString shownRunName(const Run* run, const QString& name);

struct CurveRun
{
    int runId = -1;
    const Run* run = nullptr;
    int group = -1; // runs sharing a group are averaged in GroupMode::MeanBand
    QString groupName = {}; // names the group's curve ("optimizer=adamw"); "" = by its members
    // As the runs table names the run ("job7 rank 3" when 8 ranks share the id "job7"); empty:
    // the run's own name.
    QString name = {};

    QString shownName() const
    {
        return shownRunName(run, name);
    }
};

// One drawn line: a run (Overlay, or a group of one) or a group's mean with its min/max band
// (MeanBand), and what the decimator made of it for the current pixel columns.
struct Curve
{
    int runId = -1; // the run, or the group's first run (its color is the curve's)
    QList<int> members; // MeanBand: the runs averaged (more than one)
    QString name; // plain text
    // Reused across frames so that a redraw allocates nothing.
    DecimatedSeries raw; // a run's raw values
    DecimatedSeries line; // a run's smoothed values (lineIsSmoothed), or a group's mean
    DecimatedSeries lower; // a group's min
    DecimatedSeries upper; // a group's max
    bool lineIsSmoothed = false; // Overlay: `line` holds the smoothed curve of this frame
    // CurveModel::decimateLater() was called and this curve is not decimated yet: its
    // DecimatedSeries are empty until CurveModel::decimateCurve() of it.
    bool decimationPending = false;
    // MeanBand with ChartOptions::groupMembersFaint: a member run of the group that follows it,
    // drawn thin and faint under the band; not hovered, not exported, no say in the y range.
    bool faintMember = false;
    bool aggregateDirty = true; // MeanBand: a member changed since `aggregate` was built
    GroupAggregate aggregate;
    // MeanBand: each member's point count when `aggregate` was built (empty: never built, or
    // built from smoothed values), for extending it by what was appended.
    std::vector<std::size_t> aggregatedSizes;

    bool isGroup() const
    {
        return !members.isEmpty();
    }
};

// What a chart shows under the cursor for one curve: the point nearest in x (full resolution).
struct CurveValue
{
    int runId = -1; // the run (Overlay) or the group's first run (MeanBand)
    QString name; // plain text, not escaped
    bool group = false;
    double x = 0.0; // x of the nearest point
    double value = 0.0; // drawn value (smoothed when smoothing is on; the mean in MeanBand)
    double raw = 0.0; // unsmoothed value (the group min in MeanBand)
    double rawMax = 0.0; // MeanBand: the group max
    std::uint32_t record = 0;
    // MeanBand: the members holding the min and the max at x (-1 and "" when not known).
    int minRunId = -1;
    int maxRunId = -1;
    QString minName;
    QString maxName;
};

// Everything a chart of one metric knows that is not pixels: which runs and curves, their
// smoothing (cached, extended as points arrive, long ones on a worker), group aggregates, the x
// range (fixed by the user or the data's extent), the decimated points for given pixel columns,
// the y range (YRange), hover values and CSV rows. Widget-free; GUI thread (the thread that owns
// the runs). MetricChart draws what it gives.
class CurveModel
{
public:
    explicit CurveModel(QString key);
    ~CurveModel();

    const QString& key() const
    {
        return m_key;
    }

    // Every visible run; those without this metric are skipped.
    void setRuns(const QList<CurveRun>& runs);
    const QList<CurveRun>& runs() const
    {
        return m_runs;
    }
    // False when nothing changed. A new x mode or log x puts both ranges back to automatic.
    bool setOptions(const ChartOptions& options);
    // The options in effect: as set, except an x mode the user has not chosen (Step) becomes
    // GlobalStep once a shown run's step counter restarts (RecordTable::stepCounterRestarts).
    const ChartOptions& options() const
    {
        return m_options;
    }
    // x of a run's records as this chart plots them: the x mode's column, or with
    // options().xMetric the metric's (a MetricXColumn per run, brought up to date on each call).
    // values is nullptr for Sequence, and for a run without the x metric (hasX() is false).
    RecordTable::XColumn xColumnOf(const Run& run) const;
    double recordX(const Run& run, std::uint32_t record) const; // NaN: none
    bool hasX(const Run& run) const;
    // With an x metric: the series key it reads in `run` ("step_end/tokens"). A bare name is
    // looked up in this chart's tag (step_end for derived/*); a full key that the run holds is used
    // as it is.
    QString xMetricKey(const Run& run) const;
    // With an x metric: true when no shown run with this chart's series has the metric (the
    // chart has nothing to draw; the window says so). False without an x metric.
    bool xMetricMissing() const;
    // The x axis title: the mode's, or the x metric's key.
    QString xTitle() const;

    // New points, events or series arrived in these runs; false when none of them is shown.
    bool dataChanged(const QList<int>& runIds);

    // The x range: fixed (zoom, pan, follow) or automatic (the data's extent). False: unchanged.
    bool setXRange(double x0, double x1);
    bool setAutoXRange();
    const std::optional<std::pair<double, double>>& fixedX() const
    {
        return m_fixedX;
    }
    // The y range: fixed (zoom) or automatic (YRange, fit to the shown data).
    void setFixedY(std::optional<std::pair<double, double>> y)
    {
        m_fixedY = y;
    }
    const std::optional<std::pair<double, double>>& fixedY() const
    {
        return m_fixedY;
    }
    // The x extent of the data of every drawn curve in the current x mode; false when empty.
    bool dataXExtent(double& x0, double& x1) const;

    // Start of a redraw: curves, smoothing and group aggregates brought up to date; the next
    // decimate() decimates again.
    void update();
    // The x range to show: the fixed one, else the data's extent (widened when it is one x).
    std::pair<double, double> xRange() const;
    // Decimates every curve for these columns (kept when the columns did not change since), on
    // every core.
    void decimate(const PixelColumns& columns);
    // The same, a curve at a time: each curve is decimated when decimateCurve() asks for it
    // (CurveGeometry, which maps it to pixels there and frees it: with 5,000 runs the decimated
    // points of every curve at once were the window's peak memory). On a log y axis, whose
    // y range reads the decimated points, every curve is decimated now. yRange() needs none.
    void decimateLater(const PixelColumns& columns);
    // Decimates curves()[i] if decimateLater() left it pending; any thread, i's own data alone.
    void decimateCurve(std::size_t i);
    // Frees the decimated points once the chart has turned them into pixels: nothing reads them
    // again before the next decimation, which this forces (with 5,000 runs they were a fifth of
    // the window's memory). The non-finite x's stay: the hover names them.
    void releaseDecimatedPoints();
    // Of curves()[curve] alone; any thread, one call per curve at a time.
    void releaseDecimatedPoints(std::size_t curve);
    // The y range to show for [x0, x1]: the fixed one, else YRange::automatic.
    std::pair<double, double> yRange(double x0, double x1) const;

    const std::vector<std::unique_ptr<Curve>>& curves() const
    {
        return m_curves;
    }
    const CurveRun* runOf(int runId) const;
    const Series* seriesOf(int runId, const Run** run = nullptr) const;
    // x of the first NaN (first non-finite value) of a run's series; NaN when it has none.
    double firstNanX(int runId) const;
    double firstNonFiniteX(int runId) const;
    std::size_t nanCount(int runId) const;

    // Smoothing of long series runs on a worker thread; finishSmoothing() computes whatever is
    // still missing here and now. True when it did anything.
    bool finishSmoothing();
    SmoothedCurves& smoothing()
    {
        return *m_smoothing;
    }
    const SmoothedCurves& smoothing() const
    {
        return *m_smoothing;
    }
    // The drawn curve of a run at full resolution: its smoothed values when smoothing is on and
    // complete, else nullptr (the raw values are the Series').
    const std::vector<double>* smoothedValues(int runId) const;

    // The value of every curve at the point nearest to x (HoverValues).
    QList<CurveValue> valuesAt(double x) const;
    // "run,metric,x,value,smoothed" rows of every run at full resolution, x in `mode` (CurveCsv).
    void writeCsvRows(QTextStream& out, XAxisMode mode);

private:
    void rebuildCurves();
    ChartOptions effective(const ChartOptions& requested) const;
    bool applyOptions(const ChartOptions& options); // the effective ones
    void updateAggregate(Curve& curve);
    bool extendAggregate(Curve& curve); // false: rebuild it whole
    bool computeDataXExtent(double& x0, double& x1) const;
    // What a run's curve is decimated from, looked up on the GUI thread before the decimation.
    struct CurveSource
    {
        const Series* series = nullptr;
        RecordTable::XColumn column;
        const std::vector<double>* smoothed = nullptr;
        const MinMaxPyramid* smoothedPyramid = nullptr;
    };
    // Decimates one curve (any thread: reads the runs, writes `curve` alone).
    void decimateCurve(
        Curve& curve, const CurveSource& source, const PixelColumns& cols, bool trim) const;
    void forgetPendingDecimation();

    QString m_key;
    QList<CurveRun> m_runs;
    // run id -> its place in m_runs: seriesOf() is called once per run in loops over the runs, and
    // a linear search made those loops quadratic (1.7 s per chart at 5,000 runs).
    QHash<int, qsizetype> m_runAt;
    ChartOptions m_requested; // as set
    ChartOptions m_options; // in effect
    std::optional<std::pair<double, double>> m_fixedX;
    std::optional<std::pair<double, double>> m_fixedY;
    std::vector<std::unique_ptr<Curve>> m_curves; // empty: rebuilt from m_runs at update()
    std::unique_ptr<SmoothedCurves> m_smoothing;
    // Atomic: releaseDecimatedPoints(curve) is called from the threads mapping the curves.
    std::atomic<bool> m_decimationStale { true };
    mutable std::unordered_map<const Run*, MetricXColumn> m_metricX; // with an x metric, per run
    PixelColumns m_decimatedFor; // the columns the curves' decimated points were made for
    std::vector<CurveSource> m_sources; // per curve, while a decimateLater() is pending
    bool m_trimDecimated = true; // decimate(): the points stay; decimateLater(): freed once drawn
    // dataXExtent() as last computed: the grid asks for it several times per refresh and per
    // chart, and each answer walks every run (5,000 runs: 0.7 s of a window's first screen).
    // Forgotten whenever runs, options or data may have changed (setRuns, applyOptions,
    // dataChanged, update).
    struct XExtent
    {
        bool found = false;
        double x0 = 0.0;
        double x1 = 0.0;
    };
    mutable std::optional<XExtent> m_xExtent;
};

} // namespace viewer
