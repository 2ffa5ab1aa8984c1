// BundleRaster: layers given top first give the pixels of drawing them bottom first with
// source-over (SpanFill's spans, QPainter's aliased cosmetic lines), and the blending stops at
// pixels nothing more shows through: its count is bounded by the pixels, not by the layers.
#include "bundle_raster.hpp"
#include "column_zigzag.hpp"
#include "span_fill.hpp"

#include <QPainter>
#include <QRandomGenerator>
#include <QTest>

#include <cstdlib>
#include <vector>

using namespace viewer;

namespace {

struct Layer
{
    std::vector<QRectF> spans;
    std::vector<QLineF> lines;
    QColor color;
};

// Not transparent and not uniform, so what shows through under the bundle matters.
QImage background(const QSize& size)
{
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter p(&image);
    for (int y = 0; y < size.height(); y += 7)
        p.fillRect(QRect(0, y, size.width(), 3), QColor(30, 140, 60, 90));
    p.fillRect(QRect(size.width() / 2, 0, size.width() / 2, size.height()), QColor(250, 250, 250));
    return image;
}

void paintOneByOne(QImage& image, const std::vector<Layer>& bottomFirst, const QTransform& scale,
    const QRectF& clip)
{
    QPainter p(&image);
    p.setTransform(scale);
    if (!clip.isNull())
        p.setClipRect(clip);
    const SpanFill fill(&p, clip);
    for (const Layer& layer : bottomFirst) {
        QVERIFY(fill.fill(&p, layer.spans, layer.color));
        QPen pen(layer.color, 1.0);
        pen.setCosmetic(true);
        pen.setCapStyle(Qt::FlatCap);
        p.setPen(pen);
        p.drawLines(layer.lines.data(), int(layer.lines.size()));
    }
}

std::uint64_t paintAsBundle(QImage& image, const std::vector<Layer>& bottomFirst,
    const QTransform& scale, const QRectF& clip)
{
    QPainter p(&image);
    p.setTransform(scale);
    if (!clip.isNull())
        p.setClipRect(clip);
    BundleRaster bundle(&p, clip);
    if (!bundle.isReady())
        return 0;
    for (auto layer = bottomFirst.rbegin(); layer != bottomFirst.rend(); ++layer)
        bundle.addUnder(p.deviceTransform(), layer->spans, layer->lines, layer->color);
    bundle.finish();
    return bundle.blendCount();
}

int largestChannelDifference(const QImage& a, const QImage& b)
{
    int worst = 0;
    for (int y = 0; y < a.height(); ++y) {
        for (int x = 0; x < a.width(); ++x) {
            const QRgb p = a.pixel(x, y);
            const QRgb q = b.pixel(x, y);
            for (int d : { qRed(p) - qRed(q), qGreen(p) - qGreen(q), qBlue(p) - qBlue(q),
                     qAlpha(p) - qAlpha(q) })
                worst = std::max(worst, std::abs(d));
        }
    }
    return worst;
}

// A noisy curve as the decimator leaves it: a span per column, joined column to column.
Layer noisyCurve(QRandomGenerator& random, int width, int height, const QColor& color)
{
    Layer layer;
    layer.color = color;
    qreal last = 0;
    for (int x = 0; x < width; ++x) {
        const qreal a = random.bounded(double(height));
        const qreal b = random.bounded(double(height));
        layer.spans.emplace_back(x, std::ceil(std::min(a, b) - 0.5), 1.0, std::abs(b - a));
        if (x > 0)
            layer.lines.emplace_back(QPointF(x - 0.5, last), QPointF(x + 0.5, a));
        last = b;
    }
    return layer;
}

} // namespace

class TestBundleRaster : public QObject
{
    Q_OBJECT
private slots:
    // Spans only (their pixels are QPainter's exactly): the same image as one layer after the
    // other, but for rounding (8-bit blends one by one against one float sum).
    void spansGiveSourceOverPixels_data()
    {
        QTest::addColumn<int>("layers");
        QTest::addColumn<int>("alpha");
        QTest::addColumn<qreal>("scale");
        QTest::addColumn<bool>("clipped");
        QTest::newRow("one translucent layer") << 1 << 90 << 1.0 << false;
        QTest::newRow("one opaque layer") << 1 << 255 << 1.0 << false;
        QTest::newRow("a few translucent") << 5 << 70 << 1.0 << false;
        QTest::newRow("many translucent") << 300 << 70 << 1.0 << false;
        QTest::newRow("opaque: the top one shows") << 40 << 255 << 1.0 << false;
        QTest::newRow("device pixel ratio 2") << 30 << 70 << 2.0 << false;
        QTest::newRow("clipped") << 30 << 70 << 1.0 << true;
    }
    void spansGiveSourceOverPixels()
    {
        QFETCH(int, layers);
        QFETCH(int, alpha);
        QFETCH(qreal, scale);
        QFETCH(bool, clipped);
        QRandomGenerator random(7);
        std::vector<Layer> bottomFirst;
        for (int i = 0; i < layers; ++i) {
            Layer layer =
                noisyCurve(random, 60, 50, QColor::fromHsv((i * 37) % 360, 220, 200, alpha));
            layer.lines.clear();
            bottomFirst.push_back(std::move(layer));
        }
        const QSize size(int(64 * scale), int(54 * scale));
        const QRectF clip = clipped ? QRectF(5, 8, 40, 30) : QRectF();
        QImage expected = background(size);
        QImage actual = expected;
        paintOneByOne(expected, bottomFirst, QTransform::fromScale(scale, scale), clip);
        QVERIFY(paintAsBundle(actual, bottomFirst, QTransform::fromScale(scale, scale), clip) > 0);
        QVERIFY(expected != background(size)); // something was drawn
        // 8-bit rounding one blend after another drifts by a level or two from the exact sum.
        QVERIFY2(largestChannelDifference(expected, actual) <= 3,
            qPrintable(QString::number(largestChannelDifference(expected, actual))));
    }

    // An aliased line covers QPainter's pixels but at most one or two at its ends.
    void linesCoverQPaintersPixels_data()
    {
        QTest::addColumn<QLineF>("line");
        QTest::newRow("steep down") << QLineF(10.5, 3.2, 11.5, 45.7);
        QTest::newRow("steep up") << QLineF(20.5, 44.0, 21.5, 2.5);
        QTest::newRow("steep, several columns") << QLineF(5.5, 2.0, 12.5, 47.0);
        QTest::newRow("steep, leftwards") << QLineF(40.5, 2.0, 31.5, 47.0);
        QTest::newRow("flat") << QLineF(2.5, 10.3, 55.5, 17.8);
        QTest::newRow("flat, leftwards") << QLineF(55.5, 30.3, 2.5, 20.8);
        QTest::newRow("diagonal") << QLineF(3.5, 3.5, 43.5, 43.5);
        QTest::newRow("vertical") << QLineF(30.5, 5.0, 30.5, 40.0);
        QTest::newRow("out of the image") << QLineF(30.5, -40.0, 34.5, 90.0);
    }
    void linesCoverQPaintersPixels()
    {
        QFETCH(QLineF, line);
        const std::vector<Layer> layers { { {}, { line }, QColor(0, 0, 0) } };
        QImage expected(60, 50, QImage::Format_ARGB32_Premultiplied);
        expected.fill(Qt::transparent);
        QImage actual = expected;
        paintOneByOne(expected, layers, QTransform(), QRectF());
        paintAsBundle(actual, layers, QTransform(), QRectF());
        int both = 0;
        int onlyOne = 0;
        for (int y = 0; y < 50; ++y) {
            for (int x = 0; x < 60; ++x) {
                const bool a = qAlpha(expected.pixel(x, y)) != 0;
                const bool b = qAlpha(actual.pixel(x, y)) != 0;
                both += a && b;
                onlyOne += a != b;
            }
        }
        QVERIFY(both >= 20);
        qDebug() << "lines differ" << onlyOne;
        QVERIFY2(onlyOne <= 3, qPrintable(QStringLiteral("%1 pixels differ").arg(onlyOne)));
    }

    // Thousands of layers over the same pixels: the blending stops where nothing shows through
    // any more, so it costs a bounded number of blends per pixel, and gives the same image.
    void blendsAreBoundedByThePixels_data()
    {
        QTest::addColumn<int>("alpha");
        QTest::addColumn<int>("bound"); // blends per pixel at most
        QTest::newRow("opaque") << 255 << 1;
        QTest::newRow("faint") << 70 << 25;
    }
    void blendsAreBoundedByThePixels()
    {
        QFETCH(int, alpha);
        QFETCH(int, bound);
        const int width = 20;
        const int height = 30;
        std::vector<Layer> bottomFirst;
        for (int i = 0; i < 2000; ++i) {
            Layer layer;
            layer.color = QColor::fromHsv((i * 53) % 360, 200, 220, alpha);
            for (int x = 0; x < width; ++x)
                layer.spans.emplace_back(x, 0, 1, height);
            bottomFirst.push_back(std::move(layer));
        }
        QImage expected = background(QSize(width, height));
        QImage actual = expected;
        paintOneByOne(expected, bottomFirst, QTransform(), QRectF());
        const std::uint64_t blends = paintAsBundle(actual, bottomFirst, QTransform(), QRectF());
        QVERIFY2(
            blends <= std::uint64_t(bound) * width * height, qPrintable(QString::number(blends)));
        QVERIFY(largestChannelDifference(expected, actual) <= 3);
    }

    // A curve's decimated pieces go in as walkColumnZigzag() cuts them (what SeriesLayer draws
    // of them one by one): the same pixels but for the lines' ends.
    void piecesAreTheirColumnZigzag_data()
    {
        QTest::addColumn<qreal>("scale");
        QTest::newRow("device pixel ratio 1") << 1.0;
        QTest::newRow("device pixel ratio 2") << 2.0;
    }
    void piecesAreTheirColumnZigzag()
    {
        QFETCH(qreal, scale);
        QRandomGenerator random(11);
        QPolygonF piece; // four points per column, at its centre, as the decimator leaves them
        for (int x = 0; x < 50; ++x) {
            for (int k = 0; k < 4; ++k)
                piece << QPointF(x + 0.5, 2 + random.bounded(40.0));
        }
        const std::vector<QPolygonF> pieces { piece, QPolygonF(piece.mid(10, 9)).translated(0, 3) };
        Layer layer;
        layer.color = QColor(0, 0, 0);
        for (const QPolygonF& p : pieces) {
            walkColumnZigzag(
                p,
                [&](qreal left, qreal top, qreal bottom) {
                    layer.spans.emplace_back(left, top, 1.0, bottom - top);
                },
                [&](const QPointF& from, const QPointF& to) {
                    layer.lines.emplace_back(from, to);
                });
        }
        QVERIFY(layer.spans.size() >= 50);
        const QSize size(int(52 * scale), int(48 * scale));
        QImage expected(size, QImage::Format_ARGB32_Premultiplied);
        expected.fill(Qt::transparent);
        paintOneByOne(expected, { layer }, QTransform::fromScale(scale, scale), QRectF());
        QImage actual(size, QImage::Format_ARGB32_Premultiplied);
        actual.fill(Qt::transparent);
        {
            QPainter p(&actual);
            p.setTransform(QTransform::fromScale(scale, scale));
            BundleRaster bundle(&p, QRectF());
            bundle.addPiecesUnder(p.deviceTransform(), pieces, layer.color);
            bundle.finish();
        }
        int covered = 0;
        int onlyOne = 0;
        for (int y = 0; y < size.height(); ++y) {
            for (int x = 0; x < size.width(); ++x) {
                const bool a = qAlpha(expected.pixel(x, y)) != 0;
                const bool b = qAlpha(actual.pixel(x, y)) != 0;
                covered += a;
                onlyOne += a != b;
            }
        }
        QVERIFY(covered > 0);
        // Line ends only: at most a few pixels per join.
        QVERIFY2(onlyOne * 50 <= covered,
            qPrintable(QStringLiteral("%1 of %2").arg(onlyOne).arg(covered)));
    }

    void onlyForPlainImages_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<bool>("rotated");
        QTest::addColumn<bool>("ready");
        QTest::newRow("premultiplied ARGB32")
            << int(QImage::Format_ARGB32_Premultiplied) << false << true;
        QTest::newRow("RGB32") << int(QImage::Format_RGB32) << false << false;
        QTest::newRow("rotated") << int(QImage::Format_ARGB32_Premultiplied) << true << false;
    }
    void onlyForPlainImages()
    {
        QFETCH(int, format);
        QFETCH(bool, rotated);
        QFETCH(bool, ready);
        QImage image(10, 10, QImage::Format(format));
        QPainter p(&image);
        if (rotated)
            p.rotate(30);
        QCOMPARE(BundleRaster(&p, QRectF()).isReady(), ready);
        QVERIFY(!BundleRaster(nullptr, QRectF()).isReady());
    }
};

QTEST_MAIN(TestBundleRaster)
#include "tst_bundle_raster.moc"
