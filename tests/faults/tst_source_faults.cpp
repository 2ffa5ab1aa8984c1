// Issue 11 items 1, 3 and 5: what another process does to a source, and sources that are not
// plain files. A file truncated while it is loaded is read again from its start (never a SIGBUS);
// a FIFO or `<(cmd)` is read as a stream, and one that never gets a writer is reported and the
// headless modes exit; a followed folder with more files than descriptors is followed whole, and
// a file of it that cannot be read is named.
#include "../data/step_lines.hpp"
#include "data_table.hpp"
#include "fault_support.hpp"

#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>
#include <sys/stat.h>

using namespace faults;
using viewer::Workspace;
using namespace viewer::test;

namespace {

QByteArray stepLine(int step)
{
    return "{\"ts\":1700000000.0,\"tag\":\"step_end\",\"step\":" + QByteArray::number(step)
        + ",\"context\":{\"loss\":0.5,\"padding\":\"" + QByteArray(120, 'p') + "\"}}\n";
}

bool makeFifo(const QString& path)
{
    return ::mkfifo(QFile::encodeName(path).constData(), 0600) == 0;
}

} // namespace

class TestSourceFaults : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(viewerPath()), qPrintable(viewerPath()));
    }

    // Item 1. The truncation lands while the load runs (on its first progress report) or, on a
    // fast machine, just after it: either way the file is read again and holds the new records.
    void truncatedDuringLoadStartsOver()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            QByteArray block;
            for (int i = 0; i < 10000; ++i)
                block += stepLine(i);
            for (int i = 0; i < 40; ++i) // ~60 MB
                QCOMPARE(file.write(block), block.size());
        }
        Workspace workspace;
        bool truncated = false;
        QObject::connect(&workspace, &Workspace::loadProgress, &workspace, [&] {
            if (std::exchange(truncated, true))
                return;
            QVERIFY(write(path, stepLine(1) + stepLine(2) + stepLine(3),
                QIODevice::WriteOnly | QIODevice::Truncate));
        });
        const int id = workspace.open(path, true);
        QTRY_VERIFY_WITH_TIMEOUT(truncated, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(storedRecords(workspace), std::size_t(3), 60000);
        QCOMPARE(workspace.source(id).state, Workspace::SourceState::Following);
    }

    // Item 3: `--summary <(cat run.jsonl)` printed "no records" (the loader saw size 0).
    void processSubstitutionIsRead()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        QByteArray text;
        for (int i = 0; i < 1000; ++i)
            text += stepLine(i);
        QVERIFY(write(path, text, QIODevice::WriteOnly));
        QProcess shell;
        shell.start(QStringLiteral("bash"),
            { QStringLiteral("-c"), QStringLiteral("exec \"$0\" --summary <(cat \"$1\")"),
                viewerPath(), path });
        QVERIFY(shell.waitForFinished(60000));
        QCOMPARE(shell.exitCode(), 0);
        const QJsonObject json = QJsonDocument::fromJson(shell.readAllStandardOutput()).object();
        qint64 records = 0;
        const QJsonObject source = json[QStringLiteral("sources")].toArray().at(0).toObject();
        for (const QJsonValue& run : source[QStringLiteral("runs")].toArray())
            records += run.toObject()[QStringLiteral("records")].toInteger();
        QCOMPARE(records, 1000);
    }

    // Item 3: a FIFO in the window is followed like standard input, until its writer closes it.
    void fifoIsReadAsAStream()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("live.jsonl"));
        QVERIFY(makeFifo(path));
        Workspace workspace;
        const int id = workspace.open(path, true);
        QVERIFY(workspace.source(id).isStream);
        QCOMPARE(workspace.source(id).state, Workspace::SourceState::Following);
        {
            QFile writer(path); // the workspace holds the read end: this open does not block
            QVERIFY(writer.open(QIODevice::WriteOnly));
            for (int i = 0; i < 5; ++i)
                QCOMPARE(writer.write(stepLine(i)), stepLine(i).size());
            writer.flush();
            QTRY_COMPARE_WITH_TIMEOUT(storedRecords(workspace), std::size_t(5), 20000);
        }
        QTRY_COMPARE_WITH_TIMEOUT(workspace.source(id).state, Workspace::SourceState::Idle, 20000);
        QCOMPARE(storedRecords(workspace), std::size_t(5));
        QVERIFY(workspace.recordText(workspace.runIds().first(), 0).isEmpty()); // never reopened
    }

    // Item 3: a FIFO nobody opens for writing blocked --summary, --screenshot and --export-csv
    // forever (--screenshot wrote its image after its timeout, then hung in its exit).
    void fifoWithoutWriterIsReported_data()
    {
        testing::addTable<QStringList, QString>({ "mode", "output" },
            {
                { "--summary", QStringList { QStringLiteral("--summary") }, QString() },
                { "--screenshot",
                    QStringList { QStringLiteral("--screenshot"), QStringLiteral("OUT") },
                    QStringLiteral("shot.png") },
                { "--export-csv",
                    QStringList { QStringLiteral("--export-csv"), QStringLiteral("OUT") },
                    QStringLiteral("series.csv") },
            });
    }

    void fifoWithoutWriterIsReported()
    {
        QFETCH(QStringList, mode);
        QFETCH(QString, output);
        QTemporaryDir dir;
        const QString fifo = dir.filePath(QStringLiteral("nobody.jsonl"));
        QVERIFY(makeFifo(fifo));
        const QString out = output.isEmpty() ? QString() : dir.filePath(output);
        mode.replaceInStrings(QStringLiteral("OUT"), out);
        QProcess viewer;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        viewer.setProcessEnvironment(env);
        viewer.start(viewerPath(),
            mode + QStringList { QStringLiteral("--stream-timeout"), QStringLiteral("0.5"), fifo });
        const bool exited = viewer.waitForFinished(60000);
        if (!exited) {
            viewer.kill();
            viewer.waitForFinished();
        }
        QVERIFY2(exited, "the viewer did not exit");
        QCOMPARE(viewer.exitStatus(), QProcess::NormalExit);
        QCOMPARE(viewer.exitCode(), 1);
        const QString stdErr = QString::fromUtf8(viewer.readAllStandardError());
        QVERIFY2(stdErr.contains(QStringLiteral("nothing arrived in 0.5 s (no writer?)")),
            qPrintable(stdErr));
        if (!out.isEmpty())
            QVERIFY(QFileInfo(out).size() > 0);
    }

    // Item 5: a followed folder with more files than descriptors. Every file was given one, the
    // later ones failed with EMFILE and their appends never arrived, in silence.
    void folderWiderThanTheDescriptorLimitIsFollowed()
    {
        rlimit saved = {};
        QCOMPARE(::getrlimit(RLIMIT_NOFILE, &saved), 0);
        rlimit lowered = saved;
        lowered.rlim_cur = std::min<rlim_t>(saved.rlim_cur, 256);
        QCOMPARE(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
        const auto restore = qScopeGuard([&] { ::setrlimit(RLIMIT_NOFILE, &saved); });

        QTemporaryDir dir;
        const int files = 600;
        const auto name = [&](int i) {
            return dir.filePath(QStringLiteral("r%1.jsonl").arg(i, 5, 10, QLatin1Char('0')));
        };
        for (int i = 0; i < files; ++i)
            QVERIFY(write(name(i), stepLine(0), QIODevice::WriteOnly));
        Workspace workspace;
        const int id = workspace.open(dir.path(), true);
        QTRY_COMPARE_WITH_TIMEOUT(
            workspace.source(id).state, Workspace::SourceState::Following, 60000);
        QCOMPARE(storedRecords(workspace), std::size_t(files));
        for (const int i : { 0, 1, files - 1 })
            QVERIFY(write(name(i), stepLine(1), QIODevice::WriteOnly | QIODevice::Append));
        QTRY_COMPARE_WITH_TIMEOUT(storedRecords(workspace), std::size_t(files + 3), 30000);
        QVERIFY(workspace.source(id).fileProblems.isEmpty());
    }

    // Item 5: a file of a folder that cannot be read (here a FIFO named *.jsonl) is named, in the
    // window's source and in --summary (which exits 1), and the other files are read.
    void unreadableFileOfAFolderIsNamed()
    {
        QTemporaryDir dir;
        QVERIFY(write(dir.filePath(QStringLiteral("a.jsonl")), stepLine(0), QIODevice::WriteOnly));
        QVERIFY(makeFifo(dir.filePath(QStringLiteral("b.jsonl"))));

        const Summary s = summary({ dir.path() });
        QCOMPARE(s.status, 1);
        QCOMPARE(s.records(0), 1);
        const QJsonArray unreadable = s.source(0)[QStringLiteral("unreadable_files")].toArray();
        QCOMPARE(unreadable.size(), 1);
        QCOMPARE(unreadable.at(0)[QStringLiteral("file")].toString(),
            QDir(dir.path()).absoluteFilePath(QStringLiteral("b.jsonl")));
        QVERIFY(s.stdErr.contains("b.jsonl: not a regular file"));

        Workspace workspace;
        const int id = workspace.open(dir.path(), true);
        QTRY_COMPARE_WITH_TIMEOUT(workspace.source(id).fileProblems.size(), 1, 30000);
        QCOMPARE(Workspace::describeFileProblems(workspace.source(id).fileProblems).left(8),
            QStringLiteral("b.jsonl:"));
    }
};

QTEST_MAIN(TestSourceFaults)
#include "tst_source_faults.moc"
