// The telemetry-viewer executable as a user runs it: QProcess on the built binary.

#include "data_table.hpp"
#include "process_outcome.hpp"

#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

class TestMain : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void helpAndVersion();
    void invalidOptions_data();
    void invalidOptions();
    void screenshotIsNotBlank();
    void badPathsAreReported();
    void exportCsv();
    void exportCsvX_data();
    void exportCsvX();
    void exportCsvXMetric_data();
    void exportCsvXMetric();
    void summaryNeedsNoDisplay();
    void seriesLimitIsSaidNotFailed_data();
    void seriesLimitIsSaidNotFailed();

private:
    using Result = testing::ProcessOutcome;
    Result run(const QStringList& args, const QProcessEnvironment& env = {}) const;
    QProcessEnvironment offscreen() const;

    QString m_binary;
    QString m_sample;
    QTemporaryDir m_dir;
};

void TestMain::initTestCase()
{
    m_binary = qEnvironmentVariable("TELEMETRY_BIN_DIR") + QStringLiteral("/telemetry-viewer");
    if (!QFileInfo(m_binary).isExecutable())
        QSKIP(qPrintable(QStringLiteral("%1 is not built (set TELEMETRY_BIN_DIR; ctest sets it)")
                             .arg(m_binary)));
    m_sample = qEnvironmentVariable("TELEMETRY_SOURCE_DIR")
        + QStringLiteral("/resources/samples/sample_run.jsonl");
    QVERIFY2(QFileInfo::exists(m_sample), qPrintable(m_sample));
}

QProcessEnvironment TestMain::offscreen() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    env.insert("XDG_CONFIG_HOME", m_dir.filePath("config")); // never the user's settings
    return env;
}

TestMain::Result TestMain::run(const QStringList& args, const QProcessEnvironment& env) const
{
    return testing::runProcess(m_binary, args, 60'000, env.isEmpty() ? offscreen() : env);
}

void TestMain::helpAndVersion()
{
    // No display, no QT_QPA_PLATFORM: --help and --version still work.
    QProcessEnvironment bare = QProcessEnvironment::systemEnvironment();
    bare.remove("DISPLAY");
    bare.remove("WAYLAND_DISPLAY");
    bare.remove("QT_QPA_PLATFORM");
    Result r = run({ "--help" }, bare);
    QCOMPARE(r.status, 0);
    QVERIFY(r.out.contains("Usage: telemetry-viewer"));
    QVERIFY(r.out.contains("--screenshot"));
    r = run({ "--version" }, bare);
    QCOMPARE(r.status, 0);
    QVERIFY(r.out.startsWith("telemetry-viewer "));
    // Without a display the window cannot open: said clearly, no abort.
    r = run({ m_sample }, bare);
    QCOMPARE(r.status, 1);
    QVERIFY2(r.err.contains("no display"), r.err.constData());
}

void TestMain::invalidOptions_data()
{
    testing::addTable<QStringList, QByteArray>({ "args", "message" },
        {
            { "unknown", QStringList { "--bogus" }, QByteArray("bogus") },
            { "x", QStringList { "--x", "loss//acc" }, QByteArray("neither a mode") },
            { "smoothing", QStringList { "--smoothing", "2" }, QByteArray("EMA weight") },
            { "regex", QStringList { "--metrics", "(" }, QByteArray("invalid regular expression") },
            { "size", QStringList { "--screenshot", "a.png", "--size", "big" },
                QByteArray("WIDTHxHEIGHT") },
        });
}

void TestMain::invalidOptions()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, message);
    const Result r = run(args);
    QCOMPARE(r.status, 2);
    QVERIFY2(r.err.contains(message), r.err.constData());
    QVERIFY(r.err.contains("--help"));
    QVERIFY(r.out.isEmpty());
}

void TestMain::screenshotIsNotBlank()
{
    const QString png = m_dir.filePath("shot.png");
    const Result r = run({ "--no-follow", "--screenshot", png, "--size", "1200x800", m_sample });
    QVERIFY2(r.status == 0, r.err.constData());
    QImage image(png);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), QSize(1200, 800));
    // Not blank: many colors (curves of several runs, text, markers), much ink.
    QSet<QRgb> colors;
    int ink = 0;
    const QRgb background = image.pixel(image.width() / 2, 2);
    for (int y = 0; y < image.height(); y += 2) {
        for (int x = 0; x < image.width(); x += 2) {
            colors.insert(image.pixel(x, y));
            ink += image.pixel(x, y) != background ? 1 : 0;
        }
    }
    QVERIFY2(colors.size() > 50, qPrintable(QString::number(colors.size())));
    QVERIFY(ink > 1000);
    // The user's settings were not touched.
    QVERIFY(!QFileInfo::exists(m_dir.filePath("config/telemetry-viewer/telemetry-viewer.conf")));
}

void TestMain::badPathsAreReported()
{
    const QString png = m_dir.filePath("bad.png");
    const QString missing = m_dir.filePath("<b>missing</b>.jsonl");
    const Result r = run({ "--no-follow", "--screenshot", png, missing, m_sample });
    QCOMPARE(r.status, 1); // an input could not be read...
    QVERIFY2(r.err.contains("<b>missing</b>.jsonl"), r.err.constData());
    QVERIFY(r.err.contains("does not exist"));
    QVERIFY(!QImage(png).isNull()); // ...and the rest was still drawn
}

void TestMain::exportCsv()
{
    const QString csv = m_dir.filePath("series.csv");
    const Result r =
        run({ "--no-follow", "--metrics", "^step_end/loss$", "--export-csv", csv, m_sample });
    QVERIFY2(r.status == 0, r.err.constData());
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().split('\n');
    QVERIFY(lines.first().startsWith("run,metric,step,value"));
    QVERIFY(lines.size() > 200);
    QVERIFY(lines.at(1).contains("step_end/loss"));
}

void TestMain::exportCsvX_data()
{
    testing::addTable<QString, QString>({ "mode", "header" },
        {
            { "global", "global", "global_step" },
            { "epoch", "epoch", "epoch" },
        });
}

// Issue 13: --export-csv with --x global / --x epoch writes those x values. The file has the seed
// project's shape: 3 epochs of 3 passes over steps 0..19 (the step counter restarts each pass).
void TestMain::exportCsvX()
{
    QFETCH(QString, mode);
    QFETCH(QString, header);
    constexpr int Epochs = 3, Passes = 3, Steps = 20;
    const QString jsonl = m_dir.filePath("passes.jsonl");
    {
        QFile f(jsonl);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        double ts = 1000;
        for (int e = 0; e < Epochs; ++e) {
            f.write(QStringLiteral("{\"ts\": %1, \"tag\": \"epoch_begin\", \"epoch\": %2}\n")
                        .arg(ts++)
                        .arg(e)
                        .toUtf8());
            for (int p = 0; p < Passes; ++p) {
                for (int s = 0; s < Steps; ++s)
                    f.write(QStringLiteral("{\"ts\": %1, \"tag\": \"step_end\", \"step\": %2, "
                                           "\"context\": {\"loss\": %3}}\n")
                                .arg(ts++)
                                .arg(s)
                                .arg(1.0 / (1 + s))
                                .toUtf8());
            }
            f.write(QStringLiteral("{\"ts\": %1, \"tag\": \"epoch_end\", \"epoch\": %2}\n")
                        .arg(ts++)
                        .arg(e)
                        .toUtf8());
        }
    }
    const QString csv = m_dir.filePath("x.csv");
    const Result r = run(
        { "--no-follow", "--metrics", "^step_end/loss$", "--x", mode, "--export-csv", csv, jsonl });
    QVERIFY2(r.status == 0, r.err.constData());
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QList<QByteArray> lines = f.readAll().split('\n');
    QVERIFY(lines.first().startsWith("run,metric," + header.toUtf8() + ",value"));
    lines.removeFirst();
    lines.removeAll(QByteArray());
    QCOMPARE(lines.size(), Epochs * Passes * Steps);
    double previous = -1;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const double x = lines[i].split(',').at(2).toDouble();
        if (mode == QLatin1String("global")) {
            QVERIFY2(x > previous, lines[i].constData()); // strictly increasing across passes
            QCOMPARE(x, double(i));
        } else {
            QVERIFY2(x >= previous, lines[i].constData());
            const int epoch = int(i / (Passes * Steps));
            QVERIFY2(x >= epoch && x < epoch + 1, lines[i].constData()); // within [e, e+1)
        }
        previous = x;
    }
}

void TestMain::exportCsvXMetric_data()
{
    testing::addTable<QString, bool>({ "metric", "valLossDrawn" },
        {
            // epoch_end/val_loss has an x
            { "a bare name: each chart's own tag", "tokens", false },
            { "a full key: every chart", "step_end/tokens", true },
        });
}

// Issue 13: --x METRIC plots each series against that metric's value at the same record, and
// --export-csv writes it as x. A tag without the metric is named once on stderr, never an empty
// chart in silence.
void TestMain::exportCsvXMetric()
{
    QFETCH(QString, metric);
    QFETCH(bool, valLossDrawn);
    constexpr int Epochs = 3, Steps = 20;
    const QString jsonl = m_dir.filePath("tokens.jsonl");
    {
        QFile f(jsonl);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        double ts = 1000;
        int n = 0;
        for (int e = 0; e < Epochs; ++e) {
            for (int s = 0; s < Steps; ++s) { // steps restart each epoch; tokens go on
                ++n;
                f.write(QStringLiteral("{\"ts\": %1, \"tag\": \"step_end\", \"step\": %2, "
                                       "\"context\": {\"loss\": %3, \"tokens\": %4}}\n")
                            .arg(ts++)
                            .arg(s)
                            .arg(1.0 / n)
                            .arg(512 * n)
                            .toUtf8());
            }
            f.write(QStringLiteral("{\"ts\": %1, \"tag\": \"epoch_end\", \"epoch\": %2, "
                                   "\"context\": {\"val_loss\": %3}}\n")
                        .arg(ts++)
                        .arg(e)
                        .arg(0.5 / (e + 1))
                        .toUtf8());
        }
    }
    const QString csv = m_dir.filePath("x_metric.csv");
    const Result r = run({ "--no-follow", "--metrics", "^(step_end/loss|epoch_end/val_loss)$",
        "--x", metric, "--export-csv", csv, jsonl });
    QVERIFY2(r.status == 0, r.err.constData());
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QList<QByteArray> lines = f.readAll().split('\n');
    QCOMPARE(lines.first(), "run,metric," + metric.toUtf8() + ",value,smoothed");
    lines.removeFirst();
    lines.removeAll(QByteArray());
    QList<QByteArray> loss;
    QList<QByteArray> valLoss;
    for (const QByteArray& line : std::as_const(lines))
        (line.contains("step_end/loss") ? loss : valLoss) << line;
    QCOMPARE(loss.size(), Epochs * Steps);
    for (qsizetype i = 0; i < loss.size(); ++i)
        QCOMPARE(loss[i].split(',').at(2).toDouble(), 512.0 * double(i + 1));
    const QByteArray message = "x = tokens: no run logs tokens with its epoch_end records, so 1 "
                               "chart has nothing to draw: epoch_end/val_loss";
    if (valLossDrawn) {
        // At the tokens seen when each epoch ended.
        QCOMPARE(valLoss.size(), Epochs);
        for (int e = 0; e < Epochs; ++e)
            QCOMPARE(valLoss[e].split(',').at(2).toDouble(), 512.0 * Steps * (e + 1));
        QVERIFY2(!r.err.contains("nothing to draw"), r.err.constData());
    } else {
        QVERIFY(valLoss.isEmpty());
        QCOMPARE(r.err.count(message), 1);
    }
}

void TestMain::summaryNeedsNoDisplay()
{
    QProcessEnvironment bare = QProcessEnvironment::systemEnvironment();
    bare.remove("DISPLAY");
    bare.remove("WAYLAND_DISPLAY");
    bare.remove("QT_QPA_PLATFORM");
    const Result r = run({ "--summary", m_sample }, bare);
    QVERIFY2(r.status == 0, r.err.constData());
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    const Result missing = run({ "--summary", m_dir.filePath("nope.jsonl") }, bare);
    QVERIFY(missing.status != 0);
    QVERIFY(!missing.err.isEmpty());
}

void TestMain::seriesLimitIsSaidNotFailed_data()
{
    testing::addTable<QStringList>({ "mode" },
        {
            { "window --screenshot", QStringList { "--no-follow", "--screenshot" } },
            { "--summary", QStringList { "--summary" } },
        });
}

// Issue 15: 12,000 metric keys pass the 10,000-series limit. Both modes say so in the same words
// on stderr and exit 0 (points were left out, the file was read).
void TestMain::seriesLimitIsSaidNotFailed()
{
    QFETCH(QStringList, mode);
    const QString path = m_dir.filePath("keys12000.jsonl");
    if (!QFileInfo::exists(path)) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (int step = 0; step < 2; ++step) {
            QByteArray line =
                "{\"tag\":\"step_end\",\"step\":" + QByteArray::number(step) + ",\"context\":{";
            for (int k = 0; k < 12000; ++k)
                line += (k ? ",\"k" : "\"k") + QByteArray::number(k) + "\":1.5";
            file.write(line + "}}\n");
        }
    }
    QStringList args = mode;
    const QString png = m_dir.filePath("keys.png");
    if (mode.contains("--screenshot"))
        args << png << "--size"
             << "1000x700";
    const Result r = run(args << path);
    QVERIFY2(r.status == 0, r.err.constData());
    // (Two records of 12,000 keys: the parser's per-chunk limit is the one hit.)
    const QByteArray said =
        path.toUtf8() + ": more than 10000 distinct series in a chunk: the others are not plotted";
    QVERIFY2(r.err.contains(said), r.err.constData());
    if (mode.contains("--screenshot"))
        QCOMPARE(QImage(png).size(), QSize(1000, 700));
}

QTEST_GUILESS_MAIN(TestMain)
#include "tst_main.moc"
