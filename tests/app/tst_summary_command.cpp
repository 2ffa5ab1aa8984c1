// `telemetry-viewer --summary`: headless JSON for a file, a folder, standard input; a clear error
// and a non-zero status for a path that cannot be read. Runs the real executable.
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
};

Outcome summary(const QStringList& paths, const QByteArray& input = {})
{
    QProcess process;
    process.start(viewerPath(), QStringList { QStringLiteral("--summary") } + paths);
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

const QByteArray PythonRun = "{\"ts\": 1732800000.0, \"tag\": \"epoch_begin\", \"epoch\": 0}\n"
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
        if (o[QStringLiteral("tag")].toString() == tag && o[QStringLiteral("name")].toString() == name)
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
        const QJsonArray runs
            = outcome.json[QStringLiteral("sources")].toArray()[0].toObject()[QStringLiteral("runs")].toArray();
        QCOMPARE(runs.size(), 1);
        const QJsonObject run = runs[0].toObject();
        QCOMPARE(run[QStringLiteral("records")].toInt(), 6);
        QCOMPARE(run[QStringLiteral("tags")].toObject()[QStringLiteral("step_end")].toInt(), 2);
        const QJsonObject loss = findSeries(run, QStringLiteral("step_end"), QStringLiteral("loss"));
        QCOMPARE(loss[QStringLiteral("points")].toInt(), 2);
        QCOMPARE(loss[QStringLiteral("nan")].toInt(), 1);
        QCOMPARE(loss[QStringLiteral("min")].toDouble(), 2.01);
        QCOMPARE(loss[QStringLiteral("last_x")].toDouble(), 123.0);
        const QJsonObject acc
            = findSeries(run, QStringLiteral("step_end"), QStringLiteral("metrics/acc"));
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
        const QJsonObject run = outcome.json[QStringLiteral("sources")]
                                    .toArray()[0]
                                    .toObject()[QStringLiteral("runs")]
                                    .toArray()[0]
                                    .toObject();
        const QJsonObject loss = findSeries(run, QStringLiteral("step_end"), QStringLiteral("loss"));
        QCOMPARE(loss[QStringLiteral("points")].toInt(), 2);
        QCOMPARE(loss[QStringLiteral("nan")].toInt(), 0);
        QCOMPARE(loss[QStringLiteral("null")].toInt(), 1);
        QCOMPARE(loss[QStringLiteral("segments")].toInt(), 2);
    }

    void readsStandardInput()
    {
        const Outcome outcome = summary({ QStringLiteral("-") }, PythonRun);
        QCOMPARE(outcome.status, 0);
        const QJsonArray runs
            = outcome.json[QStringLiteral("sources")].toArray()[0].toObject()[QStringLiteral("runs")].toArray();
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
        const QJsonArray runs
            = outcome.json[QStringLiteral("sources")].toArray()[0].toObject()[QStringLiteral("runs")].toArray();
        QCOMPARE(runs.size(), 2);
    }

    // V20: a last line without its newline is not a record, and not dropped in silence either:
    // listed under incomplete_last_lines and named on stderr, for a file, a folder and stdin.
    void unfinishedLastLineIsNamed_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("file") << QStringLiteral("file");
        QTest::newRow("folder") << QStringLiteral("folder");
        QTest::newRow("standard input") << QStringLiteral("stdin");
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
        const QJsonObject source = outcome.json[QStringLiteral("sources")].toArray()[0].toObject();
        QCOMPARE(source[QStringLiteral("runs")].toArray()[0].toObject()[QStringLiteral("records")]
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
        QCOMPARE(outcome.json[QStringLiteral("sources")].toArray()[0].toObject()[QStringLiteral(
                     "note")].toString(),
                 QStringLiteral("no records: a folder without *.jsonl files"));
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
