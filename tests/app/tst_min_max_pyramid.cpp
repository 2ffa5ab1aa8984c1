#include "data_table.hpp"
#include "min_max_pyramid.hpp"

#include <QTest>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

using viewer::MinMaxPyramid;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr double Inf = std::numeric_limits<double>::infinity();

// Values with every hazard the pyramid must skip: NaN, +/-Inf, repeated extremes, negative zero.
std::vector<double> randomValues(std::size_t n, unsigned seed, double nonFiniteShare)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<double> y(n);
    double walk = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        walk += u(rng) - 0.5;
        const double r = u(rng);
        if (r < nonFiniteShare / 3)
            y[i] = NaN;
        else if (r < nonFiniteShare * 2 / 3)
            y[i] = Inf;
        else if (r < nonFiniteShare)
            y[i] = -Inf;
        else if (r < nonFiniteShare + 0.01)
            y[i] = std::round(walk); // ties between equal extremes
        else
            y[i] = walk;
    }
    return y;
}

struct Brute
{
    bool any = false;
    double min = Inf;
    double max = -Inf;
    std::size_t minIndex = MinMaxPyramid::NotFound;
    std::size_t maxIndex = MinMaxPyramid::NotFound;
    unsigned kinds = 0;
};

Brute brute(const std::vector<double>& y, std::size_t first, std::size_t last)
{
    Brute b;
    for (std::size_t i = first; i < last; ++i) {
        b.kinds |= MinMaxPyramid::kindOf(y[i]);
        if (!std::isfinite(y[i]))
            continue;
        b.any = true;
        if (y[i] < b.min) {
            b.min = y[i];
            b.minIndex = i;
        }
        if (y[i] > b.max) {
            b.max = y[i];
            b.maxIndex = i;
        }
    }
    return b;
}

std::size_t bruteFind(
    const std::vector<double>& y, std::size_t first, std::size_t last, unsigned kinds)
{
    for (std::size_t i = first; i < last; ++i) {
        if (MinMaxPyramid::kindOf(y[i]) & kinds)
            return i;
    }
    return MinMaxPyramid::NotFound;
}

} // namespace

class TestMinMaxPyramid : public QObject
{
    Q_OBJECT

private slots:
    void matchesBruteForce_data();
    void matchesBruteForce();
    void equalExtremesKeepTheFirst_data();
    void equalExtremesKeepTheFirst();
    void incrementalEqualsRebuild();
    void emptyAndAllNonFinite();
    void clearForgetsEverything();
    void memoryPerPoint();
};

void TestMinMaxPyramid::matchesBruteForce_data()
{
    testing::addColumns<int, double, QString>({ "size", "nonFiniteShare", "built" });
    // Sizes straddle the level boundaries (32, 1024, 32768 points).
    for (int size : { 1, 31, 32, 33, 1023, 1024, 1025, 5000, 32768, 32769, 200000 }) {
        for (double share : { 0.0, 0.05, 0.9 }) {
            for (const char* built : { "rebuilt", "appended", "tail rewritten", "in pieces" }) {
                QTest::addRow("n=%d nonfinite=%.2f %s", size, share, built)
                    << size << share << QString::fromLatin1(built);
            }
        }
    }
}

void TestMinMaxPyramid::matchesBruteForce()
{
    QFETCH(int, size);
    QFETCH(double, nonFiniteShare);
    QFETCH(QString, built);
    const auto n = static_cast<std::size_t>(size);
    const std::vector<double> all = randomValues(n, 17u + n, nonFiniteShare);
    std::vector<double> y;
    MinMaxPyramid pyramid;
    if (built == QLatin1String("appended")) {
        for (double v : all) {
            y.push_back(v);
            pyramid.appended(y);
        }
    } else if (built == QLatin1String("tail rewritten")) {
        // Like a centered moving average as points arrive: every batch rewrites the last values
        // and appends. Extreme values written in between, and shrinking back, must leave no trace.
        std::mt19937_64 steps(n);
        while (y.size() < n) {
            const std::size_t from = y.size() - std::min<std::size_t>(y.size(), steps() % 80);
            const std::size_t end = std::min(n, y.size() + 1 + steps() % 300);
            y.resize(end);
            for (std::size_t i = from; i < end; ++i)
                y[i] = i % 2 ? 1e300 : -Inf;
            pyramid.changedFrom(y, from);
            if (steps() % 3 == 0) {
                y.resize(from);
                pyramid.changedFrom(y, from);
                y.resize(end);
            }
            std::copy(all.begin() + static_cast<std::ptrdiff_t>(from),
                all.begin() + static_cast<std::ptrdiff_t>(end),
                y.begin() + static_cast<std::ptrdiff_t>(from));
            pyramid.changedFrom(y, from);
        }
    } else if (built == QLatin1String("in pieces")) {
        // As a cached column lands: pieces of whole blocks in any order, then the levels above.
        y = all;
        constexpr std::size_t Piece = 4096;
        pyramid.beginPieces(n);
        QCOMPARE(pyramid.size(), std::size_t(0));
        for (std::size_t first = (n - 1) / Piece * Piece;; first -= Piece) {
            pyramid.summarizePiece(y.data(), first, std::min(n, first + Piece));
            if (first == 0)
                break;
        }
        pyramid.finishPieces(y);
    } else {
        y = all;
        pyramid.rebuild(y);
    }
    QCOMPARE(pyramid.size(), n);

    std::mt19937_64 rng(n);
    for (int trial = 0; trial < 400; ++trial) {
        std::size_t first = rng() % (n + 1);
        std::size_t last = rng() % (n + 1);
        if (trial % 4 == 0) // short ranges inside one block too
            last = std::min(n, first + rng() % 70);
        if (first > last)
            std::swap(first, last);
        const Brute expected = brute(y, first, last);
        double min = 0.0;
        double max = 0.0;
        QCOMPARE(pyramid.range(y, first, last, min, max), expected.any);
        MinMaxPyramid::Extremes e;
        QCOMPARE(pyramid.extremes(y, first, last, e), expected.any);
        if (expected.any) {
            QCOMPARE(min, expected.min);
            QCOMPARE(max, expected.max);
            QCOMPARE(e.min, expected.min);
            QCOMPARE(e.max, expected.max);
            QCOMPARE(e.minIndex, expected.minIndex);
            QCOMPARE(e.maxIndex, expected.maxIndex);
        }
        QCOMPARE(pyramid.nonFiniteKinds(y, first, last), expected.kinds);
        for (unsigned kinds = 1; kinds <= MinMaxPyramid::AnyNonFinite; ++kinds)
            QCOMPARE(
                pyramid.findNonFinite(y, first, last, kinds), bruteFind(y, first, last, kinds));
    }
}

// Values repeated (a metric that takes few values, signed zeros): a block's min and max are the
// first point holding them, whether the block has only finite values (found in lanes) or not,
// and -0.0 and 0.0 compare equal (the first of them wins, with its own sign).
void TestMinMaxPyramid::equalExtremesKeepTheFirst_data()
{
    testing::addColumns<std::vector<double>>({ "palette" });
    QTest::newRow("few values") << std::vector<double> { 1.0, 2.0, 3.0 };
    QTest::newRow("signed zeros") << std::vector<double> { -0.0, 0.0 };
    QTest::newRow("signed zeros and ones") << std::vector<double> { -0.0, 0.0, 1.0, -1.0 };
    QTest::newRow("all equal") << std::vector<double> { 5.0 };
    QTest::newRow("few values and NaN") << std::vector<double> { 1.0, 2.0, NaN };
    QTest::newRow("zeros and infinities") << std::vector<double> { -0.0, 0.0, Inf, -Inf };
}

void TestMinMaxPyramid::equalExtremesKeepTheFirst()
{
    QFETCH(std::vector<double>, palette);
    std::mt19937_64 rng(7);
    std::vector<double> y(5000);
    for (double& v : y)
        v = palette[rng() % palette.size()];
    MinMaxPyramid pyramid;
    pyramid.rebuild(y);
    for (std::size_t first = 0; first < y.size(); first += 97) {
        for (const std::size_t length : { std::size_t(1), std::size_t(32), std::size_t(700) }) {
            const std::size_t last = std::min(y.size(), first + length);
            const Brute expected = brute(y, first, last);
            MinMaxPyramid::Extremes e;
            QCOMPARE(pyramid.extremes(y, first, last, e), expected.any);
            if (!expected.any)
                continue;
            QCOMPARE(e.minIndex, expected.minIndex);
            QCOMPARE(e.maxIndex, expected.maxIndex);
            QCOMPARE(std::signbit(e.min), std::signbit(expected.min));
            QCOMPARE(std::signbit(e.max), std::signbit(expected.max));
            double min = 0.0;
            double max = 0.0;
            QVERIFY(pyramid.range(y, first, last, min, max));
            QCOMPARE(std::signbit(min), std::signbit(expected.min));
            QCOMPARE(std::signbit(max), std::signbit(expected.max));
        }
    }
}

void TestMinMaxPyramid::incrementalEqualsRebuild()
{
    // A spike appended late must climb every level; a value inside the range must not disturb it.
    std::vector<double> y;
    MinMaxPyramid pyramid;
    for (std::size_t i = 0; i < 70000; ++i) {
        y.push_back(i == 65000 ? 1e9 : std::sin(static_cast<double>(i)));
        pyramid.appended(y);
    }
    double min = 0.0;
    double max = 0.0;
    QVERIFY(pyramid.range(y, 0, y.size(), min, max));
    QCOMPARE(max, 1e9);
    QVERIFY(pyramid.range(y, 0, 65000, min, max));
    QVERIFY(max < 1.0);
    MinMaxPyramid::Extremes e;
    QVERIFY(pyramid.extremes(y, 100, y.size(), e));
    QCOMPARE(e.maxIndex, std::size_t(65000));

    MinMaxPyramid rebuilt;
    rebuilt.rebuild(y);
    QCOMPARE(rebuilt.bytesUsed() > 0, true);
    for (std::size_t first : { 0u, 5u, 1000u, 40000u }) {
        double a = 0.0;
        double b = 0.0;
        QVERIFY(rebuilt.range(y, first, y.size(), a, b));
        QVERIFY(pyramid.range(y, first, y.size(), min, max));
        QCOMPARE(a, min);
        QCOMPARE(b, max);
    }

    // A shorter array than described (the owner replaced it) rebuilds rather than reading past it.
    y.resize(10);
    pyramid.appended(y);
    QCOMPARE(pyramid.size(), std::size_t(10));
    QVERIFY(pyramid.range(y, 0, 100, min, max));
}

void TestMinMaxPyramid::emptyAndAllNonFinite()
{
    std::vector<double> y;
    MinMaxPyramid pyramid;
    double min = 0.0;
    double max = 0.0;
    QVERIFY(!pyramid.range(y, 0, 10, min, max));
    for (int i = 0; i < 3000; ++i) {
        y.push_back(i % 2 ? NaN : Inf);
        pyramid.appended(y);
    }
    QVERIFY(!pyramid.range(y, 0, y.size(), min, max));
    QCOMPARE(pyramid.nonFiniteKinds(y, 0, y.size()),
        unsigned(MinMaxPyramid::NaNKind | MinMaxPyramid::PosInfKind));
    QCOMPARE(
        pyramid.findNonFinite(y, 0, y.size(), MinMaxPyramid::NegInfKind), MinMaxPyramid::NotFound);
    y.push_back(-0.0);
    pyramid.appended(y);
    QVERIFY(pyramid.range(y, 0, y.size(), min, max));
    QCOMPARE(min, 0.0);
}

void TestMinMaxPyramid::clearForgetsEverything()
{
    std::vector<double> y(5000, 3.0);
    MinMaxPyramid pyramid;
    pyramid.rebuild(y);
    pyramid.clear();
    QCOMPARE(pyramid.size(), std::size_t(0));
    double min = 0.0;
    double max = 0.0;
    QVERIFY(!pyramid.range(y, 0, y.size(), min, max));
    y.assign(1, 4.0);
    pyramid.appended(y);
    QVERIFY(pyramid.range(y, 0, 1, min, max));
    QCOMPARE(max, 4.0);
}

void TestMinMaxPyramid::memoryPerPoint()
{
    const std::vector<double> y = randomValues(1 << 20, 3, 0.01);
    MinMaxPyramid pyramid;
    pyramid.rebuild(y);
    const double perPoint = double(pyramid.bytesUsed()) / double(y.size());
    QVERIFY2(perPoint < 0.65, qPrintable(QString::number(perPoint)));
}

QTEST_MAIN(TestMinMaxPyramid)
#include "tst_min_max_pyramid.moc"
