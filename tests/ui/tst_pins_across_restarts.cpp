// Issue 13: a chart pinned to the top stays pinned when the viewer is started again (the pins
// are saved in the settings file, the most recently pinned first), and unpinning is saved too.
#include "chart_grid.hpp"
#include "main_window.hpp"
#include "settings.hpp"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace viewer;

class TestPinsAcrossRestarts : public QObject
{
    Q_OBJECT
private slots:
    void pinsComeBack();

private:
    static void openRun(MainWindow& window, const QString& path)
    {
        window.openPaths({ path });
        QTRY_VERIFY_WITH_TIMEOUT(window.isSettled(), 20000);
        window.flushPendingUpdates();
        QTRY_VERIFY_WITH_TIMEOUT(window.chartGrid()->chartKeys().size() >= 3, 10000);
    }
};

void TestPinsAcrossRestarts::pinsComeBack()
{
    QTemporaryDir dir;
    const QString run = dir.filePath(QStringLiteral("run.jsonl"));
    {
        QFile file(run);
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (int i = 0; i < 50; ++i)
            file.write(QStringLiteral("{\"ts\": %1, \"tag\": \"step_end\", \"step\": %2, "
                                      "\"context\": {\"loss\": %3, \"acc\": %4, \"lr\": 0.001}}\n")
                           .arg(1732800000 + i)
                           .arg(i)
                           .arg(1.0 / (i + 1))
                           .arg(i / 50.0)
                           .toUtf8());
    }
    const QString settingsFile = dir.filePath(QStringLiteral("settings.ini"));
    {
        Settings settings(settingsFile);
        MainWindow window(&settings);
        window.resize(1200, 800);
        window.show();
        openRun(window, run);
        QVERIFY(window.chartGrid()->chartKeys().first() != QLatin1String("step_end/lr"));
        window.chartGrid()->setPinned(QStringLiteral("step_end/acc"), true);
        window.chartGrid()->setPinned(QStringLiteral("step_end/lr"), true);
        QCOMPARE(window.chartGrid()->chartKeys().first(), QStringLiteral("step_end/lr"));
    }
    {
        Settings settings(settingsFile);
        MainWindow window(&settings);
        window.resize(1200, 800);
        window.show();
        openRun(window, run);
        const QStringList keys = window.chartGrid()->chartKeys();
        QCOMPARE(keys.mid(0, 2), QStringList({ "step_end/lr", "step_end/acc" }));
        window.chartGrid()->setPinned(QStringLiteral("step_end/lr"), false);
    }
    Settings settings(settingsFile);
    QCOMPARE(settings.pinnedCharts(), QStringList { "step_end/acc" });
}

QTEST_MAIN(TestPinsAcrossRestarts)
#include "tst_pins_across_restarts.moc"
