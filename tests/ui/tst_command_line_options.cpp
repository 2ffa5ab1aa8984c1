#include "command_line_options.hpp"
#include "data_table.hpp"

#include <QtTest>

using viewer::CommandLineOptions;
using viewer::SmoothingKind;
using viewer::XAxisMode;
using Action = CommandLineOptions::Action;

class TestCommandLineOptions : public QObject
{
    Q_OBJECT
private slots:
    void parse_data();
    void parse();
    void values();
    void xOption_data();
    void xOption();
    void smoothing_data();
    void smoothing();
    void size_data();
    void size();
    void groupAndColorFieldsAreKept();
    void helpMentionsEveryOption();
};

void TestCommandLineOptions::parse_data()
{
    const QStringList none;
    testing::addTable<QStringList, int, QStringList, QString>(
        { "args", "action", "paths", "errorContains" },
        {
            { "no arguments", none, int(Action::Run), none, QString() },
            { "files and stdin", QStringList { "a.jsonl", "-", "runs/" }, int(Action::Run),
                QStringList { "a.jsonl", "-", "runs/" }, QString() },
            { "help", QStringList { "--help" }, int(Action::Help), none, QString() },
            { "-h", QStringList { "-h" }, int(Action::Help), none, QString() },
            { "version", QStringList { "--version" }, int(Action::Version), none, QString() },
            { "summary", QStringList { "--summary", "a.jsonl" }, int(Action::Summary),
                QStringList { "a.jsonl" }, QString() },
            { "summary without path", QStringList { "--summary" }, int(Action::Error), none,
                "--summary needs" },
            { "summary with screenshot", QStringList { "--summary", "a", "--screenshot", "o.png" },
                int(Action::Error), none, "cannot be combined" },
            { "export-runs", QStringList { "--export-runs", "o.csv", "runs/" },
                int(Action::Summary), QStringList { "runs/" }, QString() },
            { "export-runs without path", QStringList { "--export-runs", "o.csv" },
                int(Action::Error), none, "--export-runs needs at least one" },
            { "export-runs empty", QStringList { "--export-runs=", "a" }, int(Action::Error), none,
                "--export-runs needs an output file name" },
            { "export-runs with screenshot",
                QStringList { "--export-runs", "o.csv", "a", "--screenshot", "o.png" },
                int(Action::Error), none, "cannot be combined" },
            { "group-by and color-by with screenshot",
                QStringList { "--group-by", "config.optimizer", "--color-by", "config.lr",
                    "--screenshot", "o.png", "a" },
                int(Action::Run), QStringList { "a" }, QString() },
            { "bad group-by", QStringList { "--group-by", "config lr" }, int(Action::Error), none,
                "--group-by \"config lr\": name a field" },
            { "empty color-by", QStringList { "--color-by=" }, int(Action::Error), none,
                "--color-by \"\": name a field" },
            { "unknown option", QStringList { "--frobnicate" }, int(Action::Error), none,
                "frobnicate" },
            { "missing value", QStringList { "a.jsonl", "--x" }, int(Action::Error), none, "x" },
            { "bad x mode", QStringList { "--x", "metrics//acc" }, int(Action::Error), none,
                "neither a mode" },
            { "x empty", QStringList { "--x", " " }, int(Action::Error), none, "neither a mode" },
            { "x control character", QStringList { "--x", "a\x01b" }, int(Action::Error), none,
                "neither a mode" },
            { "x metric too long", QStringList { "--x", QString(513, QLatin1Char('k')) },
                int(Action::Error), none, "neither a mode" },
            { "x global", QStringList { "--x", "global" }, int(Action::Run), none, QString() },
            { "x metric", QStringList { "--x", "tokens_seen" }, int(Action::Run), none, QString() },
            { "x seq", QStringList { "--x", "seq" }, int(Action::Run), none, QString() },
            { "x=epoch", QStringList { "--x=epoch" }, int(Action::Run), none, QString() },
            { "invalid regex", QStringList { "--metrics", "loss(" }, int(Action::Error), none,
                "invalid regular expression" },
            { "valid regex", QStringList { "--metrics", "^step_end/(loss|lr)$" }, int(Action::Run),
                none, QString() },
            { "empty tags", QStringList { "--tags", " , ," }, int(Action::Error), none,
                "--tags needs" },
            { "smoothing too big", QStringList { "--smoothing", "1.5" }, int(Action::Error), none,
                "EMA weight" },
            { "smoothing negative", QStringList { "--smoothing=-0.1" }, int(Action::Error), none,
                "EMA weight" },
            { "smoothing text", QStringList { "--smoothing", "lots" }, int(Action::Error), none,
                "EMA weight" },
            { "size without screenshot", QStringList { "--size", "800x600" }, int(Action::Error),
                none, "--size is only used with --screenshot" },
            { "bad size", QStringList { "--screenshot", "o.png", "--size", "800by600" },
                int(Action::Error), none, "WIDTHxHEIGHT" },
            { "tiny size", QStringList { "--screenshot", "o.png", "--size", "10x10" },
                int(Action::Error), none, "at least" },
            { "huge size", QStringList { "--screenshot", "o.png", "--size", "99999x100" },
                int(Action::Error), none, "at most" },
            { "empty screenshot", QStringList { "--screenshot=" }, int(Action::Error), none,
                "--screenshot needs" },
            { "stream timeout", QStringList { "--summary", "-", "--stream-timeout", "2.5" },
                int(Action::Summary), QStringList { "-" }, QString() },
            { "stream timeout negative", QStringList { "--stream-timeout=-1" }, int(Action::Error),
                none, "--stream-timeout \"-1\": the timeout must be a number of seconds" },
            { "stream timeout text", QStringList { "--stream-timeout", "soon" }, int(Action::Error),
                none, "from 0 to 86400" },
            { "stdin twice", QStringList { "-", "-" }, int(Action::Error), none, "only once" },
            { "double dash ends options", QStringList { "--", "--weird-name.jsonl" },
                int(Action::Run), QStringList { "--weird-name.jsonl" }, QString() },
            // issue 16: alerts
            { "watch",
                QStringList { "--watch", "--alert", "nan,stall=600", "--exit-on-alert", "a.jsonl" },
                int(Action::Watch), QStringList { "a.jsonl" }, QString() },
            { "alert in the window", QStringList { "--alert", "loss > 10", "a.jsonl" },
                int(Action::Run), QStringList { "a.jsonl" }, QString() },
            { "watch without path", QStringList { "--watch" }, int(Action::Error), none,
                "--watch needs at least one" },
            { "watch with summary", QStringList { "--watch", "--summary", "a.jsonl" },
                int(Action::Error), none, "cannot be combined" },
            { "exit-on-alert without watch", QStringList { "--exit-on-alert", "a.jsonl" },
                int(Action::Error), none, "only used with --watch" },
            { "bad alert rule", QStringList { "--alert", "nan,bogus", "a.jsonl" },
                int(Action::Error), none, "--alert: alert rule \"bogus\": unknown rule" },
        });
}

void TestCommandLineOptions::parse()
{
    QFETCH(QStringList, args);
    QFETCH(int, action);
    QFETCH(QStringList, paths);
    QFETCH(QString, errorContains);

    const CommandLineOptions o =
        CommandLineOptions::parse(QStringList { "telemetry-viewer" } + args);
    QCOMPARE(int(o.action), action);
    if (action == int(Action::Error)) {
        QVERIFY2(o.error.contains(errorContains), qPrintable(o.error));
        QVERIFY(!o.error.contains(QLatin1Char('\n')));
    } else {
        QCOMPARE(o.paths, paths);
        QVERIFY(o.error.isEmpty());
    }
}

// --x MODE|METRIC: each mode by its one name (the XAxisMode table), anything else a metric path.
void TestCommandLineOptions::xOption_data()
{
    // mode: the mode's name back, empty when none
    testing::addColumns<QString, QString, QString>({ "value", "mode", "metric" });
    QTest::newRow("step") << "step"
                          << "step" << QString();
    QTest::newRow("global") << "global"
                            << "global" << QString();
    QTest::newRow("global_step") << "global_step"
                                 << "global" << QString();
    QTest::newRow("epoch upper case") << "EPOCH"
                                      << "epoch" << QString();
    QTest::newRow("wall") << "wall"
                          << "wall" << QString();
    QTest::newRow("relative") << "relative"
                              << "relative" << QString();
    QTest::newRow("seq") << "seq"
                         << "seq" << QString();
    QTest::newRow("sequence") << "sequence"
                              << "seq" << QString();
    QTest::newRow("metric") << "tokens_seen" << QString() << "tokens_seen";
    QTest::newRow("nested metric") << " metrics/samples " << QString() << "metrics/samples";
    QTest::newRow("tagged metric") << "step_end/tokens" << QString() << "step_end/tokens";
}

void TestCommandLineOptions::xOption()
{
    QFETCH(QString, value);
    QFETCH(QString, mode);
    QFETCH(QString, metric);
    const CommandLineOptions o = CommandLineOptions::parse({ "telemetry-viewer", "--x", value });
    QCOMPARE(o.action, Action::Run);
    QCOMPARE(o.xMode ? CommandLineOptions::xModeName(*o.xMode) : QString(), mode);
    QCOMPARE(o.xMetric.value_or(QString()), metric);
}

void TestCommandLineOptions::values()
{
    const CommandLineOptions o =
        CommandLineOptions::parse({ "telemetry-viewer", "run.jsonl", "--no-follow", "--tags",
            "step_end, error,step_end", "--metrics", "loss$", "--x", "relative", "--smoothing",
            "0.9", "--screenshot", "out.png", "--size", "1280x720", "--export-csv", "out.csv" });
    QCOMPARE(o.action, Action::Run);
    QCOMPARE(o.paths, QStringList { "run.jsonl" });
    QVERIFY(!o.follow);
    QVERIFY(o.tags.has_value());
    QCOMPARE(*o.tags, (QStringList { "step_end", "error" }));
    QCOMPARE(o.metricsRegex.value_or(QString()), QStringLiteral("loss$"));
    QCOMPARE(o.xMode.value_or(XAxisMode::Step), XAxisMode::Relative);
    QCOMPARE(o.smoothing.value_or(SmoothingKind::None), SmoothingKind::Ema);
    QCOMPARE(o.smoothingParam, 0.9);
    QCOMPARE(o.screenshotPath, QStringLiteral("out.png"));
    QCOMPARE(o.screenshotSize, QSize(1280, 720));
    QCOMPARE(o.exportCsvPath, QStringLiteral("out.csv"));
    QVERIFY(o.isBatch());
    QVERIFY(o.useCache); // the re-open cache unless --no-cache
    QVERIFY(!CommandLineOptions::parse({ "telemetry-viewer", "run.jsonl", "--no-cache" }).useCache);

    const CommandLineOptions defaults = CommandLineOptions::parse({ "telemetry-viewer" });
    QVERIFY(defaults.follow);
    QVERIFY(!defaults.tags && !defaults.metricsRegex && !defaults.xMode && !defaults.smoothing);
    QCOMPARE(defaults.screenshotSize, QSize(1400, 900));
    QVERIFY(!defaults.isBatch());
}

void TestCommandLineOptions::smoothing_data()
{
    testing::addTable<QString, bool, int, double>({ "text", "ok", "kind", "param" },
        {
            { "weight", "0.6", true, int(SmoothingKind::Ema), 0.6 },
            { "zero is none", "0", true, int(SmoothingKind::None), 0.0 },
            { "max", "0.999", true, int(SmoothingKind::Ema), 0.999 },
            { "ema:", "ema:0.95", true, int(SmoothingKind::Ema), 0.95 },
            { "ma:", "ma:25", true, int(SmoothingKind::MovingAverage), 25.0 },
            { "none", "none", true, int(SmoothingKind::None), 0.0 },
            { "one", "1", false, 0, 0.0 },
            { "nan", "nan", false, 0, 0.0 },
            { "inf", "inf", false, 0, 0.0 },
            { "ma:0", "ma:0", false, 0, 0.0 },
            { "ma:x", "ma:x", false, 0, 0.0 },
            { "ma:1.5", "ma:1.5", false, 0, 0.0 },
        });
}

void TestCommandLineOptions::smoothing()
{
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(int, kind);
    QFETCH(double, param);
    SmoothingKind k = SmoothingKind::None;
    double p = -1;
    QString error;
    QCOMPARE(CommandLineOptions::parseSmoothing(text, &k, &p, &error), ok);
    if (ok) {
        QCOMPARE(int(k), kind);
        QCOMPARE(p, param);
    } else {
        QVERIFY(!error.isEmpty());
    }
}

void TestCommandLineOptions::size_data()
{
    testing::addTable<QString, QSize>({ "text", "size" },
        {
            { "plain", "1400x900", QSize(1400, 900) },
            { "upper X", "800X600", QSize(800, 600) },
            { "spaces", " 640x480 ", QSize(640, 480) },
            { "negative", "-5x600", QSize() },
            { "one number", "800", QSize() },
            { "too large", "20000x20000", QSize() },
            { "overflow", "99999999999x1", QSize() },
        });
}

void TestCommandLineOptions::size()
{
    QFETCH(QString, text);
    QFETCH(QSize, size);
    QSize got;
    QString error;
    QCOMPARE(CommandLineOptions::parseSize(text, &got, &error), size.isValid());
    if (size.isValid())
        QCOMPARE(got, size);
}

void TestCommandLineOptions::groupAndColorFieldsAreKept()
{
    const CommandLineOptions options = CommandLineOptions::parse({ "telemetry-viewer", "--group-by",
        "run", "--color-by", "config.lr", "--summary", "--export-runs", "o.csv", "a" });
    QCOMPARE(int(options.action), int(Action::Summary));
    QVERIFY(options.summary);
    QCOMPARE(options.exportRunsPath, QStringLiteral("o.csv"));
    QCOMPARE(options.groupBy.value_or(QString()), QStringLiteral("run"));
    QCOMPARE(options.colorBy.value_or(QString()), QStringLiteral("config.lr"));
    // --export-runs alone: headless, no JSON on stdout.
    QVERIFY(!CommandLineOptions::parse({ "v", "--export-runs", "o.csv", "a" }).summary);
    QVERIFY(!options.groupMembers);
    QVERIFY(CommandLineOptions::parse({ "v", "--group-by", "run", "--group-members", "a" })
                .groupMembers);
}

void TestCommandLineOptions::helpMentionsEveryOption()
{
    const QString help = CommandLineOptions::helpText();
    for (const char* option :
        { "--no-follow", "--tags", "--metrics", "--x", "--smoothing", "--screenshot", "--size",
            "--export-csv", "--summary", "--export-runs", "--group-by", "--color-by", "--alert",
            "--watch", "--exit-on-alert", "--no-cache", "--help", "--version" })
        QVERIFY2(help.contains(QLatin1String(option)), option);
    QVERIFY(
        CommandLineOptions::versionText(QStringLiteral("1.2.3")).contains(QLatin1String("1.2.3")));
}

QTEST_GUILESS_MAIN(TestCommandLineOptions)
#include "tst_command_line_options.moc"
