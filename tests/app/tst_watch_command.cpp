// `telemetry-viewer --watch` (issue 16): follows without a window, prints one JSON line per alert
// on stdout, exits 3 at the first alert with --exit-on-alert, and 0 when the sources end cleanly.
// Runs the real executable.
#include "../data/step_lines.hpp"
#include "data_table.hpp"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace viewer::test;

namespace {

constexpr int Guard = 30000; // ms: only a guard against a hang

QString viewerPath()
{
    return qEnvironmentVariable("TELEMETRY_BIN_DIR") + QStringLiteral("/telemetry-viewer");
}

QList<QJsonObject> jsonLines(const QByteArray& out)
{
    QList<QJsonObject> lines;
    for (const QByteArray& line : out.split('\n'))
        if (!line.isEmpty())
            lines << QJsonDocument::fromJson(line).object();
    return lines;
}

} // namespace

class TestWatchCommand : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(viewerPath()), qPrintable(viewerPath()));
    }

    // The "done when": a NaN appended to a followed file ends the watch with status 3
    // and one JSON line naming it.
    void exitsThreeOnANanAppendedWhileFollowing()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        QVERIFY(write(path, stepLine(1, "2.0") + stepLine(2, "1.0"), QIODevice::WriteOnly));
        QProcess process;
        process.start(viewerPath(),
            { QStringLiteral("--watch"), QStringLiteral("--alert"), QStringLiteral("nan"),
                QStringLiteral("--exit-on-alert"), path });
        QVERIFY(process.waitForStarted(Guard));
        // Existing records read, following from here.
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT(
            (err += process.readAllStandardError()).contains("watching 1 source(s) for nan"),
            Guard);
        QCOMPARE(process.state(), QProcess::Running); // a clean file: no alert yet
        QVERIFY(write(path, stepLine(3, "0.5") + stepLine(4, "NaN"), QIODevice::Append));
        QVERIFY(process.waitForFinished(Guard));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 3);
        const QList<QJsonObject> lines = jsonLines(process.readAllStandardOutput());
        QCOMPARE(lines.size(), 1);
        QCOMPARE(lines[0][QStringLiteral("alert")].toString(), QStringLiteral("nan"));
        QCOMPARE(lines[0][QStringLiteral("run")].toString(), QStringLiteral("run.jsonl"));
        QCOMPARE(lines[0][QStringLiteral("metric")].toString(), QStringLiteral("step_end/loss"));
        QCOMPARE(lines[0][QStringLiteral("step")].toInt(), 4);
        QCOMPARE(lines[0][QStringLiteral("value")].toString(), QStringLiteral("NaN"));
        QCOMPARE(lines[0][QStringLiteral("message")].toString(),
            QStringLiteral("step_end/loss is NaN at step 4"));
    }

    // Read to the end (--no-follow, or standard input closed): the status says whether an alert
    // fired only with --exit-on-alert; the alerts are printed either way.
    void endsWhenTheSourcesEnd_data()
    {
        const QByteArray clean = stepLine(1, "2.0") + stepLine(2, "1.0");
        const QByteArray bad = stepLine(1, "NaN")
            + "{\"ts\": 1732800005, \"tag\": \"error\", \"type\": \"E\", \"message\": "
              "\"<b>x</b>\"}\n";
        const QStringList noFollow { QStringLiteral("--watch"), QStringLiteral("--no-follow") };
        testing::addTable<QStringList, QByteArray, bool, int, QStringList>(
            { "options", "content", "viaStdin", "status", "alerts" },
            {
                { "clean file", noFollow, clean, false, 0, QStringList() },
                { "file with a NaN and an error", noFollow, bad, false, 0,
                    QStringList({ "nan", "error" }) },
                { "--exit-on-alert", noFollow + QStringList("--exit-on-alert"), bad, false, 3,
                    QStringList({ "nan" }) },
                { "threshold", noFollow + QStringList({ "--alert", "loss > 1.5" }), clean, false, 0,
                    QStringList({ "threshold" }) },
                { "clean stdin", QStringList("--watch"), clean, true, 0, QStringList() },
                { "stdin with a NaN", QStringList("--watch"), bad, true, 0,
                    QStringList({ "nan", "error" }) },
            });
    }
    void endsWhenTheSourcesEnd()
    {
        QFETCH(QStringList, options);
        QFETCH(QByteArray, content);
        QFETCH(bool, viaStdin);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        QVERIFY(write(path, content, QIODevice::WriteOnly));
        QProcess process;
        process.start(viewerPath(), options + QStringList(viaStdin ? QStringLiteral("-") : path));
        QVERIFY(process.waitForStarted(Guard));
        if (viaStdin)
            process.write(content);
        process.closeWriteChannel();
        QVERIFY(process.waitForFinished(Guard));
        QTEST(process.exitCode(), "status");
        QStringList alerts;
        for (const QJsonObject& line : jsonLines(process.readAllStandardOutput()))
            alerts << line[QStringLiteral("alert")].toString();
        QTEST(alerts, "alerts");
    }

    void badRuleIsAUsageError()
    {
        QProcess process;
        process.start(viewerPath(),
            { QStringLiteral("--watch"), QStringLiteral("--alert"), QStringLiteral("nan,loss>>1"),
                QStringLiteral("x.jsonl") });
        QVERIFY(process.waitForFinished(Guard));
        QCOMPARE(process.exitCode(), 2);
        QCOMPARE(process.readAllStandardError(),
            QByteArray("telemetry-viewer: --alert: alert rule \"loss>>1\": one comparison only: "
                       "METRIC>VALUE or METRIC<VALUE\nTry 'telemetry-viewer --help'.\n"));
        QVERIFY(process.readAllStandardOutput().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestWatchCommand)
#include "tst_watch_command.moc"
