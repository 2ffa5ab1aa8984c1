#pragma once

#include "chart_options.hpp"
#include "series_catalogue.hpp"
#include "theme.hpp"
#include "x_metric_notice.hpp"

#include <QHash>
#include <QMainWindow>
#include <QSet>

class QAction;
class QActionGroup;
class QComboBox;
class QLabel;
class QMenu;
class QSlider;
class QSpinBox;
class QTimer;
class QTreeView;

namespace viewer {

class CompareBar;
class AlertPresenter;
class ChartGrid;
class CommandLineOptions;
class EventsModel;
class EventsTable;
class MessageBanner;
class MetricFilterPanel;
class MetricFilterProxy;
class MetricTreeModel;
class RecordTableModel;
class RecordsView;
class RunComparison;
class RunListModel;
class RunsPanel;
class RunsTable;
class RunsTableModel;
class Settings;
class StatusBar;
class TagFilter;
class Workspace;

// The viewer's main window: the chart grid in the centre; runs, tags and metrics docked on the
// left; events and records docked below; the view toolbar (x mode, smoothing, log scales, outliers,
// grouping, pause, reset zoom); menus, drag and drop, export, themes, remembered layout and view
// settings. GUI thread. It owns the Workspace and wires it to every panel; the panels and models
// only show and ask, the window acts. Problems with inputs (a path that does not exist, a file
// without one valid record) go to an inline banner and to problemFound, never to a modal dialog.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // The smoothing control's entry for the automatic first-run choice (not a SmoothingKind).
    static constexpr int AutomaticSmoothing = -1;
    // Filter models and the status bar are updated at most this often while runs grow.
    static constexpr int ModelRefreshMs = 250;

    // settings: not owned; must outlive the window.
    explicit MainWindow(Settings* settings, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Applies what the command line asks for (before openPaths).
    void applyCommandLine(const CommandLineOptions& options);
    void openPaths(const QStringList& paths);
    int openPath(const QString& path); // returns the source id (an already open path: its id)
    void closeSource(int sourceId);
    // Closes one run of a file (the last one closes the file).
    void closeRun(int runId);
    void closeAll();

    // Nothing is loading and standard input (if open) has been read to its end.
    bool isSettled() const;
    // Brings the filters, the models and every chart up to date now (screenshots, tests).
    void flushPendingUpdates();
    bool saveScreenshot(const QString& path, QString* error);
    bool exportCsv(const QString& path, QString* error);

    ChartOptions chartOptions() const
    {
        return m_options;
    }
    void setChartOptions(const ChartOptions& options);
    void setFollowPaused(bool paused);
    bool isFollowPaused() const
    {
        return m_followPaused;
    }
    void setTheme(Theme theme);
    Theme theme() const
    {
        return m_theme;
    }
    void saveSettings();
    // The metric keys that get charts: checked in the tree, matching the search, tag shown.
    QSet<QString> visibleMetricKeys() const;
    QStringList problems() const
    {
        return m_problems;
    }

    Workspace* workspace() const
    {
        return m_workspace;
    }
    ChartGrid* chartGrid() const
    {
        return m_chartGrid;
    }
    RunListModel* runListModel() const
    {
        return m_runList;
    }
    RunsPanel* runsPanel() const
    {
        return m_runsPanel;
    }
    RunsTable* runsTable() const
    {
        return m_runsTable;
    }
    TagFilter* tagFilter() const
    {
        return m_tagFilter;
    }
    MetricTreeModel* metricTree() const
    {
        return m_metricTree;
    }
    MetricFilterProxy* metricProxy() const
    {
        return m_metricProxy;
    }
    MetricFilterPanel* metricPanel() const
    {
        return m_metricPanel;
    }
    EventsModel* eventsModel() const
    {
        return m_eventsModel;
    }
    EventsTable* eventsTable() const
    {
        return m_eventsTable;
    }
    RecordTableModel* recordModel() const
    {
        return m_recordModel;
    }
    RecordsView* recordsView() const
    {
        return m_recordsView;
    }
    StatusBar* statusBarWidget() const
    {
        return m_statusBar;
    }
    MessageBanner* banner() const
    {
        return m_banner;
    }
    QMenu* recentMenu() const
    {
        return m_recentMenu;
    }

signals:
    // A problem with an input, in plain text (for stderr when started from a command line).
    void problemFound(const QString& message);
    // Something the user should know that is not a failure (--x METRIC absent for some charts):
    // shown in the banner; the headless modes print it to stderr.
    void noticeFound(const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createModels();
    void createCentre();
    void createDocks();
    void createToolBar();
    void createMenus();
    void connectWorkspace();
    void loadSettings();
    void applyDefaultDockSizes();

    void scheduleModelRefresh();
    void refreshModels();
    void applyMetricFilter();
    void updateStatus();
    void checkProblems();
    void checkXAxis(); // the toolbar's x shows what the charts use; --x METRIC notices
    void reportProblem(const QString& message);
    void updateTitle();

    void pushOptions(); // m_options -> grid, events, toolbar
    void syncToolBar();
    void syncSmoothingControls(); // the kind, slider and value of a chosen smoothing
    void syncXModeControls();
    void onSmoothingKindChanged(int index);
    void onSmoothingSliderChanged(int value);

    void showMalformedLines(int runId);
    void rebuildRecentMenu();
    void openFileDialog();
    void openFolderDialog();
    void openRemoteDialog(); // an ssh:// file or folder, checked before it is opened
    void exportCsvDialog();
    void exportChartDialog();
    void exportWindowDialog();
    void goToFirstNan();
    void showShortcuts();
    void showAbout();

    Settings* m_settings;
    Workspace* m_workspace = nullptr;
    ChartGrid* m_chartGrid = nullptr;
    RunListModel* m_runList = nullptr;
    RunsPanel* m_runsPanel = nullptr;
    RunsTableModel* m_runsTableModel = nullptr; // the runs table (issue 12)
    RunsTable* m_runsTable = nullptr;
    RunComparison* m_comparison = nullptr; // group by / colour by to the charts
    CompareBar* m_compareBar = nullptr;
    TagFilter* m_tagFilter = nullptr;
    QTreeView* m_tagView = nullptr;
    MetricTreeModel* m_metricTree = nullptr;
    MetricFilterProxy* m_metricProxy = nullptr;
    MetricFilterPanel* m_metricPanel = nullptr;
    EventsModel* m_eventsModel = nullptr;
    EventsTable* m_eventsTable = nullptr;
    AlertPresenter* m_alerts = nullptr; // issue 16: events row, notification, runs table
    RecordTableModel* m_recordModel = nullptr;
    RecordsView* m_recordsView = nullptr;
    StatusBar* m_statusBar = nullptr;
    MessageBanner* m_banner = nullptr;
    QTimer* m_modelTimer = nullptr;
    // Tags and metrics of the open runs, updated by the runs that changed since the last refresh.
    SeriesCatalogue m_catalogue;
    QSet<int> m_changedRuns;
    QSet<int> m_closedRuns;

    // toolbar
    QComboBox* m_xMode = nullptr;
    QComboBox* m_smoothingKind = nullptr;
    QSlider* m_smoothingSlider = nullptr;
    QLabel* m_smoothingValue = nullptr;
    QComboBox* m_groupMode = nullptr;
    QSpinBox* m_chartHeight = nullptr; // the grid's row height (issue 13), remembered
    QAction* m_logX = nullptr;
    QAction* m_logY = nullptr;
    QAction* m_outliers = nullptr;
    QAction* m_pause = nullptr;
    QAction* m_resetZoom = nullptr;
    QAction* m_wheelZoom = nullptr; // View > Wheel Zooms Charts
    QActionGroup* m_xModeActions = nullptr;
    QActionGroup* m_themeActions = nullptr;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_viewMenu = nullptr;

    ChartOptions m_options;
    double m_emaWeight = 0.6;
    int m_movingAverageWindow = 10;
    bool m_followPaused = false;
    bool m_settingsLoaded = false; // from then on, pins are saved as they change
    bool m_layoutRestored = false; // a saved dock layout was applied: keep it
    bool m_shown = false;
    Theme m_theme = Theme::System;
    QHash<int, QString> m_reported; // source id -> last problem reported for it
    QStringList m_problems;
    XMetricNotice m_xMetricNotice;
};

} // namespace viewer
