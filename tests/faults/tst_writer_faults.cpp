// Issue 5, fault rows 1 and 2, end to end: a writer process whose file cannot be written (a full
// disk, an unwritable path, its folder removed) keeps training: logging calls return, the error is
// reported, records are kept up to the bound and reach the file once writing works again, whole
// and exactly once. tests/logger/tst_file_sink.cpp covers the same rules inside one process.
#include "data_table.hpp"
#include "fault_support.hpp"
#include "writer_process.hpp"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <unistd.h>

using namespace faults;

namespace {

// What a finished log file holds, checked line by line.
struct Content
{
    int lines = 0;
    int unparsable = 0;
    QList<qint64> steps; // step_end steps in file order
    qint64 droppedNotice = 0; // the `count` of records_dropped records
    int runBegins = 0;
};

Content inspect(const QString& path)
{
    Content c;
    const FileLines file = readLines(path);
    c.lines = int(file.lines.size());
    c.unparsable = file.tail.isEmpty() ? 0 : 1;
    for (const QByteArray& line : file.lines) {
        const QJsonObject record = QJsonDocument::fromJson(line).object();
        if (record.isEmpty()) {
            ++c.unparsable;
            continue;
        }
        const QString tag = record[QStringLiteral("tag")].toString();
        if (tag == QLatin1String("step_end"))
            c.steps << record[QStringLiteral("step")].toInteger();
        else if (tag == QLatin1String("records_dropped"))
            c.droppedNotice += record[QStringLiteral("count")].toInteger();
        else if (tag == QLatin1String("run_begin"))
            ++c.runBegins;
    }
    return c;
}

bool strictlyIncreasing(const QList<qint64>& steps)
{
    for (qsizetype i = 1; i < steps.size(); ++i)
        if (steps[i] <= steps[i - 1])
            return false;
    return true;
}

QList<qint64> range(qint64 count)
{
    QList<qint64> r;
    for (qint64 i = 0; i < count; ++i)
        r << i;
    return r;
}

enum class Blocker
{
    ParentIsAFile,
    PathIsAFolder,
};

// Makes `path` unwritable the way `blocker` says; returns what to remove to make it writable.
QString block(const QString& path, Blocker blocker)
{
    if (blocker == Blocker::ParentIsAFile) {
        const QString parent = QFileInfo(path).path();
        QFile file(parent);
        file.open(QIODevice::WriteOnly);
        return parent;
    }
    QDir().mkpath(path);
    return path;
}

} // namespace

Q_DECLARE_METATYPE(Blocker)

class TestWriterFaults : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(trainerPath()), qPrintable(trainerPath()));
        QVERIFY2(QFile::exists(WriterProcess::helperPath()), FAULT_WRITER_PATH);
    }

    // Row 1, /dev/full: the trainer runs to its end, says why nothing was written and how many
    // records it still holds, and exits non-zero.
    void diskFullDeviceIsReported_data()
    {
        testing::addTable<QStringList>({ "mode" },
            {
                { "sync", QStringList {} },
                { "async, batched",
                    QStringList { QStringLiteral("--async"), QStringLiteral("--flush-interval"),
                        QStringLiteral("64") } },
            });
    }
    void diskFullDeviceIsReported()
    {
        QFETCH(QStringList, mode);
        constexpr int Steps = 300;
        QProcess trainer;
        trainer.start(trainerPath(),
            QStringList { QStringLiteral("--out"), QStringLiteral("/dev/full"),
                QStringLiteral("--steps"), QString::number(Steps), QStringLiteral("--error-at"),
                QStringLiteral("-1") }
                + mode);
        QVERIFY(trainer.waitForFinished(60000));
        QCOMPARE(trainer.exitStatus(), QProcess::NormalExit);
        QCOMPARE(trainer.exitCode(), 1);
        const QByteArray errors = trainer.readAllStandardError();
        QVERIFY2(errors.contains("No space left on device"), errors);
        // Every record is still held (far below the 64 MiB bound): run_begin, epoch_begin,
        // 2 per step, epoch_end.
        const QByteArray kept = QByteArray::number(2 * Steps + 3) + " records kept for a retry";
        QVERIFY2(
            errors.contains("not every record reached the file") && errors.contains(kept), errors);
        QVERIFY2(trainerWrote(errors) == 0, errors);
    }

    // Row 1, a file system that fills up and then has room again (a 1 MiB tmpfs in a private
    // mount namespace): records wait in the bound and are written once, whole, when space
    // returns; past the bound they are dropped, counted and announced by a records_dropped record.
    void fullFileSystemRecoversWhenSpaceReturns_data()
    {
        testing::addTable<QStringList, bool>({ "bound", "overflows" },
            {
                { "within the bound", QStringList {}, false },
                { "past the bound",
                    QStringList { QStringLiteral("--max-record-bytes"), QStringLiteral("1024"),
                        QStringLiteral("--max-buffer-bytes"), QStringLiteral("8192") },
                    true },
            });
    }
    void fullFileSystemRecoversWhenSpaceReturns()
    {
        QFETCH(QStringList, bound);
        QFETCH(bool, overflows);
        if (QStandardPaths::findExecutable(QStringLiteral("unshare")).isEmpty())
            QSKIP("no unshare(1): tst_file_sink::diskFull covers ENOSPC in-process");
        QTemporaryDir dir;
        const QString mount = dir.filePath(QStringLiteral("mnt"));
        QVERIFY(QDir().mkpath(mount));
        const QString log = mount + QStringLiteral("/run.jsonl");
        const QString filler = mount + QStringLiteral("/filler");
        const QString copy = dir.filePath(QStringLiteral("copy.jsonl"));

        WriterProcess writer;
        const QStringList wrapper { QStringLiteral("unshare"), QStringLiteral("--map-root-user"),
            QStringLiteral("--mount"), QStringLiteral("sh"), QStringLiteral("-c"),
            QStringLiteral("mount -t tmpfs -o size=1m tmpfs \"$0\" && "
                           "exec \"$@\""),
            mount };
        QVERIFY(writer.start(QStringList { QStringLiteral("--out"), log } + bound, wrapper));
        const QByteArray first = writer.ask("log 10");
        if (first.isEmpty())
            QSKIP(qPrintable(QStringLiteral("cannot mount a tmpfs here (%1): tst_file_sink::"
                                            "diskFull covers ENOSPC in-process")
                                 .arg(QString::fromLocal8Bit(writer.errors().trimmed()))));
        QCOMPARE(first, QByteArray("logged 10"));
        QVERIFY(writer.ask("fill " + QFile::encodeName(filler)).startsWith("filled "));

        // The disk is full: the calls return, nothing more reaches the file, the error is known.
        constexpr int Logged = 2000;
        QCOMPARE(writer.ask("log " + QByteArray::number(Logged)), "logged 2000");
        const QByteArray full = writer.ask("stats");
        // last_error() is the latest failure: ENOSPC, or past the bound the drop that followed.
        if (!overflows)
            QVERIFY2(WriterProcess::field(full, "errno") == ENOSPC, full);
        QVERIFY2(WriterProcess::field(full, "write_errors") > 0, full);
        QVERIFY2(
            WriterProcess::field(full, "written") < WriterProcess::field(full, "records"), full);
        QVERIFY2(writer.errors().contains("No space left on device"), writer.errors());
        QCOMPARE(WriterProcess::field(full, "dropped") > 0, overflows);
        QCOMPARE(writer.ask("flush"), "flush 0");

        // Space returns: one flush writes what was kept.
        QCOMPARE(writer.ask("unfill " + QFile::encodeName(filler)), "unfilled");
        QCOMPARE(writer.ask("flush"), "flush 1");
        const QByteArray after = writer.ask("stats");
        QCOMPARE(writer.ask("copy " + QFile::encodeName(copy)), "copied 1");
        QCOMPARE(writer.ask("close"), "close 1");
        QVERIFY(writer.finish());

        const Content content = inspect(copy);
        QCOMPARE(content.unparsable, 0);
        QCOMPARE(content.runBegins, 1);
        QCOMPARE(qint64(content.lines), WriterProcess::field(after, "written"));
        const qint64 dropped = WriterProcess::field(after, "dropped");
        if (!overflows) {
            QCOMPARE(dropped, 0);
            QCOMPARE(content.steps, range(10 + Logged)); // each once, in order
        } else {
            QVERIFY(strictlyIncreasing(content.steps)); // nothing twice
            QCOMPARE(content.steps.size() + dropped, qint64(10 + Logged));
            QCOMPARE(content.droppedNotice, dropped);
        }
    }

    // Row 2: a path that cannot be opened is reported at once, by the trainer too.
    void unwritablePathIsReported_data()
    {
        testing::addTable<Blocker, QByteArray>({ "blocker", "reason" },
            {
                { "parent is a file", Blocker::ParentIsAFile, QByteArray("Not a directory") },
                { "path is a folder", Blocker::PathIsAFolder, QByteArray("Is a directory") },
            });
    }
    void unwritablePathIsReported()
    {
        QFETCH(Blocker, blocker);
        QFETCH(QByteArray, reason);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("runs/run.jsonl"));
        block(path, blocker);
        QProcess trainer;
        trainer.start(trainerPath(),
            { QStringLiteral("--out"), path, QStringLiteral("--steps"), QStringLiteral("50") });
        QVERIFY(trainer.waitForFinished(60000));
        QCOMPARE(trainer.exitStatus(), QProcess::NormalExit);
        QCOMPARE(trainer.exitCode(), 1);
        const QByteArray errors = trainer.readAllStandardError();
        QVERIFY2(errors.contains(reason), errors);
        QVERIFY2(errors.contains("not every record reached the file"), errors);
    }

    // Row 2: once the path can be written, the kept records go there, in order, once.
    void unwritablePathRecoversWhenWritable_data()
    {
        unwritablePathIsReported_data();
    }
    void unwritablePathRecoversWhenWritable()
    {
        QFETCH(Blocker, blocker);
        QFETCH(QByteArray, reason);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("runs/run.jsonl"));
        const QString obstacle = block(path, blocker);

        WriterProcess writer;
        QVERIFY(writer.start({ QStringLiteral("--out"), path }));
        QCOMPARE(writer.ask("log 100"), "logged 100");
        const QByteArray blocked = writer.ask("stats");
        QCOMPARE(WriterProcess::field(blocked, "written"), 0);
        QVERIFY2(WriterProcess::field(blocked, "write_errors") > 0, blocked);
        QVERIFY2(writer.errors().contains(reason), writer.errors());

        QVERIFY(QFileInfo(obstacle).isDir() ? QDir().rmdir(obstacle) : QFile::remove(obstacle));
        QCOMPARE(writer.ask("flush"), "flush 1");
        QCOMPARE(writer.ask("close"), "close 1");
        QVERIFY(writer.finish());
        const Content content = inspect(path);
        QCOMPARE(content.unparsable, 0);
        QCOMPARE(content.runBegins, 1);
        QCOMPARE(content.steps, range(100));
    }

    // Row 2: the folder is removed while the writer runs. The logger notices (at most a second
    // later), creates the file again starting with run_begin and says so; from then on every
    // record is there, and the viewer reads the new file without a malformed line.
    void folderRemovedWhileWriting()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("runs"));
        const QString path = folder + QStringLiteral("/run.jsonl");
        WriterProcess writer;
        QVERIFY(writer.start({ QStringLiteral("--out"), path }));
        QCOMPARE(writer.ask("log 100"), "logged 100");
        QVERIFY(QDir(folder).removeRecursively());

        // Keep training until the logger has looked (it checks once a second).
        int batches = 0;
        const auto logAndCheck = [&] {
            writer.ask("log 10");
            ++batches;
            return writer.errors().contains("was deleted while open");
        };
        QTRY_VERIFY_WITH_TIMEOUT(logAndCheck(), 20000);
        QVERIFY2(writer.errors().contains("created it again"), writer.errors());
        QCOMPARE(writer.ask("log 50"), "logged 50");
        QCOMPARE(writer.ask("close"), "close 1");
        QVERIFY(writer.finish());

        const Content content = inspect(path);
        QCOMPARE(content.unparsable, 0);
        QCOMPARE(content.runBegins, 1);
        QVERIFY(readLines(path).lines.front().contains("\"tag\":\"run_begin\""));
        QVERIFY(strictlyIncreasing(content.steps));
        // Records written into the deleted file before the check are gone with it (documented);
        // the last 50 are all there.
        const qint64 total = 100 + 10 * qint64(batches) + 50;
        QVERIFY(content.steps.size() >= 50);
        QCOMPARE(content.steps.back(), total - 1);
        QCOMPARE(content.steps.size(), content.steps.back() - content.steps.front() + 1);

        const Summary s = summary({ path });
        QCOMPARE(s.status, 0);
        QCOMPARE(s.records(0), qint64(content.lines));
        QCOMPARE(s.malformed(0).size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestWriterFaults)
#include "tst_writer_faults.moc"
