#include "chart_grid.hpp"
#include "command_line_options.hpp"
#include "events_model.hpp"
#include "events_table.hpp"
#include "file_dialog_answer.hpp"
#include "main_window.hpp"
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

class TestMainWindow : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void opensARun();
    void tagAndMetricFiltersHideCharts();
    void xModeAndSmoothing();
    void xControlShowsWhatTheChartsUse();
    void smoothingControlSaysAuto();
    void richTextIsShownLiterally();
    void badInputsGoToTheBanner();
    void settingsRoundTrip();
    void liveAppendGrows();
    void liveCountsKeepTheTagsHeader();
    void liveRecordCountLaysOutNothing();
    void pauseStopsFollowing();
    void dropOpensFiles();
    void commandLineApplies();
    void screenshotIsNotBlank();
    void emptyFilesAreNoDataNotAnError();
    void closeOneRunOfAFile();
    void wheelZoomOptionIsRemembered();
    void openDialogsOpenRuns();
    void openRemoteDialogChecksTheAddress();
    void exportDialogsWriteFiles();
    void truncationIsAnnounced();

private:
    QString writeRun(const QString& name, int steps, const QString& errorMessage = QString());
    void openAndSettle(const QStringList& paths);
    // Triggers the File menu action with this text, answering the modal dialogs it opens in turn
    // as a user would (each answer returns false while the dialog it expects is not up yet).
    void triggerWithDialogs(
        const QString& actionText, QList<std::function<bool(QWidget*)>> answers);
    static std::function<bool(QWidget*)> chooseFile(const QString& path);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Settings> m_settings;
    std::unique_ptr<MainWindow> m_window;
};

QString TestMainWindow::writeRun(const QString& name, int steps, const QString& errorMessage)
{
    const QString path = m_dir->filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    double ts = 1732800000.0;
    f.write(R"({"ts": 1732800000.0, "tag": "run_begin", "run": "r"})"
            "\n");
    for (int s = 0; s < steps; ++s) {
        ts += 0.5;
        if (s % 10 == 0)
            f.write(QStringLiteral(R"({"ts": %1, "tag": "epoch_begin", "epoch": %2})"
                                   "\n")
                        .arg(ts, 0, 'f', 2)
                        .arg(s / 10)
                        .toUtf8());
        f.write(QStringLiteral(
            R"({"ts": %1, "tag": "step_end", "step": %2, "context": {"loss": %3, "metrics": {"acc": %4}}})"
            "\n")
                    .arg(ts, 0, 'f', 2)
                    .arg(s)
                    .arg(s == 7 ? QStringLiteral("NaN") : QString::number(2.0 / (1 + s)))
                    .arg(s / 100.0)
                    .toUtf8());
        if (s == 12 && !errorMessage.isEmpty()) {
            QJsonObject error { { "ts", ts + 0.1 }, { "tag", "error" }, { "type", "RuntimeError" },
                { "message", errorMessage } };
            f.write(QJsonDocument(error).toJson(QJsonDocument::Compact) + "\n");
        }
        if (s % 10 == 9)
            f.write(QStringLiteral(
                R"({"ts": %1, "tag": "epoch_end", "epoch": %2, "context": {"val_loss": %3}})"
                "\n")
                        .arg(ts + 0.2, 0, 'f', 2)
                        .arg(s / 10)
                        .arg(1.0 / (1 + s / 10))
                        .toUtf8());
    }
    return path;
}

void TestMainWindow::openAndSettle(const QStringList& paths)
{
    for (const QString& path : paths)
        QVERIFY(!path.isEmpty());
    m_window->openPaths(paths);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(
        !m_window->workspace()->runIds().isEmpty() || !m_window->problems().isEmpty(), 10000);
    m_window->flushPendingUpdates();
}

void TestMainWindow::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_settings = std::make_unique<Settings>(m_dir->filePath("settings.ini"));
    m_window = std::make_unique<MainWindow>(m_settings.get());
    m_window->resize(1200, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestMainWindow::cleanup()
{
    m_window.reset();
    m_settings.reset();
    m_dir.reset();
}

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

void TestMainWindow::liveAppendGrows()
{
    const QString path = writeRun("live.jsonl", 10);
    openAndSettle({ path });
    const int runId = m_window->workspace()->runIds().first();
    const std::size_t before = m_window->workspace()->run(runId)->records.size();
    QFile f(path);
    QVERIFY(f.open(QIODevice::Append));
    for (int s = 10; s < 20; ++s)
        f.write(QStringLiteral(
            R"({"ts": %1, "tag": "step_end", "step": %2, "context": {"loss": 0.1, "grad_norm": 3}})"
            "\n")
                    .arg(1732800100.0 + s)
                    .arg(s)
                    .toUtf8());
    f.close();
    QTRY_COMPARE_WITH_TIMEOUT(m_window->workspace()->run(runId)->records.size(), before + 10, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->recordModel()->rowCount(), int(before + 10), 5000);
    // A new metric appears as a chart.
    QTRY_VERIFY_WITH_TIMEOUT(
        m_window->chartGrid()->chartKeys().contains("step_end/grad_norm"), 5000);
    QVERIFY(m_window->statusBarWidget()->followText().contains(QLatin1String("following")));
}

// Issue 15: a live batch changes the tags' record counts; the count cell repaints, not the
// header, and the column keeps the width ResizeToContents gave it, widening with the text.
void TestMainWindow::liveCountsKeepTheTagsHeader()
{
    const QString path = writeRun("live.jsonl", 10);
    openAndSettle({ path });
    QTreeView* tags = nullptr;
    for (QTreeView* view : m_window->findChildren<QTreeView*>()) {
        if (view->model() == m_window->tagFilter())
            tags = view;
    }
    QVERIFY(tags);
    QTreeView reference; // the same rows, the count column fitted by Qt
    reference.setModel(m_window->tagFilter());
    reference.header()->setStretchLastSection(false);
    reference.header()->setSectionResizeMode(TagFilter::NameColumn, QHeaderView::Stretch);
    reference.header()->setSectionResizeMode(TagFilter::CountColumn, QHeaderView::ResizeToContents);
    reference.resize(tags->size());
    reference.show();
    QVERIFY(QTest::qWaitForWindowExposed(&reference));
    const auto countWidth = [](QTreeView* view) {
        return view->header()->sectionSize(TagFilter::CountColumn);
    };
    QCOMPARE(countWidth(tags), countWidth(&reference));
    const auto stepEndCount = [this] {
        const TagFilter* filter = m_window->tagFilter();
        for (int row = 0; row < filter->rowCount(); ++row) {
            const QModelIndex index = filter->index(row, TagFilter::CountColumn);
            if (filter->data(index, TagFilter::TagRole).toString() == QLatin1String("step_end"))
                return filter->data(index, TagFilter::CountRole).toULongLong();
        }
        return quint64(0);
    };
    const auto append = [&path](int from, int to) {
        QFile f(path);
        if (!f.open(QIODevice::Append))
            return;
        for (int s = from; s < to; ++s)
            f.write(QStringLiteral(
                R"({"ts": %1, "tag": "step_end", "step": %2, "context": {"loss": 0.1}})"
                "\n")
                        .arg(1732800100.0 + s)
                        .arg(s)
                        .toUtf8());
    };
    const PaintCounter headerPaints(tags->header()->viewport());
    const PaintCounter cellPaints(tags->viewport());
    const int headerBefore = headerPaints.paintsAfterUpdates();
    const int cellsBefore = cellPaints.paintsAfterUpdates();
    append(10, 15); // 10 -> 15: the same width
    QTRY_COMPARE_WITH_TIMEOUT(stepEndCount(), quint64(15), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(cellPaints.paintsAfterUpdates() > cellsBefore, 5000);
    QCOMPARE(headerPaints.paintsAfterUpdates(), headerBefore);
    // The header's own width (~60 px) holds up to 8 digits: without it, the column is as wide as
    // its counts, and a count that no longer fits widens it.
    tags->header()->hide();
    tags->resizeColumnToContents(TagFilter::CountColumn);
    QVERIFY(countWidth(tags) < tags->fontMetrics().horizontalAdvance(QLocale().toString(100'000)));
    append(15, 100'000); // 100,000: wider
    QTRY_COMPARE_WITH_TIMEOUT(stepEndCount(), quint64(100'000), 20000);
    m_window->flushPendingUpdates();
    const int widened = countWidth(tags);
    tags->resizeColumnToContents(TagFilter::CountColumn); // what fitting it now gives
    QCOMPARE(widened, countWidth(tags));
    QVERIFY(widened > tags->fontMetrics().horizontalAdvance(QLocale().toString(100'000)));
}

// Issue 15: a live batch that changes the records view's count to a text of the same width
// repaints the label; it lays out neither the view nor the dock and the window above it
// (QMainWindowLayout's activation was ~5 % of a followed window's CPU).
void TestMainWindow::liveRecordCountLaysOutNothing()
{
    const QString path = writeRun("live.jsonl", 10);
    openAndSettle({ path });
    RecordsView* view = m_window->recordsView();
    QLabel* count = nullptr;
    for (QLabel* label : view->findChildren<QLabel*>()) {
        if (label->text().endsWith(QLatin1String(" records")))
            count = label;
    }
    QVERIFY(count);
    struct LayoutRequests : QObject
    {
        int count = 0;
        bool eventFilter(QObject*, QEvent* event) override
        {
            count += event->type() == QEvent::LayoutRequest ? 1 : 0;
            return false;
        }
    } requests;
    view->installEventFilter(&requests);
    const auto appendFive = [&path, count](int from) {
        const QString before = count->text();
        QFile f(path);
        if (!f.open(QIODevice::Append))
            return false;
        for (int s = from; s < from + 5; ++s)
            f.write(QStringLiteral(
                R"({"ts": %1, "tag": "step_end", "step": %2, "context": {"loss": 0.1}})"
                "\n")
                        .arg(1732800100.0 + s)
                        .arg(s)
                        .toUtf8());
        f.close();
        return QTest::qWaitFor([&] { return count->text() != before; }, 5000);
    };
    QVERIFY(appendFive(10)); // may lay out once: the label is fixed at its width then
    PaintCounter::deliverUpdates();
    requests.count = 0;
    const QString before = count->text();
    QVERIFY(appendFive(15));
    PaintCounter::deliverUpdates();
    QCOMPARE(count->fontMetrics().horizontalAdvance(count->text()),
        count->fontMetrics().horizontalAdvance(before));
    QCOMPARE(requests.count, 0);
}

void TestMainWindow::pauseStopsFollowing()
{
    openAndSettle({ writeRun("run.jsonl", 10) });
    const int source = m_window->workspace()->sourceIds().first();
    QTRY_COMPARE(m_window->workspace()->source(source).state, Workspace::SourceState::Following);
    m_window->setFollowPaused(true);
    QCOMPARE(m_window->workspace()->source(source).state, Workspace::SourceState::Idle);
    QCOMPARE(m_window->statusBarWidget()->followText(), QStringLiteral("paused"));
    QVERIFY(!m_window->chartGrid()->followLatest());
    m_window->setFollowPaused(false);
    QCOMPARE(m_window->workspace()->source(source).state, Workspace::SourceState::Following);
    QVERIFY(m_window->chartGrid()->followLatest());
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

void TestMainWindow::triggerWithDialogs(
    const QString& actionText, QList<std::function<bool(QWidget*)>> answers)
{
    // Qt's own dialogs (a native one could not be driven), shown as modal widgets.
    QCoreApplication::setAttribute(Qt::AA_DontUseNativeDialogs);
    QAction* action = nullptr;
    for (QAction* a : m_window->findChildren<QAction*>())
        if (a->text() == actionText)
            action = a;
    QVERIFY2(action, qPrintable(actionText));
    QTimer poll;
    poll.setInterval(10);
    connect(&poll, &QTimer::timeout, this, [&answers] {
        QWidget* modal = QApplication::activeModalWidget();
        if (modal && !answers.isEmpty() && answers.front()(modal))
            answers.removeFirst();
    });
    poll.start();
    action->trigger(); // returns when the last dialog closed
    QVERIFY(answers.isEmpty());
}

std::function<bool(QWidget*)> TestMainWindow::chooseFile(const QString& path)
{
    return [path](QWidget* modal) {
        auto* dialog = qobject_cast<QFileDialog*>(modal);
        return dialog && answerFileDialog(dialog, path);
    };
}

// File > Open Remote (issue 16): a mistyped address is said and asked again (nothing opened); a
// valid one is opened as an ssh:// source, named as typed, and joins the recent list.
void TestMainWindow::openRemoteDialogChecksTheAddress()
{
    const auto type = [](const QString& text) {
        return [text](QWidget* modal) {
            auto* dialog = qobject_cast<QInputDialog*>(modal);
            if (!dialog)
                return false;
            dialog->setTextValue(text);
            dialog->accept();
            return true;
        };
    };
    QString warning;
    const auto dismiss = [&warning](QWidget* modal) {
        auto* box = qobject_cast<QMessageBox*>(modal);
        if (!box)
            return false;
        warning = box->text();
        box->accept();
        return true;
    };
    // Port 1 on this machine: the connection is refused at once, which is not what is tested.
    const QString address = QStringLiteral("ssh://nobody@127.0.0.1:1/runs/job7/");
    triggerWithDialogs(QStringLiteral("Open &Remote\u2026"),
        { type(QStringLiteral("ssh://host")), dismiss, type(address) });
    QVERIFY2(warning.contains(QStringLiteral("ssh://host")), qPrintable(warning));
    const Workspace* workspace = m_window->workspace();
    QCOMPARE(workspace->sourceIds().size(), 1);
    QCOMPARE(workspace->source(workspace->sourceIds().front()).path, address);
    QVERIFY(m_settings->recentPaths().contains(address));
}

// File > Open and Open Folder, through their dialogs.
void TestMainWindow::openDialogsOpenRuns()
{
    const QString file = writeRun("run.jsonl", 30);
    triggerWithDialogs(QStringLiteral("&Open\u2026"), { chooseFile(file) });
    QTRY_COMPARE_WITH_TIMEOUT(m_window->workspace()->runIds().size(), 1, 10000);
    const Workspace* workspace = m_window->workspace();
    QCOMPARE(
        workspace->source(workspace->sourceIds().front()).path, QFileInfo(file).absoluteFilePath());

    QDir(m_dir->path()).mkdir(QStringLiteral("ranks"));
    for (const char* name : { "ranks/rank0.jsonl", "ranks/rank1.jsonl" })
        writeRun(QLatin1String(name), 20);
    const QString folder = m_dir->filePath("ranks");
    triggerWithDialogs(QStringLiteral("Open &Folder\u2026"), { chooseFile(folder) });
    QTRY_COMPARE_WITH_TIMEOUT(workspace->runIds().size(), 3, 10000);
    QCOMPARE(workspace->sourceIds().size(), 2);
    QCOMPARE(workspace->source(workspace->sourceIds().back()).path,
        QFileInfo(folder).absoluteFilePath());
}

// Export as CSV, a chart as PNG (after choosing the metric) and the window as PNG, through their
// dialogs.
void TestMainWindow::exportDialogsWriteFiles()
{
    openAndSettle({ writeRun("run.jsonl", 30) });
    const QString csv = m_dir->filePath("out/series.csv");
    QDir(m_dir->path()).mkdir(QStringLiteral("out"));
    triggerWithDialogs(QStringLiteral("&Export Visible Series as CSV\u2026"), { chooseFile(csv) });
    QFile written(csv);
    QVERIFY(written.open(QIODevice::ReadOnly));
    QVERIFY(written.readLine().startsWith("run,metric,"));
    QVERIFY(written.readAll().count('\n') >= 30);

    const QString chartPng = m_dir->filePath("out/chart.png");
    const QString metric = m_window->chartGrid()->chartKeys().value(1);
    QVERIFY(!metric.isEmpty());
    triggerWithDialogs(QStringLiteral("Export Chart as &PNG\u2026"),
        { [metric](QWidget* modal) {
             auto* input = qobject_cast<QInputDialog*>(modal);
             if (!input)
                 return false;
             input->setTextValue(metric);
             input->accept();
             return true;
         },
            chooseFile(chartPng) });
    const QImage chart(chartPng);
    QCOMPARE(chart.size(), QSize(1200, 700));

    const QString windowPng = m_dir->filePath("out/window.png");
    triggerWithDialogs(QStringLiteral("Export &Window as PNG\u2026"), { chooseFile(windowPng) });
    const QImage window(windowPng);
    QVERIFY(!window.isNull());
    QCOMPARE(window.size(), m_window->size() * m_window->devicePixelRatio());
}

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
