#include "record_table.hpp"
#include "series.hpp"
#include "series_aggregation.hpp"

#include <QTest>

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <vector>

using viewer::RecordTable;
using viewer::Series;
using viewer::SeriesAggregation;
using viewer::XAxisMode;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr double Inf = std::numeric_limits<double>::infinity();

using Values = std::vector<double>;

bool sameValue(double a, double b)
{
    return (std::isnan(a) && std::isnan(b))
        || std::abs(a - b) <= 1e-12 * std::max(1.0, std::abs(b));
}

} // namespace

class TestSeriesAggregation : public QObject
{
    Q_OBJECT

private slots:
    void byHand();
    void gapWhereNoCurveIsFinite();
    void latestPointWinsWhenXGoesBack();
    void matchesBruteForce();
    void fromSeries();
    void emptyInput();
};

void TestSeriesAggregation::byHand()
{
    // Two ranks, steps partly shared; rank 1 has a NaN at step 2 and an Inf at step 4.
    const Values x0 { 0, 1, 2, 3, 4 };
    const Values y0 { 1, 2, 3, 4, 5 };
    const Values x1 { 1, 2, 4, 6 };
    const Values y1 { 4, NaN, Inf, 10 };
    const auto r = SeriesAggregation::aggregate(
        { SeriesAggregation::fromArrays(x0, y0), SeriesAggregation::fromArrays(x1, y1) });
    QCOMPARE(r.x, (Values { 0, 1, 2, 3, 4, 6 }));
    QCOMPARE(r.count, (std::vector<std::uint32_t> { 1, 2, 1, 1, 1, 1 }));
    QCOMPARE(r.mean, (Values { 1, 3, 3, 4, 5, 10 }));
    QCOMPARE(r.min, (Values { 1, 2, 3, 4, 5, 10 }));
    QCOMPARE(r.max, (Values { 1, 4, 3, 4, 5, 10 }));
    QCOMPARE(r.size(), std::size_t(6));
}

void TestSeriesAggregation::gapWhereNoCurveIsFinite()
{
    const Values x { 1, 2, 3 };
    const Values a { 1, NaN, 3 };
    const Values b { 3, -Inf, 5 };
    const auto r = SeriesAggregation::aggregate(
        { SeriesAggregation::fromArrays(x, a), SeriesAggregation::fromArrays(x, b) });
    QCOMPARE(r.x, x);
    QCOMPARE(r.count, (std::vector<std::uint32_t> { 2, 0, 2 }));
    QCOMPARE(r.mean[0], 2.0);
    QVERIFY(std::isnan(r.mean[1]) && std::isnan(r.min[1]) && std::isnan(r.max[1]));
    QCOMPARE(r.mean[2], 4.0);
}

void TestSeriesAggregation::latestPointWinsWhenXGoesBack()
{
    // A resumed run: steps 0..3, then back to 2 and on. Its second step 2 and 3 supersede the
    // first ones; a NaN x (a record before any step) is skipped.
    const Values x { NaN, 0, 1, 2, 3, 2, 3, 4 };
    const Values y { 99, 10, 11, 12, 13, 22, NaN, 24 };
    const auto r = SeriesAggregation::aggregate({ SeriesAggregation::fromArrays(x, y) });
    QCOMPARE(r.x, (Values { 0, 1, 2, 3, 4 }));
    QCOMPARE(r.count, (std::vector<std::uint32_t> { 1, 1, 1, 0, 1 }));
    QCOMPARE(r.mean[2], 22.0);
    QVERIFY(std::isnan(r.mean[3]));
}

void TestSeriesAggregation::matchesBruteForce()
{
    std::mt19937_64 rng(8);
    std::vector<Values> xs(7);
    std::vector<Values> ys(7);
    std::vector<SeriesAggregation::Curve> curves;
    // Reference: per x, per curve the latest value; then the statistics of the finite ones.
    std::map<double, std::map<std::size_t, double>> latest;
    for (std::size_t k = 0; k < xs.size(); ++k) {
        double step = double(rng() % 5);
        for (int i = 0; i < 3000; ++i) {
            step += (rng() % 7 == 0) ? -double(rng() % 20) : double(rng() % 3);
            const auto r = rng() % 40;
            const double v = r == 0 ? NaN : r == 1 ? Inf : double(int(rng() % 2001) - 1000) / 8.0;
            xs[k].push_back(step);
            ys[k].push_back(v);
            latest[step][k] = v;
        }
        curves.push_back(SeriesAggregation::fromArrays(xs[k], ys[k]));
    }
    const auto r = SeriesAggregation::aggregate(curves);
    QCOMPARE(r.size(), latest.size());
    std::size_t i = 0;
    for (const auto& [x, perCurve] : latest) {
        double sum = 0;
        double mn = Inf;
        double mx = -Inf;
        std::uint32_t count = 0;
        for (const auto& [curve, v] : perCurve) {
            if (!std::isfinite(v))
                continue;
            sum += v;
            mn = std::min(mn, v);
            mx = std::max(mx, v);
            ++count;
        }
        QCOMPARE(r.x[i], x);
        QCOMPARE(r.count[i], count);
        QVERIFY(sameValue(r.mean[i], count ? sum / count : NaN));
        QVERIFY(sameValue(r.min[i], count ? mn : NaN));
        QVERIFY(sameValue(r.max[i], count ? mx : NaN));
        ++i;
    }
}

void TestSeriesAggregation::fromSeries()
{
    // Two seeds as Series over their own record tables, aggregated by step.
    RecordTable t0;
    RecordTable t1;
    Series s0(QStringLiteral("step_end"), QStringLiteral("loss"));
    Series s1(QStringLiteral("step_end"), QStringLiteral("loss"));
    for (int step = 0; step < 10; ++step) {
        t0.append(step, step, 0, 0, 0); // another tag's record in between
        s0.append(double(step), t0.append(step, step, 0, 0, 0));
        if (step % 2 == 0)
            s1.append(double(step) + 2.0, t1.append(step, step, 0, 0, 0));
    }
    const auto r = SeriesAggregation::aggregate(
        { SeriesAggregation::fromSeries(s0, t0.xColumn(XAxisMode::Step)),
            SeriesAggregation::fromSeries(s1, t1.xColumn(XAxisMode::Step)) });
    QCOMPARE(r.size(), std::size_t(10));
    QCOMPARE(r.mean[4], 5.0); // (4 + 6) / 2
    QCOMPARE(r.count[5], 1u);
    QCOMPARE(r.max[8], 10.0);
    // Sequence mode: x is the record index, which differs between the two tables here.
    const auto bySequence = SeriesAggregation::aggregate(
        { SeriesAggregation::fromSeries(s0, t0.xColumn(XAxisMode::Sequence)) });
    QCOMPARE(bySequence.x.front(), 1.0);
}

void TestSeriesAggregation::emptyInput()
{
    QCOMPARE(SeriesAggregation::aggregate({}).size(), std::size_t(0));
    const Values empty;
    QCOMPARE(SeriesAggregation::aggregate({ SeriesAggregation::fromArrays(empty, empty) }).size(),
        std::size_t(0));
    const Values x { 1, 2 };
    const Values shorter { 5 };
    QCOMPARE(SeriesAggregation::aggregate({ SeriesAggregation::fromArrays(x, shorter) }).size(),
        std::size_t(1));
}

QTEST_MAIN(TestSeriesAggregation)
#include "tst_series_aggregation.moc"
