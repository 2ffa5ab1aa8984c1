#include "chart_grid.hpp"
#include "chart_overlay.hpp"
#include "metric_chart.hpp"
#include "series_layer.hpp"
#include "test_runs.hpp"
#include "workspace.hpp"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace viewer;
using namespace viewer::test;

class TestChartGrid : public QObject
{
    Q_OBJECT

private:
    static const QString Loss;
    static const QString Acc;
    static const QString ValLoss;

    static Run threeMetricRun(const QString& name, int steps)
    {
        Run run;
        run.id = name;
        run.displayName = name;
        for (int i = 0; i < steps; ++i)
            addStep(run, i, { { Loss, 1.0 / (i + 1) }, { Acc, i / double(steps) } });
        const std::uint32_t r = addRecord(run, steps - 1, 2000.0, 0.0, QStringLiteral("epoch_end"));
        seriesOf(run, ValLoss).append(0.5, r);
        return run;
    }

    static std::unique_ptr<ChartGrid> gridOf(const QList<const Run*>& runs)
    {
        auto grid = std::make_unique<ChartGrid>(nullptr);
        grid->resize(1000, 800);
        int id = 1;
        for (const Run* run : runs)
            grid->addRun(id++, run);
        grid->refreshNow();
        return grid;
    }

private slots:
    void initTestCase()
    {
        QApplication::setStyle(QStringLiteral("Fusion"));
    }

    void oneChartPerMetric()
    {
        const Run run = threeMetricRun("a", 100);
        auto grid = gridOf({ &run });
        QCOMPARE(grid->chartCount(), 3);
        // Step metrics first, then epoch metrics; metricKeys() is alphabetical.
        QCOMPARE(grid->chartKeys(), (QStringList { Loss, Acc, ValLoss }));
        QCOMPARE(grid->metricKeys(), (QStringList { ValLoss, Loss, Acc }));
        QVERIFY(grid->chart(Loss));
        QCOMPARE(grid->chart(Loss)->xMax(), 99.0);
    }

    void metricFilterHidesAndShows()
    {
        const Run run = threeMetricRun("a", 100);
        auto grid = gridOf({ &run });
        QSignalSpy changed(grid.get(), &ChartGrid::chartsChanged);
        grid->setMetricFilter({ Loss });
        QCOMPARE(grid->chartKeys(), QStringList { Loss });
        grid->setMetricFilter({ Loss, ValLoss, QStringLiteral("step_end/absent") });
        QCOMPARE(grid->chartKeys(), (QStringList { Loss, ValLoss }));
        grid->setMetricFilter({});
        QCOMPARE(grid->chartCount(), 0);
        grid->clearMetricFilter();
        QCOMPARE(grid->chartCount(), 3);
        QCOMPARE(changed.count(), 4);
    }

    void hiddenRunsLeaveTheCharts()
    {
        const Run a = threeMetricRun("a", 100);
        Run b =
            makeRun("b", QStringLiteral("step_end/only_b"), 10, [](int i) { return double(i); });
        auto grid = gridOf({ &a, &b });
        QCOMPARE(grid->chartCount(), 4);
        QCOMPARE(grid->chart(Loss)->legendTexts(), QStringList { "a" });
        grid->setRunVisible(2, false);
        grid->refreshNow();
        QCOMPARE(grid->chartCount(), 3);
        grid->setRunVisible(2, true);
        grid->refreshNow();
        QCOMPARE(grid->chartCount(), 4);
        QVERIFY(grid->runColor(1) != grid->runColor(2));
        grid->removeRun(2);
        grid->refreshNow();
        QCOMPARE(grid->chartCount(), 3);
    }

    void xModeSwitchChangesEveryAxis()
    {
        const Run run = threeMetricRun("a", 250);
        auto grid = gridOf({ &run });
        grid->setXAxisMode(XAxisMode::Epoch);
        grid->refreshNow();
        for (const QString& key : grid->chartKeys()) {
            QCOMPARE(grid->chart(key)->xAxisTitle(), QStringLiteral("epoch"));
            QCOMPARE(grid->chart(key)->xMax(), 2.98); // fractional epoch: epoch 2's last step
        }
        grid->setXAxisMode(XAxisMode::Sequence);
        grid->refreshNow();
        QCOMPARE(grid->chart(Loss)->xAxisTitle(), QStringLiteral("record # in run (every tag)"));
        // Every chart spans every chart's data: the epoch_end record (index 250) included.
        QCOMPARE(grid->chart(Loss)->xMax(), 250.0);
    }

    void xRangeIsShared()
    {
        const Run run = threeMetricRun("a", 1000);
        auto grid = gridOf({ &run });
        // The whole extent of every chart: the epoch_end metric's single point sits inside it.
        QCOMPARE(grid->chart(ValLoss)->xMin(), 0.0);
        QCOMPARE(grid->chart(ValLoss)->xMax(), 999.0);
        QSignalSpy changed(grid.get(), &ChartGrid::xRangeChanged);
        // A zoom in one chart moves them all.
        emit grid->chart(Acc)->xRangeRequested(100, 200);
        QCOMPARE(changed.count(), 1);
        grid->refreshNow();
        for (const QString& key : grid->chartKeys()) {
            QCOMPARE(grid->chart(key)->xMin(), 100.0);
            QCOMPARE(grid->chart(key)->xMax(), 200.0);
        }
        // The other charts follow at the next frame.
        QTRY_COMPARE_WITH_TIMEOUT(grid->chart(Loss)->xMax(), 200.0, 1000);
        grid->zoomToX(500);
        grid->refreshNow();
        QCOMPARE(grid->chart(Loss)->xMin(), 450.0);
        QCOMPARE(grid->chart(Loss)->xMax(), 550.0);
        grid->resetZoom();
        grid->refreshNow();
        QCOMPARE(grid->chart(Loss)->xMax(), 999.0);
        QCOMPARE(grid->xRange(), (std::pair<double, double> { 0.0, 999.0 }));
    }

    // Live: new points are drawn after a coalesced refresh; the view follows the newest data
    // while it touches the right edge, stays where the user zoomed elsewhere, and stops following
    // when paused.
    void followsTheNewestData()
    {
        Run run = makeRun("a", Loss, 100, [](int i) { return double(i); });
        auto grid = std::make_unique<ChartGrid>(nullptr);
        grid->resize(900, 600);
        grid->show();
        QVERIFY(QTest::qWaitForWindowExposed(grid.get()));
        grid->addRun(1, &run);
        QTRY_COMPARE_WITH_TIMEOUT(grid->chartCount(), 1, 1000);
        MetricChart* chart = grid->chart(Loss);
        QTRY_COMPARE_WITH_TIMEOUT(chart->xMax(), 99.0, 1000);

        auto grow = [&](int to) {
            for (int i = static_cast<int>(run.records.size()); i < to; ++i)
                addStep(run, i, { { Loss, double(i) } });
            grid->notifyRunsAppended({ 1 });
        };
        // Automatic range: grows with the data, redrawn within a second, without refreshNow().
        grow(200);
        QTRY_COMPARE_WITH_TIMEOUT(chart->xMax(), 199.0, 1000);
        QTRY_VERIFY_WITH_TIMEOUT(chart->yMax() >= 199.0, 1000);

        // Zoomed at the right edge: the window slides with the newest data, keeping its width.
        emit chart->xRangeRequested(150, 199);
        grow(300);
        QTRY_COMPARE_WITH_TIMEOUT(chart->xMax(), 299.0, 1000);
        QCOMPARE(chart->xMin(), 250.0);

        // Zoomed elsewhere: stays put.
        emit chart->xRangeRequested(10, 20);
        grow(400);
        QTest::qWait(100);
        QCOMPARE(chart->xMin(), 10.0);
        QCOMPARE(chart->xMax(), 20.0);

        // Back to the whole run, then paused: the range no longer grows.
        grid->resetZoom();
        QTRY_COMPARE_WITH_TIMEOUT(chart->xMax(), 399.0, 1000);
        grid->setFollowLatest(false);
        grow(500);
        QTest::qWait(100);
        QCOMPARE(chart->xMax(), 399.0);
        grid->setFollowLatest(true);
        QTRY_COMPARE_WITH_TIMEOUT(chart->xMax(), 499.0, 1000);
    }

    // Many batches in a burst cost one redraw per timer period, not one per batch.
    // Issue 15: a folder of 5,000 runs adds, recolours and regroups them one by one in one
    // event-loop turn; each hand-over of the runs costs every chart O(runs).
    void runsReachTheChartsOncePerRefresh()
    {
        const Run first = makeRun("r0", Loss, 10, [](int i) { return double(i); });
        auto grid = gridOf({ &first });
        std::vector<Run> runs;
        for (int i = 0; i < 200; ++i)
            runs.push_back(makeRun(QStringLiteral("r%1").arg(i + 1), Loss, 10,
                [i](int step) { return double(step + i); }));
        const int before = grid->runHandOvers();
        for (int i = 0; i < 200; ++i) {
            const int id = i + 2;
            grid->addRun(id, &runs[static_cast<std::size_t>(i)]);
            grid->setRunColors({ { id, QColor::fromHsv(i, 200, 200) } });
            grid->setRunGroups({ { id, ChartGrid::RunGroup {} } });
        }
        QCOMPARE(grid->runHandOvers(), before);
        grid->refreshNow();
        QCOMPARE(grid->runHandOvers(), before + 1);
        QCOMPARE(grid->chart(Loss)->model().curves().size(), std::size_t(201));
    }

    // 8 ranks of one job share the id "job7": the charts name them as the runs table does, in
    // the NaN badges and under the cursor, so that the diverged rank can be told apart.
    void runsAreNamedAsTheRunsTableNamesThem()
    {
        Run a = makeRun("job7", Loss, 100, [](int i) { return i == 10 ? NaN : double(i); });
        Run b = makeRun("job7", Loss, 100, [](int i) { return i == 10 ? NaN : 2.0 * i; });
        auto grid = gridOf({ &a, &b });
        grid->setRunNames(
            { { 1, QStringLiteral("job7 rank 0") }, { 2, QStringLiteral("job7 rank 1") } });
        grid->refreshNow();
        MetricChart* chart = grid->chart(Loss);
        const auto& badges = chart->overlay()->badges();
        QCOMPARE(badges.size(), std::size_t(2));
        QVERIFY2(badges[0].text.contains("rank 0"), qPrintable(badges[0].text));
        QVERIFY2(badges[1].text.contains("rank 1"), qPrintable(badges[1].text));
        // What the hover and the legend say of each curve.
        QStringList curveNames;
        for (const auto& curve : chart->model().curves())
            curveNames << curve->name;
        QCOMPARE(curveNames, (QStringList { "job7 rank 0", "job7 rank 1" }));
        // An empty name gives the run its own back.
        grid->setRunNames({ { 1, QString() } });
        grid->refreshNow();
        QVERIFY2(!chart->overlay()->badges()[0].text.contains("rank"),
            qPrintable(chart->overlay()->badges()[0].text));
    }

    void redrawsAreCoalesced()
    {
        Run run = makeRun("a", Loss, 10, [](int i) { return double(i); });
        auto grid = std::make_unique<ChartGrid>(nullptr);
        grid->resize(900, 600);
        grid->show();
        QVERIFY(QTest::qWaitForWindowExposed(grid.get()));
        grid->addRun(1, &run);
        QTRY_COMPARE_WITH_TIMEOUT(grid->chartCount(), 1, 1000);
        MetricChart* chart = grid->chart(Loss);
        QTRY_VERIFY_WITH_TIMEOUT(!chart->isDirty(), 1000);
        QSignalSpy ranges(grid.get(), &ChartGrid::xRangeChanged);
        for (int i = 10; i < 1010; ++i) {
            addStep(run, i, { { Loss, double(i) } });
            grid->notifyRunsAppended({ 1 });
        }
        QVERIFY(chart->isDirty()); // nothing drawn yet: 1000 batches wait for the timer
        QTRY_COMPARE_WITH_TIMEOUT(chart->xMax(), 1009.0, 1000);
        QVERIFY(ranges.count() <= 2);
    }

    void richTextInTitlesAndLegends()
    {
        const QString key = QStringLiteral("step_end/<b>x</b>");
        Run run = makeRun(
            QStringLiteral("<img src=\"/etc/hosts\">"), key, 10, [](int i) { return double(i); });
        auto grid = gridOf({ &run });
        QCOMPARE(grid->chart(key)->titleText(), QStringLiteral("step_end/&lt;b&gt;x&lt;/b&gt;"));
        QCOMPARE(grid->chart(key)->legendTexts(),
            QStringList { QStringLiteral("&lt;img src=&quot;/etc/hosts&quot;&gt;") });
    }

    void exportsTheVisibleSeries()
    {
        Run a = makeRun(QStringLiteral("=cmd, \"quoted\""), Loss, 3,
            [](int i) { return i == 1 ? NaN : double(i); });
        Run b = makeRun("b", Acc, 2, [](int i) { return i * 0.5; });
        auto grid = gridOf({ &a, &b });
        grid->setMetricFilter({ Loss });
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("out.csv"));
        QString error;
        QVERIFY2(grid->exportCsv(path, &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        QCOMPARE(text,
            QStringLiteral("run,metric,step,value,smoothed\n"
                           "\"'=cmd, \"\"quoted\"\"\",step_end/loss,0,0,\n"
                           "\"'=cmd, \"\"quoted\"\"\",step_end/loss,1,nan,\n"
                           "\"'=cmd, \"\"quoted\"\"\",step_end/loss,2,2,\n"));
        QVERIFY(!grid->exportCsv(dir.filePath(QStringLiteral("missing/dir/out.csv")), &error));
        QVERIFY(error.contains(QStringLiteral("Cannot write")));
    }

    void rendersAChart()
    {
        const Run run = threeMetricRun("a", 300);
        auto grid = gridOf({ &run });
        grid->setMetricFilter({ Loss });
        // Also a key filtered out of the grid.
        for (const QString& key : { Loss, Acc }) {
            const QImage image = grid->renderChart(key, QSize(600, 300));
            QCOMPARE(image.size(), QSize(600, 300));
            QSet<QRgb> colors;
            for (int y = 0; y < image.height(); y += 2) {
                for (int x = 0; x < image.width(); x += 2)
                    colors.insert(image.pixel(x, y));
            }
            QVERIFY(colors.size() > 10);
        }
    }

    void firstNan()
    {
        Run run = makeRun("a", Loss, 100, [](int i) { return i == 37 || i == 80 ? NaN : 1.0; });
        auto grid = gridOf({ &run });
        QCOMPARE(grid->firstNanX(Loss, 1), 37.0);
        QVERIFY(std::isnan(grid->firstNanX(Acc, 1)));
        QVERIFY(std::isnan(grid->firstNanX(Loss, 42)));
        grid->setXAxisMode(XAxisMode::Relative);
        QCOMPARE(grid->firstNanX(Loss, 1), 3.7);
    }

    void globalOptionsReachEveryChart()
    {
        const Run run = threeMetricRun("a", 100);
        auto grid = gridOf({ &run });
        grid->setSmoothing(SmoothingKind::Ema, 0.9);
        grid->setLogScale(false, true);
        grid->setIgnoreOutliers(true);
        grid->setGroupMode(GroupMode::MeanBand);
        grid->refreshNow();
        for (const QString& key : grid->chartKeys()) {
            const ChartOptions& o = grid->chart(key)->options();
            QCOMPARE(o.smoothing, SmoothingKind::Ema);
            QCOMPARE(o.smoothingParam, 0.9);
            QVERIFY(o.logY && !o.logX && o.ignoreOutliers);
            QCOMPARE(o.groupMode, GroupMode::MeanBand);
        }
        QVERIFY(grid->chart(Loss)->smoothedValues(1));
    }

    void responsiveColumns()
    {
        const Run run = threeMetricRun("a", 10);
        auto grid = gridOf({ &run });
        grid->show();
        QVERIFY(QTest::qWaitForWindowExposed(grid.get()));
        grid->resize(400, 600);
        QTRY_COMPARE_WITH_TIMEOUT(grid->columnCount(), 1, 1000);
        grid->resize(1400, 600);
        QTRY_COMPARE_WITH_TIMEOUT(grid->columnCount(), 3, 1000);
    }

    // Issue 13, item 5: pinned charts first (most recently pinned on top), derived/* after the
    // user's metrics, and the grid puts them there (not only chartKeys()).
    void pinnedFirstDerivedLast()
    {
        Run run = threeMetricRun("a", 10);
        const QString derived = QStringLiteral("derived/step_duration");
        for (std::uint32_t r = 0; r < 10; ++r)
            seriesOf(run, derived).append(0.1, r);
        auto grid = gridOf({ &run });
        grid->resize(1200, 800); // 3 columns
        grid->show();
        QVERIFY(QTest::qWaitForWindowExposed(grid.get()));
        QCOMPARE(grid->chartKeys(), (QStringList { Loss, Acc, ValLoss, derived }));
        emit grid->chart(ValLoss)->pinRequested(true); // the chart's menu: "Pin to top"
        grid->setPinned(derived, true);
        QCOMPARE(grid->chartKeys(), (QStringList { derived, ValLoss, Loss, Acc }));
        // Laid out at the next layout pass: derived, ValLoss, Loss in the first row, Acc below.
        MetricChart* d = grid->chart(derived);
        QTRY_VERIFY_WITH_TIMEOUT(d->pos().y() == grid->chart(ValLoss)->pos().y()
                && d->pos().x() < grid->chart(ValLoss)->pos().x(),
            1000);
        const QPoint first = d->pos();
        QVERIFY(grid->chart(Acc)->pos().y() > first.y()); // the 4th chart: second row
        grid->setPinned(derived, false);
        QCOMPARE(grid->chartKeys(), (QStringList { ValLoss, Loss, Acc, derived }));
        // Remembered by key: the chart filtered out and back is still pinned.
        grid->setMetricFilter({ Loss, Acc });
        grid->clearMetricFilter();
        QCOMPARE(grid->chartKeys().first(), ValLoss);
    }

    // Whole rows in view at the chosen height, and a new height re-lays the grid out.
    void chartHeightFitsWholeRows()
    {
        const Run run = threeMetricRun("a", 10);
        auto grid = gridOf({ &run });
        grid->resize(420, 800); // one column, three rows
        grid->show();
        QVERIFY(QTest::qWaitForWindowExposed(grid.get()));
        grid->setChartHeight(300);
        MetricChart* last = grid->chart(ValLoss);
        // 800 px / 300 -> 3 whole rows: the bottom of the third chart is inside the view.
        QTRY_VERIFY_WITH_TIMEOUT(last->geometry().bottom() <= 800, 1000);
        QVERIFY2(last->height() > 230, qPrintable(QString::number(last->height())));
        grid->setChartHeight(700);
        QTRY_VERIFY_WITH_TIMEOUT(grid->chart(Loss)->height() > 700, 1000);
        QCOMPARE(grid->chartHeight(), 700);
    }

    // --x METRIC: the grid's x of a record (events table, NaN badge) is the metric's, as drawn.
    void xOfRecordFollowsTheXMetric()
    {
        Run run = threeMetricRun("a", 10);
        for (std::uint32_t r = 0; r < 10; ++r)
            seriesOf(run, QStringLiteral("step_end/tokens")).append(100.0 * (r + 1), r);
        auto grid = gridOf({ &run });
        QCOMPARE(grid->xOfRecord(1, 4), 4.0); // the step
        grid->setXMetric(QStringLiteral("tokens"));
        grid->refreshNow();
        QCOMPARE(grid->xOfRecord(1, 4), 500.0);
        QCOMPARE(grid->chart(Loss)->xMax(), 1000.0);
        QCOMPARE(grid->chartsWithoutXMetric(), QStringList { ValLoss });
        grid->setXMetric(QString());
        grid->refreshNow();
        QCOMPARE(grid->xOfRecord(1, 4), 4.0);
        QVERIFY(grid->chartsWithoutXMetric().isEmpty());
    }

    // Double-click on a chart's title: that chart alone over the grid; Esc goes back.
    void maximiseAndRestore()
    {
        const Run run = threeMetricRun("a", 10);
        auto grid = gridOf({ &run });
        grid->resize(1000, 700);
        grid->show();
        QVERIFY(QTest::qWaitForWindowExposed(grid.get()));
        grid->refreshNow();
        MetricChart* loss = grid->chart(Loss);
        QSignalSpy maximized(grid.get(), &ChartGrid::maximizedChartChanged);
        const QPoint title(loss->viewport()->width() / 2, 4); // above the plot
        QTest::mouseDClick(loss->viewport(), Qt::LeftButton, {}, title);
        QCOMPARE(grid->maximizedChart(), Loss);
        QCOMPARE(maximized.count(), 1);
        QVERIFY(!grid->chart(Acc)->isVisible());
        QVERIFY(!grid->chart(ValLoss)->isVisible());
        QVERIFY(loss->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(loss->height() > 600 && loss->width() > 900, 1000);
        QVERIFY(loss->titleText().contains("Esc")); // says how to go back
        QTRY_VERIFY_WITH_TIMEOUT(loss->hasFocus(), 1000);
        QTest::keyClick(loss, Qt::Key_Escape);
        QCOMPARE(grid->maximizedChart(), QString());
        QVERIFY(grid->chart(Acc)->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(loss->width() < 600, 1000);
        QCOMPARE(loss->titleText(), Loss);
        // The context menu's action toggles it too; a maximised chart filtered out goes back.
        emit loss->maximizeToggleRequested();
        QCOMPARE(grid->maximizedChart(), Loss);
        grid->setMetricFilter({ Acc, ValLoss });
        QCOMPARE(grid->maximizedChart(), QString());
        QVERIFY(grid->chart(Acc)->isVisible());
    }

    // A real Workspace following a file that a writer appends to: the chart grows within a second.
    void followsAGrowingFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Append));
        auto write = [&](int from, int to) {
            QByteArray lines;
            for (int i = from; i < to; ++i) {
                lines += QByteArrayLiteral("{\"ts\": ")
                    + QByteArray::number(1732800000.0 + i, 'f', 1)
                    + QByteArrayLiteral(", \"tag\": \"step_end\", \"step\": ")
                    + QByteArray::number(i) + QByteArrayLiteral(", \"context\": {\"loss\": ")
                    + QByteArray::number(1.0 / (i + 1)) + QByteArrayLiteral("}}\n");
            }
            file.write(lines);
            file.flush();
        };
        write(0, 50);
        Workspace workspace;
        ChartGrid grid(&workspace);
        grid.resize(900, 600);
        grid.show();
        QVERIFY(QTest::qWaitForWindowExposed(&grid));
        workspace.open(path, true);
        // (The engine may add derived series, e.g. records per second, beside it.)
        QTRY_VERIFY_WITH_TIMEOUT(grid.chartKeys().contains(Loss), 5000);
        MetricChart* chart = grid.chart(Loss);
        QTRY_COMPARE_WITH_TIMEOUT(chart->xMax(), 49.0, 5000);
        write(50, 120);
        double x0 = 0;
        double x1 = 0;
        QTRY_VERIFY_WITH_TIMEOUT(chart->dataXExtent(x0, x1) && x1 == 119.0, 1000);
        // Appended while following: the x axis extends in steps (SteadyRange::followX), the
        // newest point inside with 25 to 37.5 % of room (119 in one batch: 150).
        QTRY_VERIFY_WITH_TIMEOUT(chart->xMax() > 119.0, 1000);
        QVERIFY2(chart->xMax() >= 119.0 * 1.25 && chart->xMax() <= 119.0 * 1.375,
            qPrintable(QString::number(chart->xMax())));
        QCOMPARE(chart->xMin(), 0.0);
        QVERIFY(!chart->seriesLayer()->curves().empty());
    }

    // Issue 15: a record appended to a followed file inside the ranges shown is drawn without
    // touching the axes (each change makes Qt Charts lay the chart out again); the x axis extends
    // in steps. The grid lines are the SeriesLayer's, at the axis' tick positions.
    void liveAppendsKeepTheAxes()
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("run.jsonl")));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Append));
        auto write = [&](int i) {
            file.write(QByteArrayLiteral("{\"ts\": ") + QByteArray::number(1732800000 + i)
                + QByteArrayLiteral(", \"tag\": \"step_end\", \"step\": ") + QByteArray::number(i)
                + QByteArrayLiteral(", \"context\": {\"loss\": ")
                + QByteArray::number(2.0 - i / 1000.0) + QByteArrayLiteral("}}\n"));
            file.flush();
        };
        for (int i = 0; i < 100; ++i)
            write(i);
        Workspace workspace;
        ChartGrid grid(&workspace);
        grid.resize(900, 600);
        grid.show();
        QVERIFY(QTest::qWaitForWindowExposed(&grid));
        workspace.open(file.fileName(), true);
        QTRY_VERIFY_WITH_TIMEOUT(grid.chartKeys().contains(Loss), 5000);
        MetricChart* chart = grid.chart(Loss);
        QTRY_COMPARE_WITH_TIMEOUT(chart->xMax(), 99.0, 5000); // the load: the exact extent
        QTRY_VERIFY_WITH_TIMEOUT(workspace.isIdle() && !chart->isDirty(), 5000);
        // Appended one at a time, each drawn: the ranges settle into steps.
        int next = 100;
        auto appendOne = [&] {
            const int builds = chart->geometryBuilds();
            write(next);
            double x0 = 0;
            double x1 = 0;
            QTRY_VERIFY_WITH_TIMEOUT(chart->geometryBuilds() > builds && !chart->isDirty()
                    && chart->dataXExtent(x0, x1) && x1 == next,
                5000);
            ++next;
        };
        for (int i = 0; i < 3; ++i)
            appendOne();
        QVERIFY(chart->xMax() > next - 1); // room past the newest point
        QVERIFY(chart->xMax() <= (next - 1) * 1.375);
        const int axisChanges = chart->axisChanges();
        const double shownMax = chart->xMax();
        appendOne();
        QVERIFY(next - 1 < shownMax); // (still inside)
        QCOMPARE(chart->axisChanges(), axisChanges);
        QCOMPARE(chart->xMax(), shownMax);
        // The newest point is drawn: the last piece of the line ends at its pixel.
        const auto& pieces = chart->seriesLayer()->curves().front().pieces;
        QVERIFY(!pieces.empty() && !pieces.back().isEmpty());
        QCOMPARE(qRound(pieces.back().back().x()), qRound(chart->mapping().px(double(next - 1))));
        // Past the shown range: the x axis extends, once.
        while (next - 1 <= shownMax)
            appendOne();
        QVERIFY(chart->axisChanges() > axisChanges);
        QVERIFY(chart->xMax() > shownMax);
    }

    // The window may destroy the workspace before the grid: the charts must let go of its runs.
    void workspaceGoesFirst()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(
            "{\"ts\": 1.0, \"tag\": \"step_end\", \"step\": 0, \"context\": {\"loss\": 1.0}}\n"
            "{\"ts\": 2.0, \"tag\": \"step_end\", \"step\": 1, \"context\": {\"loss\": 0.5}}\n");
        file.close();
        auto workspace = std::make_unique<Workspace>();
        ChartGrid grid(workspace.get());
        workspace->open(path, false);
        QTRY_VERIFY_WITH_TIMEOUT(workspace->isIdle() && !workspace->runIds().isEmpty(), 5000);
        grid.refreshNow();
        QVERIFY(grid.chartKeys().contains(Loss));
        MetricChart* chart = grid.chart(Loss);
        QVERIFY(!chart->runs().isEmpty());
        workspace.reset();
        QVERIFY(chart->runs().isEmpty());
        grid.refreshNow();
        QCOMPARE(grid.chartCount(), 0);
    }
};

const QString TestChartGrid::Loss = QStringLiteral("step_end/loss");
const QString TestChartGrid::Acc = QStringLiteral("step_end/metrics/acc");
const QString TestChartGrid::ValLoss = QStringLiteral("epoch_end/val_loss");

QTEST_MAIN(TestChartGrid)
#include "tst_chart_grid.moc"
