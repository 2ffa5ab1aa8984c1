// SeriesLayer draws into an image on a pool thread and keeps it (issue 15, a folder of 1,000 runs):
// the pixels land where the curve lies at any offset, and the image is drawn anew exactly when
// what it shows changed.
#include "curve_geometry.hpp"
#include "series_layer.hpp"

#include <QGraphicsScene>
#include <QImage>
#include <QPainter>
#include <QTest>
#include <QtMath>

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

} // namespace

class TestSeriesLayer : public QObject
{
    Q_OBJECT

private slots:
    void drawsWhereTheCurveLies_data()
    {
        QTest::addColumn<QPointF>("offset");
        QTest::newRow("whole pixels") << QPointF(0, 0);
        QTest::newRow("whole offset") << QPointF(7, 11);
        QTest::newRow("fractional offset") << QPointF(10.25, 6.5);
    }

    void drawsWhereTheCurveLies()
    {
        QFETCH(QPointF, offset);
        QGraphicsScene scene(0, 0, 200, 120);
        auto* layer = new SeriesLayer;
        scene.addItem(layer);
        layer->setAntialiased(false);
        layer->setPlotArea(QRectF(0, 0, 100, 50));
        layer->setCurves({ horizontalLine(LineColor) });
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
        auto* layer = new SeriesLayer;
        scene.addItem(layer);
        layer->setAntialiased(false);
        layer->setPlotArea(QRectF(0, 0, 100, 50));
        layer->setCurves({ horizontalLine(LineColor) });
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

        renderScene(scene, QPointF(5, 0)); // another transform: drawn again at its pixels
        QCOMPARE(layer->renderCount(), 4);
    }

    // The pieces a chart keeps until its next build: cut where the line leaves the bounds, and
    // without the growth slack (with 1,000 runs per chart the slack was a quarter of the window's
    // memory).
    void clippedPiecesAreCutAndCarryNoSlack_data()
    {
        QTest::addColumn<int>("points");
        QTest::addColumn<int>("expectedPieces");
        QTest::newRow("inside") << 1000 << 1;
        QTest::newRow("leaves and comes back") << 1001 << 2;
        QTest::newRow("short") << 3 << 1;
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
    }
};

QTEST_MAIN(TestSeriesLayer)
#include "tst_series_layer.moc"
