// Issue 12: a run keeps its colour when more runs are opened and across restarts of the viewer
// (RunColors saved in the settings file): the window is closed, a new one reads the same
// settings file and opens the runs in the other order, and every run id has its colour again.
#include "../data/sweep_fixture.hpp"
#include "chart_grid.hpp"
#include "main_window.hpp"
#include "run.hpp"
#include "run_colors.hpp"
#include "settings.hpp"
#include "workspace.hpp"

#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace viewer;

class TestRunColorsAcrossRestarts : public QObject
{
    Q_OBJECT
private slots:
    void sameColoursAfterAddingRunsAndRestarting();

private:
    // run_begin id -> colour, for every run of the window (once each has one).
    static QHash<QString, QRgb> coloursById(MainWindow& window)
    {
        QHash<QString, QRgb> out;
        for (int id : window.workspace()->runIds()) {
            if (const Run* run = window.workspace()->run(id))
                out.insert(run->id, window.chartGrid()->runColor(id).rgb());
        }
        return out;
    }
    static void open(MainWindow& window, const QString& folder, int runsAfter)
    {
        window.openPaths({ folder });
        QTRY_VERIFY_WITH_TIMEOUT(window.isSettled(), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(window.workspace()->runIds().size(), qsizetype(runsAfter), 20000);
        window.flushPendingUpdates();
        // Every run coloured by the runs table (its palette; before that a chart has its own).
        auto fromTable = [&window] {
            QSet<QRgb> palette;
            for (int i = 0; i < RunColors::PaletteSize; ++i)
                palette.insert(QColor::fromRgb(RunColors::qualitative(i)).rgb());
            for (QRgb rgb : coloursById(window)) {
                if (!palette.contains(rgb))
                    return false;
            }
            return true;
        };
        QTRY_COMPARE_WITH_TIMEOUT(coloursById(window).size(), qsizetype(runsAfter), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(fromTable(), 10000);
    }
};

void TestRunColorsAcrossRestarts::sameColoursAfterAddingRunsAndRestarting()
{
    QTemporaryDir dir;
    const QString first = dir.filePath("first");
    const QString second = dir.filePath("second");
    QVERIFY(QDir().mkpath(first) && QDir().mkpath(second));
    const QList<test::SweepTrial> trials = test::sweepTrials();
    for (int i = 0; i < trials.size(); ++i) {
        const QString folder = i < 12 ? first : second;
        QVERIFY(test::writeFile(QDir(folder).filePath(QStringLiteral("t%1.jsonl").arg(i)),
            test::trialText(trials[i], "gpu1", 0, 1732800000.0 + 100.0 * i)));
    }
    const QString settingsFile = dir.filePath("settings.ini");

    QHash<QString, QRgb> before;
    {
        Settings settings(settingsFile);
        MainWindow window(&settings);
        window.resize(1200, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        open(window, first, 12);
        const QHash<QString, QRgb> firstColours = coloursById(window);
        open(window, second, 24);
        before = coloursById(window);
        // Adding runs recoloured none of those already shown.
        for (auto it = firstColours.cbegin(); it != firstColours.cend(); ++it)
            QCOMPARE(before.value(it.key()), it.value());
        window.close(); // saves the settings, as quitting does
    }
    {
        Settings settings(settingsFile);
        MainWindow window(&settings);
        window.resize(1200, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // The other order: without remembered colours the second folder would take the first
        // colours of the palette.
        open(window, second, 12);
        open(window, first, 24);
        const QHash<QString, QRgb> after = coloursById(window);
        QCOMPARE(after.size(), before.size());
        for (auto it = before.cbegin(); it != before.cend(); ++it)
            QCOMPARE(QColor(after.value(it.key())).name(), QColor(it.value()).name());
    }
}

QTEST_MAIN(TestRunColorsAcrossRestarts)
#include "tst_run_colors_across_restarts.moc"
