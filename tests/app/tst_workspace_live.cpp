// The Workspace while a writer is still writing (docs/bad-inputs.md V10, V20, V27): an unfinished
// last line is a note, not an error, and becomes a record when it completes; a line that grows past
// the 16 MiB cap is skipped and reported once; a burst of a million lines arrives exactly, in
// batches, without stalling the thread the Workspace (and the UI) runs on.

#include "file_follower.hpp"
#include "follow_test_support.hpp"
#include "stall_meter.hpp"
#include "workspace.hpp"
#include "workspace_test_support.hpp"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <atomic>
#include <fcntl.h>
#include <thread>
#include <time.h>
#include <unistd.h>

using namespace viewer;

namespace {

using namespace viewer::test;

} // namespace

class TestWorkspaceLive : public QObject
{
    Q_OBJECT
private slots:
    void incompleteLastLineIsANoteNotAnError();
    void burstOfOneMillionLinesKeepsTheLoopResponsive();
    void hugeLineWithoutNewlineIsSkipped();
};

// V20: a writer that stops mid-line (crashed, or slow): after the idle time the source says
// "line N is incomplete", the file is not marked failed and no malformed line is counted; when
// the line is completed later it is a record like any other and the note goes away.
void TestWorkspaceLive::incompleteLastLineIsANoteNotAnError()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("run.jsonl"));
    QVERIFY(appendFile(path, stepLines(0, 3)));
    Workspace workspace;
    const int source = openLoaded(workspace, path);
    QVERIFY(source > 0);
    QCOMPARE(recordCount(workspace), std::size_t(3));

    const QByteArray fourth = stepLines(3, 4);
    QVERIFY(appendFile(path, fourth.left(30)));
    QTRY_COMPARE_WITH_TIMEOUT(workspace.source(source).message,
        QStringLiteral("line 4 is incomplete (no newline yet)"), 15000); // idle time: 5 s
    QCOMPARE(workspace.source(source).state, Workspace::SourceState::Following);
    QCOMPARE(recordCount(workspace), std::size_t(3));
    QCOMPARE(listedMalformed(workspace), std::size_t(0));

    QVERIFY(appendFile(path, fourth.mid(30)));
    QTRY_COMPARE_WITH_TIMEOUT(recordCount(workspace), std::size_t(4), 5000);
    QCOMPARE(listedMalformed(workspace), std::size_t(0));
    QTRY_COMPARE_WITH_TIMEOUT(workspace.source(source).message, QString(), 5000);
    QCOMPARE(workspace.source(source).state, Workspace::SourceState::Following);
}

// V27: 1,000,000 lines appended as fast as possible while the file is followed: every record
// arrives exactly once, and the thread the Workspace merges on (the GUI thread in the viewer)
// keeps serving its event loop: the records arrive in merges whose size is bounded by the bytes
// one read may take (FileFollower::DefaultMaxReadBytes), however fast the file grows. How long a
// merge takes is a speed, measured by tests/bench/bench_gui_thread beside an unbatched merge.
void TestWorkspaceLive::burstOfOneMillionLinesKeepsTheLoopResponsive()
{
    constexpr int Total = 1'000'000;
    constexpr int Block = 10'000;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("burst.jsonl"));
    QVERIFY(appendFile(path, QByteArray()));
    Workspace workspace;
    QSignalSpy appended(&workspace, &Workspace::runsAppended);
    const int source = openLoaded(workspace, path);
    QVERIFY(source > 0);
    QTRY_COMPARE(workspace.source(source).state, Workspace::SourceState::Following);
    std::size_t largestMerge = 0;
    std::size_t seen = 0;
    connect(&workspace, &Workspace::runsAppended, this, [&] {
        const std::size_t now = recordCount(workspace);
        largestMerge = std::max(largestMerge, now - seen);
        seen = now;
    });

    std::vector<QByteArray> blocks;
    for (int from = 0; from < Total; from += Block)
        blocks.push_back(stepLines(from, from + Block));
    StallMeter meter;
    QElapsedTimer clock;
    clock.start();
    std::atomic<qint64> written { -1 };
    // The writer runs while this thread serves its event loop (joined only at the end).
    std::thread writer([&] {
        const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_APPEND);
        for (const QByteArray& block : blocks) {
            qsizetype done = 0;
            while (fd >= 0 && done < block.size()) {
                const ssize_t n = ::write(fd, block.constData() + done, block.size() - done);
                if (n <= 0)
                    break;
                done += n;
            }
        }
        if (fd >= 0)
            ::close(fd);
        written = clock.elapsed();
    });
    QTRY_COMPARE_WITH_TIMEOUT(recordCount(workspace), std::size_t(Total), 90'000);
    const qint64 arrived = clock.elapsed();
    writer.join();
    QCOMPARE(listedMalformed(workspace), std::size_t(0));
    const Run* run = workspace.run(workspace.runIds().front());
    QCOMPARE(run->series[std::size_t(run->findSeries(QStringLiteral("step_end/loss")))].size(),
        std::size_t(Total));
    qInfo("written in %lld ms, all in the store after %lld ms, %lld merges, longest stall %lld ms "
          "(%lld ms of CPU)",
        written.load(), arrived, qint64(appended.size()), meter.longestMs(), meter.longestCpuMs());
    QVERIFY2(appended.size() < Total / 100, "records are not merged in batches");
    // A merge holds at most one read's worth of lines: the work per event-loop pass is bounded by
    // the data, not by how far behind the reader is.
    const qsizetype shortestLine = stepLines(0, 1).size();
    const std::size_t mostPerRead =
        std::size_t(FileFollower::DefaultMaxReadBytes / shortestLine) + 1;
    qInfo("largest merge %zu records (bound %zu)", largestMerge, mostPerRead);
    QVERIFY2(largestMerge <= mostPerRead,
        qPrintable(QStringLiteral("a merge of %1 records").arg(largestMerge)));
    QVERIFY2(meter.ticks() > 0, "the event loop never ran while the records arrived");
}

// V10: a 100 MiB line still being written without a newline: its bytes past 16 MiB are skipped
// (never buffered), it is reported once as a malformed line with its number, the next line is a
// record, and the event loop here keeps running meanwhile.
void TestWorkspaceLive::hugeLineWithoutNewlineIsSkipped()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("long.jsonl"));
    QVERIFY(appendFile(path, stepLines(0, 2)));
    Workspace workspace;
    QVERIFY(openLoaded(workspace, path) > 0);
    QCOMPARE(recordCount(workspace), std::size_t(2));

    StallMeter meter;
    const QByteArray mebibyte(1024 * 1024, 'x');
    QFile file(path);
    QVERIFY(file.open(QIODevice::Append | QIODevice::Unbuffered));
    file.write("{\"ts\": 1, \"tag\": \"blob\", \"data\": \"");
    for (int i = 0; i < 100; ++i) {
        QCOMPARE(file.write(mebibyte), mebibyte.size());
        if (i % 10 == 0)
            QCoreApplication::processEvents(); // the follower reads while the line grows
    }
    QTRY_COMPARE_WITH_TIMEOUT(listedMalformed(workspace), std::size_t(1), 10000);
    QCOMPARE(file.write("\"}\n" + stepLines(2, 3)), qint64(3) + stepLines(2, 3).size());
    file.close();
    QTRY_COMPARE_WITH_TIMEOUT(recordCount(workspace), std::size_t(3), 10000);
    const Run* run = workspace.run(workspace.runIds().front());
    QCOMPARE(run->malformed.size(), std::size_t(1));
    QCOMPARE(run->malformed[0].line, std::uint64_t(3));
    QCOMPARE(run->malformed[0].reason, QStringLiteral("line longer than 16 MiB"));
    QCOMPARE(run->records.step(2), 2.0);
    qInfo("longest stall %lld ms (%lld ms of CPU)", meter.longestMs(), meter.longestCpuMs());
    QVERIFY2(meter.ticks() > 0, "the event loop never ran while the line grew");
}

QTEST_GUILESS_MAIN(TestWorkspaceLive)
#include "tst_workspace_live.moc"
