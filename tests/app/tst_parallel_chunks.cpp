// ParallelChunks: every index is worked on exactly once, by the caller and the pool's threads,
// and the call returns only when all are done; a pool busy with other work (a chart's image
// being drawn) never holds the caller up, and a helper that starts late does nothing.
#include "parallel_chunks.hpp"
#include "pool_hold.hpp"

#include <QSemaphore>
#include <QTest>
#include <QThread>
#include <QThreadPool>

#include <atomic>
#include <vector>

using namespace viewer;

class TestParallelChunks : public QObject
{
    Q_OBJECT
private slots:
    void everyIndexOnce_data()
    {
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("minPerChunk");
        QTest::newRow("none") << 0 << 8;
        QTest::newRow("fewer than two chunks: the caller alone") << 15 << 8;
        QTest::newRow("two chunks") << 16 << 8;
        QTest::newRow("many chunks") << 10007 << 8;
        QTest::newRow("chunks of one") << 1000 << 1;
        QTest::newRow("minPerChunk 0 counts as 1") << 100 << 0;
    }
    void everyIndexOnce()
    {
        QFETCH(int, count);
        QFETCH(int, minPerChunk);
        std::vector<std::atomic<int>> seen(static_cast<std::size_t>(count));
        std::atomic<int> calls { 0 };
        std::atomic<int> emptyChunks {
            0
        }; // (counted: a QVERIFY off the test's thread is not safe)
        ParallelChunks::run(
            std::size_t(count), std::size_t(minPerChunk), [&](std::size_t begin, std::size_t end) {
                if (!(begin < end))
                    ++emptyChunks;
                ++calls;
                for (std::size_t i = begin; i < end; ++i)
                    ++seen[i];
            });
        // Everything is done when run() returns: no chunk is still being worked on.
        for (int i = 0; i < count; ++i)
            QCOMPARE(seen[std::size_t(i)].load(), 1);
        QCOMPARE(emptyChunks.load(), 0);
        QCOMPARE(calls.load() > 0, count > 0);
        if (count > 0 && count < 2 * std::max(minPerChunk, 1))
            QCOMPARE(calls.load(), 1);
    }

    // With a free pool thread, the work is spread: the caller's first chunk waits (seconds at
    // most) until a chunk was taken on another thread.
    void usesThePool()
    {
        QThreadPool* pool = QThreadPool::globalInstance();
        const int before = pool->maxThreadCount();
        pool->setMaxThreadCount(std::max(2, before));
        const Qt::HANDLE caller = QThread::currentThreadId();
        QSemaphore helperWorked;
        std::atomic<bool> callerWaited { false };
        std::atomic<int> helperChunks { 0 };
        ParallelChunks::run(64, 1, [&](std::size_t, std::size_t) {
            if (QThread::currentThreadId() != caller) {
                ++helperChunks;
                helperWorked.release();
            } else if (!callerWaited.exchange(true)) {
                helperWorked.tryAcquire(1, 10000);
            }
        });
        pool->setMaxThreadCount(before);
        QVERIFY(helperChunks.load() > 0);
    }

    // Every pool thread blocked: the caller does all the work and returns; the helpers queued
    // meanwhile start once the pool is free, find nothing and never call the work.
    void busyPoolDoesNotHoldTheCaller()
    {
        test::PoolHold hold;
        QVERIFY(hold.isHeld());
        std::atomic<int> done { 0 };
        std::atomic<bool> returned { false };
        std::atomic<int> calledAfterReturn { 0 };
        ParallelChunks::run(1000, 4, [&](std::size_t begin, std::size_t end) {
            if (returned)
                ++calledAfterReturn;
            done += int(end - begin);
        });
        returned = true;
        QCOMPARE(done.load(), 1000);
        hold.release();
        QVERIFY(QThreadPool::globalInstance()->waitForDone(10000));
        QCOMPARE(calledAfterReturn.load(), 0);
        QCOMPARE(done.load(), 1000);
    }
};

QTEST_GUILESS_MAIN(TestParallelChunks)
#include "tst_parallel_chunks.moc"
