// Images drawn on the pool: a prerender waited for is drawn even when the pool has not started it,
// then taken as usual.
#include "layer_prerender.hpp"
#include "pool_hold.hpp"

#include <QPainter>
#include <QSemaphore>
#include <QTest>
#include <QThreadPool>

#include <atomic>
#include <thread>

using namespace viewer;

class TestPooledImageRender : public QObject
{
    Q_OBJECT
private slots:
    // A prerender the pool has not started (its threads all held) is claimed by
    // waitUntilDrawn(), drawn once a thread is free and never again by its own queued task;
    // take() then returns that image.
    void waitDrawsAJobThePoolHasNotStarted()
    {
        test::PoolHold hold;
        QVERIFY(hold.isHeld());
        std::atomic<int> draws { 0 };
        QSemaphore gate; // the drawing waits for it: the waiter must wait for the drawing
        const auto job = LayerPrerender::start(QSize(20, 10), 1.0, [&](QPainter* p) {
            gate.acquire();
            ++draws;
            p->fillRect(QRect(0, 0, 20, 10), Qt::red);
        });
        QSemaphore waited;
        std::thread waiter([&] {
            job->waitUntilDrawn();
            waited.release();
        });
        hold.release();
        const bool early = waited.tryAcquire(1, 300); // (not a duration check: it must not return)
        gate.release();
        const bool done = early || waited.tryAcquire(1, 10000);
        waiter.join();
        QVERIFY(!early);
        QVERIFY(done);
        QCOMPARE(draws.load(), 1); // drawn when the wait returned
        job->waitUntilDrawn(); // once drawn, waiting again returns at once
        const QImage image = job->take();
        QCOMPARE(image.pixelColor(5, 5), QColor(Qt::red));
        QVERIFY(QThreadPool::globalInstance()->waitForDone(10000));
        QCOMPARE(draws.load(), 1); // the queued task found it drawn and did nothing
    }
};

QTEST_MAIN(TestPooledImageRender)
#include "tst_pooled_image_render.moc"
