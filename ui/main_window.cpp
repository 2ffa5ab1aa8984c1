#include "main_window.hpp"

#include "alert_presenter.hpp"
#include "chart_grid.hpp"
#include "command_line_options.hpp"
#include "compare_bar.hpp"
#include "events_model.hpp"
#include "events_table.hpp"
#include "malformed_lines_dialog.hpp"
#include "message_banner.hpp"
#include "metric_filter_panel.hpp"
#include "metric_filter_proxy.hpp"
#include "metric_tree_model.hpp"
#include "plain_label.hpp"
#include "record_table_model.hpp"
#include "records_view.hpp"
#include "run_comparison.hpp"
#include "run_list_model.hpp"
#include "runs_panel.hpp"
#include "runs_table.hpp"
#include "runs_table_model.hpp"
#include "settings.hpp"
#include "status_bar.hpp"
#include "tag_filter.hpp"
#include "workspace.hpp"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImageWriter>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSlider>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace viewer {

namespace {

// A message box whose text is never interpreted as markup (it names files, quotes errors).
void plainWarning(QWidget* parent, const QString& title, const QString& text)
{
    QMessageBox box(QMessageBox::Warning, title, QString(), QMessageBox::Ok, parent);
    box.setTextFormat(Qt::PlainText);
    box.setText(plainLabel(text, 600));
    box.exec();
}

// Menu texts treat '&' as a mnemonic marker: double it so a path shows as it is.
QString menuText(const QString& text)
{
    QString t = plainLabel(text, 90);
    t.replace(QLatin1Char('&'), QStringLiteral("&&"));
    return t;
}

constexpr int MaxMovingAverageSlider = 500;

} // namespace

MainWindow::MainWindow(Settings* settings, QWidget* parent)
    : QMainWindow(parent)
    , m_settings(settings)
    , m_workspace(new Workspace(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setAcceptDrops(true);
    setDockNestingEnabled(true);
    resize(1400, 900);

    createModels();
    createCentre();
    createDocks();
    createToolBar();
    createMenus();
    connectWorkspace();
    m_alerts = new AlertPresenter(m_workspace, m_eventsModel, m_runsTable->viewModel(), this);
    m_alerts->setRules(m_settings->alertRules());
    loadSettings();
    pushOptions();
    updateStatus();
    updateTitle();
}

MainWindow::~MainWindow()
{
    // The charts read runs through the workspace: take them down first, and let no signal of
    // the workspace reach a half-destroyed window.
    delete m_chartGrid;
    m_chartGrid = nullptr;
    m_workspace->disconnect();
}

void MainWindow::createModels()
{
    m_runList = new RunListModel(m_workspace, this);
    m_tagFilter = new TagFilter(this);
    m_metricTree = new MetricTreeModel(this);
    m_metricProxy = new MetricFilterProxy(this);
    auto lookup = [this](int runId) { return m_workspace->run(runId); };
    m_eventsModel = new EventsModel(lookup, this);
    m_recordModel = new RecordTableModel(lookup, this);
    m_modelTimer = new QTimer(this);
    m_modelTimer->setSingleShot(true);
    m_modelTimer->setInterval(ModelRefreshMs);
    connect(m_modelTimer, &QTimer::timeout, this, &MainWindow::refreshModels);
}

void MainWindow::createCentre()
{
    m_chartGrid = new ChartGrid(m_workspace);
    m_banner = new MessageBanner;
    connect(m_chartGrid, &ChartGrid::chartsChanged, this, [this] {
        if (m_xMode) // (the toolbar exists)
            checkXAxis();
    });
    auto* centre = new QWidget(this);
    auto* layout = new QVBoxLayout(centre);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    layout->addWidget(m_chartGrid, 1);
    setCentralWidget(centre);

    auto color = [this](
                     int runId) { return m_chartGrid ? m_chartGrid->runColor(runId) : QColor(); };
    m_runList->setColorProvider(color);
    m_eventsModel->setColorProvider(color);

    m_statusBar = new StatusBar(this);
    setStatusBar(m_statusBar);
    connect(m_statusBar, &StatusBar::cancelRequested, this, [this] {
        for (int id : m_workspace->sourceIds()) {
            if (m_workspace->source(id).state == Workspace::SourceState::Loading)
                m_workspace->cancel(id);
        }
    });
}

void MainWindow::createDocks()
{
    auto dock = [this](const QString& title, const QString& name, QWidget* widget,
                    Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(name);
        d->setWidget(widget);
        d->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable
            | QDockWidget::DockWidgetFloatable);
        addDockWidget(area, d);
        return d;
    };

    m_runsPanel = new RunsPanel(m_runList);
    QDockWidget* runs =
        dock(tr("Runs"), QStringLiteral("runsDock"), m_runsPanel, Qt::LeftDockWidgetArea);
    connect(m_runList, &RunListModel::runVisibilityChanged, this, [this](int runId, bool visible) {
        m_chartGrid->setRunVisible(runId, visible);
        scheduleModelRefresh();
    });
    connect(m_runsPanel, &RunsPanel::closeSourceRequested, this, &MainWindow::closeSource);
    connect(m_runsPanel, &RunsPanel::closeRunRequested, this, &MainWindow::closeRun);
    connect(
        m_runsPanel, &RunsPanel::malformedLinesRequested, this, &MainWindow::showMalformedLines);
    connect(m_runsPanel, &RunsPanel::currentRunChanged, this, [this](int runId) {
        if (runId >= 0 && runId != m_recordsView->runId())
            m_recordsView->setRun(runId);
    });

    m_tagView = new QTreeView;
    m_tagView->setModel(m_tagFilter);
    m_tagView->setRootIsDecorated(false);
    m_tagView->setUniformRowHeights(true);
    m_tagView->setTextElideMode(Qt::ElideMiddle);
    m_tagView->header()->setStretchLastSection(false);
    m_tagView->header()->setSectionResizeMode(TagFilter::NameColumn, QHeaderView::Stretch);
    m_tagView->header()->setSectionResizeMode(
        TagFilter::CountColumn, QHeaderView::ResizeToContents);
    QDockWidget* tags =
        dock(tr("Tags"), QStringLiteral("tagsDock"), m_tagView, Qt::LeftDockWidgetArea);
    connect(m_tagFilter, &TagFilter::visibleTagsChanged, this, [this] {
        QSet<QString> hidden;
        for (const QString& tag : m_tagFilter->tags()) {
            if (!m_tagFilter->isTagVisible(tag))
                hidden.insert(tag);
        }
        m_metricProxy->setHiddenTags(hidden);
    });

    m_metricPanel = new MetricFilterPanel(m_metricTree, m_metricProxy);
    QDockWidget* metrics =
        dock(tr("Metrics"), QStringLiteral("metricsDock"), m_metricPanel, Qt::LeftDockWidgetArea);
    connect(
        m_metricTree, &MetricTreeModel::checkedKeysChanged, this, &MainWindow::applyMetricFilter);
    connect(m_metricProxy, &MetricFilterProxy::filterChanged, this, &MainWindow::applyMetricFilter);

    m_eventsTable = new EventsTable(m_eventsModel);
    QDockWidget* events =
        dock(tr("Events"), QStringLiteral("eventsDock"), m_eventsTable, Qt::BottomDockWidgetArea);
    connect(m_eventsTable, &EventsTable::zoomRequested, this, [this](double x, int runId) {
        const QModelIndex current =
            m_eventsTable->proxy()->mapToSource(m_eventsTable->view()->currentIndex());
        if (!m_options.xMetric.isEmpty() && current.isValid()) // the table's x is the mode's
            x = m_chartGrid->xOfRecord(runId, current.data(EventsModel::RecordRole).toUInt());
        m_chartGrid->zoomToX(x);
        if (runId == m_recordsView->runId() && current.isValid())
            m_recordsView->selectRecord(current.data(EventsModel::RecordRole).toUInt());
        m_statusBar->showMessage(tr("Showing x = %1 on every chart").arg(x, 0, 'g', 10), 4000);
    });

    m_recordsView = new RecordsView(m_recordModel,
        [this](int runId, std::uint32_t record) { return m_workspace->recordText(runId, record); });
    QDockWidget* records =
        dock(tr("Records"), QStringLiteral("recordsDock"), m_recordsView, Qt::BottomDockWidgetArea);
    tabifyDockWidget(events, records);

    // The runs table: configs and results side by side, sharing visibility with the runs panel.
    m_runsTableModel = new RunsTableModel(this);
    m_runsTableModel->setWorkspace(m_workspace);
    RunsTableViewModel::Hooks hooks;
    hooks.color = [this](int runId) {
        // The charts' colours until they are coloured by a field (--color-by).
        return m_runsTableModel->colorBy().isEmpty() && m_chartGrid
            ? m_chartGrid->runColor(runId)
            : QColor::fromRgb(m_runsTableModel->colorOf(runId));
    };
    hooks.isVisible = [this](int runId) { return m_runList->isRunVisible(runId); };
    hooks.setVisible = [this](int runId, bool on) { m_runList->setRunVisible(runId, on); };
    m_runsTable = new RunsTable(m_runsTableModel, hooks);
    QDockWidget* table = dock(
        tr("Runs table"), QStringLiteral("runsTableDock"), m_runsTable, Qt::BottomDockWidgetArea);
    tabifyDockWidget(events, table);
    connect(m_runList, &RunListModel::runVisibilityChanged, m_runsTable->viewModel(),
        &RunsTableViewModel::runVisibilityChanged);
    connect(m_runsTable, &RunsTable::showOnlyRequested, this, [this](const QList<int>& runIds) {
        for (int id : m_workspace->runIds())
            m_runList->setRunVisible(id, runIds.contains(id));
    });
    connect(m_runsTable, &RunsTable::showAllRequested, this, [this] {
        for (int id : m_workspace->runIds())
            m_runList->setRunVisible(id, true);
    });
    connect(m_runsTable, &RunsTable::runActivated, m_recordsView, &RecordsView::setRun);
    table->raise(); // comparing runs is what a folder of runs is opened for

    // Group by / colour by and the window's one legend, above the charts (issue 12).
    m_comparison = new RunComparison(m_workspace, m_runsTableModel, m_chartGrid, this);
    CompareBar::Hooks barHooks;
    barHooks.isVisible = hooks.isVisible;
    barHooks.setVisible = hooks.setVisible;
    barHooks.showOnly = [this](int runId) {
        for (int id : m_workspace->runIds())
            m_runList->setRunVisible(id, id == runId);
    };
    m_compareBar =
        new CompareBar(m_workspace, m_runsTableModel, m_chartGrid, m_comparison, barHooks);
    if (auto* centre = qobject_cast<QVBoxLayout*>(centralWidget()->layout()))
        centre->insertWidget(1, m_compareBar);
    connect(m_compareBar, &CompareBar::membersShownPicked, this, [this](bool on) {
        m_options.groupMembersFaint = on;
        pushOptions();
    });
    connect(m_compareBar, &CompareBar::groupByPicked, this, [this](const QString& field) {
        if (!field.isEmpty() && m_options.groupMode != GroupMode::MeanBand) {
            m_options.groupMode = GroupMode::MeanBand; // a group is drawn as its mean and band
            pushOptions();
        }
    });

    splitDockWidget(runs, tags, Qt::Vertical);
    splitDockWidget(tags, metrics, Qt::Vertical);
}

void MainWindow::applyDefaultDockSizes()
{
    auto* runs = findChild<QDockWidget*>(QStringLiteral("runsDock"));
    auto* tags = findChild<QDockWidget*>(QStringLiteral("tagsDock"));
    auto* metrics = findChild<QDockWidget*>(QStringLiteral("metricsDock"));
    auto* events = findChild<QDockWidget*>(QStringLiteral("eventsDock"));
    const int h = height();
    resizeDocks(
        { runs, tags, metrics }, { h * 26 / 100, h * 20 / 100, h * 54 / 100 }, Qt::Vertical);
    resizeDocks({ runs }, { std::clamp(width() / 4, 260, 380) }, Qt::Horizontal);
    resizeDocks({ events }, { std::clamp(h / 4, 150, 320) }, Qt::Vertical);
}

void MainWindow::createToolBar()
{
    auto* bar = addToolBar(tr("View"));
    bar->setObjectName(QStringLiteral("viewToolBar"));
    bar->setMovable(true);

    auto* xLabel = new QLabel(tr("x:"), bar);
    xLabel->setContentsMargins(4, 0, 2, 0);
    bar->addWidget(xLabel);
    m_xMode = new QComboBox(bar);
    m_xMode->setObjectName(QStringLiteral("xAxisMode"));
    for (const XAxisModeText& t : xAxisModeTexts())
        m_xMode->addItem(xAxisModeLabel(t.mode), int(t.mode));
    m_xMode->setToolTip(tr("What the x axis shows (Ctrl+1 to Ctrl+6)"));
    connect(m_xMode, &QComboBox::activated, this, [this](int i) {
        const int mode = m_xMode->itemData(i).toInt();
        if (mode < 0)
            return; // the --x metric's own entry, already in use
        m_options.xMode = static_cast<XAxisMode>(mode);
        m_options.xModeChosen = true;
        m_options.xMetric.clear();
        pushOptions();
    });
    bar->addWidget(m_xMode);
    bar->addSeparator();

    auto* sLabel = new QLabel(tr("Smoothing:"), bar);
    sLabel->setContentsMargins(4, 0, 2, 0);
    bar->addWidget(sLabel);
    m_smoothingKind = new QComboBox(bar);
    m_smoothingKind->addItem(tr("None"), int(SmoothingKind::None));
    m_smoothingKind->addItem(tr("EMA"), int(SmoothingKind::Ema));
    m_smoothingKind->addItem(tr("Moving average"), int(SmoothingKind::MovingAverage));
    m_smoothingKind->setToolTip(tr("Smoothing of every curve, computed on all points (the raw "
                                   "line stays faint behind)"));
    connect(m_smoothingKind, &QComboBox::activated, this, &MainWindow::onSmoothingKindChanged);
    bar->addWidget(m_smoothingKind);
    m_smoothingSlider = new QSlider(Qt::Horizontal, bar);
    m_smoothingSlider->setFixedWidth(130);
    m_smoothingSlider->setToolTip(tr("EMA weight (0 to 0.999) or moving-average window (points)"));
    connect(m_smoothingSlider, &QSlider::valueChanged, this, &MainWindow::onSmoothingSliderChanged);
    bar->addWidget(m_smoothingSlider);
    m_smoothingValue = new QLabel(bar);
    m_smoothingValue->setTextFormat(Qt::PlainText);
    m_smoothingValue->setMinimumWidth(
        m_smoothingValue->fontMetrics().horizontalAdvance(QStringLiteral("0.000 pts")));
    bar->addWidget(m_smoothingValue);
    bar->addSeparator();

    m_logX = bar->addAction(tr("Log x"));
    m_logX->setCheckable(true);
    m_logX->setToolTip(tr("Logarithmic x axis (true log10; values <= 0 are not drawn)"));
    m_logY = bar->addAction(tr("Log y"));
    m_logY->setCheckable(true);
    m_logY->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_logY->setToolTip(tr("Logarithmic y axis (Ctrl+L)"));
    m_outliers = bar->addAction(tr("Ignore outliers"));
    m_outliers->setCheckable(true);
    m_outliers->setToolTip(tr("Fit the y range to the 0.1-99.9 percentiles: a single spike no "
                              "longer flattens the curve (it stays drawn, off the range)"));
    for (QAction* a : { m_logX, m_logY, m_outliers }) {
        connect(a, &QAction::toggled, this, [this] {
            m_options.logX = m_logX->isChecked();
            m_options.logY = m_logY->isChecked();
            m_options.ignoreOutliers = m_outliers->isChecked();
            pushOptions();
        });
    }
    bar->addSeparator();

    m_groupMode = new QComboBox(bar);
    m_groupMode->addItem(tr("Overlay runs"), int(GroupMode::Overlay));
    m_groupMode->addItem(tr("Mean + min/max"), int(GroupMode::MeanBand));
    m_groupMode->setToolTip(tr("Overlay every run, or draw the runs of one folder (per-rank "
                               "files, seeds) as their mean with a min/max band"));
    connect(m_groupMode, &QComboBox::activated, this, [this](int i) {
        m_options.groupMode = static_cast<GroupMode>(m_groupMode->itemData(i).toInt());
        pushOptions();
    });
    bar->addWidget(m_groupMode);
    bar->addSeparator();
    auto* heightLabel = new QLabel(tr("Height:"), bar);
    heightLabel->setContentsMargins(4, 0, 2, 0);
    bar->addWidget(heightLabel);
    m_chartHeight = new QSpinBox(bar);
    m_chartHeight->setRange(ChartLayoutPlan::MinChartHeight, ChartLayoutPlan::MaxChartHeight);
    m_chartHeight->setSingleStep(20);
    m_chartHeight->setKeyboardTracking(false); // one relayout when typing is done
    m_chartHeight->setSuffix(tr(" px"));
    m_chartHeight->setValue(ChartLayoutPlan::DefaultChartHeight);
    m_chartHeight->setToolTip(tr("Height of a chart row (rows are fitted so that the ones in "
                                 "view are whole)"));
    connect(m_chartHeight, &QSpinBox::valueChanged, this, [this](int pixels) {
        m_chartGrid->setChartHeight(pixels);
        m_settings->setChartHeight(pixels);
    });
    bar->addWidget(m_chartHeight);
    bar->addSeparator();

    m_pause = bar->addAction(tr("Pause"));
    m_pause->setCheckable(true);
    m_pause->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    m_pause->setToolTip(tr("Pause following the files (Ctrl+P); resume reads what was written "
                           "meanwhile"));
    connect(m_pause, &QAction::toggled, this, &MainWindow::setFollowPaused);
    m_resetZoom = bar->addAction(tr("Reset zoom"));
    m_resetZoom->setShortcuts({ QKeySequence(Qt::CTRL | Qt::Key_0), QKeySequence(Qt::Key_Home) });
    m_resetZoom->setToolTip(tr("Show all data on every chart (Ctrl+0)"));
    connect(m_resetZoom, &QAction::triggered, this, [this] { m_chartGrid->resetZoom(); });
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open\u2026"), this, &MainWindow::openFileDialog);
    open->setShortcut(QKeySequence::Open);
    QAction* openFolder =
        file->addAction(tr("Open &Folder\u2026"), this, &MainWindow::openFolderDialog);
    openFolder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_recentMenu = file->addMenu(tr("&Recent Runs"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    rebuildRecentMenu();
    file->addSeparator();
    // The selected run, or the whole file or folder when its row is selected.
    QAction* close = file->addAction(tr("&Close"), this, [this] {
        const QModelIndex current = m_runsPanel->view()->currentIndex();
        if (current.data(RunListModel::IsRunRole).toBool())
            closeRun(current.data(RunListModel::RunIdRole).toInt());
        else if (m_runsPanel->currentSourceId() >= 0)
            closeSource(m_runsPanel->currentSourceId());
    });
    close->setShortcut(QKeySequence::Close);
    file->addAction(tr("Close &All"), this, &MainWindow::closeAll);
    file->addSeparator();
    QAction* csv = file->addAction(
        tr("&Export Visible Series as CSV\u2026"), this, &MainWindow::exportCsvDialog);
    csv->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    file->addAction(tr("Export Chart as &PNG\u2026"), this, &MainWindow::exportChartDialog);
    QAction* window =
        file->addAction(tr("Export &Window as PNG\u2026"), this, &MainWindow::exportWindowDialog);
    window->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_viewMenu->addAction(tr("Alert &Rules\u2026"), this, [this] {
        if (const auto rules = AlertPresenter::askRules(this, m_alerts->rules())) {
            m_alerts->setRules(*rules);
            m_settings->setAlertRules(*rules);
        }
    });
    QMenu* xMenu = m_viewMenu->addMenu(tr("&X Axis"));
    m_xModeActions = new QActionGroup(this);
    int n = 1;
    for (const XAxisModeText& t : xAxisModeTexts()) {
        const XAxisMode mode = t.mode;
        QAction* a = xMenu->addAction(xAxisModeLabel(mode));
        a->setCheckable(true);
        a->setData(int(mode));
        a->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_0 + n++)));
        m_xModeActions->addAction(a);
        connect(a, &QAction::triggered, this, [this, mode] {
            m_options.xMode = mode;
            m_options.xModeChosen = true;
            m_options.xMetric.clear();
            pushOptions();
        });
    }
    m_viewMenu->addAction(m_logX);
    m_viewMenu->addAction(m_logY);
    m_viewMenu->addAction(m_outliers);
    m_viewMenu->addAction(m_resetZoom);
    m_wheelZoom = m_viewMenu->addAction(tr("&Wheel Zooms Charts"));
    m_wheelZoom->setCheckable(true);
    m_wheelZoom->setToolTip(tr(
        "A plain wheel over a chart zooms it; otherwise Ctrl+wheel zooms and the wheel scrolls"));
    connect(m_wheelZoom, &QAction::toggled, this, [this](bool on) {
        m_chartGrid->setWheelZooms(on);
        m_settings->setWheelZoomsCharts(on);
    });
    m_viewMenu->addAction(m_pause);
    QAction* nan = m_viewMenu->addAction(tr("Go to First &NaN"), this, &MainWindow::goToFirstNan);
    nan->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    QAction* find = m_viewMenu->addAction(
        tr("&Filter Metrics"), this, [this] { m_metricPanel->focusSearch(); });
    find->setShortcut(QKeySequence::Find);
    m_viewMenu->addSeparator();
    QMenu* themes = m_viewMenu->addMenu(tr("&Theme"));
    m_themeActions = new QActionGroup(this);
    for (Theme t : { Theme::System, Theme::Light, Theme::Dark }) {
        const QString label = t == Theme::System ? tr("&System")
            : t == Theme::Light                  ? tr("&Light")
                                                 : tr("&Dark");
        QAction* a = themes->addAction(label);
        a->setCheckable(true);
        a->setData(int(t));
        m_themeActions->addAction(a);
        connect(a, &QAction::triggered, this, [this, t] { setTheme(t); });
    }
    m_viewMenu->addSeparator();
    QMenu* panels = m_viewMenu->addMenu(tr("&Panels"));
    for (QDockWidget* d : findChildren<QDockWidget*>())
        panels->addAction(d->toggleViewAction());
    QAction* full = m_viewMenu->addAction(
        tr("F&ull Screen"), this, [this] { setWindowState(windowState() ^ Qt::WindowFullScreen); });
    full->setShortcut(QKeySequence::FullScreen);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard Shortcuts"), this, &MainWindow::showShortcuts)
        ->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("&About Telemetry Viewer"), this, &MainWindow::showAbout);
}

void MainWindow::connectWorkspace()
{
    connect(m_workspace, &Workspace::runAdded, this, [this](int runId) {
        m_changedRuns.insert(runId);
        m_eventsModel->addRun(runId);
        if (m_recordsView->runId() < 0)
            m_recordsView->setRun(runId);
        scheduleModelRefresh();
    });
    connect(m_workspace, &Workspace::runRemoved, this, [this](int runId) {
        m_changedRuns.remove(runId);
        m_closedRuns.insert(runId);
        m_eventsModel->removeRun(runId);
        if (m_recordsView->runId() == runId)
            m_recordsView->setRun(-1);
        scheduleModelRefresh();
    });
    connect(m_workspace, &Workspace::runsAppended, this, [this](const QList<int>& runIds) {
        m_changedRuns.unite(QSet<int>(runIds.cbegin(), runIds.cend()));
        m_eventsModel->runsAppended(runIds);
        m_recordsView->runsAppended(runIds);
        scheduleModelRefresh();
    });
    connect(m_workspace, &Workspace::sourceStateChanged, this, [this] {
        checkProblems();
        updateStatus();
    });
    connect(m_workspace, &Workspace::loadFinished, this, [this](int sourceId) {
        for (int runId : m_workspace->runIds()) { // once per load: what it merged
            if (m_workspace->sourceOfRun(runId) == sourceId)
                m_changedRuns.insert(runId);
        }
        scheduleModelRefresh();
        checkProblems();
        updateStatus();
    });
    connect(m_workspace, &Workspace::loadProgress, this, &MainWindow::updateStatus);
    connect(
        m_workspace, &Workspace::sourceReset, this, [this](int sourceId, const QString& reason) {
            const QString path = m_workspace->source(sourceId).path;
            m_statusBar->showMessage(
                plainLabel(
                    tr("%1 was truncated or replaced (%2): reading it again").arg(path, reason),
                    300),
                8000);
        });
}

void MainWindow::loadSettings()
{
    m_options = m_settings->chartOptions();
    m_emaWeight = m_settings->emaWeight();
    m_movingAverageWindow = m_settings->movingAverageWindow();
    m_tagFilter->setHiddenTags(m_settings->hiddenTags());
    m_metricTree->setUncheckedKeys(m_settings->uncheckedMetrics());
    m_metricPanel->setSearch(m_settings->metricSearch(), m_settings->metricSearchIsRegex());
    const QByteArray geometry = m_settings->windowGeometry();
    if (!geometry.isEmpty())
        restoreGeometry(geometry);
    const QByteArray state = m_settings->windowState();
    if (!state.isEmpty())
        m_layoutRestored = restoreState(state);
    setTheme(m_settings->theme());
    m_runsTableModel->colors().fromVariant(m_settings->runColors());
    m_comparison->setGroupBy(m_settings->groupBy());
    m_comparison->setColorBy(m_settings->colorBy());
    m_compareBar->refreshNow();
    const bool wheelZooms = m_settings->wheelZoomsCharts();
    m_wheelZoom->setChecked(wheelZooms);
    m_chartGrid->setWheelZooms(wheelZooms);
    m_chartHeight->setValue(m_settings->chartHeight());
    m_chartGrid->setChartHeight(m_settings->chartHeight());
}

void MainWindow::saveSettings()
{
    m_settings->setChartOptions(m_options);
    m_settings->setEmaWeight(m_emaWeight);
    m_settings->setMovingAverageWindow(m_movingAverageWindow);
    m_settings->setTheme(m_theme);
    m_settings->setHiddenTags(m_tagFilter->hiddenTags());
    m_settings->setUncheckedMetrics(m_metricTree->uncheckedKeys());
    m_settings->setMetricSearch(m_metricPanel->searchText(), m_metricPanel->isRegex());
    m_settings->setRunColors(m_runsTableModel->colors().toVariant());
    m_settings->setCompareFields(m_comparison->groupBy(), m_comparison->colorBy());
    m_settings->setWindowLayout(saveGeometry(), saveState());
    m_settings->sync();
}

void MainWindow::applyCommandLine(const CommandLineOptions& options)
{
    if (options.tags)
        m_tagFilter->showOnly(*options.tags);
    if (options.metricsRegex)
        m_metricPanel->setSearch(*options.metricsRegex, true);
    if (options.logY)
        m_options.logY = true;
    if (options.xMode) {
        m_options.xMode = *options.xMode;
        m_options.xModeChosen = true;
    }
    if (options.xMetric)
        m_options.xMetric = *options.xMetric; // for this session (the settings keep the mode)
    if (options.smoothing) {
        m_options.smoothing = *options.smoothing;
        m_options.smoothingChosen = true;
        if (*options.smoothing == SmoothingKind::Ema)
            m_emaWeight = options.smoothingParam;
        else if (*options.smoothing == SmoothingKind::MovingAverage)
            m_movingAverageWindow = int(options.smoothingParam);
    }
    if (options.groupBy) {
        m_comparison->setGroupBy(*options.groupBy);
        if (!options.groupBy->isEmpty())
            m_options.groupMode = GroupMode::MeanBand; // a group is drawn as its mean and band
    }
    if (options.colorBy)
        m_comparison->setColorBy(*options.colorBy);
    if (options.groupMembers)
        m_options.groupMembersFaint = true;
    m_compareBar->refreshNow();
    pushOptions();
    if (!options.follow)
        setFollowPaused(true);
    if (options.alertRules)
        m_alerts->setRules(*options.alertRules); // for this session; the settings keep theirs
}

// --- opening and closing ---------------------------------------------------------------------

void MainWindow::openPaths(const QStringList& paths)
{
    for (const QString& path : paths)
        openPath(path);
}

int MainWindow::openPath(const QString& path)
{
    const bool remote = path.startsWith(QLatin1String("ssh://")); // taken as given (RemoteUrl)
    const QString absolute =
        path == QLatin1String("-") || remote ? path : QFileInfo(path).absoluteFilePath();
    for (int id : m_workspace->sourceIds()) {
        const QString open = m_workspace->source(id).path;
        if (open == absolute || open == path) {
            m_runsPanel->view()->setCurrentIndex(m_runList->indexOfSource(id));
            m_statusBar->showMessage(plainLabel(tr("%1 is already open").arg(path), 300), 4000);
            return id;
        }
    }
    const int id = m_workspace->open(path, !m_followPaused);
    if (remote) {
        m_settings->addRecentPath(path);
    } else if (path != QLatin1String("-") && QFileInfo::exists(path)) {
        m_settings->addRecentPath(absolute);
        m_settings->setLastDirectory(QFileInfo(absolute).absolutePath());
    }
    m_runList->sync();
    checkProblems();
    updateStatus();
    updateTitle();
    return id;
}

void MainWindow::closeSource(int sourceId)
{
    m_workspace->close(sourceId);
    m_reported.remove(sourceId);
    m_runList->sync();
    scheduleModelRefresh();
    updateStatus();
    updateTitle();
}

void MainWindow::closeRun(int runId)
{
    const int sourceId = m_workspace->sourceOfRun(runId);
    m_workspace->closeRun(runId);
    if (!m_workspace->sourceIds().contains(sourceId))
        m_reported.remove(sourceId);
    m_runList->sync();
    scheduleModelRefresh();
    updateStatus();
    updateTitle();
}

void MainWindow::closeAll()
{
    for (int id : m_workspace->sourceIds())
        closeSource(id);
}

bool MainWindow::isSettled() const
{
    if (!m_workspace->isIdle())
        return false;
    for (int id : m_workspace->sourceIds()) {
        const Workspace::SourceInfo info = m_workspace->source(id);
        if (info.isStream && info.state == Workspace::SourceState::Following)
            return false; // standard input, a FIFO: read until it ends (or its idle timeout)
    }
    return true;
}

void MainWindow::flushPendingUpdates()
{
    QCoreApplication::sendPostedEvents();
    m_runList->sync();
    refreshModels();
    checkProblems();
    m_chartGrid->refreshNow();
    if (m_compareBar)
        m_compareBar->refreshNow(); // the legend too (a screenshot raced its 200 ms timer)
    checkXAxis();
}

bool MainWindow::saveScreenshot(const QString& path, QString* error)
{
    flushPendingUpdates();
    const QImage image = grab().toImage();
    QImageWriter writer(path, "png");
    if (image.isNull() || !writer.write(image)) {
        if (error)
            *error = tr("cannot write %1: %2").arg(path, writer.errorString());
        return false;
    }
    return true;
}

bool MainWindow::exportCsv(const QString& path, QString* error)
{
    flushPendingUpdates();
    return m_chartGrid->exportCsv(path, error);
}

// --- keeping models, filters and status up to date --------------------------------------------

void MainWindow::scheduleModelRefresh()
{
    if (!m_modelTimer->isActive())
        m_modelTimer->start();
}

void MainWindow::refreshModels()
{
    m_modelTimer->stop();
    // Only the runs that changed since the last refresh (issue 15: not every open run per batch).
    for (int runId : std::as_const(m_closedRuns))
        m_catalogue.removeRun(runId);
    for (int runId : std::as_const(m_changedRuns)) {
        if (const Run* run = m_workspace->run(runId))
            m_catalogue.updateRun(runId, *run);
    }
    m_closedRuns.clear();
    m_changedRuns.clear();
    const SeriesCatalogue::Changes changes = m_catalogue.takeChanges();
    if (changes.tagsChanged)
        m_tagFilter->setTagCounts(m_catalogue.tagCounts());
    QList<MetricTreeModel::Metric> metrics;
    metrics.reserve(changes.metrics.size());
    for (const SeriesCatalogue::Metric& m : changes.metrics)
        metrics.push_back({ m.key, m.tag, m.path, m.nonFinite });
    m_metricTree->updateMetrics(metrics, changes.removedKeys);
    applyMetricFilter();
    updateStatus();
    updateTitle();
    checkXAxis();
}

QSet<QString> MainWindow::visibleMetricKeys() const
{
    QSet<QString> keys;
    const QSet<QString> checked = m_metricTree->checkedKeys();
    for (const QString& key : checked) {
        if (m_metricProxy->acceptsKey(key, m_metricTree->tagOfKey(key)))
            keys.insert(key);
    }
    return keys;
}

void MainWindow::applyMetricFilter()
{
    m_chartGrid->setMetricFilter(visibleMetricKeys());
}

void MainWindow::updateStatus()
{
    qulonglong records = 0;
    qulonglong series = 0;
    int runs = 0;
    qint64 newestRecord = 0; // ms since epoch of the newest record's ts
    for (int runId : m_workspace->runIds()) {
        const Run* run = m_workspace->run(runId);
        if (!run)
            continue;
        if (run->records.size() > 0) {
            const double ts = run->records.time(std::uint32_t(run->records.size() - 1));
            if (std::isfinite(ts) && ts > 0 && ts < 1e11)
                newestRecord = std::max(newestRecord, qint64(ts * 1000.0));
        }
        if (!m_runList->isRunVisible(runId))
            continue;
        records += run->records.size();
        series += run->series.size();
        ++runs;
    }
    m_statusBar->setCounts(records, series, runs);

    int following = 0;
    int loading = 0;
    int waiting = 0;
    qint64 last = 0;
    qint64 done = 0;
    qint64 total = 0;
    for (int id : m_workspace->sourceIds()) {
        const Workspace::SourceInfo info = m_workspace->source(id);
        last = std::max(last, info.lastAppendMsecs);
        switch (info.state) {
        case Workspace::SourceState::Following:
            ++following;
            break;
        case Workspace::SourceState::Loading:
            ++loading;
            done += info.bytesDone;
            total += info.bytesTotal;
            break;
        case Workspace::SourceState::Waiting:
            ++waiting;
            break;
        default:
            break;
        }
    }
    QString follow;
    if (m_followPaused)
        follow = tr("paused");
    else if (loading)
        follow = tr("loading");
    else if (following)
        follow =
            following == 1 ? tr("following 1 source") : tr("following %1 sources").arg(following);
    else if (waiting)
        follow = tr("waiting for files");
    else
        follow = tr("not following");
    if (waiting && (following || m_followPaused || loading))
        follow += tr(", %1 waiting").arg(waiting);
    m_statusBar->setFollowState(follow);
    // A record's own time says how fresh the data is (a finished run's last record is days old);
    // the arrival time covers writers whose clock is off.
    m_statusBar->setLastUpdate(
        std::max(last, std::min(newestRecord, QDateTime::currentMSecsSinceEpoch())));
    m_statusBar->setLoadProgress(done, loading ? total : -1);
}

// The x control says what the charts show: a --x metric, or "Global step" when the charts chose
// it because a run's step counter restarts (issue 13), not the "Step" that was asked for.
void MainWindow::syncXModeControls()
{
    const QSignalBlocker blocker(m_xMode);
    int metricItem = m_xMode->findData(-1);
    if (m_options.xMetric.isEmpty() && metricItem >= 0)
        m_xMode->removeItem(metricItem);
    if (!m_options.xMetric.isEmpty()) {
        if (metricItem < 0) {
            m_xMode->addItem(QString(), -1);
            metricItem = m_xMode->count() - 1;
        }
        m_xMode->setItemText(metricItem, plainLabel(m_options.xMetric, 40));
        m_xMode->setCurrentIndex(metricItem);
    }
    const XAxisMode shown = m_chartGrid->shownXMode();
    if (m_options.xMetric.isEmpty())
        m_xMode->setCurrentIndex(m_xMode->findData(int(shown)));
    for (QAction* a : m_xModeActions->actions())
        a->setChecked(m_options.xMetric.isEmpty() && a->data().toInt() == int(shown));
}

void MainWindow::checkXAxis()
{
    syncXModeControls();
    const QStringList messages =
        m_xMetricNotice.newMessages(m_options.xMetric, m_chartGrid->chartsWithoutXMetric());
    for (const QString& message : messages) {
        m_banner->addMessage(message);
        emit noticeFound(message);
    }
}

void MainWindow::checkProblems()
{
    for (int id : m_workspace->sourceIds()) {
        const QString problem = m_runList->problemOf(id);
        if (problem.isEmpty()) {
            m_reported.remove(id);
            continue;
        }
        if (m_reported.value(id) == problem)
            continue;
        m_reported.insert(id, problem);
        reportProblem(problem);
    }
}

void MainWindow::reportProblem(const QString& message)
{
    m_problems << message;
    m_banner->addMessage(message);
    emit problemFound(message);
}

void MainWindow::updateTitle()
{
    QStringList names;
    for (int id : m_workspace->sourceIds()) {
        const QString path = m_workspace->source(id).path;
        names << (path == QLatin1String("-") ? tr("standard input") : QFileInfo(path).fileName());
    }
    QString title = tr("Telemetry Viewer");
    if (!names.isEmpty()) {
        QString list = plainLabel(names.join(QStringLiteral(", ")), 80);
        list.replace(QStringLiteral("[*]"), QStringLiteral("[\u2217]")); // not the modified marker
        title = list + QStringLiteral(" \u2014 ") + title;
    }
    setWindowTitle(title);
}

// --- view options -----------------------------------------------------------------------------

void MainWindow::setChartOptions(const ChartOptions& options)
{
    m_options = options;
    if (options.smoothing == SmoothingKind::Ema)
        m_emaWeight = options.smoothingParam;
    else if (options.smoothing == SmoothingKind::MovingAverage)
        m_movingAverageWindow = int(std::lround(options.smoothingParam));
    pushOptions();
}

void MainWindow::pushOptions()
{
    if (m_options.smoothing == SmoothingKind::Ema)
        m_options.smoothingParam = m_emaWeight;
    else if (m_options.smoothing == SmoothingKind::MovingAverage)
        m_options.smoothingParam = m_movingAverageWindow;
    m_chartGrid->setXMetric(m_options.xMetric); // first: a metric keeps the charts' x mode Step
    m_chartGrid->setXAxisMode(m_options.xMode, m_options.xModeChosen);
    m_chartGrid->setSmoothing(
        m_options.smoothing, m_options.smoothingParam, m_options.smoothingChosen);
    m_chartGrid->setLogScale(m_options.logX, m_options.logY);
    m_chartGrid->setIgnoreOutliers(m_options.ignoreOutliers);
    m_chartGrid->setGroupMode(m_options.groupMode);
    m_chartGrid->setGroupMembersFaint(m_options.groupMembersFaint);
    m_eventsModel->setXAxisMode(m_options.xMode);
    if (m_compareBar) {
        m_compareBar->setMembersShown(m_options.groupMembersFaint);
        m_compareBar->scheduleRefresh(); // the legend lists bands in Mean + min/max
    }
    syncToolBar();
}

void MainWindow::syncToolBar()
{
    const QSignalBlocker b1(m_xMode);
    const QSignalBlocker b2(m_smoothingKind);
    const QSignalBlocker b3(m_smoothingSlider);
    const QSignalBlocker b4(m_groupMode);
    const QSignalBlocker b5(m_logX);
    const QSignalBlocker b6(m_logY);
    const QSignalBlocker b7(m_outliers);
    syncXModeControls();
    m_smoothingKind->setCurrentIndex(m_smoothingKind->findData(int(m_options.smoothing)));
    switch (m_options.smoothing) {
    case SmoothingKind::None:
        m_smoothingSlider->setEnabled(false);
        m_smoothingValue->clear();
        break;
    case SmoothingKind::Ema:
        m_smoothingSlider->setEnabled(true);
        m_smoothingSlider->setRange(0, 999);
        m_smoothingSlider->setValue(int(std::lround(m_emaWeight * 1000.0)));
        m_smoothingValue->setText(QString::number(m_emaWeight, 'f', 3));
        break;
    case SmoothingKind::MovingAverage:
        m_smoothingSlider->setEnabled(true);
        m_smoothingSlider->setRange(1, MaxMovingAverageSlider);
        m_smoothingSlider->setValue(m_movingAverageWindow);
        m_smoothingValue->setText(tr("%1 pts").arg(m_movingAverageWindow));
        break;
    }
    m_logX->setChecked(m_options.logX);
    m_logY->setChecked(m_options.logY);
    m_outliers->setChecked(m_options.ignoreOutliers);
    m_groupMode->setCurrentIndex(m_groupMode->findData(int(m_options.groupMode)));
}

void MainWindow::onSmoothingKindChanged(int index)
{
    m_options.smoothing = static_cast<SmoothingKind>(m_smoothingKind->itemData(index).toInt());
    m_options.smoothingChosen = true;
    pushOptions();
}

void MainWindow::onSmoothingSliderChanged(int value)
{
    if (m_options.smoothing == SmoothingKind::Ema)
        m_emaWeight = std::clamp(value / 1000.0, 0.0, 0.999);
    else if (m_options.smoothing == SmoothingKind::MovingAverage)
        m_movingAverageWindow = std::max(1, value);
    pushOptions();
}

void MainWindow::setFollowPaused(bool paused)
{
    m_followPaused = paused;
    {
        const QSignalBlocker block(m_pause);
        m_pause->setChecked(paused);
    }
    m_pause->setText(paused ? tr("Resume") : tr("Pause"));
    for (int id : m_workspace->sourceIds()) {
        if (m_workspace->source(id).path != QLatin1String("-")) // a pipe cannot be paused
            m_workspace->setFollowing(id, !paused);
    }
    m_chartGrid->setFollowLatest(!paused);
    updateStatus();
}

void MainWindow::setTheme(Theme theme)
{
    m_theme = theme;
    applyTheme(theme);
    for (QAction* a : m_themeActions->actions())
        a->setChecked(a->data().toInt() == int(theme));
}

// --- dialogs and actions ----------------------------------------------------------------------

void MainWindow::showMalformedLines(int runId)
{
    const Run* run = m_workspace->run(runId);
    if (!run)
        return;
    auto* dialog = new MalformedLinesDialog(*run, this);
    dialog->show();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList paths = m_settings->recentPaths();
    for (const QString& path : paths) {
        QAction* a = m_recentMenu->addAction(menuText(path), this, [this, path] {
            if (!QFileInfo::exists(path))
                m_settings->removeRecentPath(path);
            openPath(path);
        });
        a->setToolTip(plainLabel(path, 300));
    }
    if (paths.isEmpty())
        m_recentMenu->addAction(tr("(none)"))->setEnabled(false);
    m_recentMenu->addSeparator();
    m_recentMenu
        ->addAction(tr("Clear Recent Runs"), this, [this] { m_settings->clearRecentPaths(); })
        ->setEnabled(!paths.isEmpty());
}

void MainWindow::openFileDialog()
{
    const QStringList paths =
        QFileDialog::getOpenFileNames(this, tr("Open Runs"), m_settings->lastDirectory(),
            tr("JSON Lines runs (*.jsonl *.json *.log *.txt);;All files (*)"));
    openPaths(paths);
}

void MainWindow::openFolderDialog()
{
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Open a Folder of Runs"), m_settings->lastDirectory());
    if (!dir.isEmpty())
        openPath(dir);
}

void MainWindow::exportCsvDialog()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Visible Series as CSV"),
        m_settings->lastDirectory() + QStringLiteral("/series.csv"), tr("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportCsv(path, &error))
        plainWarning(this, tr("Export failed"), error);
    else
        m_statusBar->showMessage(plainLabel(tr("Wrote %1").arg(path), 300), 5000);
}

void MainWindow::exportChartDialog()
{
    const QStringList keys = m_chartGrid->chartKeys();
    if (keys.isEmpty()) {
        m_statusBar->showMessage(tr("There is no chart to export"), 4000);
        return;
    }
    bool ok = false;
    const QString key =
        QInputDialog::getItem(this, tr("Export Chart as PNG"), tr("Metric:"), keys, 0, false, &ok);
    if (!ok || key.isEmpty())
        return;
    QString name = key;
    name.replace(QLatin1Char('/'), QLatin1Char('_'));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Chart as PNG"),
        m_settings->lastDirectory() + QLatin1Char('/') + name + QStringLiteral(".png"),
        tr("PNG image (*.png)"));
    if (path.isEmpty())
        return;
    const QImage image = m_chartGrid->renderChart(key, QSize(1200, 700));
    QImageWriter writer(path, "png");
    if (image.isNull() || !writer.write(image))
        plainWarning(
            this, tr("Export failed"), tr("Cannot write %1: %2").arg(path, writer.errorString()));
    else
        m_statusBar->showMessage(plainLabel(tr("Wrote %1").arg(path), 300), 5000);
}

void MainWindow::exportWindowDialog()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Window as PNG"),
        m_settings->lastDirectory() + QStringLiteral("/telemetry-viewer.png"),
        tr("PNG image (*.png)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!saveScreenshot(path, &error))
        plainWarning(this, tr("Export failed"), error);
    else
        m_statusBar->showMessage(plainLabel(tr("Wrote %1").arg(path), 300), 5000);
}

void MainWindow::goToFirstNan()
{
    double best = std::numeric_limits<double>::infinity();
    QString bestKey;
    for (const QString& key : m_chartGrid->chartKeys()) {
        for (int runId : m_workspace->runIds()) {
            if (!m_runList->isRunVisible(runId))
                continue;
            const double x = m_chartGrid->firstNanX(key, runId);
            if (std::isfinite(x) && x < best) {
                best = x;
                bestKey = key;
            }
        }
    }
    if (bestKey.isEmpty()) {
        m_statusBar->showMessage(tr("No NaN in the charts shown"), 4000);
        return;
    }
    m_chartGrid->zoomToX(best);
    m_statusBar->showMessage(
        plainLabel(tr("First NaN: %1 at x = %2").arg(bestKey).arg(best, 0, 'g', 10), 300), 6000);
}

void MainWindow::showShortcuts()
{
    QStringList lines;
    const QList<QAction*> actions = findChildren<QAction*>();
    for (const QAction* a : actions) {
        if (a->shortcut().isEmpty() || a->text().isEmpty())
            continue;
        QString text = a->text();
        text.remove(QLatin1Char('&'));
        text.remove(QChar(0x2026));
        lines << QStringLiteral("%1\t%2").arg(
            a->shortcut().toString(QKeySequence::NativeText), text);
    }
    lines.sort();
    lines.removeDuplicates();
    lines << QString()
          << tr("Charts: drag to zoom, wheel over a plot to zoom x (Ctrl+wheel when \"Wheel "
                "Zooms Charts\" is off), Shift+wheel to zoom y, right-drag or Shift+drag to pan, "
                "double-click to reset");
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Keyboard Shortcuts"));
    auto* label = new QLabel(lines.join(QLatin1Char('\n')), &dialog);
    label->setTextFormat(Qt::PlainText);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(&dialog);
    layout->addWidget(label);
    layout->addWidget(buttons);
    dialog.exec();
}

void MainWindow::showAbout()
{
    QMessageBox box(this);
    box.setWindowTitle(tr("About Telemetry Viewer"));
    box.setIconPixmap(windowIcon().pixmap(64, 64));
    box.setTextFormat(Qt::PlainText);
    box.setText(tr("Telemetry Viewer %1\n\nFollows machine-learning training runs written as JSON "
                   "Lines, live: one chart per metric, every run overlaid, every NaN, spike and "
                   "error visible.\n\nQt %2")
                    .arg(QCoreApplication::applicationVersion(), QString::fromLatin1(qVersion())));
    box.exec();
}

// --- events -----------------------------------------------------------------------------------

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    if (!m_shown) {
        m_shown = true;
        if (!m_layoutRestored)
            applyDefaultDockSizes(); // now that the window has its real size
    }
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    for (const QUrl& url : urls) {
        if (url.isLocalFile()) {
            event->acceptProposedAction();
            return;
        }
    }
}

void MainWindow::dropEvent(QDropEvent* event)
{
    QStringList paths;
    const QList<QUrl> urls = event->mimeData()->urls();
    for (const QUrl& url : urls) {
        if (url.isLocalFile())
            paths << url.toLocalFile();
    }
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    openPaths(paths);
}

} // namespace viewer
