// How the automatic y range is chosen (YRange): which points count (x inside [x0, x1], both ends
// included: the newest point of a followed run sits at x1), the padding, outliers and empty input.
// Regression of issue 11 item 2: the newest point was left out of the range and drawn outside.
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

} // namespace

class TestYRange : public QObject
{
    Q_OBJECT
private slots:
    void pointsInside_data()
    {
        QTest::addColumn<QList<double>>("x");
        QTest::addColumn<QList<int>>("segmentStarts"); // besides 0
        QTest::addColumn<double>("x0");
        QTest::addColumn<double>("x1");
        QTest::addColumn<QList<int>>("expected"); // first, last, first, last, ...
        QTest::newRow("both ends included") << QList<double> { 0, 1, 2, 3, 4 } << QList<int> {}
                                            << 1.0 << 3.0 << QList<int> { 1, 4 };
        QTest::newRow("last point at x1") << QList<double> { 0, 1, 2, 3, 4 } << QList<int> {}
                                          << 0.0 << 4.0 << QList<int> { 0, 5 };
        QTest::newRow("between points") << QList<double> { 0, 1, 2, 3, 4 } << QList<int> {}
                                        << 0.5 << 2.5 << QList<int> { 1, 3 };
        QTest::newRow("none inside") << QList<double> { 0, 1, 2 } << QList<int> {} << 5.0 << 6.0
                                     << QList<int> {};
        QTest::newRow("restart: each segment")
            << QList<double> { 0, 1, 2, 3, 1, 2, 3, 4 } << QList<int> { 4 } << 2.0 << 3.0
            << QList<int> { 2, 4, 5, 7 };
        QTest::newRow("NaN x sorts first") << QList<double> { NaN, 0, 1, 2 } << QList<int> {}
                                           << 0.0 << 2.0 << QList<int> { 1, 4 };
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
        QTest::addColumn<std::vector<double>>("y");
        QTest::addColumn<double>("x0");
        QTest::addColumn<double>("x1");
        QTest::addColumn<bool>("ignoreOutliers");
        QTest::addColumn<double>("lo"); // before padding
        QTest::addColumn<double>("hi");
        QTest::newRow("50 at 1, newest 100 at x1") << ones(50, 100.0) << 0.0 << 50.0 << false << 1.0
                                                   << 100.0;
        QTest::newRow("10000 at 1, newest 5 at x1")
            << ones(10000, 5.0) << 0.0 << 10000.0 << false << 1.0 << 5.0;
        QTest::newRow("newest alone after a NaN") << [] {
            std::vector<double> y(20, 1.0);
            y.push_back(NaN);
            y.push_back(3.0);
            return y;
        }() << 0.0 << 21.0 << false << 1.0
                                                  << 3.0;
        QTest::newRow("first point at x0") << [] {
            std::vector<double> y(20, 1.0);
            y[5] = -2.0;
            return y;
        }() << 5.0 << 19.0 << false << -2.0
                                           << 1.0;
        QTest::newRow("beyond x1 does not count")
            << ones(50, 100.0) << 0.0 << 49.5 << false << 1.0 << 1.0;
        QTest::newRow("outliers: newest at x1 counts") << [] {
            std::vector<double> y(50, 1.0);
            for (std::size_t i = 0; i < y.size(); ++i)
                y[i] = double(i % 10);
            y.push_back(9.0);
            return y;
        }() << 0.0 << 50.0 << true << 0.0
                                                       << 9.0;
        QTest::newRow("only NaN: 0..1") << std::vector<double> { NaN, NaN } << 0.0 << 1.0 << false
                                        << 0.0 << 1.0;
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
        const auto [a, b] = YRange::automatic({ part }, 0.0, 3.0, options);
        QVERIFY(a < 1.0);
        QVERIFY(b > 1000.0);
    }
};

QTEST_APPLESS_MAIN(TestYRange)
#include "tst_y_range.moc"
