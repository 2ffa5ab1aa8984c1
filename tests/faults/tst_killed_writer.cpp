// Issue 5, fault row 3: a writer process SIGKILLed mid-line. The viewer (--summary and a
// following Workspace) shows every complete record, holds the torn tail as an incomplete last
// line instead of reporting it as malformed, and reads it once it is completed; a replaced file,
// or a new writer that appends after the fragment, is read as such.
#include "data_table.hpp"
#include "fault_support.hpp"
#include "workspace.hpp"
#include "writer_process.hpp"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

using namespace faults;
using viewer::Workspace;

namespace {

constexpr int LoadTimeoutMs = 60000;

bool append(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::Append) && file.write(bytes) == bytes.size();
}

QByteArray stepLines(int first, int count)
{
    QByteArray bytes;
    for (int i = first; i < first + count; ++i)
        bytes += "{\"ts\":1700000001.0,\"tag\":\"step_end\",\"step\":" + QByteArray::number(i)
            + ",\"context\":{\"loss\":0.25}}\n";
    return bytes;
}

enum class Afterwards
{
    Completed, // the rest of the line arrives
    Replaced, // the file is atomically replaced
    NewWriterAppends, // another logger opens the file and appends
};

} // namespace

Q_DECLARE_METATYPE(Afterwards)

class TestKilledWriter : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(trainerPath()), qPrintable(trainerPath()));
        QVERIFY2(QFile::exists(viewerPath()), qPrintable(viewerPath()));
    }

    // The example trainer in batched modes, killed while writing as fast as it can: whatever
    // prefix reached the file, every complete line is a record and nothing is malformed.
    void killedTrainerLeavesEveryCompleteRecord_data()
    {
        testing::addTable<QStringList>({ "mode" },
            {
                { "async",
                    QStringList { QStringLiteral("--async"), QStringLiteral("--flush-interval"),
                        QStringLiteral("256") } },
                { "sync, batched",
                    QStringList { QStringLiteral("--flush-interval"), QStringLiteral("256") } },
            });
    }
    void killedTrainerLeavesEveryCompleteRecord()
    {
        QFETCH(QStringList, mode);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        QProcess trainer;
        trainer.start(trainerPath(),
            QStringList { QStringLiteral("--out"), path, QStringLiteral("--steps"),
                QStringLiteral("100000000"), QStringLiteral("--quiet") }
                + mode);
        QVERIFY(trainer.waitForStarted(10000));
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(path).size() > 512 * 1024, 30000);
        trainer.kill(); // SIGKILL
        QVERIFY(trainer.waitForFinished(10000));
        QCOMPARE(trainer.exitStatus(), QProcess::CrashExit);

        const FileLines file = readLines(path);
        const qint64 complete = qint64(file.lines.size());
        qInfo("killed at %lld complete lines, %lld bytes of a torn tail", complete,
            qint64(file.tail.size()));
        const Summary s = summary({ path });
        QCOMPARE(s.status, 0);
        QCOMPARE(s.records(0), complete);
        QCOMPARE(s.malformed(0).size(), 0);

        Workspace workspace;
        QSignalSpy finished(&workspace, &Workspace::loadFinished);
        workspace.open(path);
        QVERIFY(finished.wait(LoadTimeoutMs));
        QCOMPARE(qint64(storedRecords(workspace)), complete);
        QCOMPARE(storedMalformed(workspace), std::size_t(0));
    }

    // A deterministic torn tail: the helper logs 20 records, writes the first 30 bytes of the
    // next line with one write(2) and SIGKILLs itself.
    void tornTailIsHeldUntilCompletedOrReplaced_data()
    {
        testing::addTable<Afterwards, bool>({ "afterwards", "waitForNote" },
            {
                { "completed", Afterwards::Completed, true },
                { "replaced", Afterwards::Replaced, false },
                { "a new writer appends", Afterwards::NewWriterAppends, false },
            });
    }
    void tornTailIsHeldUntilCompletedOrReplaced()
    {
        QFETCH(Afterwards, afterwards);
        QFETCH(bool, waitForNote);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        constexpr int Torn = 30;
        QByteArray tornLine;
        {
            WriterProcess writer;
            QVERIFY(writer.start({ QStringLiteral("--out"), path }));
            QCOMPARE(writer.ask("log 20"), "logged 20");
            const QByteArray reply = writer.ask("torn " + QByteArray::number(Torn));
            QVERIFY2(reply.startsWith("torn {"), reply);
            tornLine = reply.mid(5);
            writer.process().write("kill\n");
            QVERIFY(writer.process().waitForFinished(10000));
            QCOMPARE(writer.process().exitStatus(), QProcess::CrashExit);
        }
        const FileLines file = readLines(path);
        QCOMPARE(file.lines.size(), std::size_t(21)); // run_begin + 20
        QCOMPARE(file.tail, tornLine.left(Torn));

        // --summary: the complete records, no malformed line for the tail.
        Summary s = summary({ path });
        QCOMPARE(s.status, 0);
        QCOMPARE(s.records(0), 21);
        QCOMPARE(s.malformed(0).size(), 0);

        // A following Workspace: the same, and after 5 s idle a note, not an error.
        Workspace workspace;
        QSignalSpy finished(&workspace, &Workspace::loadFinished);
        QSignalSpy reset(&workspace, &Workspace::sourceReset);
        const int source = workspace.open(path);
        QVERIFY(finished.wait(LoadTimeoutMs));
        QCOMPARE(storedRecords(workspace), std::size_t(21));
        QCOMPARE(storedMalformed(workspace), std::size_t(0));
        if (waitForNote) {
            QTRY_VERIFY_WITH_TIMEOUT(
                workspace.source(source).message.contains(QStringLiteral("line 22 is incomplete")),
                20000);
            QCOMPARE(workspace.source(source).state, Workspace::SourceState::Following);
            QCOMPARE(storedMalformed(workspace), std::size_t(0));
        }

        std::size_t records = 0;
        std::size_t malformed = 0;
        switch (afterwards) {
        case Afterwards::Completed:
            QVERIFY(append(path, tornLine.mid(Torn) + '\n'));
            records = 22;
            break;
        case Afterwards::Replaced:
            QVERIFY(replaceAtomically(path, stepLines(0, 5)));
            QTRY_VERIFY_WITH_TIMEOUT(!reset.isEmpty(), 20000);
            records = 5;
            break;
        case Afterwards::NewWriterAppends: {
            // A logger opening a file that ends mid-line starts with a newline: the fragment
            // becomes one malformed line of its own and is never glued to a record.
            WriterProcess writer;
            QVERIFY(writer.start({ QStringLiteral("--out"), path }));
            QCOMPARE(writer.ask("log 7"), "logged 7");
            QCOMPARE(writer.ask("close"), "close 1");
            QVERIFY(writer.finish());
            records = 21 + 1 + 7;
            malformed = 1;
            break;
        }
        }
        QTRY_COMPARE_WITH_TIMEOUT(storedRecords(workspace), records, 20000);
        QCOMPARE(storedMalformed(workspace), malformed);
        s = summary({ path });
        QCOMPARE(s.records(0), qint64(records));
        QCOMPARE(s.malformed(0).size(), qsizetype(malformed));
        if (malformed)
            QCOMPARE(s.malformed(0).at(0).toObject()[QStringLiteral("line")].toInt(), 22);
    }
};

QTEST_GUILESS_MAIN(TestKilledWriter)
#include "tst_killed_writer.moc"
