// Images drawn on the pool: in two bands of rows (drawnImage's inBands), the pixels of one painter
// for drawings whose lines are axis-aligned (rectangles, SpanFill's spans, horizontal and vertical
// lines, across the seam too); and a prerender waited for is drawn even when the pool has not
// started it, then taken as usual.
#include "layer_prerender.hpp"
#include "pool_hold.hpp"
#include "pooled_image_render.hpp"
#include "span_fill.hpp"

#include <QPainter>
#include <QSemaphore>
#include <QTest>
#include <QThreadPool>

#include <atomic>
#include <thread>
#include <vector>

using namespace viewer;

namespace {

// Combines its transform with the painter's, as drawnImage asks.
void drawAxisAligned(QPainter* p)
{
    p->setTransform(QTransform::fromTranslate(3, 2), true);
    p->fillRect(QRectF(5, 5, 40, 90), QColor(200, 10, 10, 120));
    const std::vector<QRectF> spans { { 10, 0, 1, 140 }, { 11, 47, 1, 9 }, { 60, 30, 1, 60 } };
    const SpanFill fill(p, QRectF());
    if (!fill.fill(p, spans, QColor(10, 20, 200, 90))) {
        for (const QRectF& s : spans)
            p->fillRect(s, QColor(10, 20, 200, 90));
    }
    QPen pen(QColor(0, 120, 0, 200), 1.0);
    pen.setCosmetic(true);
    p->setPen(pen);
    p->drawLine(QPointF(0.5, 60.5), QPointF(90.5, 60.5)); // on the seam's rows or near them
    p->drawLine(QPointF(70.5, 1.5), QPointF(70.5, 130.5)); // across the seam
}

} // namespace

class TestPooledImageRender : public QObject
{
    Q_OBJECT
private slots:
    void bandsGiveOnePaintersPixels_data()
    {
        QTest::addColumn<int>("height");
        QTest::addColumn<qreal>("dpr");
        QTest::newRow("even height") << 150 << qreal(1.0);
        QTest::newRow("odd height") << 151 << qreal(1.0);
        QTest::newRow("device pixel ratio 2") << 302 << qreal(2.0);
        QTest::newRow("too low to split") << 40 << qreal(1.0);
        QTest::newRow("ratio 1.5: not split") << 225 << qreal(1.5);
    }
    void bandsGiveOnePaintersPixels()
    {
        QFETCH(int, height);
        QFETCH(qreal, dpr);
        const QSize pixels(int(100 * dpr), height);
        const QImage one = drawnImage(pixels, dpr, drawAxisAligned, false);
        const QImage banded = drawnImage(pixels, dpr, drawAxisAligned, true);
        QCOMPARE(banded.size(), one.size());
        QCOMPARE(banded.devicePixelRatio(), dpr);
        QVERIFY(one.pixel(int(12 * dpr), int(100 * dpr) / 2) != 0); // something was drawn there
        QCOMPARE(banded, one);
    }

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
