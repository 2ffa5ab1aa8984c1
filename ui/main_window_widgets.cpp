// MainWindow: building its widgets, docks, tool bar and menus (the constructor's
// first half); what they do is wired in main_window.cpp and main_window_actions.cpp.
#include "alert_presenter.hpp"
#include "chart_grid.hpp"
#include "command_line_options.hpp"
#include "compare_bar.hpp"
#include "events_model.hpp"
#include "events_table.hpp"
#include "main_window.hpp"
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
        // Pins are remembered across restarts, as the chart height is (once settings are read).
        if (m_settingsLoaded && m_chartGrid->pinnedKeys() != m_settings->pinnedCharts())
            m_settings->setPinnedCharts(m_chartGrid->pinnedKeys());
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
    // The count column fitted to its text when that may have changed; ResizeToContents repainted
    // the whole header at every live batch (issue 15), the same width or not.
    m_tagView->header()->setSectionResizeMode(TagFilter::CountColumn, QHeaderView::Fixed);
    const auto fitCounts = [this] { m_tagView->resizeColumnToContents(TagFilter::CountColumn); };
    for (const auto signal :
        { &QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved })
        connect(m_tagFilter, signal, this, fitCounts);
    // A count that changed is fitted only when its text no longer fits: the counts of a followed
    // run change at every live batch, and fitting measured every row and the header each time.
    connect(m_tagFilter, &QAbstractItemModel::dataChanged, this,
        [this, fitCounts](const QModelIndex& topLeft, const QModelIndex& bottomRight) {
            const int width = m_tagView->columnWidth(TagFilter::CountColumn);
            for (int row = topLeft.row(); row <= bottomRight.row(); ++row) {
                const QModelIndex count = m_tagFilter->index(row, TagFilter::CountColumn);
                if (m_tagView->sizeHintForIndex(count).width() > width) {
                    fitCounts();
                    return;
                }
            }
        });
    connect(m_tagFilter, &QAbstractItemModel::modelReset, this, fitCounts);
    fitCounts();
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
    // The runs panel names runs as the runs table does ("job7 rank 3" when the ranks of a job
    // share an id), and follows its name cells as they change (only the rows that changed).
    m_runList->setNameProvider([this](int runId) { return m_runsTableModel->nameOfRun(runId); });
    const auto namesOfRows = [this](int first, int last) {
        QList<int> ids;
        QHash<int, QString> names;
        for (int row = first; row <= last; ++row) {
            const int id = m_runsTableModel->runIdAt(row);
            ids << id;
            names.insert(id, m_runsTableModel->nameOfRun(id));
        }
        m_runList->namesChanged(ids);
        m_chartGrid->setRunNames(names); // legends, hover and NaN badges say it too
    };
    connect(m_runsTableModel, &QAbstractItemModel::rowsInserted, this,
        [namesOfRows](const QModelIndex&, int first, int last) { namesOfRows(first, last); });
    connect(m_runsTableModel, &QAbstractItemModel::dataChanged, this,
        [namesOfRows](const QModelIndex& from, const QModelIndex& to) {
            if (from.column() <= RunsTableModel::NameColumn
                && to.column() >= RunsTableModel::NameColumn)
                namesOfRows(from.row(), to.row());
        });
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
    m_smoothingKind->setObjectName(QStringLiteral("smoothingKind"));
    // "Auto" is the first-run default the charts apply (ChartOptions::smoothingChosen false):
    // said, not hidden behind "None" while an EMA is drawn.
    m_smoothingKind->addItem(tr("Auto"), AutomaticSmoothing);
    m_smoothingKind->setItemData(0,
        tr("TensorBoard's EMA %1 for step_end series of more than %2 points, none for others")
            .arg(ChartOptions::DefaultEmaWeight)
            .arg(ChartOptions::DefaultSmoothingMinPoints),
        Qt::ToolTipRole);
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
    file->addAction(tr("Open &Remote\u2026"), this, &MainWindow::openRemoteDialog);
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

} // namespace viewer
