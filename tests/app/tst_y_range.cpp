// How the automatic y range is chosen (YRange): which points count (x inside [x0, x1], both ends
// included: the newest point of a followed run sits at x1), the padding, outliers and empty input.
// Regression of issue 11 item 2: the newest point was left out of the range and drawn outside.
#include "data_table.hpp"
#include "min_max_pyramid.hpp"
#include "y_range.hpp"

#include <QTest>

#include <cmath>
#include <limits>

using namespace viewer;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

using Ranges = std::vector<std::pair<std::size_t, std::size_t>>;

std::vector<double> ones(std::size_t n, double last)
{
    std::vector<double> y(n, 1.0);
    y.push_back(last);
    return y;
}

// A loss near 1 (0.9 .. 1.1, deterministic noise), n points.
std::vector<double> noisyLoss(std::size_t n, double level = 1.0)
{
    std::vector<double> y(n);
    for (std::size_t i = 0; i < n; ++i)
        y[i] = level * (1.0 + 0.1 * std::sin(double(i) * 1.7));
    return y;
}

std::vector<double> withValueAt(std::vector<double> y, std::size_t i, double v)
{
    y[i] = v;
    return y;
}

// A run that diverges: healthy for a tenth of its points, then an exponential ramp to 1e8 (and
// a few NaN at the end, as a diverged loss does).
std::vector<double> diverging(std::size_t n)
{
    std::vector<double> y = noisyLoss(n);
    for (std::size_t i = n / 10; i < n; ++i)
        y[i] = std::pow(10.0, 8.0 * double(i - n / 10) / double(n - n / 10 - 1));
    y.push_back(NaN);
    return y;
}

using Curves = std::vector<std::vector<double>>;

} // namespace

Q_DECLARE_METATYPE(Curves)

class TestYRange : public QObject
{
    Q_OBJECT
private slots:
    void pointsInside_data()
    {
        // segmentStarts: besides 0
        // expected: first, last, first, last, ...
        testing::addColumns<QList<double>, QList<int>, double, double, QList<int>>(
            { "x", "segmentStarts", "x0", "x1", "expected" });
        QTest::newRow("both ends included") << QList<double> { 0, 1, 2, 3, 4 } << QList<int> {}
                                            << 1.0 << 3.0 << QList<int> { 1, 4 };
        QTest::newRow("last point at x1") << QList<double> { 0, 1, 2, 3, 4 } << QList<int> {} << 0.0
                                          << 4.0 << QList<int> { 0, 5 };
        QTest::newRow("between points") << QList<double> { 0, 1, 2, 3, 4 } << QList<int> {} << 0.5
                                        << 2.5 << QList<int> { 1, 3 };
        QTest::newRow("none inside")
            << QList<double> { 0, 1, 2 } << QList<int> {} << 5.0 << 6.0 << QList<int> {};
        QTest::newRow("restart: each segment")
            << QList<double> { 0, 1, 2, 3, 1, 2, 3, 4 } << QList<int> { 4 } << 2.0 << 3.0
            << QList<int> { 2, 4, 5, 7 };
        QTest::newRow("NaN x sorts first")
            << QList<double> { NaN, 0, 1, 2 } << QList<int> {} << 0.0 << 2.0 << QList<int> { 1, 4 };
    }
    void pointsInside()
    {
        QFETCH(QList<double>, x);
        QFETCH(QList<int>, segmentStarts);
        QFETCH(double, x0);
        QFETCH(double, x1);
        QFETCH(QList<int>, expected);
        Ranges segments;
        std::size_t begin = 0;
        for (int s : segmentStarts) {
            segments.emplace_back(begin, std::size_t(s));
            begin = std::size_t(s);
        }
        segments.emplace_back(begin, std::size_t(x.size()));
        const auto ranges = YRange::pointsInside(
            segments, [&](std::size_t i) { return x[qsizetype(i)]; }, x0, x1);
        QList<int> got;
        for (const IndexRange& r : ranges)
            got << int(r.first) << int(r.last);
        QCOMPARE(got, expected);
    }

    // x of point i is i; the shown x range is [x0, x1]; the range is padded by 5 %.
    void automatic_data()
    {
        // lo: before padding
        testing::addColumns<std::vector<double>, double, double, bool, double, double>(
            { "y", "x0", "x1", "ignoreOutliers", "lo", "hi" });
        QTest::newRow("50 at 1, newest 100 at x1")
            << ones(50, 100.0) << 0.0 << 50.0 << false << 1.0 << 100.0;
        QTest::newRow("10000 at 1, newest 5 at x1")
            << ones(10000, 5.0) << 0.0 << 10000.0 << false << 1.0 << 5.0;
        QTest::newRow("newest alone after a NaN") << [] {
            std::vector<double> y(20, 1.0);
            y.push_back(NaN);
            y.push_back(3.0);
            return y;
        }() << 0.0 << 21.0 << false << 1.0 << 3.0;
        QTest::newRow("first point at x0") << [] {
            std::vector<double> y(20, 1.0);
            y[5] = -2.0;
            return y;
        }() << 5.0 << 19.0 << false << -2.0 << 1.0;
        QTest::newRow("beyond x1 does not count")
            << ones(50, 100.0) << 0.0 << 49.5 << false << 1.0 << 1.0;
        QTest::newRow("outliers: newest at x1 counts") << [] {
            std::vector<double> y(50, 1.0);
            for (std::size_t i = 0; i < y.size(); ++i)
                y[i] = double(i % 10);
            y.push_back(9.0);
            return y;
        }() << 0.0 << 50.0 << true << 0.0 << 9.0;
        QTest::newRow("only NaN: 0..1")
            << std::vector<double> { NaN, NaN } << 0.0 << 1.0 << false << 0.0 << 1.0;
    }
    void automatic()
    {
        QFETCH(std::vector<double>, y);
        QFETCH(double, x0);
        QFETCH(double, x1);
        QFETCH(bool, ignoreOutliers);
        QFETCH(double, lo);
        QFETCH(double, hi);
        MinMaxPyramid pyramid;
        pyramid.rebuild(y);
        YRange::Part part;
        part.y = &y;
        part.pyramid = &pyramid;
        part.inside = YRange::pointsInside(
            Ranges { { 0, y.size() } }, [](std::size_t i) { return double(i); }, x0, x1);
        YRange::Options options;
        options.ignoreOutliers = ignoreOutliers;
        const auto [a, b] = YRange::automatic({ part }, x0, x1, options);
        double padLo = lo;
        double padHi = hi;
        if (y.size() == 2 && std::isnan(y[0])) {
            padLo = 0.0 - 0.05; // the empty default, padded like any range
            padHi = 1.0 + 0.05;
        } else {
            const double span = hi - lo;
            const double by = span > 0 ? span * 0.05 : std::max(std::abs(lo), 1.0) * 0.05;
            padLo -= by;
            padHi += by;
        }
        QCOMPARE(a, padLo);
        QCOMPARE(b, padHi);
        // What a chart needs of it: every counted point lies inside.
        QVERIFY(a < lo && b > hi);
    }

    // Issue 13 item 2: the cases that made real logs unreadable, each over every curve together.
    // The healthy values [healthyLo, healthyHi] must be inside the range and fill it: the range
    // spans at most `fill` times their span (log axis: in decades). Nothing is infinite.
    void readableByDefault_data()
    {
        testing::addColumns<Curves, bool, bool, double, double, double>(
            { "curves", "logY", "ignoreOutliers", "healthyLo", "healthyHi", "fill" });
        const std::vector<double> loss = noisyLoss(60);
        QTest::newRow("loss 1e6 at step 5")
            << Curves { withValueAt(loss, 5, 1e6) } << false << true << 0.9 << 1.1 << 1.2;
        QTest::newRow("a 9.5e307 value")
            << Curves { withValueAt(loss, 30, 9.5e307) } << false << true << 0.9 << 1.1 << 1.2;
        QTest::newRow("-9.5e307 and 9.5e307")
            << Curves { withValueAt(withValueAt(loss, 30, 9.5e307), 31, -9.5e307) } << false << true
            << 0.9 << 1.1 << 1.2;
        QTest::newRow("log y: a 9.5e307 value")
            << Curves { withValueAt(loss, 30, 9.5e307) } << true << true << 0.9 << 1.1 << 1.3;
        QTest::newRow("log y: 1e6 at step 5 and a 9.5e307 value")
            << Curves { withValueAt(withValueAt(loss, 5, 1e6), 30, 9.5e307) } << true << true << 0.9
            << 1.1 << 1.3;
        Curves sweep;
        for (int r = 0; r < 22; ++r)
            sweep.push_back(noisyLoss(500, 1.0 + 0.02 * r));
        sweep.push_back(diverging(500));
        sweep.push_back(diverging(500));
        QTest::newRow("sweep of 24, 2 diverged") << sweep << false << true << 0.95 << 1.4 << 1.8;
        QTest::newRow("sweep of 24, 2 diverged, log y")
            << sweep << true << true << 0.95 << 1.4 << 3.0;
        // Outliers kept (the user's choice): the range holds every value, and stays finite.
        QTest::newRow("outliers kept: 9.5e307 finite")
            << Curves { withValueAt(loss, 30, 9.5e307) } << false << false << 0.9 << 9.5e307 << 1.2;
        QTest::newRow("outliers kept: -/+9.5e307 finite")
            << Curves { withValueAt(withValueAt(loss, 30, 9.5e307), 31, -9.5e307) } << false
            << false << -9.5e307 << 9.5e307 << 2.0;
        QTest::newRow("outliers kept, log y: 9.5e307 finite")
            << Curves { withValueAt(loss, 30, 9.5e307) } << true << false << 0.9 << 9.5e307 << 1.2;
        QTest::newRow("outliers kept, log y: 1.7e308 finite")
            << Curves { withValueAt(loss, 30, 1.7e308) } << true << false << 0.9 << 1.7e308 << 1.2;
    }
    void readableByDefault()
    {
        QFETCH(Curves, curves);
        QFETCH(bool, logY);
        QFETCH(bool, ignoreOutliers);
        QFETCH(double, healthyLo);
        QFETCH(double, healthyHi);
        QFETCH(double, fill);
        std::vector<MinMaxPyramid> pyramids(curves.size());
        std::vector<std::vector<QPointF>> drawn(curves.size());
        std::vector<YRange::Part> parts;
        double x1 = 0;
        for (std::size_t c = 0; c < curves.size(); ++c) {
            pyramids[c].rebuild(curves[c]);
            for (std::size_t i = 0; i < curves[c].size(); ++i)
                drawn[c].emplace_back(double(i), curves[c][i]);
            YRange::Part part;
            part.y = &curves[c];
            part.pyramid = &pyramids[c];
            part.inside = { { 0, std::uint32_t(curves[c].size()) } };
            part.decimated = &drawn[c];
            parts.push_back(part);
            x1 = std::max(x1, double(curves[c].size()));
        }
        YRange::Options options;
        options.logY = logY;
        options.ignoreOutliers = ignoreOutliers;
        const auto [lo, hi] = YRange::automatic(parts, 0.0, x1, options);
        QVERIFY2(std::isfinite(lo) && std::isfinite(hi) && lo < hi,
            qPrintable(QStringLiteral("%1 .. %2").arg(lo).arg(hi)));
        QVERIFY2(lo <= healthyLo && hi >= healthyHi,
            qPrintable(QStringLiteral("%1 .. %2").arg(lo).arg(hi)));
        if (logY) {
            QVERIFY(lo > 0);
            QVERIFY2(std::log10(hi) - std::log10(lo)
                    <= fill * (std::log10(healthyHi) - std::log10(healthyLo)),
                qPrintable(QStringLiteral("%1 .. %2").arg(lo).arg(hi)));
        } else {
            QVERIFY2(hi / 2 - lo / 2 <= fill * (healthyHi / 2 - healthyLo / 2),
                qPrintable(QStringLiteral("%1 .. %2").arg(lo).arg(hi)));
        }
    }

    // With smoothing, the range fits the smoothed line, inside the outlier fence of the raw
    // values: an EMA 0.6 that carries one 9.5e307 over a thousand points is clipped, not fitted.
    void smoothedLineFitsInsideTheRawFence()
    {
        std::vector<double> raw = noisyLoss(2000);
        raw[1000] = 9.5e307;
        std::vector<double> ema(raw.size());
        double e = 0;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            e = 0.6 * e + 0.4 * raw[i];
            ema[i] = e / (1 - std::pow(0.6, double(i + 1)));
        }
        MinMaxPyramid pyramid;
        pyramid.rebuild(ema);
        YRange::Part part;
        part.y = &ema;
        part.pyramid = &pyramid;
        part.inside = { { 0, std::uint32_t(ema.size()) } };
        part.raw = &raw;
        const auto [lo, hi] = YRange::automatic({ part }, 0.0, 2000.0, YRange::Options {});
        QVERIFY2(lo > 0.8 && hi < 1.2, qPrintable(QStringLiteral("%1 .. %2").arg(lo).arg(hi)));
    }

    void logAxisUsesDrawnPoints()
    {
        // On a log axis the decimated points give the smallest positive value; the newest one,
        // kept at x1, counts.
        const std::vector<double> y { 1, 1, 1, 1000 };
        MinMaxPyramid pyramid;
        pyramid.rebuild(y);
        const std::vector<QPointF> drawn { { 0, 1 }, { 2, 1 }, { 3, 1000 } };
        YRange::Part part;
        part.y = &y;
        part.pyramid = &pyramid;
        part.decimated = &drawn;
        YRange::Options options;
        options.logY = true;
        options.ignoreOutliers = false;
        const auto [a, b] = YRange::automatic({ part }, 0.0, 3.0, options);
        QVERIFY(a < 1.0);
        QVERIFY(b > 1000.0);
    }
};

QTEST_APPLESS_MAIN(TestYRange)
#include "tst_y_range.moc"
