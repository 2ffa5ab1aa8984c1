#pragma once

#include "chart_options.hpp"
#include "curve_model.hpp"
#include "decimator.hpp"
#include "plot_mapping.hpp"

#include <QChartView>
#include <QHash>
#include <QList>

#include <memory>
#include <optional>
#include <vector>

class QAbstractAxis;
class QLineSeries;
class QRubberBand;
class QTextStream;
class QTimer;

namespace viewer {

class ChartAxes;
class ChartMarkers;
class ChartOverlay;
class SeriesLayer;
class Series;
struct Run;
struct RunEvent;

// One run as a chart sees it. The Run is owned elsewhere (the Workspace) and must outlive the
// chart's use of it: whoever owns the chart calls setRuns() before a Run is freed.
struct ChartRun
{
    int runId = -1;
    const Run* run = nullptr;
    QColor color;
    int group = -1; // runs sharing a group are averaged in GroupMode::MeanBand
    QString groupName = {}; // names the group's band ("optimizer=adamw"); "" = by its members
    QString name = {}; // as the runs table names the run; empty: the run's own name

    QString shownName() const
    {
        return shownRunName(run, name);
    }
};

// What the chart shows under the cursor for one curve: the point nearest in x (full resolution).
struct HoverValue
{
    int runId = -1; // the run (Overlay) or the group's first run (MeanBand)
    QString name; // plain text, not escaped
    QColor color;
    double x = 0.0; // x of the nearest point
    double value = 0.0; // drawn value (smoothed when smoothing is on; the mean in MeanBand)
    double raw = 0.0; // unsmoothed value (the group min in MeanBand)
    double rawMax = 0.0; // MeanBand: the group max
    std::uint32_t record = 0;
};

// A chart of one metric key (e.g. "step_end/loss") over every visible run, each in its color.
// GUI thread. What is drawn (curves, smoothing, groups, x and y ranges, hover values, CSV rows)
// comes from its CurveModel; this class turns it into pixels and forwards input. Lines come from
// the engine's decimator for the plot's current pixel width and x range (per column
// first/min/max/last, so every spike stays and a 10 M point series repaints in milliseconds); Qt
// Charts draws only the axes, title and legend. NaN and +/-Inf are markers, never silent gaps;
// error events, epochs and restarts are marked. Untrusted names (metric keys, run names, messages)
// are only ever shown escaped or as plain text.
//
// Data changes are not drawn at once: dataChanged() marks the chart dirty and the owner (the
// ChartGrid's coalescing timer) calls refresh() at most ~30 times a second, only for charts that
// can be seen.
class MetricChart : public QChartView
{
    Q_OBJECT
public:
    explicit MetricChart(const QString& key, QWidget* parent = nullptr);
    ~MetricChart() override;

    const QString& key() const
    {
        return m_model.key();
    }

    // Every visible run; those without this metric are skipped. Marks the chart dirty.
    void setRuns(const QList<ChartRun>& runs);
    const QList<ChartRun>& runs() const
    {
        return m_runs;
    }
    void setOptions(const ChartOptions& options);
    // Off: no Qt Charts legend (a window-level legend lists the runs; issue 15: an empty legend
    // series per run per chart costs too much with thousands of runs). On by default.
    void setLegendShown(bool shown);
    const ChartOptions& options() const
    {
        return m_model.options();
    }

    // The x range shown: fixed (zoom, pan, follow) or automatic (the data's extent).
    void setXRange(double x0, double x1);
    void setAutoXRange();
    bool isAutoXRange() const
    {
        return !m_model.fixedX().has_value();
    }
    double xMin() const
    {
        return m_mapping.x0;
    }
    double xMax() const
    {
        return m_mapping.x1;
    }
    double yMin() const
    {
        return m_mapping.y0;
    }
    double yMax() const
    {
        return m_mapping.y1;
    }
    // y back to automatic (fit to the visible data).
    void resetYRange();
    // A y zoom kept by the grid while this key had no chart (nullopt: automatic).
    void setFixedYRange(const std::optional<std::pair<double, double>>& y);
    bool isAutoYRange() const
    {
        return !m_model.fixedY().has_value();
    }
    // The x extent of the data of every drawn curve in the current x mode; false when empty.
    bool dataXExtent(double& x0, double& x1) const
    {
        return m_model.dataXExtent(x0, x1);
    }

    // New points, events or series arrived in these runs (caches of other runs are kept).
    void dataChanged(const QList<int>& runIds);
    bool isDirty() const
    {
        return m_dirty;
    }
    // How many times the curves were turned into pixel geometry (each costs one pass over every
    // curve: with 1,000 runs, a few hundred milliseconds).
    int geometryBuilds() const
    {
        return m_geometryBuilds;
    }
    // Re-decimates and redraws now: x range (automatic or fixed), y range, curves, markers.
    void refresh();
    // On: a refresh for appended data alone (nothing else changed since the last one) keeps the
    // automatic linear y range while the data fits it well (SteadyRange::followY), so that the
    // axes are not laid out again at every append. The grid turns it on while following live
    // data. Off (the default): the y range always fits the data exactly.
    void setSteadyRanges(bool on)
    {
        m_steadyRanges = on;
    }
    // Times the axes' ranges or ticks changed (each makes Qt Charts lay out the chart again).
    int axisChanges() const;

    // The crosshair of a chart hovered elsewhere in the grid (NaN hides it).
    void setSyncedCrosshair(double x);
    // Hover at a position in chart coordinates (what a mouse move does; public for tests).
    void hoverAt(const QPointF& chartPos);
    void clearHover();
    QList<HoverValue> valuesAt(double x) const;

    // x of the first NaN of a run's series in the current x mode; NaN when it has none.
    double firstNanX(int runId) const;
    // NaN, +Inf, -Inf counts of a run's series (0 when the run lacks the metric).
    std::size_t nanCount(int runId) const;

    // On (the default): a plain wheel over the plot zooms x about the cursor, Shift+wheel zooms y,
    // and a wheel over the margins (or one that continues a scroll of the grid) scrolls the grid.
    // Off: only Ctrl+wheel zooms (Ctrl+Shift+wheel: y), a plain wheel always scrolls the grid.
    void setWheelZooms(bool on)
    {
        m_wheelZooms = on;
    }
    bool wheelZooms() const
    {
        return m_wheelZooms;
    }

    // Smoothing of long series runs on a worker thread; this computes whatever is still missing
    // here and now (screenshots, export, tests). Marks the chart dirty when it did anything.
    void finishSmoothing();
    // A smoothing job is copying or computing.
    bool isSmoothingPending() const;
    // Jobs handed to the worker, and results dropped because the smoothing changed meanwhile.
    int smoothingJobsStarted() const;
    int staleSmoothingResults() const;

    // The curve as drawn for a run, at full resolution: the smoothed values when smoothing is on,
    // else nullptr (the raw values are the Series'). For export and tests.
    const std::vector<double>* smoothedValues(int runId) const;
    // Writes "run,metric,x,value,smoothed" rows of every drawn run at full resolution, x in
    // `mode`; smoothed is empty when this chart does not smooth.
    void writeCsvRows(QTextStream& out, XAxisMode mode);
    // The chart drawn at `size` into an image (its own state, the widget is not resized).
    QImage renderImage(const QSize& size);

    // For tests and the grid: what was handed to Qt Charts and to the drawing items.
    QString titleText() const;
    QStringList legendTexts() const;
    QString xAxisTitle() const;
    QAbstractAxis* xAxis() const; // the visible axes
    QAbstractAxis* yAxis() const;
    const SeriesLayer* seriesLayer() const
    {
        return m_layer;
    }
    const ChartMarkers* markers() const
    {
        return m_markers;
    }
    const ChartOverlay* overlay() const
    {
        return m_overlay;
    }
    const PlotMapping& mapping() const
    {
        return m_mapping;
    }
    const CurveModel& model() const
    {
        return m_model;
    }

    // Where the grid put this chart, for its context menu's words ("Pin to top" or "Unpin").
    // A maximised chart's title says how to go back.
    void setLayoutState(bool pinned, bool maximized);

    static QString xModeTitle(XAxisMode mode);
    static QString formatX(XAxisMode mode, double x);
    static QString formatValue(double v);

signals:
    // The user zoomed or panned x (wheel, rubber band, drag): the grid applies it to every chart.
    void xRangeRequested(double x0, double x1);
    // Double-click or "Reset zoom": the grid puts every chart back to automatic.
    void resetRequested();
    void hovered(double x); // NaN when the cursor left the plot
    void goToXRequested(double x); // a NaN badge was clicked: centre every chart on x
    void optionsEdited(); // the context menu changed this chart's options
    // A double-click on the title, or the context menu: this chart alone in the grid, or back.
    void maximizeToggleRequested();
    void pinRequested(bool pinned); // the context menu's "Pin to top" / "Unpin"

protected:
    void resizeEvent(QResizeEvent* event) override;
    // A refresh at the next turn if still due and the chart is seen (else when it is seen).
    void queueRefresh();
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void changeEvent(QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    // An event line drawn at px, for the hover box (the event is looked up again when shown).
    struct EventHit
    {
        qreal px;
        int runId;
        std::size_t event;
    };

    void invalidate() // anything but new data changed: redraw, fitting the ranges anew
    {
        m_dirty = true;
        m_dataOnly = false;
    }
    void ensureAxes();
    void applyTheme();
    void updateLegend();
    void relayout(); // decimate for the current range and plot size, build pixel geometry
    PixelColumns columns() const;
    void buildGeometry();
    void buildMarkers();
    bool joinedByGlobalStep(const Run& run, const RunEvent& ev, double x) const;
    void buildBadges();
    const ChartRun* chartRun(int runId) const;
    QPointF toChart(const QPoint& viewportPos) const;
    void setXRangeFromUser(double x0, double x1, bool immediate);
    void resetZoom(); // both ranges back to automatic, redrawn now, the grid told

    CurveModel m_model;
    QList<ChartRun> m_runs;
    QHash<int, QColor> m_colors; // of each run id
    PlotMapping m_mapping;
    bool m_dirty = true;
    bool m_dataOnly = false; // only dataChanged() since the last refresh
    bool m_steadyRanges = false;
    int m_geometryBuilds = 0;
    bool m_inRelayout = false;
    bool m_refreshQueued = false;

    std::vector<EventHit> m_eventHits;

    std::unique_ptr<ChartAxes> m_axes;
    std::vector<QLineSeries*> m_legendSeries;
    SeriesLayer* m_layer = nullptr;
    ChartMarkers* m_markers = nullptr;
    ChartOverlay* m_overlay = nullptr;

    // interaction (metric_chart_input.cpp)
    QRubberBand* m_rubberBand = nullptr;
    QTimer* m_interaction = nullptr; // coalesces wheel and drag redraws
    QPoint m_pressPos;
    enum class Drag
    {
        None,
        Zoom,
        Pan,
    } m_drag = Drag::None;
    PlotMapping m_pressMapping;
    double m_syncedX;
    bool m_wheelZooms = true;
    bool m_legendShown = true;
    bool m_pinned = false; // setLayoutState: for the context menu only
    bool m_maximized = false;
};

} // namespace viewer
