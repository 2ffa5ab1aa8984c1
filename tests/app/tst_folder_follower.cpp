#include "folder_follower.hpp"
#include "follow_test_support.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <memory>

using viewer::FileFollower;
using viewer::FolderFollower;
using viewer::LineChunk;
using viewer::LinePosition;
using State = viewer::FileFollower::State;

namespace {

using namespace viewer::test;

// inotify instances this process holds (each QFileSystemWatcher has its own; the per-user limit
// is often 128).
int inotifyInstances()
{
    int count = 0;
    const QDir fds(QStringLiteral("/proc/self/fd"));
    for (const QString& fd :
        fds.entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)) {
        if (QFile::symLinkTarget(fds.filePath(fd)).endsWith(QLatin1String("anon_inode:inotify")))
            ++count;
    }
    return count;
}

} // namespace

// A consumer of a folder: lines per file (dropped on that file's reset), files announced.
class FolderCollector : public QObject
{
    Q_OBJECT
public:
    QHash<QString, QList<QByteArray>> lines;
    QHash<QString, qint64> firstLine; // of the first chunk seen per file
    QStringList added;
    QStringList resets; // "path: reason"
    State state = State::Stopped;
    QString message;
    QHash<QString, State> fileStates;
    // A consumer that has not merged its chunks yet: their credits stay alive.
    bool holdCredits = false;
    QList<std::shared_ptr<const void>> heldCredits;
    qint64 byteCount = 0;
    // Chunks that end a pass (LineChunk::moreFollow false): how many times the consumer woke.
    int passEnds = 0;

    qsizetype lineCount(const QString& path) const
    {
        return lines.value(path).size();
    }

public slots:
    void onLinesRead(const viewer::LineChunk& chunk)
    {
        byteCount += chunk.bytes.size();
        if (!chunk.moreFollow)
            ++passEnds;
        if (holdCredits)
            heldCredits << chunk.credit;
        if (!firstLine.contains(chunk.path))
            firstLine.insert(chunk.path, chunk.firstLine);
        QList<QByteArray> split = chunk.bytes.split('\n');
        split.removeLast();
        lines[chunk.path] += split;
    }
    void onFileAdded(const QString& path)
    {
        added << path;
    }
    void onFileReset(const QString& path, const QString& reason)
    {
        resets << path + QStringLiteral(": ") + reason;
        lines.remove(path);
    }
    void onStateChanged(viewer::FileFollower::State newState, const QString& newMessage)
    {
        state = newState;
        message = newMessage;
    }
    void onFileStateChanged(
        const QString& path, viewer::FileFollower::State newState, const QString&)
    {
        fileStates.insert(path, newState);
    }
};

class FolderOnThread
{
public:
    FolderOnThread(const QString& folder, bool pollingOnly, qint64 maxBytesInFlight = 0,
        qsizetype maxReadBytes = FileFollower::DefaultMaxReadBytes, int coalesceMs = -1)
        : m_follower(new FolderFollower(folder))
    {
        m_follower->setPollingOnly(pollingOnly);
        if (coalesceMs >= 0)
            m_follower->setCoalesceInterval(coalesceMs);
        if (maxBytesInFlight > 0)
            m_follower->setMaxBytesInFlight(maxBytesInFlight);
        m_follower->setMaxReadBytes(maxReadBytes);
        m_follower->setSafetyPollInterval(60'000); // notification alone must do in "notify"
        m_follower->moveToThread(&m_thread);
        QObject::connect(
            m_follower, &FolderFollower::linesRead, &collector, &FolderCollector::onLinesRead);
        QObject::connect(
            m_follower, &FolderFollower::fileAdded, &collector, &FolderCollector::onFileAdded);
        QObject::connect(
            m_follower, &FolderFollower::fileReset, &collector, &FolderCollector::onFileReset);
        QObject::connect(m_follower, &FolderFollower::stateChanged, &collector,
            &FolderCollector::onStateChanged);
        QObject::connect(m_follower, &FolderFollower::fileStateChanged, &collector,
            &FolderCollector::onFileStateChanged);
        m_thread.start();
    }
    ~FolderOnThread()
    {
        QMetaObject::invokeMethod(
            m_follower, [f = m_follower] { delete f; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    FolderOnThread(const FolderOnThread&) = delete;
    FolderOnThread& operator=(const FolderOnThread&) = delete;

    void start(const QHash<QString, LinePosition>& resumeAt = {})
    {
        QMetaObject::invokeMethod(m_follower, [f = m_follower, resumeAt] { f->start(resumeAt); });
    }
    QStringList files()
    {
        QStringList paths;
        QMetaObject::invokeMethod(
            m_follower, [&] { paths = m_follower->files(); }, Qt::BlockingQueuedConnection);
        return paths;
    }
    quint64 fileCheckCount()
    {
        quint64 checks = 0;
        QMetaObject::invokeMethod(
            m_follower, [&] { checks = m_follower->fileCheckCount(); },
            Qt::BlockingQueuedConnection);
        return checks;
    }

    FolderCollector collector;

private:
    QThread m_thread;
    FolderFollower* m_follower;
};

class TestFolderFollower : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void filesJoinAndChunksAreTagged_data();
    void filesJoinAndChunksAreTagged();
    void missingFolderWaits_data();
    void missingFolderWaits();
    void recreatedFileStartsOver();
    void fileRotatedWithinFolderIsNotReadTwice();
    void oneWatcherForManyFiles();
    void filesShareOneBudget();
    void aPassIsOneBatch();
    void aChangeChecksOnlyItsFile();

private:
    void addModeRows();
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestFolderFollower::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestFolderFollower::addModeRows()
{
    QTest::addColumn<bool>("pollingOnly");
    QTest::newRow("notify") << false;
    QTest::newRow("polling only") << true;
}

void TestFolderFollower::filesJoinAndChunksAreTagged_data()
{
    addModeRows();
}

// Files the loader read resume where it stopped (no fileAdded); other files, now or later, are
// announced and read from the start; other extensions are ignored.
void TestFolderFollower::filesJoinAndChunksAreTagged()
{
    QFETCH(bool, pollingOnly);
    const QString a = m_dir->filePath(QStringLiteral("rank0.jsonl"));
    const QString b = m_dir->filePath(QStringLiteral("rank1.jsonl"));
    const QString c = m_dir->filePath(QStringLiteral("rank2.jsonl"));
    QVERIFY(writeFile(a, records(0, 2)));
    QVERIFY(writeFile(b, records(10, 13)));
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("notes.txt")), "not a log\n"));

    FolderOnThread run(m_dir->path(), pollingOnly);
    run.start({ { a, LinePosition { records(0, 1).size(), 2 } } });
    QTRY_COMPARE_WITH_TIMEOUT(run.collector.lineCount(b), 3, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(run.collector.lineCount(a), 1, 5000);
    QCOMPARE(run.collector.lines.value(a), QList<QByteArray> { "{\"i\": 1}" });
    QCOMPARE(run.collector.firstLine.value(a), 2);
    QCOMPARE(run.collector.added, QStringList { b });
    QCOMPARE(run.collector.state, State::Following);
    QCOMPARE(run.collector.message.isEmpty(), !pollingOnly);

    QVERIFY(writeFile(c, records(20, 22)));
    QTRY_COMPARE_WITH_TIMEOUT(run.collector.lineCount(c), 2, 5000);
    QCOMPARE(run.collector.added, (QStringList { b, c }));
    QCOMPARE(run.collector.firstLine.value(c), 1);

    QVERIFY(appendFile(a, records(2, 3)));
    QVERIFY(appendFile(c, records(22, 23)));
    QTRY_COMPARE_WITH_TIMEOUT(run.collector.lineCount(a), 2, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(run.collector.lineCount(c), 3, 5000);
    QCOMPARE(run.files(), (QStringList { a, b, c }));
    QCOMPARE(run.collector.lines.size(), 3); // nothing from notes.txt
}

void TestFolderFollower::missingFolderWaits_data()
{
    addModeRows();
}

void TestFolderFollower::missingFolderWaits()
{
    QFETCH(bool, pollingOnly);
    const QString folder = m_dir->filePath(QStringLiteral("later"));
    FolderOnThread run(folder, pollingOnly);
    run.start();
    QTRY_COMPARE_WITH_TIMEOUT(run.collector.state, State::Waiting, 5000);
    QCOMPARE(run.collector.message, QStringLiteral("waiting for the folder to appear"));

    QVERIFY(QDir().mkdir(folder));
    const QString file = QDir(folder).filePath(QStringLiteral("run.jsonl"));
    QVERIFY(writeFile(file, records(0, 2)));
    QTRY_COMPARE_WITH_TIMEOUT(run.collector.lineCount(file), 2, 5000);
    QCOMPARE(run.collector.added, QStringList { file });
    QCOMPARE(run.collector.state, State::Following);
}

// A file of the folder deleted and recreated starts over on its own; the others are untouched.
void TestFolderFollower::recreatedFileStartsOver()
{
    const QString a = m_dir->filePath(QStringLiteral("a.jsonl"));
    const QString b = m_dir->filePath(QStringLiteral("b.jsonl"));
    QVERIFY(writeFile(a, records(0, 2)));
    QVERIFY(writeFile(b, records(10, 12)));
    FolderOnThread run(m_dir->path(), false);
    run.start();
    QTRY_COMPARE_WITH_TIMEOUT(run.collector.lineCount(a), 2, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(run.collector.lineCount(b), 2, 5000);

    QVERIFY(QFile::remove(a));
    QTRY_COMPARE_WITH_TIMEOUT(run.collector.fileStates.value(a), State::Waiting, 5000);
    QVERIFY(writeFile(a, records(5, 6)));
    QTRY_COMPARE_WITH_TIMEOUT(
        run.collector.resets, QStringList { a + ": file deleted and recreated" }, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(run.collector.lineCount(a), 1, 5000);
    QCOMPARE(run.collector.lineCount(b), 2);
    QCOMPARE(run.collector.added, (QStringList { a, b })); // not announced twice
}

// `mv rank0.jsonl rank0.1.jsonl` + a new rank0.jsonl: the rank0 follower drains the old file and
// goes on with the new one; rank0.1.jsonl is not followed again (that would duplicate its lines).
void TestFolderFollower::fileRotatedWithinFolderIsNotReadTwice()
{
    const QString current = m_dir->filePath(QStringLiteral("rank0.jsonl"));
    const QString rotated = m_dir->filePath(QStringLiteral("rank0.1.jsonl"));
    QFile writer(current);
    QVERIFY(writer.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
    QCOMPARE(writer.write(records(0, 3)), records(0, 3).size());
    FolderOnThread run(m_dir->path(), false);
    run.start();
    QTRY_COMPARE_WITH_TIMEOUT(run.collector.lineCount(current), 3, 5000);

    QVERIFY(QFile::rename(current, rotated));
    QCOMPARE(writer.write(records(3, 4)), records(3, 4).size());
    writer.close();
    QVERIFY(writeFile(current, records(4, 6)));
    QTRY_COMPARE_WITH_TIMEOUT(run.collector.lineCount(current), 6, 5000);
    QCOMPARE(run.files(), QStringList { current });
    QCOMPARE(run.collector.added, QStringList { current });
    QCOMPARE(run.collector.lineCount(rotated), 0);
    QCOMPARE(run.collector.resets, QStringList());
}

// 40 rank files cost one inotify instance, not 40 (the default per-user limit is 128).
void TestFolderFollower::oneWatcherForManyFiles()
{
    for (int rank = 0; rank < 40; ++rank)
        QVERIFY(writeFile(
            m_dir->filePath(QStringLiteral("rank%1.jsonl").arg(rank)), records(rank, rank + 1)));
    const int before = inotifyInstances();
    FolderOnThread run(m_dir->path(), false);
    run.start();
    QTRY_COMPARE_WITH_TIMEOUT(run.collector.lines.size(), 40, 5000);
    QCOMPARE(run.collector.state, State::Following);
    QCOMPARE(run.collector.message, QString()); // notifying
    QVERIFY2(inotifyInstances() - before <= 1, qPrintable(QString::number(inotifyInstances())));
}

// Back-pressure for a folder (issue 11 item 4): its files share one budget of bytes in flight, so
// four files far ahead of their consumer hold 256 KiB between them, not 256 KiB each; once the
// consumer has merged, every line of every file arrives.
void TestFolderFollower::filesShareOneBudget()
{
    constexpr int perFile = 25'000; // ~0.5 MiB each
    constexpr qint64 limit = 256 * 1024;
    constexpr qsizetype read = 64 * 1024;
    QStringList paths;
    for (int f = 0; f < 4; ++f) {
        paths << m_dir->filePath(QStringLiteral("rank%1.jsonl").arg(f));
        QVERIFY(writeFile(paths.last(), records(0, perFile)));
    }
    FolderOnThread run(m_dir->path(), false, limit, read);
    run.collector.holdCredits = true;
    run.start();
    QTRY_VERIFY_WITH_TIMEOUT(run.collector.byteCount >= limit, 15'000);
    QTest::qWait(300); // the files keep being checked meanwhile: none may read on
    QVERIFY2(run.collector.byteCount <= limit + read,
        qPrintable(
            QStringLiteral("%1 bytes read with nothing merged").arg(run.collector.byteCount)));

    run.collector.holdCredits = false;
    run.collector.heldCredits.clear();
    for (const QString& path : paths)
        QTRY_COMPARE_WITH_TIMEOUT(run.collector.lineCount(path), perFile, 15'000);
}

// Issue 15: files that change together are read in one pass, and its chunks go out back to back,
// every one but the last marked moreFollow, in name order: the consumer wakes once for the 20
// files, not 20 times.
void TestFolderFollower::aPassIsOneBatch()
{
    constexpr int files = 20;
    QStringList paths;
    for (int f = 0; f < files; ++f) {
        paths << m_dir->filePath(QStringLiteral("rank%1.jsonl").arg(f, 2, 10, QLatin1Char('0')));
        QVERIFY(writeFile(paths.last(), records(f, f + 1)));
    }
    // A long coalesce interval: the 20 appends below land within it, however loaded the machine.
    FolderOnThread run(m_dir->path(), false, 0, FileFollower::DefaultMaxReadBytes, 500);
    run.start();
    for (const QString& path : paths)
        QTRY_COMPARE_WITH_TIMEOUT(run.collector.lineCount(path), 1, 5000);
    run.collector.passEnds = 0;
    run.collector.firstLine.clear();

    for (int f = 0; f < files; ++f)
        QVERIFY(appendFile(paths[f], records(100 + f, 101 + f)));
    for (const QString& path : paths)
        QTRY_COMPARE_WITH_TIMEOUT(run.collector.lineCount(path), 2, 5000);
    QCOMPARE(run.collector.passEnds, 1);
    for (int f = 0; f < files; ++f)
        QCOMPARE(run.collector.lines.value(paths[f]).last(),
            QByteArray("{\"i\": " + QByteArray::number(100 + f) + "}"));
}

// Issue 15: an append to one file of 20 looks at that file only (the watcher's event goes to its
// follower, by path), not at every file of the folder.
void TestFolderFollower::aChangeChecksOnlyItsFile()
{
    constexpr int files = 20;
    QStringList paths;
    for (int f = 0; f < files; ++f) {
        paths << m_dir->filePath(QStringLiteral("rank%1.jsonl").arg(f));
        QVERIFY(writeFile(paths.last(), records(f, f + 1)));
    }
    FolderOnThread run(m_dir->path(), false); // safety poll: 60 s, out of the way
    run.start();
    for (const QString& path : paths)
        QTRY_COMPARE_WITH_TIMEOUT(run.collector.lineCount(path), 1, 5000);
    const quint64 before = run.fileCheckCount();

    QVERIFY(appendFile(paths[7], records(50, 51)));
    QTRY_COMPARE_WITH_TIMEOUT(run.collector.lineCount(paths[7]), 2, 5000);
    const quint64 checks = run.fileCheckCount() - before;
    // One write gives one notification; two, if the kernel split it, are still this file's.
    QVERIFY2(checks >= 1 && checks <= 2, qPrintable(QStringLiteral("%1 checks").arg(checks)));
}

QTEST_GUILESS_MAIN(TestFolderFollower)
#include "tst_folder_follower.moc"
