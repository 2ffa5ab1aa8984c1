// The virtualized chart grid (issue 15): thousands of metric keys, MetricCharts only near the view.
#include "chart_grid.hpp"
#include "metric_chart.hpp"
#include "series_layer.hpp"
#include "test_runs.hpp"

#include <QApplication>
#include <QFile>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <memory>

using namespace viewer;
using namespace viewer::test;

namespace {

constexpr int Keys = 2000;

QString keyOf(int i)
{
    return QStringLiteral("step_end/k%1").arg(i, 5, 10, QLatin1Char('0'));
}

// One run with `keys` metrics of 3 steps each.
Run manyKeyRun(int keys)
{
    Run run;
    for (int step = 0; step < 3; ++step) {
        QList<QPair<QString, double>> values;
        for (int i = 0; i < keys; ++i)
            values.push_back({ keyOf(i), i + step * 0.5 });
        addStep(run, step, values);
    }
    return run;
}

} // namespace

class TestChartGridVirtual : public QObject
{
    Q_OBJECT

    std::unique_ptr<Run> m_run;

    std::unique_ptr<ChartGrid> shownGrid(bool everyChart = true)
    {
        auto grid = std::make_unique<ChartGrid>(nullptr);
        grid->resize(1000, 800);
        grid->addRun(1, m_run.get());
        grid->show();
        if (!QTest::qWaitForWindowExposed(grid.get()))
            return nullptr;
        grid->refreshNow(everyChart);
        return grid;
    }

    static QScrollBar* scrollBarOf(ChartGrid* grid)
    {
        return grid->findChild<QScrollArea*>()->verticalScrollBar();
    }

    // The charts that exist (those scheduled for deletion gone first).
    static QList<MetricChart*> liveCharts(ChartGrid* grid)
    {
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        return grid->findChildren<MetricChart*>();
    }

    // Every chart in the view was built and painted `times` times, each drawing started on the pool
    // when its curves were set (a prerender), not when the paint event came.
    static bool drawnTimes(ChartGrid* grid, int times)
    {
        const QList<MetricChart*> charts = liveCharts(grid);
        bool ok = !charts.isEmpty();
        for (const MetricChart* c : charts) {
            if (c->viewport()->visibleRegion().isEmpty())
                continue; // near the view but not in it: built, never painted
            if (c->geometryBuilds() != times || c->seriesLayer()->renderCount() != times) {
                qWarning("%s built %d and painted %d times, not %d", qPrintable(c->key()),
                    c->geometryBuilds(), c->seriesLayer()->renderCount(), times);
                ok = false;
            }
            if (c->seriesLayer()->prerenderedCount() != times) {
                qWarning("%s: %d of its drawings were started ahead, not %d", qPrintable(c->key()),
                    c->seriesLayer()->prerenderedCount(), times);
                ok = false;
            }
        }
        return ok;
    }

    static QStringList keysOf(const QList<MetricChart*>& charts)
    {
        QStringList keys;
        for (const MetricChart* c : charts)
            keys << c->key();
        return keys;
    }

    // No chart exists for a key far from the view: at most the rows of the view and one screen
    // either side (a 800 px view of 300 px rows: 3 rows of 2 charts, so 18 charts).
    static void verifyBounded(ChartGrid* grid)
    {
        const QList<MetricChart*> charts = liveCharts(grid);
        QVERIFY2(charts.size() <= 5 * 3 * grid->columnCount(),
            qPrintable(QString::number(charts.size())));
        QVERIFY(!charts.isEmpty());
    }

private slots:
    void initTestCase()
    {
        QApplication::setStyle(QStringLiteral("Fusion"));
        m_run = std::make_unique<Run>(manyKeyRun(Keys));
    }

    void fewChartsForManyKeys()
    {
        auto grid = shownGrid();
        QVERIFY(grid);
        QCOMPARE(grid->chartCount(), Keys);
        QCOMPARE(grid->chartKeys().size(), Keys);
        verifyBounded(grid.get());
        // The first charts are there, drawn; the scroll bar spans every row.
        QVERIFY(keysOf(liveCharts(grid.get())).contains(keyOf(0)));
        const int rows = (Keys + grid->columnCount() - 1) / grid->columnCount();
        QVERIFY2(scrollBarOf(grid.get())->maximum() > (rows - 4) * 160,
            qPrintable(QString::number(scrollBarOf(grid.get())->maximum())));
    }

    // The charts in view are drawn first; those made ahead of a scroll (near the view, not in it)
    // once the view has been idle a moment. A screenshot (refreshNow(false)) draws what shows. At
    // 5,000 runs each chart costs about a second and a half of the first screen.
    void chartsMadeAheadWaitForAnIdleView()
    {
        auto grid = shownGrid(false);
        QVERIFY(grid);
        int shown = 0;
        int ahead = 0;
        for (const MetricChart* c : liveCharts(grid.get())) {
            const bool inView = !c->viewport()->visibleRegion().isEmpty();
            (inView ? shown : ahead) += 1;
            QCOMPARE(c->geometryBuilds(), inView ? 1 : 0);
        }
        QVERIFY(shown > 0);
        QVERIFY(ahead > 0);
        const auto allDrawn = [&grid] {
            const QList<MetricChart*> charts = liveCharts(grid.get());
            return std::all_of(charts.cbegin(), charts.cend(),
                [](const MetricChart* c) { return c->geometryBuilds() == 1; });
        };
        QTRY_VERIFY_WITH_TIMEOUT(allDrawn(), 10000);
    }

    void scrollingCreatesAndDestroys()
    {
        auto grid = shownGrid();
        QVERIFY(grid);
        QScrollBar* bar = scrollBarOf(grid.get());
        const QString last = grid->chartKeys().last();
        const QString first = grid->chartKeys().first();
        const QList<MetricChart*> before = liveCharts(grid.get());
        bar->setValue(bar->maximum());
        // A few per event-loop turn, not all at once.
        const QList<MetricChart*> atOnce = liveCharts(grid.get());
        int made = 0;
        for (MetricChart* c : atOnce)
            made += before.contains(c) ? 0 : 1;
        QVERIFY2(made <= ChartGrid::ChartsPerTurn, qPrintable(QString::number(made)));
        QTRY_VERIFY_WITH_TIMEOUT(keysOf(liveCharts(grid.get())).contains(last), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!keysOf(liveCharts(grid.get())).contains(first), 10000);
        verifyBounded(grid.get());
        MetricChart* shown = nullptr;
        for (MetricChart* c : liveCharts(grid.get())) {
            if (c->key() == last)
                shown = c;
        }
        QVERIFY(shown);
        QVERIFY(shown->isVisible());
        QVERIFY(!shown->viewport()->visibleRegion().isEmpty());
    }

    void chartsDoNotOverlapAndFollowTheOrder_data()
    {
        QTest::addColumn<double>("position"); // of the scroll bar, 0..1
        QTest::newRow("top") << 0.0;
        QTest::newRow("middle") << 0.5;
        QTest::newRow("bottom") << 1.0;
    }

    void chartsDoNotOverlapAndFollowTheOrder()
    {
        QFETCH(double, position);
        auto grid = shownGrid();
        QVERIFY(grid);
        QScrollBar* bar = scrollBarOf(grid.get());
        bar->setValue(static_cast<int>(bar->maximum() * position));
        grid->refreshNow();
        QList<MetricChart*> charts = liveCharts(grid.get());
        const QStringList order = grid->chartKeys();
        std::sort(charts.begin(), charts.end(), [&order](MetricChart* a, MetricChart* b) {
            return order.indexOf(a->key()) < order.indexOf(b->key());
        });
        QVERIFY(charts.size() > 2 * grid->columnCount());
        for (int i = 0; i < charts.size(); ++i) {
            const QRect r = charts[i]->geometry();
            QVERIFY(r.height() >= 160 && r.width() > 100);
            for (int j = i + 1; j < charts.size(); ++j) {
                const QRect s = charts[j]->geometry();
                QVERIFY2(!r.intersects(s),
                    qPrintable(charts[i]->key() + QLatin1String(" over ") + charts[j]->key()));
                // Reading order: a later key is on a later row, or further right on the same.
                QVERIFY(s.top() > r.top() || (s.top() == r.top() && s.left() > r.left()));
            }
        }
        // The charts that exist are consecutive keys of the grid's order.
        const auto firstIndex = order.indexOf(charts.first()->key());
        for (int i = 0; i < charts.size(); ++i)
            QCOMPARE(order.indexOf(charts[i]->key()), firstIndex + i);
    }

    void filterAndPins()
    {
        auto grid = shownGrid();
        QVERIFY(grid);
        const QString far = keyOf(Keys - 1);
        grid->setPinned(far, true);
        grid->refreshNow();
        QCOMPARE(grid->chartKeys().first(), far);
        MetricChart* pinned = nullptr;
        for (MetricChart* c : liveCharts(grid.get())) {
            if (c->key() == far)
                pinned = c;
        }
        QVERIFY(pinned);
        QCOMPARE(pinned->geometry().topLeft(), QPoint(4, 4)); // the first place of the grid
        verifyBounded(grid.get());

        QSignalSpy changed(grid.get(), &ChartGrid::chartsChanged);
        grid->setMetricFilter({ keyOf(7), keyOf(1500), far });
        grid->refreshNow();
        QCOMPARE(grid->chartKeys(), (QStringList { far, keyOf(7), keyOf(1500) }));
        QCOMPARE(keysOf(liveCharts(grid.get())).size(), 3);
        QCOMPARE(changed.count(), 1);
        grid->clearMetricFilter();
        grid->refreshNow();
        QCOMPARE(grid->chartCount(), Keys);
        verifyBounded(grid.get());
    }

    void maximiseAKeyFarDown()
    {
        auto grid = shownGrid();
        QVERIFY(grid);
        const QString far = keyOf(1500);
        QSignalSpy changed(grid.get(), &ChartGrid::maximizedChartChanged);
        grid->setMaximizedChart(far);
        grid->refreshNow();
        QCOMPARE(changed.count(), 1);
        QList<MetricChart*> shown;
        for (MetricChart* c : liveCharts(grid.get())) {
            if (c->isVisible())
                shown << c;
        }
        QCOMPARE(shown.size(), 1);
        QCOMPARE(shown.first()->key(), far);
        const QWidget* viewport = grid->findChild<QScrollArea*>()->viewport();
        QCOMPARE(shown.first()->height(), viewport->height() - 8); // the whole view, margins off
        QCOMPARE(scrollBarOf(grid.get())->maximum(), 0);
        grid->setMaximizedChart(QString());
        grid->refreshNow();
        QVERIFY(scrollBarOf(grid.get())->maximum() > 0);
        QStringList visible;
        for (MetricChart* c : liveCharts(grid.get())) {
            if (c->isVisible() && !c->viewport()->visibleRegion().isEmpty())
                visible << c->key();
        }
        QVERIFY2(visible.contains(keyOf(0)), qPrintable(visible.join(' ')));
        QVERIFY(!visible.contains(far));
        verifyBounded(grid.get());
    }

    void stateSurvivesTheChartGoing()
    {
        auto grid = shownGrid();
        QVERIFY(grid);
        const QString first = grid->chartKeys().first();
        grid->chart(first)->setFixedYRange(std::make_pair(1.0, 5.0));
        // What the chart's menu does: its own options, then optionsEdited.
        ChartOptions own = grid->chart(first)->options();
        own.logY = true;
        grid->chart(first)->setOptions(own);
        emit grid->chart(first)->optionsEdited();
        QScrollBar* bar = scrollBarOf(grid.get());
        bar->setValue(bar->maximum());
        QTRY_VERIFY_WITH_TIMEOUT(!keysOf(liveCharts(grid.get())).contains(first), 10000);
        bar->setValue(0);
        QTRY_VERIFY_WITH_TIMEOUT(keysOf(liveCharts(grid.get())).contains(first), 10000);
        const auto y = grid->chart(first)->model().fixedY();
        QVERIFY(y.has_value());
        QCOMPARE(y->first, 1.0);
        QCOMPARE(y->second, 5.0);
        QVERIFY(grid->chart(first)->options().logY);
        QVERIFY(!grid->chart(grid->chartKeys().at(1))->options().logY);
    }

    void exportCoversEveryKey()
    {
        auto grid = shownGrid();
        QVERIFY(grid);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("all.csv"));
        QString error;
        QVERIFY2(grid->exportCsv(path, &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QSet<QByteArray> metrics;
        int rows = 0;
        for (const QByteArray& line : lines.mid(1)) {
            if (line.isEmpty())
                continue;
            metrics.insert(line.split(',').value(1));
            ++rows;
        }
        QCOMPARE(metrics.size(), Keys);
        QCOMPARE(rows, Keys * 3);
    }

    // Opening many runs: each chart is built and painted once, not again when the grid's shared
    // x range reaches it, when the scroll bar appears and narrows the view, or when Qt Charts lays
    // out the axis labels its new range needs. With 1,000 runs each of those cost the window
    // seconds. (A window resize still builds twice: the curves in Qt Charts' layout pass, so
    // that they are never drawn at the old size, and again with the new ticks at the next turn.)
    void chartsAreDrawnOnceWhenOpened_data()
    {
        QTest::addColumn<int>("keys");
        QTest::newRow("fits, no scroll bar") << 3;
        QTest::newRow("the scroll bar appears") << 12;
        QTest::newRow("many keys") << 400;
    }
    void chartsAreDrawnOnceWhenOpened()
    {
        QFETCH(int, keys);
        std::vector<Run> runs;
        for (int r = 0; r < 3; ++r) {
            Run run;
            for (int step = 0; step < 50; ++step) {
                QList<QPair<QString, double>> values;
                for (int i = 0; i < keys; ++i)
                    values.push_back({ keyOf(i), (r + 1) * 1000.0 * (step + i) });
                addStep(run, step + 10 * r, values); // runs of other x extents: a shared range
            }
            runs.push_back(std::move(run));
        }
        auto grid = std::make_unique<ChartGrid>(nullptr);
        grid->resize(1000, 800);
        grid->show();
        QVERIFY(QTest::qWaitForWindowExposed(grid.get()));
        for (int r = 0; r < 3; ++r)
            grid->addRun(r + 1, &runs[static_cast<std::size_t>(r)]);
        QTRY_VERIFY_WITH_TIMEOUT(!liveCharts(grid.get()).isEmpty(), 5000);
        const auto settled = [&grid] {
            const QList<MetricChart*> charts = liveCharts(grid.get());
            return std::none_of(
                charts.cbegin(), charts.cend(), [](const MetricChart* c) { return c->isDirty(); });
        };
        QTRY_VERIFY_WITH_TIMEOUT(settled(), 5000);
        // What is still queued (layouts, resizes, a last refresh) runs, then every chart is asked
        // to catch up: a chart made dirty again is built again here, and counted.
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
        grid->refreshNow();
        grid->repaint();
        QVERIFY(drawnTimes(grid.get(), 1));
    }
};

QTEST_MAIN(TestChartGridVirtual)
#include "tst_chart_grid_virtual.moc"
