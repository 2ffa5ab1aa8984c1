// SeriesLayer draws into an image on a pool thread and keeps it (issue 15, a folder of 1,000 runs):
// the pixels land where the curve lies at any offset, and the image is drawn anew exactly when
// what it shows changed.
#include "bundle_raster.hpp"
#include "curve_geometry.hpp"
#include "data_table.hpp"
#include "pool_hold.hpp"
#include "series_layer.hpp"
#include "span_fill.hpp"

#include <QGraphicsScene>
#include <QImage>
#include <QPainter>
#include <QSemaphore>
#include <QTest>
#include <QtMath>

#include <functional>
#include <limits>
#include <memory>
#include <random>
#include <thread>
#include <vector>

using namespace viewer;

namespace {

const QColor LineColor(0, 0, 255);

// A horizontal hairline at y = 20 from x = 10 to 90 in a 100 x 50 plot area.
LayerCurve horizontalLine(const QColor& color)
{
    LayerCurve curve;
    curve.color = color;
    curve.pieces.push_back(QPolygonF({ QPointF(10, 20), QPointF(90, 20) }));
    return curve;
}

QImage renderScene(QGraphicsScene& scene, const QPointF& offset)
{
    QImage image(200, 120, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.translate(offset);
    scene.render(&painter, QRectF(0, 0, 200, 120), QRectF(0, 0, 200, 120));
    return image;
}

std::vector<QRectF> someSpans(unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> pos(-20.0, 220.0);
    std::uniform_real_distribution<double> len(0.0, 60.0);
    std::uniform_int_distribution<int> whole(-10, 210);
    std::vector<QRectF> rects;
    for (int i = 0; i < 400; ++i) {
        // Whole-pixel columns as SeriesLayer cuts them, and arbitrary ones.
        if (i % 2 == 0)
            rects.emplace_back(whole(rng), whole(rng), 1.0, std::floor(len(rng)) + 1.0);
        else
            rects.emplace_back(pos(rng), pos(rng), len(rng) / 10.0, len(rng));
    }
    rects.emplace_back(10, 10, 1, 0); // empty
    rects.emplace_back(30, 40, -1, -5); // not normalised
    return rects;
}

QImage background()
{
    QImage image(240, 200, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter p(&image);
    p.fillRect(QRect(0, 0, 120, 200), QColor(250, 250, 250)); // half opaque, half transparent
    p.fillRect(QRect(60, 50, 120, 60), QColor(30, 120, 200, 128));
    return image;
}

// An aliased layer on `scene` with a plot area of 100 x 50 and one horizontal LineColor line at
// y = 20 from x = 10 to 90.
SeriesLayer* addLineLayer(QGraphicsScene& scene)
{
    auto* layer = new SeriesLayer;
    scene.addItem(layer);
    layer->setAntialiased(false);
    layer->setPlotArea(QRectF(0, 0, 100, 50));
    layer->setCurves({ horizontalLine(LineColor) });
    return layer;
}

} // namespace

Q_DECLARE_METATYPE(viewer::LayerCurve)

class TestSeriesLayer : public QObject
{
    Q_OBJECT

private slots:
    void drawsWhereTheCurveLies_data()
    {
        testing::addTable<QPointF>({ "offset" },
            {
                { "whole pixels", QPointF(0, 0) },
                { "whole offset", QPointF(7, 11) },
                { "fractional offset", QPointF(10.25, 6.5) },
            });
    }

    void drawsWhereTheCurveLies()
    {
        QFETCH(QPointF, offset);
        QGraphicsScene scene(0, 0, 200, 120);
        addLineLayer(scene);
        const QImage image = renderScene(scene, offset);
        // An aliased hairline at y = 20 covers the pixel row whose centre is nearest.
        const int row = qFloor(20 + offset.y());
        const int column = qFloor(50 + offset.x());
        QCOMPARE(image.pixelColor(column, row), LineColor);
        QCOMPARE(image.pixelColor(column, row - 3), QColor(Qt::white));
        QCOMPARE(image.pixelColor(column, row + 3), QColor(Qt::white));
        QCOMPARE(image.pixelColor(qFloor(95 + offset.x()), row), QColor(Qt::white));
    }

    void keepsTheDrawingUntilItChanges()
    {
        QGraphicsScene scene(0, 0, 200, 120);
        SeriesLayer* layer = addLineLayer(scene);
        renderScene(scene, QPointF());
        QCOMPARE(layer->renderCount(), 1);
        QCOMPARE(renderScene(scene, QPointF()).pixelColor(50, 20), LineColor);
        QCOMPARE(layer->renderCount(), 1); // a repaint: one blit

        layer->setCurves({ horizontalLine(Qt::green) });
        QCOMPARE(renderScene(scene, QPointF()).pixelColor(50, 20), QColor(Qt::green));
        QCOMPARE(layer->renderCount(), 2);

        layer->setPlotArea(QRectF(0, 0, 60, 50)); // clips the line at x = 60
        QCOMPARE(renderScene(scene, QPointF()).pixelColor(70, 20), QColor(Qt::white));
        QCOMPARE(layer->renderCount(), 3);

        // Shifted by whole pixels: the same image, blitted elsewhere.
        QCOMPARE(renderScene(scene, QPointF(5, 7)).pixelColor(55, 27), QColor(Qt::green));
        QCOMPARE(layer->renderCount(), 3);
        renderScene(scene, QPointF(5.5, 0)); // a fractional shift: drawn again at its pixels
        QCOMPARE(layer->renderCount(), 4);
    }

    // Past ReleaseGeometryAbovePoints, a layer that can ask for its geometry again keeps only the
    // image once drawn; drawing anew (a fractional shift) asks for it, and shows the last
    // image meanwhile. Below, or with nobody to ask, the geometry stays.
    void largeGeometryIsDroppedOnceDrawn_data()
    {
        testing::addTable<int, bool, bool>({ "points", "askable", "dropped" },
            {
                { "small", 1000, true, false },
                { "large", int(SeriesLayer::ReleaseGeometryAbovePoints) + 1, true, true },
                { "large, nobody to ask", int(SeriesLayer::ReleaseGeometryAbovePoints) + 1, false,
                    false },
            });
    }
    void largeGeometryIsDroppedOnceDrawn()
    {
        QFETCH(int, points);
        QFETCH(bool, askable);
        QFETCH(bool, dropped);
        QGraphicsScene scene(0, 0, 200, 120);
        auto* layer = new SeriesLayer;
        scene.addItem(layer);
        layer->setAntialiased(false);
        layer->setPlotArea(QRectF(0, 0, 100, 50));
        int asked = 0;
        if (askable)
            layer->setGeometryNeeded([&asked] { ++asked; });
        LayerCurve curve = horizontalLine(LineColor);
        QPolygonF& piece = curve.pieces.front();
        piece.insert(1, points - 2, QPointF(50, 20)); // on the line: the same pixels
        layer->setCurves({ curve }); // drawn ahead on the pool, which alone keeps a large one
        QCOMPARE(renderScene(scene, QPointF()).pixelColor(50, 20), LineColor);
        QCOMPARE(layer->curves().empty(), dropped);
        QCOMPARE(renderScene(scene, QPointF(2, 0)).pixelColor(52, 20), LineColor);
        QCOMPARE(asked, 0);
        QCOMPARE(renderScene(scene, QPointF(0.5, 0)).pixelColor(50, 20), LineColor);
        QCOMPARE(asked, dropped ? 1 : 0);
        QCOMPARE(layer->renderCount(), dropped ? 1 : 2);
    }

    // A chart about to build a large geometry first waits for the large image started before it
    // (SeriesLayer::waitForLargeImage), so large geometries are not built faster than they are
    // drawn: with the pool held, the wait does not return; once it is free, the image is drawn
    // and the wait returns, and the paint shows that image.
    void aLargeImageIsWaitedFor()
    {
        QGraphicsScene scene(0, 0, 200, 120);
        auto* layer = new SeriesLayer;
        scene.addItem(layer);
        layer->setAntialiased(false);
        layer->setPlotArea(QRectF(0, 0, 100, 50));
        layer->setGeometryNeeded([] {});
        LayerCurve curve = horizontalLine(LineColor);
        curve.pieces.front().insert(
            1, int(SeriesLayer::ReleaseGeometryAbovePoints), QPointF(50, 20));
        test::PoolHold hold;
        QVERIFY(hold.isHeld());
        layer->setCurves({ curve }); // its image queued behind the held threads
        QSemaphore waited;
        std::thread waiter([&] {
            SeriesLayer::waitForLargeImage();
            waited.release();
        });
        const bool early = waited.tryAcquire(1, 300); // (no duration checked: it must not return)
        hold.release();
        const bool done = early || waited.tryAcquire(1, 10000);
        waiter.join();
        QVERIFY(!early);
        QVERIFY(done);
        QCOMPARE(renderScene(scene, QPointF()).pixelColor(50, 20), LineColor);
        QCOMPARE(layer->prerenderedCount(), 1);
    }

    // A drawing is started on the pool when the curves are set (a prerender); curves set again
    // before the paint replace it, so the paint never shows the older curves; a layer deleted
    // with one in flight leaves it to finish on its own.
    void aPrerenderShowsTheLatestCurves()
    {
        QGraphicsScene scene(0, 0, 200, 120);
        SeriesLayer* layer = addLineLayer(scene);
        layer->setCurves({ horizontalLine(Qt::red) });
        layer->setCurves({ horizontalLine(Qt::green) });
        QCOMPARE(renderScene(scene, QPointF(3, 4)).pixelColor(53, 24), QColor(Qt::green));
        QCOMPARE(layer->renderCount(), 1);
        QCOMPARE(layer->prerenderedCount(), 1);
        // A fractional offset is not what the prerender assumed (here its image would even have
        // the same size): drawn anew, at the right pixels.
        layer->setPlotArea(QRectF(0.3, 0.3, 100, 50));
        layer->setCurves({ horizontalLine(Qt::blue) });
        QCOMPARE(renderScene(scene, QPointF(0.5, 0.5)).pixelColor(50, 20), QColor(Qt::blue));
        QCOMPARE(layer->prerenderedCount(), 1);
        layer->setCurves({ horizontalLine(Qt::red) });
        delete layer;
    }

    // Past AntialiasedCurvesAtMost curves the lines are aliased (a bundle that dense shows no
    // soft edges, and they were most of its drawing); below, a slanted line has blended pixels.
    void manyCurvesAreDrawnAliased_data()
    {
        testing::addTable<int, bool>({ "curves", "blended" },
            {
                { "one", 1, true },
                { "at the limit", int(SeriesLayer::AntialiasedCurvesAtMost), true },
                { "past it", int(SeriesLayer::AntialiasedCurvesAtMost) + 1, false },
            });
    }
    void manyCurvesAreDrawnAliased()
    {
        QFETCH(int, curves);
        QFETCH(bool, blended);
        QGraphicsScene scene(0, 0, 200, 120);
        auto* layer = new SeriesLayer;
        scene.addItem(layer);
        layer->setPlotArea(QRectF(0, 0, 100, 50));
        LayerCurve slanted;
        slanted.color = LineColor;
        // One point per pixel column: a line between columns, no vertical spans.
        QPolygonF piece;
        for (int x = 10; x <= 90; ++x)
            piece << QPointF(x + 0.5, 10 + 0.37 * (x - 10));
        slanted.pieces.push_back(piece);
        LayerCurve hidden = slanted;
        hidden.color = Qt::transparent;
        std::vector<LayerCurve> all(static_cast<std::size_t>(curves - 1), hidden);
        all.push_back(slanted);
        layer->setCurves(std::move(all));
        const QImage image = renderScene(scene, QPointF());
        int partial = 0;
        for (int y = 0; y < 50; ++y) {
            for (int x = 0; x < 100; ++x) {
                const QColor c = image.pixelColor(x, y);
                partial += c != QColor(Qt::white) && c != LineColor ? 1 : 0;
            }
        }
        QCOMPARE(partial > 0, blended);
    }

    // Past AntialiasedCurvesAtMost curves the lines are blended front to back, in groups on
    // several threads (BundleRaster): the image of drawing the curves one over the other, faint
    // raw lines under the smoothed ones, each curve blended once where it overlaps itself.
    void aBundleIsItsCurvesOneOverAnother_data()
    {
        testing::addTable<int, int>({ "curves", "alpha" },
            {
                { "opaque", 300, 255 },
                { "faded (translucent)", 300, 110 },
            });
    }
    void aBundleIsItsCurvesOneOverAnother()
    {
        QFETCH(int, curves);
        QFETCH(int, alpha);
        const QRectF plot(0, 0, 100, 50);
        std::mt19937 rng(5);
        std::uniform_real_distribution<double> y(2.0, 48.0);
        std::vector<LayerCurve> all;
        for (int i = 0; i < curves; ++i) {
            LayerCurve curve;
            curve.color = QColor::fromHsv((i * 47) % 360, 230, 200, alpha);
            curve.faint = i % 2 == 0; // a raw line kept behind its smoothed one
            curve.width = curve.faint ? 1.0 : 1.8;
            QPolygonF piece; // four points per pixel column, at its centre, as decimated
            const double centre = 8 + 34 * (i % 5) / 4.0;
            for (int x = 5 + i % 7; x < 95; ++x) {
                for (int k = 0; k < (curve.faint ? 4 : 1); ++k)
                    piece << QPointF(x + 0.5, curve.faint ? y(rng) : centre + 0.05 * x);
            }
            curve.pieces.push_back(piece);
            all.push_back(std::move(curve));
        }
        // The curves one over the other in draw()'s order, faint ones first, each blended once
        // with QPainter: the shape of each (its pixels, a bold one two rows thick) is
        // BundleRaster's, checked against QPainter's in tst_bundle_raster.
        QImage expected = renderScene(*std::make_unique<QGraphicsScene>(0, 0, 200, 120), QPointF());
        {
            QPainter p(&expected);
            for (int pass = 0; pass < 2; ++pass) {
                for (const LayerCurve& curve : all) {
                    if (curve.faint != (pass == 0))
                        continue;
                    QColor color = curve.color;
                    if (curve.faint)
                        color.setAlpha(70 * curve.color.alpha() / 255);
                    QImage shape(expected.size(), QImage::Format_ARGB32_Premultiplied);
                    shape.fill(Qt::transparent);
                    {
                        QPainter s(&shape);
                        const QRectF clip = plot.adjusted(0, -1, 0, 1);
                        s.setClipRect(clip);
                        BundleRaster raster(&s, clip);
                        raster.addPiecesUnder(QTransform(), curve.pieces, QColor(color.rgb()),
                            curve.width > 1 ? 1 : 0);
                        raster.finish();
                    }
                    p.setOpacity(color.alphaF());
                    p.drawImage(0, 0, shape);
                }
            }
        }
        QGraphicsScene scene(0, 0, 200, 120);
        auto* layer = new SeriesLayer;
        scene.addItem(layer);
        layer->setPlotArea(plot);
        layer->setCurves(std::move(all));
        const QImage actual = renderScene(scene, QPointF());
        int drawn = 0;
        int differ = 0;
        for (int yy = 0; yy < 50; ++yy) {
            for (int x = 0; x < 100; ++x) {
                const QRgb a = expected.pixel(x, yy);
                const QRgb b = actual.pixel(x, yy);
                drawn += a != qRgb(255, 255, 255) ? 1 : 0;
                const int d = std::abs(qRed(a) - qRed(b)) + std::abs(qGreen(a) - qGreen(b))
                    + std::abs(qBlue(a) - qBlue(b));
                differ += d > 9 ? 1 : 0; // 8-bit blending one curve after another drifts
            }
        }
        QVERIFY(drawn > 2000);
        QVERIFY2(differ == 0, qPrintable(QStringLiteral("%1 of %2 differ").arg(differ).arg(drawn)));
    }

    // Issue 15: a live append repaints the strip right of where the curves changed, not the
    // whole chart under the layer (the axes' items it overlaps cost most of a live redraw).
    // `from`: the left edge of the repainted part; NaN: none; -1: the whole item.
    void repaintsOnlyWhatChanged_data()
    {
        const auto with = [](const std::function<void(LayerCurve&)>& change) {
            LayerCurve curve = horizontalLine(LineColor);
            change(curve);
            return curve;
        };
        testing::addTable<LayerCurve, qreal>({ "next", "from" },
            {
                { "unchanged", horizontalLine(LineColor), qQNaN() },
                { "a point appended", with([](LayerCurve& c) { c.pieces[0] << QPointF(95, 30); }),
                    90 - 5 },
                { "a piece appended",
                    with([](LayerCurve& c) { c.pieces.push_back(QPolygonF({ QPointF(94, 5) })); }),
                    94 - 5 },
                { "the last point moved", with([](LayerCurve& c) { c.pieces[0][1].ry() = 25; }),
                    10 - 5 },
                { "another colour", horizontalLine(Qt::green), -1 },
                { "a NaN marker below the plot", with([](LayerCurve& c) { c.nanPx.push_back(92); }),
                    -1 },
            });
    }

    void repaintsOnlyWhatChanged()
    {
        QFETCH(LayerCurve, next);
        QFETCH(qreal, from);
        QGraphicsScene scene(0, 0, 200, 120);
        SeriesLayer* layer = addLineLayer(scene);
        renderScene(scene, QPointF());
        const int renders = layer->renderCount();
        layer->setCurves({ next });
        const QRectF repainted = layer->lastCurvesUpdate();
        if (qIsNaN(from)) {
            QVERIFY(repainted.isEmpty());
            renderScene(scene, QPointF());
            QCOMPARE(layer->renderCount(), renders); // the kept drawing
            return;
        }
        const QRectF all = layer->boundingRect();
        QCOMPARE(repainted.right(), all.right());
        // A strip: the plot's rows and 2 above and below (the lines are clipped 1 row out).
        QCOMPARE(repainted.top(), from < 0 ? all.top() : -2.0);
        QCOMPARE(repainted.bottom(), from < 0 ? all.bottom() : 52.0);
        QCOMPARE(repainted.left(), from < 0 ? all.left() : from);
        // What is drawn is the new curve, wherever it changed.
        const QImage image = renderScene(scene, QPointF());
        QCOMPARE(layer->renderCount(), renders + 1);
        if (next.color == LineColor && next.pieces[0].size() > 2) { // the new segment: drawn
            bool drawn = false;
            for (int row = 18; row <= 32; ++row)
                drawn = drawn || image.pixelColor(93, row) == LineColor;
            QVERIFY(drawn);
        }
    }

    // Issue 15: the grid is drawn once into an image of its own and copied under the curves of
    // every image after, until the grid, the plot area or the image change; the pixels stay
    // those of the grid drawn into each image first (the peer: setKeepsGridImage(false)).
    void gridIsDrawnOnceUnderEveryImage_data()
    {
        testing::addTable<QString, int, int>({ "change", "gridRenders", "curves" },
            {
                { "points appended", QString(), 1, 1 },
                { "grid moved", QStringLiteral("grid"), 2, 1 },
                { "plot area resized", QStringLiteral("area"), 2, 1 },
                { "a bundle (front to back)", QString(), 1,
                    int(SeriesLayer::AntialiasedCurvesAtMost) + 50 },
            });
    }
    void gridIsDrawnOnceUnderEveryImage()
    {
        QFETCH(QString, change);
        QFETCH(int, gridRenders);
        QFETCH(int, curves);
        const auto gridAt = [](qreal shift) {
            LayerGrid grid;
            grid.x = { 20.5 + shift, 47.3 + shift, 80 + shift };
            grid.y = { 10.25 + shift, 30.5 + shift };
            grid.xPen = QPen(QColor(200, 200, 200), 1.0);
            grid.yPen = QPen(QColor(120, 160, 200, 140), 1.0);
            return grid;
        };
        QGraphicsScene cachedScene(0, 0, 200, 120);
        QGraphicsScene inlineScene(0, 0, 200, 120);
        auto* cached = new SeriesLayer;
        auto* inlined = new SeriesLayer;
        cachedScene.addItem(cached);
        inlineScene.addItem(inlined);
        LayerCurve curve;
        curve.color = LineColor;
        curve.width = 1.5;
        curve.pieces.push_back(QPolygonF({ QPointF(3.5, 12.2) }));
        inlined->setKeepsGridImage(false);
        for (SeriesLayer* layer : { cached, inlined }) {
            layer->setPlotArea(QRectF(0, 0, 100, 40));
            layer->setGrid(gridAt(0));
        }
        const auto step = [&](int k) {
            curve.pieces[0] << QPointF(3.5 + 7 * k, 12.2 + 9 * std::sin(k * 0.9) + 4);
            std::vector<LayerCurve> all;
            for (int c = 0; c < curves; ++c) {
                all.push_back(curve);
                all.back().color = QColor::fromHsv(c * 7 % 360, 200, 200, 160);
                for (QPointF& point : all.back().pieces[0])
                    point.ry() += c % 20;
            }
            cached->setCurves(all);
            inlined->setCurves(std::move(all));
            return renderScene(cachedScene, QPointF()) == renderScene(inlineScene, QPointF());
        };
        for (int k = 1; k <= 6; ++k)
            QVERIFY2(step(k), qPrintable(QStringLiteral("append %1").arg(k)));
        QCOMPARE(cached->gridRenderCount(), 1);
        for (SeriesLayer* layer : { cached, inlined }) {
            if (change == QLatin1String("grid"))
                layer->setGrid(gridAt(3.25));
            else if (change == QLatin1String("area"))
                layer->setPlotArea(QRectF(0, 0, 90, 44));
        }
        for (int k = 7; k <= 12; ++k)
            QVERIFY2(step(k), qPrintable(QStringLiteral("append %1").arg(k)));
        QCOMPARE(cached->gridRenderCount(), gridRenders);
        QCOMPARE(inlined->gridRenderCount(), 0);
    }

    // The pieces a chart keeps until its next build: cut where the line leaves the bounds, and
    // without the growth slack (with 1,000 runs per chart the slack was a quarter of the window's
    // memory).
    void clippedPiecesAreCutAndCarryNoSlack_data()
    {
        testing::addTable<int, int>({ "points", "expectedPieces" },
            {
                { "inside", 1000, 1 },
                { "leaves and comes back", 1001, 2 },
                { "short", 3, 1 },
            });
    }
    void clippedPiecesAreCutAndCarryNoSlack()
    {
        QFETCH(int, points);
        QFETCH(int, expectedPieces);
        std::vector<QPointF> pts;
        for (int i = 0; i < points; ++i) {
            // The middle point of an odd count is far above the bounds: the line leaves there.
            const bool out = points % 2 == 1 && points > 3 && i == points / 2;
            pts.emplace_back(i * 0.5, out ? -1e6 : 10.0 + (i % 7));
        }
        std::vector<QPolygonF> pieces;
        std::vector<QPointF> dots;
        CurveGeometry::addClippedPiece(pts, QRectF(-10, 0, 2000, 100), pieces, dots);
        QCOMPARE(int(pieces.size()), expectedPieces);
        QVERIFY(dots.empty());
        for (const QPolygonF& piece : pieces) {
            QVERIFY(piece.size() >= 2);
            QCOMPARE(piece.capacity(), piece.size());
        }
        if (expectedPieces == 1) // kept whole, point for point
            QCOMPARE(pieces.front(), QPolygonF(QList<QPointF>(pts.cbegin(), pts.cend())));
    }

    // A point with no position (NaN: a log axis at 0) breaks the piece even where all the others
    // are inside.
    void aNanBreaksAPieceInside()
    {
        std::vector<QPointF> pts;
        for (int i = 0; i < 100; ++i)
            pts.emplace_back(i, i == 50 ? std::numeric_limits<qreal>::quiet_NaN() : 10.0);
        std::vector<QPolygonF> pieces;
        std::vector<QPointF> dots;
        CurveGeometry::addClippedPiece(pts, QRectF(-10, 0, 2000, 100), pieces, dots);
        QCOMPARE(int(pieces.size()), 2);
        QCOMPARE(pieces[0].size() + pieces[1].size(), 99);
    }

    // SpanFill (issue 15: 1,000 noisy runs per chart) writes the column spans straight into the
    // image: every pixel must be the one QPainter::fillRect gives, for the transforms, colours
    // and clips a chart draws with.
    void sameAsQPainter_data()
    {
        QTest::addColumn<QTransform>("transform");
        QTest::addColumn<QColor>("color");
        QTest::addColumn<QRectF>("clip");
        QTest::addColumn<qreal>("shiftAfter"); // a translate() after the fill was prepared
        const QRectF none;
        const QRectF plot(12.3, 7.5, 150.0, 140.25);
        const QColor opaque(31, 119, 180);
        const QColor faint(255, 127, 14, 70);
        const QColor fainter(44, 160, 44, 18);
        QTest::newRow("identity, opaque") << QTransform() << opaque << none << 0.0;
        QTest::newRow("whole translate, faint")
            << QTransform::fromTranslate(7, 11) << faint << plot << 0.0;
        QTest::newRow("fractional translate")
            << QTransform::fromTranslate(10.25, 6.5) << opaque << plot << 0.0;
        QTest::newRow("device pixel ratio 2")
            << QTransform::fromScale(2, 2) << faint << plot << 0.0;
        QTest::newRow("scale 1.5, fractional")
            << QTransform(1.5, 0, 0, 1.5, 3.75, -2.5) << fainter << plot << 0.0;
        QTest::newRow("second line, shifted 0.5")
            << QTransform::fromTranslate(4, 4) << opaque << plot << 0.5;
        QTest::newRow("second line, shifted 1")
            << QTransform::fromTranslate(4, 4) << faint << plot << 1.0;
    }

    void sameAsQPainter()
    {
        QFETCH(QTransform, transform);
        QFETCH(QColor, color);
        QFETCH(QRectF, clip);
        QFETCH(qreal, shiftAfter);
        const std::vector<QRectF> rects = someSpans(11);

        QImage expected = background();
        {
            QPainter p(&expected);
            p.setTransform(transform);
            if (!clip.isNull())
                p.setClipRect(clip);
            p.setRenderHint(QPainter::Antialiasing, true); // as SeriesLayer: on, then off
            p.translate(0, shiftAfter);
            p.setRenderHint(QPainter::Antialiasing, false);
            for (const QRectF& r : rects)
                p.fillRect(r, color);
        }
        QImage actual = background();
        {
            QPainter p(&actual);
            p.setTransform(transform);
            if (!clip.isNull())
                p.setClipRect(clip);
            p.setRenderHint(QPainter::Antialiasing, true);
            const SpanFill fill(&p, clip);
            QVERIFY(fill.isReady());
            p.translate(0, shiftAfter);
            p.setRenderHint(QPainter::Antialiasing, false);
            QVERIFY(fill.fill(&p, rects, color));
        }
        int differ = 0;
        QPoint first(-1, -1);
        for (int y = 0; y < expected.height(); ++y) {
            for (int x = 0; x < expected.width(); ++x) {
                if (expected.pixel(x, y) != actual.pixel(x, y)) {
                    if (differ++ == 0)
                        first = QPoint(x, y);
                }
            }
        }
        QVERIFY2(differ == 0,
            qPrintable(
                QStringLiteral("%1 pixels differ, first at (%2, %3): %4 against QPainter's %5")
                    .arg(differ)
                    .arg(first.x())
                    .arg(first.y())
                    .arg(actual.pixel(first), 8, 16)
                    .arg(expected.pixel(first), 8, 16)));
    }

    void declinesWhatItCannotFillExactly()
    {
        QImage rgb(50, 50, QImage::Format_RGB32);
        QPainter p1(&rgb);
        QVERIFY(!SpanFill(&p1, QRectF()).isReady());
        QImage image(50, 50, QImage::Format_ARGB32_Premultiplied);
        QPainter p2(&image);
        p2.rotate(10);
        QVERIFY(!SpanFill(&p2, QRectF()).isReady());
        p2.resetTransform();
        p2.setOpacity(0.5);
        QVERIFY(!SpanFill(&p2, QRectF()).isReady());
        p2.setOpacity(1.0);
        const SpanFill fill(&p2, QRectF());
        QVERIFY(fill.isReady());
        p2.setRenderHint(QPainter::Antialiasing, true);
        QVERIFY(!fill.fill(&p2, { QRectF(1, 1, 1, 5) }, Qt::red)); // QPainter would antialias
    }
};

QTEST_MAIN(TestSeriesLayer)
#include "tst_series_layer.moc"
