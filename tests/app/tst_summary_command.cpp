// `telemetry-viewer --summary`: headless JSON for a file, a folder, standard input; a clear error
// and a non-zero status for a path that cannot be read. Runs the real executable.
#include "../data/sweep_fixture.hpp"
#include "data_table.hpp"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

QString viewerPath()
{
    return qEnvironmentVariable("TELEMETRY_BIN_DIR") + QStringLiteral("/telemetry-viewer");
}

struct Outcome
{
    int status = -1;
    QJsonObject json;
    QByteArray stdErr;

    QJsonObject source(int index = 0) const
    {
        return json[QStringLiteral("sources")].toArray()[index].toObject();
    }
    QJsonArray runs(int sourceIndex = 0) const
    {
        return source(sourceIndex)[QStringLiteral("runs")].toArray();
    }
};

Outcome summary(const QStringList& paths, const QByteArray& input = {},
    const QStringList& options = { QStringLiteral("--summary") })
{
    QProcess process;
    process.start(viewerPath(), options + paths);
    if (!process.waitForStarted(10000))
        return {};
    process.write(input);
    process.closeWriteChannel();
    process.waitForFinished(30000);
    Outcome outcome;
    outcome.status = process.exitCode();
    outcome.json = QJsonDocument::fromJson(process.readAllStandardOutput()).object();
    outcome.stdErr = process.readAllStandardError();
    return outcome;
}

void write(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

const QByteArray PythonRun =
    "{\"ts\": 1732800000.0, \"tag\": \"epoch_begin\", \"epoch\": 0}\n"
    "{\"ts\": 1732800000.05, \"tag\": \"step_begin\", \"step\": 0}\n"
    "{\"ts\": 1732800000.05, \"tag\": \"step_end\", \"step\": 0, "
    "\"context\": {\"loss\": 2.01, \"lr\": 0.001, \"metrics\": {\"acc\": 0.1}}}\n"
    "{\"ts\": 1732800006.2, \"tag\": \"step_end\", \"step\": 123, "
    "\"context\": {\"loss\": NaN, \"lr\": 0.001}}\n"
    "not json at all\n"
    "{\"ts\": 1732800007.5, \"tag\": \"error\", \"type\": \"RuntimeError\", "
    "\"message\": \"CUDA out of memory\"}\n"
    "{\"ts\": 1732800010.0, \"tag\": \"epoch_end\", \"epoch\": 0, "
    "\"context\": {\"val_loss\": 1.0, \"val_acc\": 0.5}}\n";

QJsonObject findSeries(const QJsonObject& run, const QString& tag, const QString& name)
{
    for (const QJsonValue& s : run[QStringLiteral("series")].toArray()) {
        const QJsonObject o = s.toObject();
        if (o[QStringLiteral("tag")].toString() == tag
            && o[QStringLiteral("name")].toString() == name)
            return o;
    }
    return {};
}

} // namespace

class TestSummaryCommand : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (!QFile::exists(viewerPath()))
            QSKIP("telemetry-viewer is not built");
    }

    void summarisesAFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        write(path, PythonRun);
        const Outcome outcome = summary({ path });
        QCOMPARE(outcome.status, 0);
        const QJsonArray runs = outcome.runs();
        QCOMPARE(runs.size(), 1);
        const QJsonObject run = runs[0].toObject();
        QCOMPARE(run[QStringLiteral("records")].toInt(), 6);
        QCOMPARE(run[QStringLiteral("tags")].toObject()[QStringLiteral("step_end")].toInt(), 2);
        const QJsonObject loss =
            findSeries(run, QStringLiteral("step_end"), QStringLiteral("loss"));
        QCOMPARE(loss[QStringLiteral("points")].toInt(), 2);
        QCOMPARE(loss[QStringLiteral("nan")].toInt(), 1);
        QCOMPARE(loss[QStringLiteral("min")].toDouble(), 2.01);
        QCOMPARE(loss[QStringLiteral("last_x")].toDouble(), 123.0);
        const QJsonObject acc =
            findSeries(run, QStringLiteral("step_end"), QStringLiteral("metrics/acc"));
        QCOMPARE(acc[QStringLiteral("points")].toInt(), 1);
        const QJsonArray malformed = run[QStringLiteral("malformed")].toArray();
        QCOMPARE(malformed.size(), 1);
        QCOMPARE(malformed[0].toObject()[QStringLiteral("line")].toInt(), 5);
        bool sawError = false;
        for (const QJsonValue& e : run[QStringLiteral("events")].toArray()) {
            const QJsonObject event = e.toObject();
            if (event[QStringLiteral("kind")].toString() == QLatin1String("error")) {
                sawError = true;
                QCOMPARE(event[QStringLiteral("message")].toString(),
                    QStringLiteral("CUDA out of memory"));
                QCOMPARE(event[QStringLiteral("step")].toDouble(), 123.0);
            }
        }
        QVERIFY(sawError);
    }

    void nullIsAGapNotANaN()
    {
        // Issue 11 item 9: null is counted as a gap ("null"), never as a NaN point.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("gap.jsonl"));
        write(path,
            "{\"tag\": \"step_end\", \"step\": 0, \"context\": {\"loss\": 1}}\n"
            "{\"tag\": \"step_end\", \"step\": 1, \"context\": {\"loss\": null}}\n"
            "{\"tag\": \"step_end\", \"step\": 2, \"context\": {\"loss\": 2}}\n");
        const Outcome outcome = summary({ path });
        QCOMPARE(outcome.status, 0);
        const QJsonObject run = outcome.runs()[0].toObject();
        const QJsonObject loss =
            findSeries(run, QStringLiteral("step_end"), QStringLiteral("loss"));
        QCOMPARE(loss[QStringLiteral("points")].toInt(), 2);
        QCOMPARE(loss[QStringLiteral("nan")].toInt(), 0);
        QCOMPARE(loss[QStringLiteral("null")].toInt(), 1);
        QCOMPARE(loss[QStringLiteral("segments")].toInt(), 2);
    }

    void readsStandardInput()
    {
        const Outcome outcome = summary({ QStringLiteral("-") }, PythonRun);
        QCOMPARE(outcome.status, 0);
        const QJsonArray runs = outcome.runs();
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs[0].toObject()[QStringLiteral("records")].toInt(), 6);
    }

    void summarisesAFolder()
    {
        QTemporaryDir dir;
        write(dir.filePath(QStringLiteral("rank0.jsonl")), PythonRun);
        write(dir.filePath(QStringLiteral("rank1.jsonl")), PythonRun);
        write(dir.filePath(QStringLiteral("notes.txt")), "ignored\n");
        const Outcome outcome = summary({ dir.path() });
        QCOMPARE(outcome.status, 0);
        const QJsonArray runs = outcome.runs();
        QCOMPARE(runs.size(), 2);
    }

    // `--summary F F` (also as ./F, or the folder and the folder again): read once, listed once.
    void sameFileTwiceIsReadOnce_data()
    {
        testing::addTable<QString>({ "second" },
            {
                // how the second mention names it
                { "same path", QStringLiteral("%1/rank0.jsonl") },
                { "with ./", QStringLiteral("%1/./rank0.jsonl") },
                { "with a trailing dir/..", QStringLiteral("%1/sub/../rank0.jsonl") },
            });
    }
    void sameFileTwiceIsReadOnce()
    {
        QFETCH(QString, second);
        QTemporaryDir dir;
        QDir(dir.path()).mkdir(QStringLiteral("sub"));
        write(dir.filePath(QStringLiteral("rank0.jsonl")), PythonRun);
        const Outcome outcome =
            summary({ dir.filePath(QStringLiteral("rank0.jsonl")), second.arg(dir.path()) });
        QCOMPARE(outcome.status, 0);
        QCOMPARE(outcome.json[QStringLiteral("sources")].toArray().size(), 1);
        QCOMPARE(outcome.runs().size(), 1);
    }

    // V20: a last line without its newline is not a record, and not dropped in silence either:
    // listed under incomplete_last_lines and named on stderr, for a file, a folder and stdin.
    void unfinishedLastLineIsNamed_data()
    {
        testing::addTable<QString>({ "kind" },
            {
                { "file", QStringLiteral("file") },
                { "folder", QStringLiteral("folder") },
                { "standard input", QStringLiteral("stdin") },
            });
    }
    void unfinishedLastLineIsNamed()
    {
        QFETCH(QString, kind);
        const QByteArray torn = "{\"ts\": 1732800011.0, \"tag\": \"step_end\", \"st";
        QTemporaryDir dir;
        QString file = dir.filePath(QStringLiteral("run.jsonl"));
        QString path = kind == QLatin1String("folder") ? dir.path() : file;
        Outcome outcome;
        if (kind == QLatin1String("stdin")) {
            path = file = QStringLiteral("-");
            outcome = summary({ path }, PythonRun + torn);
        } else {
            write(file, PythonRun + torn);
            outcome = summary({ path });
        }
        QCOMPARE(outcome.status, 0);
        const QJsonObject source = outcome.source();
        QCOMPARE(source[QStringLiteral("runs")]
                     .toArray()[0]
                     .toObject()[QStringLiteral("records")]
                     .toInt(),
            6);
        const QJsonArray incomplete = source[QStringLiteral("incomplete_last_lines")].toArray();
        QCOMPARE(incomplete.size(), 1);
        const QJsonObject line = incomplete[0].toObject();
        QCOMPARE(line[QStringLiteral("file")].toString(), file);
        QCOMPARE(line[QStringLiteral("line")].toInt(), 8);
        QCOMPARE(line[QStringLiteral("offset")].toInteger(), PythonRun.size());
        QCOMPARE(line[QStringLiteral("bytes")].toInteger(), torn.size());
        QCOMPARE(outcome.stdErr,
            "telemetry-viewer: " + file.toUtf8()
                + ": line 8 is incomplete (no newline at the end): not read\n");
    }

    // A folder without *.jsonl files (say, one named run.jsonl) is said to be one.
    void folderWithoutRunsIsNamed()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("run.jsonl"));
        QVERIFY(QDir().mkpath(folder));
        const Outcome outcome = summary({ folder });
        QCOMPARE(outcome.status, 0);
        QCOMPARE(outcome.source()[QStringLiteral("note")].toString(),
            QStringLiteral("no records: a folder without *.jsonl files"));
    }

    // Issue 12: per run its name (run_begin's id), flattened config, state, and last per series.
    void summaryHasNamesConfigStateAndLast()
    {
        QTemporaryDir dir;
        const QString best = viewer::test::writeSweep(dir.path());
        const Outcome outcome = summary({ dir.path() });
        QCOMPARE(outcome.status, 0);
        const QJsonArray runs = outcome.runs();
        QCOMPARE(runs.size(), 24);
        bool sawBest = false;
        for (const QJsonValue& value : runs) {
            const QJsonObject run = value.toObject();
            QCOMPARE(run[QStringLiteral("state")].toString(), QStringLiteral("finished"));
            QVERIFY(run[QStringLiteral("name")].toString().startsWith(QLatin1String("sweep-lr")));
            if (run[QStringLiteral("name")].toString() != best)
                continue;
            sawBest = true;
            const QJsonObject config = run[QStringLiteral("config")].toObject();
            QCOMPARE(config[QStringLiteral("lr")].toDouble(), 3e-4);
            QCOMPARE(config[QStringLiteral("batch_size")].toInt(), 64);
            QCOMPARE(config[QStringLiteral("optimizer")].toString(), QStringLiteral("adamw"));
            const QJsonObject acc =
                findSeries(run, QStringLiteral("epoch_end"), QStringLiteral("val_acc"));
            QCOMPARE(acc[QStringLiteral("last")].toDouble(), 0.902);
            QVERIFY(acc.contains(QStringLiteral("min")) && acc.contains(QStringLiteral("max")));
        }
        QVERIFY(sawBest);
    }

    void summaryStateOfACrashedRun()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        write(path, PythonRun); // holds an error record
        const Outcome outcome = summary({ path });
        const QJsonObject run = outcome.runs()[0].toObject();
        QCOMPARE(run[QStringLiteral("state")].toString(), QStringLiteral("crashed"));
        QCOMPARE(run[QStringLiteral("config")].toObject(), QJsonObject());
    }

    // --export-runs: the runs table as CSV; its best val_acc:last is the sweep's best trial.
    void exportRunsAgreesWithTheTable()
    {
        QTemporaryDir dir;
        const QString best = viewer::test::writeSweep(dir.path());
        const QString csv = dir.filePath(QStringLiteral("runs.csv"));
        const Outcome outcome =
            summary({ dir.path() }, {}, { QStringLiteral("--export-runs"), csv });
        QCOMPARE(outcome.status, 0);
        QVERIFY(outcome.json.isEmpty()); // no --summary: nothing on stdout
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 25);
        const QList<QByteArray> header = lines[0].split(',');
        for (const char* column :
            { "name", "state", "config.lr", "config.batch_size", "config.optimizer", "config.seed",
                "epoch_end/val_acc:last", "epoch_end/val_acc:min", "epoch_end/val_acc:max",
                "step_end/loss:last", "epoch_end/val_loss:last" })
            QVERIFY2(header.contains(column), column);
        const qsizetype name = header.indexOf("name");
        const qsizetype acc = header.indexOf("epoch_end/val_acc:last");
        QByteArray bestName;
        double bestAcc = -1;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QList<QByteArray> cells = lines[i].split(',');
            QCOMPARE(cells.size(), header.size());
            if (cells[acc].toDouble() > bestAcc) {
                bestAcc = cells[acc].toDouble();
                bestName = cells[name];
            }
        }
        QCOMPARE(QString::fromUtf8(bestName), best);
        QCOMPARE(bestAcc, 0.902);
    }

    // Cells that a spreadsheet would run as formulas are defused; commas and quotes quoted.
    void exportRunsIsCsvSafe()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        write(path,
            "{\"ts\":1,\"tag\":\"run_begin\",\"run\":\"=HYPERLINK(\\\"x\\\")\","
            "\"config\":{\"note\":\"+1, \\\"two\\\"\",\"neg\":-0.5,\"at\":\"@me\"}}\n"
            "{\"ts\":2,\"tag\":\"step_end\",\"step\":0,\"context\":{\"loss\":1}}\n");
        const QString csv = dir.filePath(QStringLiteral("runs.csv"));
        const Outcome outcome = summary({ path }, {}, { QStringLiteral("--export-runs"), csv });
        QCOMPARE(outcome.status, 0);
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QVERIFY2(text.contains("\"'=HYPERLINK(\"\"x\"\")\""), text);
        QVERIFY2(text.contains("\"'+1, \"\"two\"\"\""), text);
        QVERIFY2(text.contains("\"'@me\""), text);
        QVERIFY2(text.contains(",-0.5,") || text.contains(",-0.5\n"), text); // a number stays one
    }

    void exportRunsToAnUnwritablePathFails()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        write(path, PythonRun);
        const Outcome outcome = summary({ path }, {},
            { QStringLiteral("--export-runs"), QStringLiteral("/nonexistent/dir/o.csv") });
        QCOMPARE(outcome.status, 1);
        QVERIFY2(outcome.stdErr.contains("cannot write /nonexistent/dir/o.csv"), outcome.stdErr);
    }

    void missingPathIsAClearError()
    {
        const Outcome outcome = summary({ QStringLiteral("/nonexistent/run.jsonl") });
        QCOMPARE(outcome.status, 1);
        QVERIFY2(outcome.stdErr.contains("/nonexistent/run.jsonl does not exist"), outcome.stdErr);
    }
};

QTEST_GUILESS_MAIN(TestSummaryCommand)
#include "tst_summary_command.moc"
