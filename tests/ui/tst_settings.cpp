#include "settings.hpp"

#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using namespace viewer;

class TestSettings : public QObject
{
    Q_OBJECT
private slots:
    void defaults();
    void roundTrip();
    void invalidValuesFallBack();
    void recentPaths();
    void ephemeralIsForgotten();
    void alertRules();
};

// Issue 16: the alert rules persist as text; absent means the defaults, empty means none, and a
// hand-edited rule that does not parse is left out (the others stay).
void TestSettings::alertRules()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("s.ini");
    QString error;
    {
        Settings s(path);
        QCOMPARE(AlertRule::names(s.alertRules()), (QStringList { "nan", "error", "stall" }));
        s.setAlertRules(
            *AlertRule::parseList(QStringLiteral("nan,stall=600,val_acc<best-0.05"), &error));
        s.sync();
    }
    {
        Settings s(path);
        QCOMPARE(AlertRule::names(s.alertRules()),
            (QStringList { "nan", "stall=600", "val_acc<best-0.05" }));
        s.setAlertRules({});
        s.sync();
    }
    {
        Settings s(path);
        QVERIFY(s.alertRules().isEmpty());
    }
    {
        QSettings raw(path, QSettings::IniFormat);
        raw.setValue("alerts/rules", QStringList { "error", "loss>>1", " loss > 10" });
    }
    Settings s(path);
    QCOMPARE(AlertRule::names(s.alertRules()), (QStringList { "error", "loss>10" }));
}

void TestSettings::defaults()
{
    QTemporaryDir dir;
    Settings s(dir.filePath("s.ini"));
    const ChartOptions o = s.chartOptions();
    QCOMPARE(o, ChartOptions {});
    QCOMPARE(s.theme(), Theme::System);
    QVERIFY(s.recentPaths().isEmpty());
    QVERIFY(s.hiddenTags().isEmpty());
    QCOMPARE(s.emaWeight(), 0.6);
    QCOMPARE(s.movingAverageWindow(), 10);
    QCOMPARE(s.chartHeight(), ChartLayoutPlan::DefaultChartHeight);
}

void TestSettings::roundTrip()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("s.ini");
    ChartOptions o;
    o.xMode = XAxisMode::Relative;
    o.xModeChosen = true;
    o.smoothing = SmoothingKind::MovingAverage;
    o.smoothingChosen = true;
    o.smoothingParam = 25;
    o.logX = true;
    o.logY = true;
    o.ignoreOutliers = true;
    o.groupMode = GroupMode::MeanBand;
    {
        Settings s(path);
        s.setEmaWeight(0.9);
        s.setChartOptions(o);
        s.setTheme(Theme::Dark);
        s.setHiddenTags({ "step_begin", "<b>x</b>" });
        s.setMetricSearch("loss|acc", true);
        s.setUncheckedMetrics({ "step_end/lr" });
        s.setWindowLayout(QByteArray("geometry"), QByteArray("state"));
        s.setChartHeight(480);
        s.sync();
    }
    Settings s(path);
    QCOMPARE(s.chartOptions(), o);
    QCOMPARE(s.emaWeight(), 0.9); // kept while the moving average was chosen
    QCOMPARE(s.movingAverageWindow(), 25);
    QCOMPARE(s.theme(), Theme::Dark);
    QCOMPARE(s.hiddenTags(), (QStringList { "step_begin", "<b>x</b>" }));
    QCOMPARE(s.metricSearch(), QStringLiteral("loss|acc"));
    QVERIFY(s.metricSearchIsRegex());
    QCOMPARE(s.uncheckedMetrics(), QStringList { "step_end/lr" });
    QCOMPARE(s.windowGeometry(), QByteArray("geometry"));
    QCOMPARE(s.windowState(), QByteArray("state"));
    QCOMPARE(s.chartHeight(), 480);

    o.smoothing = SmoothingKind::Ema;
    o.smoothingParam = 0.95;
    s.setChartOptions(o);
    QCOMPARE(s.chartOptions().smoothingParam, 0.95);
    QCOMPARE(s.movingAverageWindow(), 25);
}

void TestSettings::invalidValuesFallBack()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("s.ini");
    {
        QSettings raw(path, QSettings::IniFormat);
        raw.setValue("view/x", "furlongs");
        raw.setValue("view/smoothing", "ema");
        raw.setValue("view/emaWeight", 7.5);
        raw.setValue("view/movingAverageWindow", -3);
        raw.setValue("view/group", "everything");
        raw.setValue("view/theme", "purple");
        raw.setValue("view/chartHeight", 5);
    }
    Settings s(path);
    const ChartOptions o = s.chartOptions();
    QCOMPARE(o.xMode, XAxisMode::Step);
    QCOMPARE(o.smoothing, SmoothingKind::Ema);
    QCOMPARE(o.smoothingParam, 0.6);
    QCOMPARE(s.movingAverageWindow(), 10);
    QCOMPARE(o.groupMode, GroupMode::Overlay);
    QCOMPARE(s.theme(), Theme::System);
    QCOMPARE(s.chartHeight(), ChartLayoutPlan::DefaultChartHeight);
}

void TestSettings::recentPaths()
{
    QTemporaryDir dir;
    Settings s(dir.filePath("s.ini"));
    for (int i = 0; i < 15; ++i)
        s.addRecentPath(QStringLiteral("/runs/%1.jsonl").arg(i));
    s.addRecentPath("-"); // standard input cannot be reopened
    s.addRecentPath("/runs/3.jsonl");
    const QStringList recent = s.recentPaths();
    QCOMPARE(recent.size(), Settings::MaxRecentPaths);
    QCOMPARE(recent.first(), QStringLiteral("/runs/3.jsonl"));
    QCOMPARE(recent.at(1), QStringLiteral("/runs/14.jsonl"));
    QVERIFY(!recent.contains("-"));
    QCOMPARE(recent.count("/runs/3.jsonl"), 1);
    s.removeRecentPath("/runs/3.jsonl");
    QVERIFY(!s.recentPaths().contains("/runs/3.jsonl"));
    s.clearRecentPaths();
    QVERIFY(s.recentPaths().isEmpty());
}

void TestSettings::ephemeralIsForgotten()
{
    QString file;
    {
        auto s = Settings::ephemeral();
        file = s->fileName();
        s->setTheme(Theme::Dark);
        s->sync();
        QCOMPARE(s->theme(), Theme::Dark);
        QVERIFY(QFileInfo::exists(file));
    }
    QVERIFY(!QFileInfo::exists(file));
}

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
