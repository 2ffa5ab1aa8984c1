// The window's legend (issue 12 item 4): a click hides and shows a run in every chart, a
// double-click shows only it and a second double-click shows every run again, hovering an entry
// highlights its run in every chart and dims the others, and with hundreds or thousands of runs
// the legend stays within its rows: the entries that fit, not overlapping, then "+N more".
#include "../data/sweep_fixture.hpp"
#include "chart_grid.hpp"
#include "data_table.hpp"
#include "main_window.hpp"
#include "metric_chart.hpp"
#include "paint_counter.hpp"
#include "run_legend.hpp"
#include "settings.hpp"
#include "workspace.hpp"

#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace viewer;

class TestRunLegend : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void clickHidesAndShowsInEveryChart();
    void doubleClickShowsOnlyItThenAll();
    void hoverHighlightsInEveryChart();
    void namesThatFitAreWhole_data();
    void namesThatFitAreWhole();
    void manyRunsStayReadable_data();
    void manyRunsStayReadable();
    void manyRunsInTheWindow();
    void unchangedEntriesAreNotRepainted();

private:
    void openSweep();
    // Every chart's runs: true when each chart draws runId (with a colour of that alpha, when
    // alpha >= 0).
    bool inEveryChart(int runId, int alpha = -1) const;
    bool inNoChart(int runId) const;
    int visibleRunCount() const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Settings> m_settings;
    std::unique_ptr<MainWindow> m_window;
    RunLegend* m_legend = nullptr;
};

void TestRunLegend::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_settings = std::make_unique<Settings>(m_dir->filePath("settings.ini"));
    m_window = std::make_unique<MainWindow>(m_settings.get());
    m_window->resize(1400, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_legend = m_window->findChild<RunLegend*>();
    QVERIFY(m_legend);
}

void TestRunLegend::cleanup()
{
    m_window.reset();
    m_settings.reset();
    m_dir.reset();
}

void TestRunLegend::openSweep()
{
    const QString runs = m_dir->filePath("sweep");
    QVERIFY(QDir().mkpath(runs));
    QVERIFY(!test::writeSweep(runs).isEmpty());
    m_window->openPaths({ runs });
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->workspace()->runIds().size(), qsizetype(24), 20000);
    m_window->flushPendingUpdates();
    QTRY_VERIFY_WITH_TIMEOUT(m_legend->shownCount() > 2, 10000);
    QVERIFY(m_window->chartGrid()->chartCount() >= 2);
}

bool TestRunLegend::inEveryChart(int runId, int alpha) const
{
    ChartGrid* grid = m_window->chartGrid();
    for (const QString& key : grid->chartKeys()) {
        bool found = false;
        for (const ChartRun& run : grid->chart(key)->runs())
            found = found || (run.runId == runId && (alpha < 0 || run.color.alpha() == alpha));
        if (!found)
            return false;
    }
    return true;
}

bool TestRunLegend::inNoChart(int runId) const
{
    ChartGrid* grid = m_window->chartGrid();
    for (const QString& key : grid->chartKeys()) {
        for (const ChartRun& run : grid->chart(key)->runs()) {
            if (run.runId == runId)
                return false;
        }
    }
    return true;
}

int TestRunLegend::visibleRunCount() const
{
    int n = 0;
    for (int id : m_window->workspace()->runIds())
        n += m_window->chartGrid()->isRunVisible(id) ? 1 : 0;
    return n;
}

void TestRunLegend::clickHidesAndShowsInEveryChart()
{
    openSweep();
    const int runId = m_legend->entries().at(1).runId;
    const QPoint at = m_legend->entryRect(1).center();
    QVERIFY(inEveryChart(runId));

    QTest::mouseClick(m_legend, Qt::LeftButton, {}, at);
    QTRY_VERIFY(inNoChart(runId));
    QCOMPARE(visibleRunCount(), 23);
    // The entry stays where it was (drawn hollow), so a second click there brings the run back.
    auto entryOf = [this](int id) {
        for (int i = 0; i < m_legend->shownCount(); ++i) {
            if (m_legend->entries().at(i).runId == id)
                return i;
        }
        return -1;
    };
    QTRY_VERIFY(entryOf(runId) >= 0 && !m_legend->entries().at(entryOf(runId)).visible);
    QCOMPARE(entryOf(runId), 1);
    const int entry = entryOf(runId);

    QTest::mouseClick(m_legend, Qt::LeftButton, {}, m_legend->entryRect(entry).center());
    QTRY_VERIFY(inEveryChart(runId));
    QCOMPARE(visibleRunCount(), 24);
}

void TestRunLegend::doubleClickShowsOnlyItThenAll()
{
    openSweep();
    const int runId = m_legend->entries().at(2).runId;
    const QPoint at = m_legend->entryRect(2).center();
    // As a mouse sends it: press, release, double-click, release.
    auto doubleClick = [this](const QPoint& pos) {
        QTest::mouseClick(m_legend, Qt::LeftButton, {}, pos);
        QTest::mouseDClick(m_legend, Qt::LeftButton, {}, pos);
        QTest::mouseRelease(m_legend, Qt::LeftButton, {}, pos);
    };
    doubleClick(at);
    QTRY_COMPARE(visibleRunCount(), 1);
    QVERIFY(m_window->chartGrid()->isRunVisible(runId));
    QTRY_VERIFY(inEveryChart(runId));
    for (int id : m_window->workspace()->runIds()) {
        if (id != runId)
            QVERIFY(inNoChart(id));
    }

    // The entry stays where it was: a second double-click there shows every run again.
    QTRY_COMPARE(m_legend->entries().at(2).runId, runId);
    doubleClick(at);
    QTRY_COMPARE(visibleRunCount(), 24);
    for (int id : m_window->workspace()->runIds())
        QTRY_VERIFY(inEveryChart(id));
}

void TestRunLegend::hoverHighlightsInEveryChart()
{
    openSweep();
    const int runId = m_legend->entries().at(3).runId;
    const int other = m_legend->entries().at(4).runId;
    // The cursor may sit where an earlier test left it: a move to where it is moves nothing.
    QTest::mouseMove(m_legend, m_legend->entryRect(0).center());
    QTest::mouseMove(m_legend, m_legend->entryRect(3).center());
    QTRY_COMPARE(m_window->chartGrid()->highlightedRun(), runId);
    QTRY_VERIFY(inEveryChart(runId, 255));
    QVERIFY(inEveryChart(other));
    QVERIFY(!inEveryChart(other, 255)); // dimmed
    for (const QString& key : m_window->chartGrid()->chartKeys()) {
        for (const ChartRun& run : m_window->chartGrid()->chart(key)->runs())
            QVERIFY(run.runId == runId || run.color.alpha() < 128);
    }

    // Leaving the legend: every run at full colour again.
    QTest::mouseMove(
        m_window.get(), m_legend->mapTo(m_window.get(), QPoint(0, 0)) + QPoint(0, 300));
    QTRY_COMPARE(m_window->chartGrid()->highlightedRun(), -1);
    QTRY_VERIFY(inEveryChart(other, 255));
}

void TestRunLegend::namesThatFitAreWhole_data()
{
    // spare: pixels beyond the name's advance
    testing::addColumns<QString, int, bool>({ "name", "spare", "whole" });
    QTest::newRow("exactly its width") << QStringLiteral("spikes") << 0 << true;
    QTest::newRow("one letter") << QStringLiteral("a") << 0 << true;
    QTest::newRow("room to spare") << QStringLiteral("sweep-lr3e-4-bs64-s1") << 30 << true;
    QTest::newRow("too narrow") << QStringLiteral("sweep-lr3e-4-bs64-s1") << -20 << false;
}

// An entry is laid out at its name's advance: the name is drawn whole, not as "s…s".
void TestRunLegend::namesThatFitAreWhole()
{
    QFETCH(QString, name);
    QFETCH(int, spare);
    QFETCH(bool, whole);
    RunLegend legend;
    const QFontMetrics fm = legend.fontMetrics();
    const QString shown = RunLegend::labelText(fm, name, fm.horizontalAdvance(name) + spare);
    if (whole)
        QCOMPARE(shown, name);
    else
        QVERIFY2(shown.contains(QChar(0x2026)) && shown.size() < name.size(), qPrintable(shown));
}

void TestRunLegend::manyRunsStayReadable_data()
{
    testing::addTable<int>({ "runs" },
        {
            { "24", 24 },
            { "200", 200 },
            { "5000", 5000 },
        });
}

// The legend alone, fed as CompareBar feeds it: what is drawn fits its rows, apart, readable.
void TestRunLegend::manyRunsStayReadable()
{
    QFETCH(int, runs);
    RunLegend legend;
    legend.resize(900, legend.sizeHint().height());
    legend.show();
    QList<RunLegend::Entry> entries;
    for (int i = 0; i < runs; ++i)
        entries.push_back({ i, QStringLiteral("sweep-lr3e-4-bs64-s%1").arg(i), Qt::blue, true });
    legend.setEntries(entries, runs);
    QVERIFY(legend.shownCount() > 0);
    QVERIFY(legend.shownCount() <= runs);
    QCOMPARE(legend.moreCount(), runs - legend.shownCount());
    const QFontMetrics fm = legend.fontMetrics();
    const int labelWidth = fm.horizontalAdvance(entries.at(0).name);
    for (int i = 0; i < legend.shownCount(); ++i) {
        const QRect r = legend.entryRect(i);
        QVERIFY2(legend.rect().contains(r), qPrintable(QStringLiteral("entry %1 outside").arg(i)));
        QVERIFY(r.width() >= labelWidth); // the whole name, not a cut one
        for (int j = 0; j < i; ++j)
            QVERIFY(!r.intersects(legend.entryRect(j)));
    }
    // Never more rows than it has: the strip above the charts keeps its height.
    QCOMPARE(legend.sizeHint().height(), legend.height());
    if (runs > legend.shownCount()) {
        // "+N more" is drawn: some pixels right of the last entry are not background.
        const QRect last = legend.entryRect(legend.shownCount() - 1);
        const QImage image = legend.grab().toImage();
        const QColor background = image.pixelColor(legend.width() - 2, 1);
        bool drawn = false;
        for (int x = last.right() + 4; x < image.width() && !drawn; ++x) {
            for (int y = last.top(); y <= last.bottom() && !drawn; ++y)
                drawn = image.pixelColor(x, y) != background;
        }
        QVERIFY(drawn);
    }
}

// 200 runs in the window: the legend names as many as fit and counts the rest.
void TestRunLegend::manyRunsInTheWindow()
{
    const QString path = m_dir->filePath("many.jsonl");
    QByteArray bytes;
    for (int i = 0; i < 200; ++i) {
        bytes += QStringLiteral(
            "{\"ts\":%1,\"tag\":\"run_begin\",\"run\":\"sweep-trial-%2\",\"config\":{\"lr\":%3}}\n")
                     .arg(1732800000 + i)
                     .arg(i, 3, 10, QLatin1Char('0'))
                     .arg(1e-4 * (1 + i))
                     .toUtf8();
        for (int s = 0; s < 3; ++s)
            bytes += QStringLiteral("{\"ts\":%1,\"tag\":\"step_end\",\"step\":%2,\"context\":"
                                    "{\"loss\":%3}}\n")
                         .arg(1732800000 + i)
                         .arg(s)
                         .arg(1.0 / (1 + s + i))
                         .toUtf8();
    }
    QVERIFY(test::writeFile(path, bytes));
    m_window->openPaths({ path });
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->workspace()->runIds().size(), qsizetype(200), 20000);
    m_window->flushPendingUpdates();
    QTRY_VERIFY(m_legend->shownCount() > 4);
    QTRY_COMPARE(m_legend->moreCount(), 200 - m_legend->shownCount());
    QVERIFY(m_legend->shownCount() < 60);
    for (int i = 0; i < m_legend->shownCount(); ++i)
        QVERIFY(m_legend->rect().contains(m_legend->entryRect(i)));
    // Names told apart: no two entries drawn with the same text.
    QSet<QString> names;
    for (int i = 0; i < m_legend->shownCount(); ++i)
        names.insert(m_legend->entries().at(i).name);
    QCOMPARE(names.size(), qsizetype(m_legend->shownCount()));
}

// Issue 15: the window refreshes the legend at every live batch (a run's record count changed);
// the same entries are not laid out and painted again.
void TestRunLegend::unchangedEntriesAreNotRepainted()
{
    const QList<RunLegend::Entry> entries { { 1, QStringLiteral("alpha"), Qt::red, true },
        { 2, QStringLiteral("beta"), Qt::blue, true } };
    m_legend->setEntries(entries, 2);
    const PaintCounter counter(m_legend);
    const int before = counter.paintsAfterUpdates();
    m_legend->setEntries(entries, 2);
    m_legend->setColorBar(QString(), RunColors::Range {});
    QCOMPARE(counter.paintsAfterUpdates(), before);
    QList<RunLegend::Entry> hidden = entries;
    hidden[1].visible = false;
    m_legend->setEntries(hidden, 2);
    QCOMPARE(counter.paintsAfterUpdates(), before + 1);
    m_legend->setEntries(hidden, 3); // "+1 more"
    QCOMPARE(counter.paintsAfterUpdates(), before + 2);
}

QTEST_MAIN(TestRunLegend)
#include "tst_run_legend.moc"
