#include "data_table.hpp"
#include "decimator.hpp"
#include "min_max_pyramid.hpp"
#include "robust_range.hpp"

#include <QTest>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

using viewer::IndexRange;
using viewer::MinMaxPyramid;
using viewer::RobustRange;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr double Inf = std::numeric_limits<double>::infinity();

RobustRange::Options unpadded()
{
    RobustRange::Options o;
    o.padding = 0.0;
    return o;
}

} // namespace

class TestRobustRange : public QObject
{
    Q_OBJECT

private slots:
    void quantilesByHand_data();
    void quantilesByHand();
    void outliersIgnored();
    void nonFiniteNeverCounts();
    void severalRanges();
    void sampleOfHugeRanges();
    void finiteRangeFromPyramid();
    void padding_data();
    void padding();
};

void TestRobustRange::quantilesByHand_data()
{
    // from: the visible index range of y = 1000, 999, ..., 1
    testing::addColumns<double, double, int, int, double, double>(
        { "lowerQuantile", "upperQuantile", "from", "to", "lo", "hi" });
    QTest::newRow("default quantiles") << 0.001 << 0.999 << 0 << 1000 << 1.999 << 999.001;
    QTest::newRow("median") << 0.5 << 0.5 << 0 << 1000 << 500.5 << 500.5;
    QTest::newRow("whole of a part") << 0.0 << 1.0 << 10 << 20 << 981.0 << 990.0;
}

void TestRobustRange::quantilesByHand()
{
    QFETCH(double, lowerQuantile);
    QFETCH(double, upperQuantile);
    QFETCH(int, from);
    QFETCH(int, to);
    std::vector<double> y(1000);
    for (std::size_t i = 0; i < y.size(); ++i)
        y[i] = double(1000 - i); // 1000..1, order must not matter
    RobustRange::Options options = unpadded();
    options.lowerQuantile = lowerQuantile;
    options.upperQuantile = upperQuantile;
    double lo = 0;
    double hi = 0;
    QVERIFY(RobustRange::quantileRange(
        y, { { std::uint32_t(from), std::uint32_t(to) } }, options, lo, hi));
    QTEST(lo, "lo");
    QTEST(hi, "hi");
}

void TestRobustRange::outliersIgnored()
{
    // A smooth curve around 1 with a handful of huge spikes: the robust range hugs the curve,
    // the plain one is dominated by the spikes.
    std::vector<double> y(100000);
    std::mt19937_64 rng(1);
    std::normal_distribution<double> g(1.0, 0.1);
    for (double& v : y)
        v = g(rng);
    for (std::size_t i = 0; i < 20; ++i)
        y[rng() % y.size()] = (i % 2 ? 1e6 : -1e6);
    MinMaxPyramid pyramid;
    pyramid.rebuild(y);
    double lo = 0;
    double hi = 0;
    QVERIFY(RobustRange::finiteRange(y, pyramid, { { 0, 100000 } }, 0.0, lo, hi));
    QCOMPARE(hi, 1e6);
    QVERIFY(RobustRange::quantileRange(y, { { 0, 100000 } }, RobustRange::Options {}, lo, hi));
    QVERIFY2(lo > 0.4 && lo < 0.8 && hi > 1.2 && hi < 1.6,
        qPrintable(QStringLiteral("%1 .. %2").arg(lo).arg(hi)));
}

void TestRobustRange::nonFiniteNeverCounts()
{
    const std::vector<double> y { NaN, Inf, 3.0, -Inf, 5.0, NaN };
    RobustRange::Options whole = unpadded();
    whole.lowerQuantile = 0.0;
    whole.upperQuantile = 1.0;
    double lo = 0;
    double hi = 0;
    QVERIFY(RobustRange::quantileRange(y, { { 0, 6 } }, whole, lo, hi));
    QCOMPARE(lo, 3.0);
    QCOMPARE(hi, 5.0);
    QVERIFY(!RobustRange::quantileRange(y, { { 0, 2 } }, whole, lo, hi));
    QVERIFY(!RobustRange::quantileRange(y, {}, whole, lo, hi));
    MinMaxPyramid pyramid;
    pyramid.rebuild(y);
    QVERIFY(!RobustRange::finiteRange(y, pyramid, { { 0, 2 }, { 5, 6 } }, 0.0, lo, hi));
}

void TestRobustRange::severalRanges()
{
    // Two overlapping segments of a resumed run: both visible ranges count.
    const std::vector<double> y { 100, 1, 2, 3, 50, 4, 5 };
    RobustRange::Options whole = unpadded();
    whole.lowerQuantile = 0.0;
    whole.upperQuantile = 1.0;
    double lo = 0;
    double hi = 0;
    QVERIFY(RobustRange::quantileRange(y, { { 1, 3 }, { 5, 7 } }, whole, lo, hi));
    QCOMPARE(lo, 1.0);
    QCOMPARE(hi, 5.0);
    MinMaxPyramid pyramid;
    pyramid.rebuild(y);
    QVERIFY(RobustRange::finiteRange(y, pyramid, { { 1, 3 }, { 5, 7 } }, 0.0, lo, hi));
    QCOMPARE(lo, 1.0);
    QCOMPARE(hi, 5.0);
    // Out-of-bounds ranges are cut to the data.
    QVERIFY(RobustRange::quantileRange(y, { { 5, 100 } }, whole, lo, hi));
    QCOMPARE(hi, 5.0);
}

void TestRobustRange::sampleOfHugeRanges()
{
    // 4 M points uniform in [0, 1): the sampled quantiles are close to the true ones, and
    // panning by a few points does not move them (the sample sits on fixed absolute indices, so
    // only a sampled point crossing the edge can change it).
    std::vector<double> y(4'000'000);
    std::mt19937_64 rng(2);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (double& v : y)
        v = u(rng);
    double lo = 0;
    double hi = 0;
    QVERIFY(RobustRange::quantileRange(y, { { 1, 3'999'990 } }, unpadded(), lo, hi));
    QVERIFY(std::abs(lo - 0.001) < 0.0005 && std::abs(hi - 0.999) < 0.0005);
    for (const IndexRange& panned : { IndexRange { 5, 3'999'995 }, IndexRange { 17, 4'000'000 } }) {
        double lo2 = 0;
        double hi2 = 0;
        QVERIFY(RobustRange::quantileRange(y, { panned }, unpadded(), lo2, hi2));
        QCOMPARE(lo2, lo);
        QCOMPARE(hi2, hi);
    }
}

void TestRobustRange::finiteRangeFromPyramid()
{
    std::vector<double> y;
    MinMaxPyramid pyramid;
    for (int i = 0; i < 50000; ++i) {
        y.push_back(i == 33333 ? -7.5 : std::cos(i * 0.01));
        pyramid.appended(y);
    }
    double lo = 0;
    double hi = 0;
    QVERIFY(RobustRange::finiteRange(y, pyramid, { { 30000, 40000 } }, 0.0, lo, hi));
    QCOMPARE(lo, -7.5);
    QVERIFY(RobustRange::finiteRange(y, pyramid, { { 30000, 40000 } }, 0.1, lo, hi));
    QVERIFY(lo < -7.5 && hi > 1.0);
}

void TestRobustRange::padding_data()
{
    testing::addTable<double, double, double, double, double>(
        { "min", "max", "padding", "paddedMin", "paddedMax" },
        {
            { "span", 0.0, 10.0, 0.05, -0.5, 10.5 },
            { "flat at zero", 0.0, 0.0, 0.05, -0.05, 0.05 },
            { "flat at 200", 200.0, 200.0, 0.05, 190.0, 210.0 },
            { "no padding", 1.0, 2.0, 0.0, 1.0, 2.0 },
        });
}

void TestRobustRange::padding()
{
    QFETCH(double, min);
    QFETCH(double, max);
    QFETCH(double, padding);
    QFETCH(double, paddedMin);
    QFETCH(double, paddedMax);
    RobustRange::pad(min, max, padding);
    QCOMPARE(min, paddedMin);
    QCOMPARE(max, paddedMax);
}

QTEST_MAIN(TestRobustRange)
#include "tst_robust_range.moc"
