// MainWindow: construction, opening and closing sources, keeping models and status up to date,
// view options, events. Widgets are built in main_window_widgets.cpp; the menu actions' dialogs
// and exports are in main_window_actions.cpp.
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
    const QStringList pinned = m_settings->pinnedCharts(); // most recent first: pinned last
    for (auto it = pinned.crbegin(); it != pinned.crend(); ++it)
        m_chartGrid->setPinned(*it, true);
    m_settingsLoaded = true;
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
    m_chartGrid->refreshNow(false); // what shows; those made ahead wait for an idle view
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
    m_chartGrid->refreshNow(); // every chart: those out of view write their rows too
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
        if (m_runList->problemOf(id, false).isEmpty()) {
            // Only the runs' limit warnings (issue 15): said as loudly, but no failure.
            m_banner->addMessage(problem);
            emit noticeFound(problem);
        } else {
            reportProblem(problem);
        }
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
    if (!m_options.smoothingChosen) {
        m_smoothingKind->setCurrentIndex(m_smoothingKind->findData(AutomaticSmoothing));
        m_smoothingSlider->setEnabled(false);
        m_smoothingValue->setText(tr("EMA %1 if > %2 pts")
                                      .arg(ChartOptions::DefaultEmaWeight)
                                      .arg(ChartOptions::DefaultSmoothingMinPoints));
    } else {
        syncSmoothingControls();
    }
    m_logX->setChecked(m_options.logX);
    m_logY->setChecked(m_options.logY);
    m_outliers->setChecked(m_options.ignoreOutliers);
    m_groupMode->setCurrentIndex(m_groupMode->findData(int(m_options.groupMode)));
}

void MainWindow::syncSmoothingControls()
{
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
}

void MainWindow::onSmoothingKindChanged(int index)
{
    const int kind = m_smoothingKind->itemData(index).toInt();
    // Auto: back to the first-run default, which is then remembered as not chosen.
    m_options.smoothingChosen = kind != AutomaticSmoothing;
    m_options.smoothing =
        m_options.smoothingChosen ? static_cast<SmoothingKind>(kind) : SmoothingKind::None;
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
