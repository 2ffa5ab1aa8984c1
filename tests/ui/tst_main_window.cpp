#include "chart_grid.hpp"
#include "command_line_options.hpp"
#include "events_model.hpp"
#include "events_table.hpp"
#include "file_dialog_answer.hpp"
#include "main_window.hpp"
#include "main_window_fixture.hpp"
#include "message_banner.hpp"
#include "metric_chart.hpp"
#include "metric_filter_panel.hpp"
#include "metric_filter_proxy.hpp"
#include "metric_tree_model.hpp"
#include "paint_counter.hpp"
#include "record_table_model.hpp"
#include "records_view.hpp"
#include "run_list_model.hpp"
#include "runs_panel.hpp"
#include "settings.hpp"
#include "status_bar.hpp"
#include "tag_filter.hpp"
#include "workspace.hpp"

#include <QComboBox>
#include <QFileDialog>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QTreeView>
#include <QtTest>

#include <memory>

using namespace viewer;

class TestMainWindow : public QObject, public test::MainWindowFixture
{
    Q_OBJECT
private slots:
    void init()
    {
        setUpWindow();
    }
    void cleanup()
    {
        tearDownWindow();
    }
    void opensARun();
    void tagAndMetricFiltersHideCharts();
    void xModeAndSmoothing();
    void xControlShowsWhatTheChartsUse();
    void smoothingControlSaysAuto();
    void richTextIsShownLiterally();
    void badInputsGoToTheBanner();
    void settingsRoundTrip();
    void dropOpensFiles();
    void commandLineApplies();
    void screenshotIsNotBlank();
    void emptyFilesAreNoDataNotAnError();
    void closeOneRunOfAFile();
    void wheelZoomOptionIsRemembered();
    void truncationIsAnnounced();
};

void TestMainWindow::opensARun()
{
    openAndSettle({ writeRun("run.jsonl", 30, "CUDA out of memory") });
    const QStringList keys = m_window->chartGrid()->chartKeys();
    for (const char* key : { "step_end/loss", "step_end/metrics/acc", "epoch_end/val_loss" })
        QVERIFY2(keys.contains(QLatin1String(key)), qPrintable(keys.join(", ")));
    QCOMPARE(m_window->chartGrid()->chartCount(), int(m_window->visibleMetricKeys().size()));
    QVERIFY(m_window->metricTree()->indexOfKey("step_end/metrics/acc").isValid());
    QVERIFY(m_window->tagFilter()->tags().contains("step_end"));
    QVERIFY(m_window->tagFilter()->tags().contains("error"));
    // Events: 3 epoch begins, 3 ends, 1 error.
    QCOMPARE(m_window->eventsModel()->rowCount(), 7);
    // The records table shows the run.
    QCOMPARE(m_window->recordsView()->runId(), m_window->workspace()->runIds().first());
    QVERIFY(m_window->recordModel()->rowCount() > 30);
    // The NaN is counted in the metric tree.
    QCOMPARE(m_window->metricTree()
                 ->indexOfKey("step_end/loss")
                 .data(MetricTreeModel::NonFiniteRole)
                 .toULongLong(),
        1ull);
    QVERIFY(m_window->statusBarWidget()->countsText().contains(QLatin1String("1 run")));
    QVERIFY(m_window->problems().isEmpty());
    QVERIFY(m_window->banner()->isHidden());
}

void TestMainWindow::tagAndMetricFiltersHideCharts()
{
    openAndSettle({ writeRun("run.jsonl", 30) });
    ChartGrid* grid = m_window->chartGrid();
    QVERIFY(grid->chartKeys().contains("epoch_end/val_loss"));

    m_window->tagFilter()->setTagVisible("epoch_end", false);
    QVERIFY(!grid->chartKeys().contains("epoch_end/val_loss"));
    QVERIFY(grid->chartKeys().contains("step_end/loss"));
    m_window->tagFilter()->setTagVisible("epoch_end", true);
    QVERIFY(grid->chartKeys().contains("epoch_end/val_loss"));

    m_window->metricPanel()->setSearch("loss", false);
    for (const QString& key : grid->chartKeys())
        QVERIFY2(key.contains(QLatin1String("loss")), qPrintable(key));
    QVERIFY(grid->chartKeys().contains("epoch_end/val_loss"));

    m_window->metricPanel()->setSearch("^step_end/(loss|metrics)", true);
    QCOMPARE(grid->chartKeys(), (QStringList { "step_end/loss", "step_end/metrics/acc" }));

    m_window->metricPanel()->setSearch("(", true); // invalid: explained, matched literally
    QVERIFY(m_window->metricPanel()->errorLabel()->isVisibleTo(m_window.get()));
    QCOMPARE(m_window->metricPanel()->errorLabel()->textFormat(), Qt::PlainText);
    QVERIFY(grid->chartKeys().isEmpty());

    // Typing is debounced: nothing changes at once, then it applies.
    m_window->metricPanel()->setSearch(QString(), false);
    const int all = grid->chartCount();
    m_window->metricPanel()->searchEdit()->setText("acc");
    QCOMPARE(grid->chartCount(), all);
    QTRY_COMPARE(grid->chartKeys(), QStringList { "step_end/metrics/acc" });

    m_window->metricPanel()->setSearch(QString(), false);
    m_window->metricTree()->setChecked({ "step_end/loss" }, false);
    QVERIFY(!grid->chartKeys().contains("step_end/loss"));
}

void TestMainWindow::xModeAndSmoothing()
{
    openAndSettle({ writeRun("run.jsonl", 20) });
    ChartOptions o = m_window->chartOptions();
    o.xMode = XAxisMode::Sequence;
    o.smoothing = SmoothingKind::Ema;
    o.smoothingParam = 0.8;
    o.logY = true;
    m_window->setChartOptions(o);
    QCOMPARE(m_window->chartGrid()->options().xMode, XAxisMode::Sequence);
    QCOMPARE(m_window->chartGrid()->options().smoothing, SmoothingKind::Ema);
    QCOMPARE(m_window->chartGrid()->options().smoothingParam, 0.8);
    QVERIFY(m_window->chartGrid()->options().logY);
    QCOMPARE(m_window->eventsModel()->xAxisMode(), XAxisMode::Sequence);
}

// Issue 13: the toolbar's x control names the x the charts draw: "Global step" when the charts
// chose it for a step counter that restarts (not the "Step" asked for), or the --x metric.
// Issue 13 item 6: on a first run the charts smooth long step_end series by themselves; the
// control says so ("Auto"), not "None". Picking None is remembered as chosen; picking Auto again
// forgets the choice (the settings hold no smoothing), so the next start is automatic again.
void TestMainWindow::smoothingControlSaysAuto()
{
    auto* combo = m_window->findChild<QComboBox*>(QStringLiteral("smoothingKind"));
    QVERIFY(combo);
    QVERIFY(!m_window->chartOptions().smoothingChosen);
    QCOMPARE(combo->currentData().toInt(), MainWindow::AutomaticSmoothing);
    QCOMPARE(combo->currentText(), QStringLiteral("Auto"));

    combo->setCurrentIndex(combo->findData(int(SmoothingKind::None)));
    emit combo->activated(combo->currentIndex());
    QVERIFY(m_window->chartOptions().smoothingChosen);
    QCOMPARE(m_window->chartOptions().smoothing, SmoothingKind::None);
    QCOMPARE(combo->currentText(), QStringLiteral("None"));
    m_window->close(); // saves the settings
    QVERIFY(m_settings->chartOptions().smoothingChosen);
    m_window->show();

    combo->setCurrentIndex(combo->findData(MainWindow::AutomaticSmoothing));
    emit combo->activated(combo->currentIndex());
    QVERIFY(!m_window->chartOptions().smoothingChosen);
    QCOMPARE(combo->currentText(), QStringLiteral("Auto"));
    m_window->close();
    QVERIFY(!m_settings->chartOptions().smoothingChosen);
}

void TestMainWindow::xControlShowsWhatTheChartsUse()
{
    const QString path = m_dir->filePath("restarts.jsonl");
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (int n = 0; n < 20; ++n) // steps 0..9 twice: the counter restarts
            f.write(QStringLiteral(R"({"ts": %1, "tag": "step_end", "step": %2, )"
                                   R"("context": {"loss": 1.0, "tokens": %3}})"
                                   "\n")
                        .arg(1000 + n)
                        .arg(n % 10)
                        .arg(100 * n)
                        .toUtf8());
    }
    auto* combo = m_window->findChild<QComboBox*>(QStringLiteral("xAxisMode"));
    QVERIFY(combo);
    QCOMPARE(combo->currentText(), QStringLiteral("Step"));
    openAndSettle({ path });
    QVERIFY(!m_window->chartOptions().xModeChosen);
    QCOMPARE(m_window->chartGrid()->shownXMode(), XAxisMode::GlobalStep);
    QTRY_COMPARE(combo->currentText(), QStringLiteral("Global step"));

    ChartOptions relative = m_window->chartOptions(); // a mode chosen earlier (the settings')
    relative.xMode = XAxisMode::Relative;
    relative.xModeChosen = true;
    m_window->setChartOptions(relative);
    m_window->applyCommandLine(CommandLineOptions::parse({ "telemetry-viewer", "--x", "tokens" }));
    QCOMPARE(combo->currentText(), QStringLiteral("tokens"));
    ChartOptions logY = m_window->chartOptions(); // any later change keeps the metric's x
    logY.logY = true;
    m_window->setChartOptions(logY);
    m_window->flushPendingUpdates();
    MetricChart* loss = m_window->chartGrid()->chart("step_end/loss");
    QCOMPARE(loss->xAxisTitle(), QStringLiteral("step_end/tokens"));
    QCOMPARE(loss->options().xMode, XAxisMode::Step); // drawn as a count, not a duration
    QCOMPARE(loss->xMax(), 1900.0);
    // Picking a mode leaves the metric.
    combo->setCurrentIndex(combo->findData(int(XAxisMode::Wall)));
    emit combo->activated(combo->currentIndex());
    QCOMPARE(m_window->chartOptions().xMetric, QString());
    QCOMPARE(combo->findData(-1), -1);
    QCOMPARE(combo->currentText(), QStringLiteral("Wall clock"));
}

void TestMainWindow::richTextIsShownLiterally()
{
    const QString evil = QStringLiteral("<b>x</b><img src=/etc/hosts>");
    openAndSettle({ writeRun("<b>run<img src=x>&amp;.jsonl", 20, evil) });
    EventsModel* events = m_window->eventsModel();
    int errorRow = -1;
    for (int r = 0; r < events->rowCount(); ++r) {
        if (events->index(r, 0).data(EventsModel::KindRole).toInt() == int(RunEvent::Kind::Error))
            errorRow = r;
    }
    QVERIFY(errorRow >= 0);
    const QModelIndex message = events->index(errorRow, EventsModel::MessageColumn);
    QCOMPARE(message.data().toString(), evil);
    const QString tip = message.data(Qt::ToolTipRole).toString();
    QVERIFY(!tip.contains(QLatin1String("<img")));
    QTextDocument doc;
    doc.setHtml(tip);
    QVERIFY(doc.toPlainText().contains(evil));
    // The table paints the cell as text (no rich-text delegate).
    QTableView* view = m_window->eventsTable()->view();
    QVERIFY(view->itemDelegate()->inherits("QStyledItemDelegate"));
    // The file name in the runs panel.
    const int source = m_window->workspace()->sourceIds().first();
    QCOMPARE(m_window->runListModel()->indexOfSource(source).data().toString(),
        QStringLiteral("<b>run<img src=x>&amp;.jsonl"));
    QVERIFY(m_window->windowTitle().contains(QLatin1String("<b>run<img src=x>&amp;.jsonl")));
    // The status bar and banner are plain text.
    QCOMPARE(m_window->banner()->label()->textFormat(), Qt::PlainText);
    for (QLabel* label : m_window->statusBarWidget()->findChildren<QLabel*>())
        QCOMPARE(label->textFormat(), Qt::PlainText);
}

void TestMainWindow::badInputsGoToTheBanner()
{
    QSignalSpy problems(m_window.get(), &MainWindow::problemFound);
    const QString missing = m_dir->filePath("<img src=x>missing.jsonl");
    const QString binary = m_dir->filePath("binary.jsonl");
    {
        QFile f(binary);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const char bytes[] = "\x00\x01\x02\xff\xfe garbage\n\x89PNG\r\n\x1a\n";
        f.write(bytes, sizeof(bytes) - 1);
    }
    const QString emptyDir = m_dir->filePath("nothing-here");
    QVERIFY(QDir().mkpath(emptyDir));
    const QString good = writeRun("good.jsonl", 10);
    m_window->setFollowPaused(true); // --no-follow: a missing file is an error, not a wait
    openAndSettle({ missing, binary, emptyDir, good });
    QTRY_COMPARE_WITH_TIMEOUT(problems.count(), 3, 5000);
    const QStringList messages = m_window->banner()->messages();
    QCOMPARE(messages.size(), 3);
    QVERIFY(m_window->banner()->isVisibleTo(m_window.get()));
    const QString all = messages.join('\n');
    QVERIFY2(all.contains(QLatin1String("<img src=x>missing.jsonl")), qPrintable(all));
    QVERIFY2(all.contains(QLatin1String("binary.jsonl: not one valid record")), qPrintable(all));
    QVERIFY2(all.contains(QLatin1String("nothing-here: no runs")), qPrintable(all));
    QCOMPARE(m_window->banner()->label()->textFormat(), Qt::PlainText);
    // Reported once, not on every update.
    m_window->flushPendingUpdates();
    QCOMPARE(problems.count(), 3);
    // The rest works: the good run has its charts.
    QVERIFY(m_window->chartGrid()->chartKeys().contains("step_end/loss"));
    m_window->banner()->clear();
    QVERIFY(m_window->banner()->isHidden());
}

void TestMainWindow::settingsRoundTrip()
{
    ChartOptions o;
    o.xMode = XAxisMode::Relative;
    o.xModeChosen = true; // remembered only when chosen (issue 13: automatic defaults otherwise)
    o.smoothing = SmoothingKind::MovingAverage;
    o.smoothingChosen = true;
    o.smoothingParam = 7;
    o.ignoreOutliers = true;
    o.groupMode = GroupMode::MeanBand;
    m_window->setChartOptions(o);
    m_window->setTheme(Theme::Dark);
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 100);
    QVERIFY(QApplication::palette().color(QPalette::WindowText).lightness() > 150);
    m_window->metricPanel()->setSearch("val_", true);
    openAndSettle({ writeRun("run.jsonl", 10) });
    m_window->tagFilter()->setTagVisible("epoch_begin", false);
    m_window->metricTree()->setChecked({ "step_end/metrics/acc" }, false);
    m_window->close(); // saves
    m_window = std::make_unique<MainWindow>(m_settings.get());
    QCOMPARE(m_window->chartOptions(), o);
    QCOMPARE(m_window->theme(), Theme::Dark);
    QCOMPARE(m_window->metricPanel()->searchText(), QStringLiteral("val_"));
    QVERIFY(m_window->metricPanel()->isRegex());
    QCOMPARE(m_window->tagFilter()->hiddenTags(), QStringList { "epoch_begin" });
    QCOMPARE(m_window->metricTree()->uncheckedKeys(), QStringList { "step_end/metrics/acc" });
    QVERIFY(m_settings->recentPaths().first().endsWith(QLatin1String("run.jsonl")));
    m_window->setTheme(Theme::System);
}

void TestMainWindow::dropOpensFiles()
{
    const QString path = writeRun("dropped.jsonl", 5);
    QMimeData mime;
    mime.setUrls({ QUrl::fromLocalFile(path), QUrl("https://example.com/x.jsonl") });
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    enter.setAccepted(false);
    QCoreApplication::sendEvent(m_window.get(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(m_window.get(), &drop);
    QCOMPARE(m_window->workspace()->sourceIds().size(), 1);
    QCOMPARE(m_window->workspace()->source(m_window->workspace()->sourceIds().first()).path, path);
    // The same file again: not opened twice.
    QCoreApplication::sendEvent(m_window.get(), &drop);
    QCOMPARE(m_window->workspace()->sourceIds().size(), 1);
}

void TestMainWindow::commandLineApplies()
{
    const CommandLineOptions options =
        CommandLineOptions::parse({ "telemetry-viewer", "--no-follow", "--tags", "step_end",
            "--metrics", "loss$", "--x", "epoch", "--smoothing", "0.9" });
    QCOMPARE(options.action, CommandLineOptions::Action::Run);
    m_window->applyCommandLine(options);
    openAndSettle({ writeRun("run.jsonl", 20) });
    QCOMPARE(m_window->chartOptions().xMode, XAxisMode::Epoch);
    QCOMPARE(m_window->chartOptions().smoothing, SmoothingKind::Ema);
    QCOMPARE(m_window->chartOptions().smoothingParam, 0.9);
    QVERIFY(m_window->isFollowPaused());
    const int source = m_window->workspace()->sourceIds().first();
    QCOMPARE(m_window->workspace()->source(source).state, Workspace::SourceState::Idle);
    QCOMPARE(m_window->chartGrid()->chartKeys(), QStringList { "step_end/loss" });
}

void TestMainWindow::screenshotIsNotBlank()
{
    openAndSettle({ writeRun("run.jsonl", 40, "boom") });
    const QString png = m_dir->filePath("shot.png");
    QString error;
    QVERIFY2(m_window->saveScreenshot(png, &error), qPrintable(error));
    QImage image(png);
    QCOMPARE(image.size(), m_window->size());
    QSet<QRgb> colors;
    for (int y = 0; y < image.height(); y += 4)
        for (int x = 0; x < image.width(); x += 4)
            colors.insert(image.pixel(x, y));
    QVERIFY2(colors.size() > 20, qPrintable(QString::number(colors.size())));
    QVERIFY(!m_window->saveScreenshot(m_dir->filePath("no/such/dir/shot.png"), &error));
    QVERIFY(!error.isEmpty());
}

// V1: an empty file and one of blank lines are "no data": no modal dialog, no malformed line, no
// chart, the grid says there is nothing yet; while followed, not even a banner (records may
// come); not followed, one plain note in the banner.
void TestMainWindow::emptyFilesAreNoDataNotAnError()
{
    const QString empty = m_dir->filePath("empty.jsonl");
    const QString blank = m_dir->filePath("blank.jsonl");
    {
        QFile e(empty);
        QVERIFY(e.open(QIODevice::WriteOnly));
        QFile b(blank);
        QVERIFY(b.open(QIODevice::WriteOnly));
        b.write("\n\n  \n\t\r\n");
    }
    m_window->openPaths({ empty, blank });
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 10000);
    m_window->flushPendingUpdates();
    QVERIFY(!QApplication::activeModalWidget());
    QVERIFY(m_window->problems().isEmpty());
    QVERIFY(m_window->banner()->isHidden());
    QCOMPARE(m_window->chartGrid()->chartCount(), 0);
    bool saysNoData = false;
    for (QLabel* label : m_window->chartGrid()->findChildren<QLabel*>())
        saysNoData = saysNoData || (label->isVisibleTo(m_window.get()) && !label->text().isEmpty());
    QVERIFY(saysNoData);
    for (int id : m_window->workspace()->runIds())
        QVERIFY(m_window->workspace()->run(id)->malformed.empty());

    m_window->closeAll();
    m_window->setFollowPaused(true);
    QSignalSpy problems(m_window.get(), &MainWindow::problemFound);
    m_window->openPaths({ empty });
    QTRY_COMPARE_WITH_TIMEOUT(problems.count(), 1, 5000);
    QVERIFY2(problems.at(0).at(0).toString().contains(QLatin1String("no records")),
        qPrintable(problems.at(0).at(0).toString()));
    QVERIFY(!QApplication::activeModalWidget());
}

// A file holding three runs: Delete in the runs panel, its context menu and File > Close each
// close the selected run only; closing the last run of a file closes the file.
void TestMainWindow::closeOneRunOfAFile()
{
    const QString runs = m_dir->filePath("runs.jsonl");
    {
        QFile out(runs);
        QVERIFY(out.open(QIODevice::WriteOnly));
        for (int steps : { 20, 30, 40 }) {
            QFile in(writeRun(QStringLiteral("part.jsonl"), steps));
            QVERIFY(in.open(QIODevice::ReadOnly));
            out.write(in.readAll());
        }
    }
    openAndSettle({ runs, writeRun("single.jsonl", 10) });
    Workspace* workspace = m_window->workspace();
    QCOMPARE(workspace->runIds().size(), 4);
    QList<int> ofRuns;
    int single = -1;
    for (int id : workspace->runIds()) {
        if (workspace->sourceOfRun(id) == workspace->sourceIds().front())
            ofRuns << id;
        else
            single = id;
    }
    QCOMPARE(ofRuns.size(), 3);
    RunsPanel* panel = m_window->runsPanel();
    QTreeView* view = panel->view();
    const auto sorted = [](QList<int> ids) {
        std::sort(ids.begin(), ids.end());
        return ids;
    };
    const auto openRuns = [workspace, sorted] { return sorted(workspace->runIds()); };

    // Delete on a run row closes that run only.
    panel->selectRun(ofRuns[1]);
    view->setFocus();
    QTest::keyClick(view, Qt::Key_Delete);
    QCOMPARE(openRuns(), sorted({ ofRuns[0], ofRuns[2], single }));
    QVERIFY(!m_window->runListModel()->indexOfRun(ofRuns[1]).isValid());
    m_window->flushPendingUpdates();
    QVERIFY(m_window->chartGrid()->chartCount() > 0);

    // File > Close acts on the selected run.
    QAction* close = nullptr;
    for (QAction* action : m_window->findChildren<QAction*>())
        if (action->shortcut() == QKeySequence(QKeySequence::Close))
            close = action;
    QVERIFY(close);
    panel->selectRun(ofRuns[2]);
    close->trigger();
    QCOMPARE(openRuns(), sorted({ ofRuns[0], single }));
    QCOMPARE(workspace->sourceIds().size(), 2);

    // The context menu of a run row offers "Close run"; the file's only run closes the file.
    panel->selectRun(single);
    QTimer::singleShot(0, this, [] {
        auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
        QVERIFY(menu);
        for (QAction* action : menu->actions())
            if (action->text() == QLatin1String("Close run"))
                action->trigger();
        menu->close();
    });
    emit view->customContextMenuRequested(
        view->visualRect(m_window->runListModel()->indexOfRun(single)).center());
    QCOMPARE(openRuns(), QList<int> { ofRuns[0] });
    QCOMPARE(workspace->sourceIds().size(), 1);

    panel->selectRun(ofRuns[0]);
    QTest::keyClick(view, Qt::Key_Delete);
    QVERIFY(workspace->runIds().isEmpty());
    QVERIFY(workspace->sourceIds().isEmpty());
    m_window->flushPendingUpdates();
    QCOMPARE(m_window->chartGrid()->chartCount(), 0);
}

// V21: copytruncate while followed: the status bar says the file is read again, and the charts
// hold the new content only (nothing stale).
void TestMainWindow::truncationIsAnnounced()
{
    const QString path = writeRun("live.jsonl", 30);
    openAndSettle({ path });
    const int runId = m_window->workspace()->runIds().first();
    QVERIFY(m_window->workspace()->run(runId)->records.size() > 30);
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(R"({"ts": 1732900000.0, "tag": "step_end", "step": 0, "context": {"loss": 9}})"
                "\n");
    }
    QTRY_VERIFY_WITH_TIMEOUT(m_window->statusBarWidget()->currentMessage().contains(
                                 QLatin1String("was truncated or replaced")),
        5000);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->workspace()->runIds().size(), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(
        m_window->workspace()->run(m_window->workspace()->runIds().first())->records.size(),
        std::size_t(1), 5000);
}

// View > Wheel Zooms Charts: on by default, applies to every chart, remembered.
void TestMainWindow::wheelZoomOptionIsRemembered()
{
    openAndSettle({ writeRun("run.jsonl", 30) });
    QAction* option = nullptr;
    for (QAction* action : m_window->findChildren<QAction*>())
        if (action->text() == QLatin1String("&Wheel Zooms Charts"))
            option = action;
    QVERIFY(option);
    QVERIFY(option->isChecked());
    const auto charts = m_window->chartGrid()->findChildren<MetricChart*>();
    QVERIFY(!charts.isEmpty());
    for (MetricChart* chart : charts)
        QVERIFY(chart->wheelZooms());

    option->trigger();
    QVERIFY(!option->isChecked());
    for (MetricChart* chart : charts)
        QVERIFY(!chart->wheelZooms());
    QVERIFY(!m_settings->wheelZoomsCharts());

    m_window = std::make_unique<MainWindow>(m_settings.get());
    QVERIFY(!m_window->chartGrid()->wheelZooms());
    for (QAction* action : m_window->findChildren<QAction*>())
        if (action->text() == QLatin1String("&Wheel Zooms Charts"))
            QVERIFY(!action->isChecked());
}

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
