#include "data_table.hpp"
#include "decimator.hpp"
#include "min_max_pyramid.hpp"
#include "record_table.hpp"
#include "series.hpp"

#include <QImage>
#include <QPainter>
#include <QTest>

#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <vector>

using namespace viewer;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr double Inf = std::numeric_limits<double>::infinity();

enum class Shape
{
    RandomWalk,
    Spike, // one sample far above flat noise
    NaNRuns,
    ScatteredNonFinite, // NaN, +Inf, -Inf here and there
    Restarts, // the step goes back: segments overlap in x
    RepeatedX, // most points share their x with the previous one
    Steps, // flat stretches and jumps: many equal values, ties on row boundaries
    LevelsBetweenNaN, // short runs at far apart levels cut by NaN: gaps inside one pixel column
};

// A run built the way the reader builds one: a record table with records of another tag in
// between (so record indices skip), one series whose x comes from the step column.
struct Fixture
{
    RecordTable records;
    Series series { QStringLiteral("step_end"), QStringLiteral("loss") };
    std::size_t spikeAt = 0;
};

void build(Fixture& f, Shape shape, std::size_t n, unsigned seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::normal_distribution<double> g(0.0, 1.0);
    f.records.reserve(n + n / 3);
    f.series.reserve(n);
    double walk = 0.0;
    double step = 0.0;
    f.spikeAt = n / 3 + rng() % (n / 3);
    std::size_t nanLeft = 0;
    double level = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        bool restart = false;
        if (shape == Shape::Restarts && i > 0 && i % (n / 4) == 0) {
            step -= double(n / 6); // resumed from an older checkpoint
            restart = true;
        } else if (shape == Shape::RepeatedX) {
            step += (rng() % 4 == 0) ? 1.0 : 0.0;
        } else {
            step += 1.0 + (rng() % 3 == 0 ? double(rng() % 5) : 0.0);
        }
        if (rng() % 4 == 0)
            f.records.append(double(i), step, 0.0, 0, 1);
        const std::uint32_t r = f.records.append(double(i), step, 0.0, 0, 0);

        walk += g(rng);
        double v = walk;
        switch (shape) {
        case Shape::Spike:
            v = 0.01 * g(rng) + (i == f.spikeAt ? 50.0 : 0.0);
            break;
        case Shape::NaNRuns:
            if (nanLeft == 0 && rng() % 2000 == 0)
                nanLeft = 1 + rng() % 3000;
            if (nanLeft > 0) {
                --nanLeft;
                v = NaN;
            }
            break;
        case Shape::ScatteredNonFinite: {
            const double r0 = u(rng);
            v = r0 < 0.002 ? NaN : r0 < 0.003 ? Inf : r0 < 0.004 ? -Inf : walk;
            break;
        }
        case Shape::Steps:
            v = std::floor(walk / 8.0) * 3.0;
            break;
        case Shape::LevelsBetweenNaN:
            if (i % 37 == 0)
                level = double(rng() % 3) * 50.0;
            v = i % 37 == 36 ? NaN : level + g(rng);
            break;
        default:
            break;
        }
        f.series.append(v, r, restart);
    }
}

double xOf(const Fixture& f, const RecordTable::XColumn& xc, std::size_t i)
{
    const std::uint32_t r = f.series.records()[i];
    return xc.values ? xc.values[r] - xc.offset : double(r);
}

struct YMap
{
    double y0;
    double y1;
    int height;
    double operator()(double y) const
    {
        return (y1 - y) / (y1 - y0) * height;
    }
};

// The drawing the decimator's header documents: aliased, cosmetic pen with square caps, a piece
// as separate segments, zero-length ones skipped, a piece without any segment as a dot.
class Canvas
{
public:
    Canvas(int width, int height, qreal penWidth)
        : m_image(width, height, QImage::Format_RGB32)
    {
        m_image.fill(Qt::white);
        m_painter.begin(&m_image);
        m_painter.setRenderHint(QPainter::Antialiasing, false);
        QPen pen(Qt::black, penWidth);
        pen.setCapStyle(Qt::SquareCap);
        m_painter.setPen(pen);
    }
    void piece(const std::vector<QPointF>& points)
    {
        m_lines.clear();
        for (std::size_t i = 0; i + 1 < points.size(); ++i) {
            if (points[i] != points[i + 1])
                m_lines.emplace_back(points[i], points[i + 1]);
        }
        if (!m_lines.empty())
            m_painter.drawLines(m_lines.data(), int(m_lines.size()));
        else if (!points.empty()) // QCosmeticStroker rounds a point: column c is x in [c-.5, c+.5)
            m_painter.drawPoint(QPointF(points.front().x() - 0.5, points.front().y()));
    }
    QImage finish()
    {
        m_painter.end();
        return m_image;
    }

private:
    QImage m_image;
    QPainter m_painter;
    std::vector<QLineF> m_lines;
};

// Every point, split only where the line truly breaks: segment starts and non-finite values.
QImage renderAll(const Fixture& f, const RecordTable::XColumn& xc, const PixelColumns& cols,
    const YMap& ymap, qreal penWidth)
{
    Canvas canvas(cols.width, ymap.height, penWidth);
    const auto& y = f.series.values();
    const auto& starts = f.series.segmentStarts();
    std::vector<QPointF> piece;
    std::size_t nextStart = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        if (nextStart < starts.size() && starts[nextStart] == i) {
            canvas.piece(piece);
            piece.clear();
            ++nextStart;
        }
        if (!std::isfinite(y[i])) {
            canvas.piece(piece);
            piece.clear();
            continue;
        }
        piece.emplace_back(cols.pixelX(xOf(f, xc, i)), ymap(y[i]));
    }
    canvas.piece(piece);
    return canvas.finish();
}

QImage renderDecimated(
    const DecimatedSeries& d, const PixelColumns& cols, const YMap& ymap, qreal penWidth)
{
    Canvas canvas(cols.width, ymap.height, penWidth);
    std::vector<QPointF> piece;
    for (std::size_t k = 0; k < d.pieceCount(); ++k) {
        piece.clear();
        for (std::size_t i = d.pieceStarts[k]; i < d.pieceEnd(k); ++i)
            piece.emplace_back(cols.pixelX(d.points[i].x()), ymap(d.points[i].y()));
        canvas.piece(piece);
    }
    return canvas.finish();
}

QString firstDifference(const QImage& a, const QImage& b)
{
    int count = 0;
    QString first;
    for (int row = 0; row < a.height(); ++row) {
        for (int col = 0; col < a.width(); ++col) {
            if (a.pixel(col, row) == b.pixel(col, row))
                continue;
            if (count++ == 0)
                first = QStringLiteral("column %1 row %2: all points %3, decimated %4")
                            .arg(col)
                            .arg(row)
                            .arg(a.pixel(col, row) == 0xffffffffu ? "blank" : "drawn",
                                b.pixel(col, row) == 0xffffffffu ? "blank" : "drawn");
        }
    }
    return count == 0 ? QString()
                      : QStringLiteral("%1 pixels differ, first at %2").arg(count).arg(first);
}

PixelColumns columnsFor(
    const Fixture& f, const RecordTable::XColumn& xc, double from, double to, int width)
{
    double xmin = Inf;
    double xmax = -Inf;
    for (std::size_t i = 0; i < f.series.size(); ++i) {
        xmin = std::min(xmin, xOf(f, xc, i));
        xmax = std::max(xmax, xOf(f, xc, i));
    }
    PixelColumns cols;
    cols.x0 = xmin + from * (xmax - xmin);
    cols.x1 = xmin + to * (xmax - xmin);
    cols.width = width;
    return cols;
}

// Non-finite markers the slow way: per visible column and kind, the first point's x.
void bruteMarkers(const Fixture& f, const RecordTable::XColumn& xc, const PixelColumns& cols,
    std::vector<double>& nan, std::vector<double>& pos, std::vector<double>& neg)
{
    std::set<std::pair<double, int>> seen;
    const auto& y = f.series.values();
    for (std::size_t i = 0; i < y.size(); ++i) {
        if (std::isfinite(y[i]))
            continue;
        const double x = xOf(f, xc, i);
        const double p = cols.position(x);
        if (!(p >= 0 && p < cols.width))
            continue;
        const int kind = std::isnan(y[i]) ? 0 : y[i] > 0 ? 1 : 2;
        if (!seen.insert({ std::floor(p), kind }).second)
            continue;
        (kind == 0 ? nan : kind == 1 ? pos : neg).push_back(x);
    }
}

} // namespace

class TestDecimator : public QObject
{
    Q_OBJECT

private slots:
    void pixelIdentical_data();
    void pixelIdentical();
    void markersPerColumn();
    void singleSpikeIsKept();
    void piecesNeverCrossBreaks();
    void lineCrossingAnEmptyView();
    void sequenceModeLogAxisAndPlainArrays();
    void denseBreaksStayBounded();
    void emptyOrInvalidInput();
    void unsortedXStaysBounded();
    void keptPointsCarryNoSlack_data();
    void keptPointsCarryNoSlack();
};

void TestDecimator::pixelIdentical_data()
{
    // from: visible x-range as fractions of the data's x span
    // yZoom: < 1: the y range cuts the data, lines leave the plot
    testing::addColumns<int, int, int, double, double, double, qreal>(
        { "shape", "points", "width", "from", "to", "yZoom", "penWidth" });

    const auto row = [](const char* name, Shape shape, int points, int width, double from,
                         double to, double yZoom) {
        for (qreal pen : { 0.0, 1.0 }) {
            QTest::addRow("%s, pen %g", name, pen)
                << int(shape) << points << width << from << to << yZoom << pen;
        }
    };
    row("random walk", Shape::RandomWalk, 200000, 800, 0.0, 1.0, 1.0);
    row("random walk W=2000", Shape::RandomWalk, 300000, 2000, 0.1, 0.9, 1.0);
    row("spike in 1M points", Shape::Spike, 1000000, 1000, 0.0, 1.0, 1.0);
    row("NaN runs", Shape::NaNRuns, 300000, 700, 0.05, 0.95, 1.0);
    row("scattered NaN and Inf", Shape::ScatteredNonFinite, 200000, 640, 0.0, 1.0, 1.0);
    row("restarts", Shape::Restarts, 200000, 900, 0.0, 1.0, 1.0);
    row("repeated x", Shape::RepeatedX, 200000, 500, 0.2, 0.7, 1.0);
    row("steps", Shape::Steps, 200000, 600, 0.0, 1.0, 1.0);
    row("levels between NaN", Shape::LevelsBetweenNaN, 200000, 600, 0.0, 1.0, 1.0);
    row("narrow zoom", Shape::RandomWalk, 200000, 800, 0.5, 0.5004, 1.0);
    row("narrow zoom with NaN", Shape::ScatteredNonFinite, 200000, 300, 0.3, 0.3015, 1.0);
    row("narrow zoom on restarts", Shape::Restarts, 200000, 400, 0.4, 0.403, 1.0);
    row("y range cuts the data", Shape::RandomWalk, 200000, 800, 0.0, 1.0, 0.3);
    row("W=1", Shape::RandomWalk, 100000, 1, 0.0, 1.0, 1.0);
    row("W=2", Shape::Restarts, 100000, 2, 0.0, 1.0, 1.0);
    row("W=3 narrow", Shape::RandomWalk, 100000, 3, 0.4, 0.41, 1.0);
}

void TestDecimator::pixelIdentical()
{
    QFETCH(int, shape);
    QFETCH(int, points);
    QFETCH(int, width);
    QFETCH(double, from);
    QFETCH(double, to);
    QFETCH(double, yZoom);
    QFETCH(qreal, penWidth);

    Fixture f;
    build(f, Shape(shape), std::size_t(points), 1234u + unsigned(points) + unsigned(width));
    const RecordTable::XColumn xc = f.records.xColumn(XAxisMode::Step);
    const PixelColumns cols = columnsFor(f, xc, from, to, width);
    const double mid = (f.series.min() + f.series.max()) / 2;
    const double half = (f.series.max() - f.series.min()) / 2 * yZoom * 1.05;
    const YMap ymap { mid - half, mid + half, 300 };

    DecimatedSeries d;
    Decimator::decimate(f.series, xc, cols, d);
    // Per column at most 4 points per unbroken run, plus the two beyond the edges.
    // Segments are decimated each on its own, so overlapping ones each get up to 4 per column.
    const std::size_t segments = f.series.segmentStarts().size() + 1;
    QVERIFY(d.points.size()
        <= 4 * (std::size_t(width) * segments + f.series.nonFinite().size()) + 2 * segments);
    QCOMPARE(d.indices.size(), d.points.size());

    const QImage all = renderAll(f, xc, cols, ymap, penWidth);
    const QImage decimated = renderDecimated(d, cols, ymap, penWidth);
    const QString difference = firstDifference(all, decimated);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));
    // The comparison must see something: a blank pair of images proves nothing.
    QVERIFY(all != QImage(all.size(), all.format()));
}

void TestDecimator::markersPerColumn()
{
    Fixture f;
    build(f, Shape::ScatteredNonFinite, 300000, 7);
    const RecordTable::XColumn xc = f.records.xColumn(XAxisMode::Step);
    for (const auto& [from, to, width] : { std::tuple { 0.0, 1.0, 1000 },
             std::tuple { 0.2, 0.25, 700 }, std::tuple { 0.5, 0.9, 3 } }) {
        const PixelColumns cols = columnsFor(f, xc, from, to, width);
        DecimatedSeries d;
        Decimator::decimate(f.series, xc, cols, d);
        std::vector<double> nan;
        std::vector<double> pos;
        std::vector<double> neg;
        bruteMarkers(f, xc, cols, nan, pos, neg);
        QVERIFY(!nan.empty() && !pos.empty() && !neg.empty());
        QCOMPARE(d.nanX, nan);
        QCOMPARE(d.posInfX, pos);
        QCOMPARE(d.negInfX, neg);
    }
}

void TestDecimator::singleSpikeIsKept()
{
    Fixture f;
    build(f, Shape::Spike, 1000000, 99);
    const RecordTable::XColumn xc = f.records.xColumn(XAxisMode::Step);
    for (int width : { 1, 7, 640, 2000 }) {
        DecimatedSeries d;
        Decimator::decimate(f.series, xc, columnsFor(f, xc, 0.0, 1.0, width), d);
        QVERIFY(d.points.size() <= std::size_t(width) * 4 + 2);
        const auto it = std::find(d.indices.begin(), d.indices.end(), f.spikeAt);
        QVERIFY2(it != d.indices.end(), qPrintable(QString::number(width)));
        QCOMPARE(d.points[std::size_t(it - d.indices.begin())].y(), f.series.values()[f.spikeAt]);
    }
}

void TestDecimator::piecesNeverCrossBreaks()
{
    Fixture f;
    build(f, Shape::Restarts, 100000, 5);
    // Add non-finite values too, then check each piece's source range holds no break.
    const RecordTable::XColumn xc = f.records.xColumn(XAxisMode::Step);
    DecimatedSeries d;
    Decimator::decimate(f.series, xc, columnsFor(f, xc, 0.0, 1.0, 300), d);
    const auto& starts = f.series.segmentStarts();
    QCOMPARE(starts.size(), std::size_t(3));
    QVERIFY(d.pieceCount() >= 4); // one per segment at least
    for (std::size_t k = 0; k < d.pieceCount(); ++k) {
        const std::uint32_t first = d.indices[d.pieceStarts[k]];
        const std::uint32_t last = d.indices[d.pieceEnd(k) - 1];
        for (std::uint32_t s : starts)
            QVERIFY(!(first < s && s <= last));
        for (std::size_t i = d.pieceStarts[k]; i + 1 < d.pieceEnd(k); ++i)
            QVERIFY(d.indices[i] < d.indices[i + 1]);
    }
    // Without segments the same data is one line.
    DecimatedSeries joined;
    Decimator::decimate(f.series, xc, columnsFor(f, xc, 0.0, 1.0, 300), joined, false);
    QCOMPARE(joined.pieceCount(), std::size_t(1));
}

void TestDecimator::lineCrossingAnEmptyView()
{
    // Two points far apart and a view between them: the segment still crosses the plot.
    const std::vector<double> x { 0.0, 100.0, 200.0 };
    const std::vector<double> y { 1.0, 2.0, 3.0 };
    PixelColumns cols { 40.0, 60.0, 500, false };
    DecimatedSeries d;
    Decimator::decimate(x, y, cols, d);
    QCOMPARE(d.pieceCount(), std::size_t(1));
    QCOMPARE(d.points.size(), std::size_t(2));
    QCOMPARE(d.points[0], QPointF(0.0, 1.0));
    QCOMPARE(d.points[1], QPointF(100.0, 2.0));
    // One point beyond each edge keeps lines running to the edges.
    cols = { 50.0, 150.0, 500, false };
    Decimator::decimate(x, y, cols, d);
    QCOMPARE(d.points.size(), std::size_t(3));
    QCOMPARE(d.indices, (std::vector<std::uint32_t> { 0, 1, 2 }));
    // A NaN beyond the edge breaks that line and is no marker (not visible).
    const std::vector<double> withNaN { NaN, 2.0, 3.0 };
    Decimator::decimate(x, withNaN, cols, d);
    QCOMPARE(d.indices, (std::vector<std::uint32_t> { 1, 2 }));
    QVERIFY(d.nanX.empty());
}

void TestDecimator::sequenceModeLogAxisAndPlainArrays()
{
    Fixture f;
    build(f, Shape::ScatteredNonFinite, 50000, 11);
    const RecordTable::XColumn seq = f.records.xColumn(XAxisMode::Sequence);
    QVERIFY(seq.values == nullptr);
    std::vector<double> x(f.series.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = double(f.series.records()[i]);
    for (bool logX : { false, true }) {
        PixelColumns cols { logX ? 10.0 : 1000.0, 30000.0, 777, logX };
        DecimatedSeries fromSeries;
        DecimatedSeries fromArrays;
        Decimator::decimate(f.series, seq, cols, fromSeries);
        Decimator::decimate(x, f.series.values(), cols, fromArrays);
        QVERIFY(!fromSeries.points.empty());
        QCOMPARE(fromSeries.points, fromArrays.points);
        QCOMPARE(fromSeries.pieceStarts, fromArrays.pieceStarts);
        QCOMPARE(fromSeries.nanX, fromArrays.nanX);
        int left = 0;
        int right = 0;
        for (const QPointF& p : fromSeries.points) {
            const double c = std::floor(cols.position(p.x()));
            left += c < 0;
            right += c >= cols.width;
        }
        QVERIFY(left <= 1 && right <= 1); // only the one point beyond each edge
    }
    // On a log axis x <= 0 has no position: never drawn, never a neighbour.
    const std::vector<double> lx { -1.0, 0.0, 1.0, 10.0, 100.0 };
    const std::vector<double> ly { 5.0, 6.0, 7.0, 8.0, 9.0 };
    DecimatedSeries d;
    Decimator::decimate(lx, ly, PixelColumns { 2.0, 50.0, 100, true }, d);
    QCOMPARE(d.indices, (std::vector<std::uint32_t> { 2, 3, 4 }));
}

void TestDecimator::denseBreaksStayBounded()
{
    // NaN every other point: more breaks per column than MaxExactBreaks. The output and the
    // cost stay bounded, the markers are still there and the values' extremes still drawn.
    std::vector<double> x(400000);
    std::vector<double> y(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        x[i] = double(i);
        y[i] = i % 2 ? NaN : std::sin(double(i) * 0.001) + (i == 200000 ? 10.0 : 0.0);
    }
    y[300001] = Inf;
    const int width = 100;
    DecimatedSeries d;
    Decimator::decimate(x, y, PixelColumns { 0.0, 400000.0, width, false }, d);
    QVERIFY(d.points.size() <= std::size_t(width) * (4 * (Decimator::MaxExactBreaks + 2) + 2));
    QCOMPARE(d.nanX.size(), std::size_t(width));
    QCOMPARE(d.posInfX, std::vector<double> { 300001.0 });
    QVERIFY(std::find(d.indices.begin(), d.indices.end(), 200000u) != d.indices.end());
}

void TestDecimator::emptyOrInvalidInput()
{
    DecimatedSeries d;
    d.points.emplace_back(1.0, 1.0);
    Decimator::decimate(
        std::vector<double> {}, std::vector<double> {}, PixelColumns { 0, 1, 10 }, d);
    QVERIFY(d.points.empty());
    const std::vector<double> x { 1.0, 2.0 };
    const std::vector<double> y { 1.0, 2.0 };
    for (const PixelColumns& cols :
        { PixelColumns { 0, 1, 0 }, PixelColumns { 1, 1, 10 }, PixelColumns { 2, 1, 10 },
            PixelColumns { NaN, 1, 10 }, PixelColumns { -1, 1, 10, true } }) {
        Decimator::decimate(x, y, cols, d);
        QVERIFY(d.points.empty());
    }
    Decimator::decimate(x, std::vector<double> { 1.0 }, PixelColumns { 0, 3, 10 }, d);
    QVERIFY(d.points.empty()); // mismatched arrays
    const std::vector<double> allNaN { NaN, NaN };
    Decimator::decimate(x, allNaN, PixelColumns { 0, 3, 10 }, d);
    QVERIFY(d.points.empty());
    QCOMPARE(d.nanX, (std::vector<double> { 1.0, 2.0 })); // one per column
}

void TestDecimator::unsortedXStaysBounded()
{
    // x that breaks the contract (goes back inside a segment, NaN, infinities in the middle):
    // the result may misplace points but stays bounded, in range and in source order.
    std::mt19937_64 rng(12);
    std::vector<double> x(100000);
    std::vector<double> y(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const auto r = rng() % 100;
        x[i] = r == 0 ? NaN : r == 1 ? Inf : r == 2 ? -Inf : double(rng() % 100000);
        y[i] = double(rng() % 1000);
    }
    DecimatedSeries d;
    for (int width : { 1, 300, 5000 }) {
        Decimator::decimate(x, y, PixelColumns { 1000.0, 90000.0, width, false }, d);
        QVERIFY2(d.points.size() <= std::size_t(width) * 4 + 2,
            qPrintable(QStringLiteral("width %1: %2 points").arg(width).arg(d.points.size())));
        for (std::size_t i = 1; i < d.indices.size(); ++i)
            QVERIFY(d.indices[i - 1] < d.indices[i]);
        for (const QPointF& p : d.points)
            QVERIFY(std::isfinite(p.x()) && std::isfinite(p.y()));
    }
}

// A chart keeps every curve's decimated points until it decimates again: with 1,000 runs per
// chart, the vectors' doubling growth held a fifth of the window's memory.
void TestDecimator::keptPointsCarryNoSlack_data()
{
    QTest::addColumn<int>("points");
    QTest::addColumn<int>("width");
    QTest::newRow("noisy, many per column") << 200000 << 460;
    QTest::newRow("fewer points than columns") << 300 << 460;
    QTest::newRow("wide") << 1000000 << 3000;
}

void TestDecimator::keptPointsCarryNoSlack()
{
    QFETCH(int, points);
    QFETCH(int, width);
    std::mt19937 rng(7);
    std::normal_distribution<double> noise;
    std::vector<double> x(static_cast<std::size_t>(points));
    std::vector<double> y(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        x[i] = double(i);
        y[i] = noise(rng);
    }
    DecimatedSeries d;
    Decimator::decimate(x, y, PixelColumns { 0, double(points - 1), width }, d);
    QVERIFY(!d.points.empty());
    QVERIFY2(d.points.capacity() <= d.points.size() + d.points.size() / 8 + 64,
        qPrintable(QStringLiteral("%1 of %2").arg(d.points.size()).arg(d.points.capacity())));
    QVERIFY(d.indices.capacity() <= d.indices.size() + d.indices.size() / 8 + 64);
}

QTEST_MAIN(TestDecimator)
#include "tst_decimator.moc"
