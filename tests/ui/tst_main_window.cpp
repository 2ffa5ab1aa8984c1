#include "chart_grid.hpp"
#include "command_line_options.hpp"
#include "events_model.hpp"
#include "events_table.hpp"
#include "main_window.hpp"
#include "message_banner.hpp"
#include "metric_filter_panel.hpp"
#include "metric_filter_proxy.hpp"
#include "metric_tree_model.hpp"
#include "record_table_model.hpp"
#include "records_view.hpp"
#include "run_list_model.hpp"
#include "settings.hpp"
#include "status_bar.hpp"
#include "tag_filter.hpp"
#include "workspace.hpp"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextDocument>
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
    void richTextIsShownLiterally();
    void badInputsGoToTheBanner();
    void settingsRoundTrip();
    void liveAppendGrows();
    void pauseStopsFollowing();
    void dropOpensFiles();
    void commandLineApplies();
    void screenshotIsNotBlank();

private:
    QString writeRun(const QString& name, int steps, const QString& errorMessage = QString());
    void openAndSettle(const QStringList& paths);

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
    o.smoothing = SmoothingKind::MovingAverage;
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

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
