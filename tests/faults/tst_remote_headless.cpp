// The headless modes with remote sources (issue 16): `--summary`, `--export-csv`, `--export-runs`
// and `--screenshot` of ssh:// files and folders read to the current end and stop, with the same
// runs as the local path; a remote file that does not exist is reported with ssh's words and a
// non-zero status. Against Debian's sshd on a private port (skipped, not passed, when it cannot
// start), through the built telemetry-viewer.
#include "data_table.hpp"
#include "fault_support.hpp"
#include "process_outcome.hpp"
#include "ssh_test_server.hpp"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace faults;

namespace {

using Outcome = testing::ProcessOutcome;

Outcome runViewer(const QStringList& arguments)
{
    return testing::runProcess(viewerPath(), arguments, 180'000);
}

// Writes a run of `steps` steps with a config, as a trainer on the remote machine would.
bool writeRun(const QString& path, int steps, const QString& runId)
{
    QProcess trainer;
    trainer.start(trainerPath(),
        { QStringLiteral("--out"), path, QStringLiteral("--steps"), QString::number(steps),
            QStringLiteral("--rate"), QStringLiteral("0"), QStringLiteral("--quiet"),
            QStringLiteral("--run-id"), runId, QStringLiteral("--lr"), QStringLiteral("0.001") });
    return trainer.waitForFinished(60'000) && trainer.exitCode() == 0;
}

qsizetype csvRows(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    return file.readAll().count('\n') - 1; // without the header
}

} // namespace

class TestRemoteHeadless : public QObject
{
    Q_OBJECT

    SshTestServer m_server;
    QString m_skip;
    QTemporaryDir m_remote; // "the cluster node's" files
    QTemporaryDir m_local; // outputs

private slots:
    void initTestCase()
    {
        if (!m_server.startAsTheSshCommand(&m_skip))
            return;
        QVERIFY(QDir(m_remote.path()).mkdir(QStringLiteral("job7")));
        QVERIFY(
            writeRun(m_remote.filePath(QStringLiteral("run.jsonl")), 300, QStringLiteral("solo")));
        QVERIFY(writeRun(
            m_remote.filePath(QStringLiteral("job7/rank0.jsonl")), 200, QStringLiteral("job7")));
        QVERIFY(writeRun(
            m_remote.filePath(QStringLiteral("job7/rank1.jsonl")), 200, QStringLiteral("job7")));
    }

    void init()
    {
        if (!m_skip.isEmpty())
            QSKIP(qPrintable(QStringLiteral("sshd cannot run here: ") + m_skip));
    }

    // --summary of a remote file and of a remote folder: the same records as the local path.
    void summaryMatchesTheLocalPath_data()
    {
        testing::addTable<QString>({ "path" },
            {
                { "file", QStringLiteral("run.jsonl") },
                { "folder", QStringLiteral("job7/") },
            });
    }
    void summaryMatchesTheLocalPath()
    {
        QFETCH(QString, path);
        const Summary local = summary({ m_remote.filePath(path) });
        const Summary remote = summary({ SshTestServer::url(m_remote.filePath(path)) });
        QCOMPARE(remote.status, 0);
        QVERIFY2(remote.records(0) > 0, remote.stdErr.constData());
        QCOMPARE(remote.records(0), local.records(0));
        QCOMPARE(remote.source(0)[QStringLiteral("runs")].toArray().size(),
            local.source(0)[QStringLiteral("runs")].toArray().size());
    }

    // --export-csv, --export-runs and --screenshot read the remote folder to its end and exit.
    void exportsAndScreenshotExit_data()
    {
        testing::addTable<QString, QString>({ "option", "output" },
            {
                { "--export-csv", QStringLiteral("--export-csv"), QStringLiteral("series.csv") },
                { "--export-runs", QStringLiteral("--export-runs"), QStringLiteral("runs.csv") },
                { "--screenshot", QStringLiteral("--screenshot"), QStringLiteral("shot.png") },
            });
    }
    void exportsAndScreenshotExit()
    {
        QFETCH(QString, option);
        QFETCH(QString, output);
        const QString out = m_local.filePath(output);
        QFile::remove(out);
        const Outcome outcome = runViewer(
            { option, out, SshTestServer::url(m_remote.filePath(QStringLiteral("job7/"))) });
        QVERIFY2(outcome.status == 0, outcome.err.constData());
        if (option == QLatin1String("--export-runs")) {
            QCOMPARE(csvRows(out), 2); // rank0 and rank1
        } else if (option == QLatin1String("--export-csv")) {
            QVERIFY2(csvRows(out) >= 200, qPrintable(QString::number(csvRows(out))));
        } else {
            const QImage image(out);
            QVERIFY(!image.isNull());
            QVERIFY(image.width() > 100 && image.height() > 100);
        }
    }

    // A remote file that is not there: ssh's (or the remote shell's) words and a failure status,
    // never an empty success.
    void missingRemoteFileIsReported()
    {
        const Summary remote =
            summary({ SshTestServer::url(m_remote.filePath(QStringLiteral("nope.jsonl"))) });
        QVERIFY(remote.status != 0);
        const QByteArray said = remote.stdErr + QJsonDocument(remote.json).toJson();
        QVERIFY2(said.contains("nope.jsonl"), said.constData());
        QVERIFY2(said.contains("No such file") || said.contains("not found")
                || said.contains("does not exist"),
            said.constData());
    }
};

QTEST_MAIN(TestRemoteHeadless)
#include "tst_remote_headless.moc"
