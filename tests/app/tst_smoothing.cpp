#include "data_table.hpp"
#include "smoothing.hpp"

#include <QTest>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

using viewer::Smoothing;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr double Inf = std::numeric_limits<double>::infinity();

using Values = std::vector<double>;
using Starts = std::vector<std::uint32_t>;

// Equal, NaN matching NaN and infinities matching by sign; finite values to 1e-12 relative.
bool same(const Values& a, const Values& b, QString& why)
{
    if (a.size() != b.size()) {
        why = QStringLiteral("size %1 != %2").arg(a.size()).arg(b.size());
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        const bool ok = std::isnan(a[i]) ? std::isnan(b[i])
            : std::isinf(a[i])           ? a[i] == b[i]
                               : std::abs(a[i] - b[i]) <= 1e-12 * std::max(1.0, std::abs(b[i]));
        if (!ok) {
            why = QStringLiteral("at %1: %2 != %3")
                      .arg(i)
                      .arg(a[i], 0, 'g', 17)
                      .arg(b[i], 0, 'g', 17);
            return false;
        }
    }
    return true;
}

// The textbook definitions, written the slow way, as the reference for the random cases.
Values slowEma(const Values& y, double w, const Starts& starts)
{
    Values out;
    double last = 0.0;
    int n = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        if (std::find(starts.begin(), starts.end(), i) != starts.end()) {
            last = 0.0;
            n = 0;
        }
        if (!std::isfinite(y[i])) {
            out.push_back(y[i]);
            continue;
        }
        last = last * w + (1 - w) * y[i];
        ++n;
        out.push_back(last / (1 - std::pow(w, n)));
    }
    return out;
}

// The EMA of the values not listed in `outliers`, which are returned as they are; `restarts`
// start the average again (a level shift).
Values emaWithout(const Values& y, double w, const Starts& outliers, const Starts& restarts)
{
    const auto listed = [](const Starts& list, std::size_t i) {
        return std::find(list.begin(), list.end(), i) != list.end();
    };
    Values kept;
    Starts keptStarts;
    for (std::size_t i = 0; i < y.size(); ++i) {
        if (listed(restarts, i))
            keptStarts.push_back(std::uint32_t(kept.size()));
        if (!listed(outliers, i))
            kept.push_back(y[i]);
    }
    const Values smoothed = slowEma(kept, w, keptStarts);
    Values out;
    std::size_t k = 0;
    for (std::size_t i = 0; i < y.size(); ++i)
        out.push_back(listed(outliers, i) ? y[i] : smoothed[k++]);
    return out;
}

Values slowMovingAverage(const Values& y, int window, const Starts& starts)
{
    Values out;
    const auto segmentOf = [&](std::size_t i) {
        return std::count_if(starts.begin(), starts.end(), [&](std::uint32_t s) { return s <= i; });
    };
    for (std::size_t i = 0; i < y.size(); ++i) {
        if (!std::isfinite(y[i])) {
            out.push_back(y[i]);
            continue;
        }
        double sum = 0;
        int count = 0;
        const long lo = long(i) - (window - 1) / 2;
        const long hi = long(i) + window / 2;
        for (long j = std::max(0L, lo); j <= hi && j < long(y.size()); ++j) {
            if (segmentOf(std::size_t(j)) == segmentOf(i) && std::isfinite(y[std::size_t(j)])) {
                sum += y[std::size_t(j)];
                ++count;
            }
        }
        out.push_back(sum / count);
    }
    return out;
}

Values randomValues(std::size_t n, unsigned seed)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> g(0.0, 1.0);
    Values y(n);
    double walk = 0;
    for (double& v : y) {
        walk += g(rng);
        const auto r = rng() % 50;
        v = r == 0 ? NaN : r == 1 ? Inf : r == 2 ? -Inf : walk;
    }
    return y;
}

} // namespace

class TestSmoothing : public QObject
{
    Q_OBJECT

private slots:
    void emaByHand_data();
    void emaByHand();
    void emaMatchesDefinition();
    void emaIncremental();
    void emaLeavesOutExtremeOutliers_data();
    void emaLeavesOutExtremeOutliers();
    void movingAverageByHand_data();
    void movingAverageByHand();
    void movingAverageMatchesDefinition();
    void movingAverageIncremental();
    void movingAverageDoesNotDrift();
};

void TestSmoothing::emaByHand_data()
{
    testing::addTable<Values, double, Starts, Values>({ "y", "weight", "starts", "expected" },
        {
            // w = 0.5: last = 0.5, 1.75 -> debiased by 0.5, 0.75.
            { "NaN keeps its place", Values { 1, NaN, 3 }, 0.5, Starts {},
                Values { 1, NaN, 1.75 / 0.75 } },
            // w = 0.6: 0.4*2 = 0.8 / 0.4 = 2; 0.48 + 0.4*4 = 2.08 / 0.64 = 3.25;
            // 1.248 + 0.4*6 = 3.648 / 0.784 = 4.653061224489796.
            { "debiased from the first point", Values { 2, 4, 6 }, 0.6, Starts {},
                Values { 2, 3.25, 3.648 / 0.784 } },
            { "weight 0 is the identity", Values { 5, -1, Inf, 2 }, 0.0, Starts {},
                Values { 5, -1, Inf, 2 } },
            { "infinities stay and do not leak", Values { 1, Inf, -Inf, 3 }, 0.5, Starts {},
                Values { 1, Inf, -Inf, 1.75 / 0.75 } },
            { "constant stays exact", Values { 0.1, 0.1, NaN, 0.1, 0.1 }, 0.9, Starts {},
                Values { 0.1, 0.1, NaN, 0.1, 0.1 } },
            { "restart at a segment start", Values { 2, 4, 10, 20 }, 0.5, Starts { 2 },
                Values { 2, 2.5 / 0.75, 10, 12.5 / 0.75 } },
            { "weight above 0.999 is clamped", Values { 1, 2 }, 5.0, Starts {},
                Values { 1, (0.999 * 0.001 + 0.001 * 2) / (1 - 0.999 * 0.999) } },
            { "all NaN", Values { NaN, NaN }, 0.5, Starts {}, Values { NaN, NaN } },
            { "empty", Values {}, 0.5, Starts {}, Values {} },
        });
}

void TestSmoothing::emaByHand()
{
    QFETCH(Values, y);
    QFETCH(double, weight);
    QFETCH(Starts, starts);
    QFETCH(Values, expected);
    QString why;
    QVERIFY2(same(Smoothing::ema(y, weight, starts), expected, why), qPrintable(why));
}

void TestSmoothing::emaMatchesDefinition()
{
    const Values y = randomValues(5000, 1);
    const Starts starts { 1000, 1001, 3000 };
    for (double w : { 0.0, 0.3, 0.9, 0.999 }) {
        QString why;
        QVERIFY2(same(Smoothing::ema(y, w, starts), slowEma(y, w, starts), why), qPrintable(why));
    }
}

void TestSmoothing::emaIncremental()
{
    // A live series grows in batches; smoothing each batch as it comes gives the same curve.
    // With spikes that are left out and a level shift that restarts the average.
    Values all = randomValues(3000, 2);
    for (std::size_t i = 37; i < all.size(); i += 211)
        all[i] = 1e300;
    for (std::size_t i = 1700; i < 1900; ++i)
        all[i] += 1e9;
    const Starts starts { 500, 2500 };
    Values y;
    Values out;
    Smoothing::EmaState state;
    std::mt19937 rng(3);
    while (y.size() < all.size()) {
        const std::size_t more = std::min<std::size_t>(all.size() - y.size(), rng() % 200);
        y.insert(y.end(), all.begin() + long(y.size()), all.begin() + long(y.size() + more));
        Smoothing::appendEma(y, 0.8, state, out, starts);
        QCOMPARE(out.size(), y.size());
    }
    QString why;
    QVERIFY2(same(out, Smoothing::ema(all, 0.8, starts), why), qPrintable(why));
}

void TestSmoothing::emaLeavesOutExtremeOutliers_data()
{
    // outliers: returned as they are, left out of the average
    // restarts: the average starts again here (a level shift)
    testing::addColumns<Values, double, Starts, Starts>({ "y", "weight", "outliers", "restarts" });

    QTest::newRow("9.5e307 is not carried")
        << Values { 1.0, 1.2, 0.9, 1.1, 9.5e307, 1.0, 1.05 } << 0.6 << Starts { 4 } << Starts {};
    QTest::newRow("a 1e6 loss spike at step 5, EMA 0.99")
        << Values { 2.0, 1.9, 2.1, 1.8, 2.0, 1e6, 1.9, 2.0 } << 0.99 << Starts { 5 } << Starts {};
    QTest::newRow("a spike down") << Values { 5.0, 5.5, 4.5, 5.0, -1e9, 5.2 } << 0.6 << Starts { 4 }
                                  << Starts {};
    QTest::newRow("two spikes apart") << Values { 1.0, 1.1, 0.9, 1e12, 1.0, 1.1, 1e12, 1.0 } << 0.9
                                      << Starts { 3, 6 } << Starts {};
    QTest::newRow("a level shift restarts after three") << Values { 1.0, 1.1, 0.9, 1.0, 5000, 5100,
        4900, 5050, 4950 } << 0.6 << Starts { 4, 5 } << Starts { 6 };
    QTest::newRow("a jump off a constant line")
        << Values { 1.0, 1.0, 1.0, 1.5, 1.0, 2500.0, 1.0 } << 0.6 << Starts { 5 } << Starts {};
    Values ramp;
    for (int i = 0; i < 60; ++i)
        ramp.push_back(std::pow(2.0, i));
    QTest::newRow("a doubling ramp is followed") << ramp << 0.6 << Starts {} << Starts {};
    QTest::newRow("a line at 0 takes the first change")
        << Values { 0.0, 0.0, 0.0, 5.0, 6.0 } << 0.6 << Starts {} << Starts {};
    QTest::newRow("the second value is never an outlier")
        << Values { 1.0, 1e9, 1.0 } << 0.5 << Starts {} << Starts {};
    QTest::newRow("weight 0 stays the identity")
        << Values { 1.0, 1.1, 1e300, 1.0 } << 0.0 << Starts {} << Starts {};
}

void TestSmoothing::emaLeavesOutExtremeOutliers()
{
    QFETCH(Values, y);
    QFETCH(double, weight);
    QFETCH(Starts, outliers);
    QFETCH(Starts, restarts);
    QString why;
    QVERIFY2(same(Smoothing::ema(y, weight), emaWithout(y, weight, outliers, restarts), why),
        qPrintable(why));
}

void TestSmoothing::movingAverageByHand_data()
{
    testing::addTable<Values, int, Starts, Values>({ "y", "window", "starts", "expected" },
        {
            { "NaN ignored and kept", Values { 1, 2, NaN, 4 }, 3, Starts {},
                Values { 1.5, 1.5, NaN, 4 } },
            { "window 1 is the identity", Values { 3, Inf, -2 }, 1, Starts {},
                Values { 3, Inf, -2 } },
            // Window 4: one point before, two after.
            { "even window", Values { 1, 2, 3, 4, 5 }, 4, Starts {},
                Values { 2, 2.5, 3.5, 4, 4.5 } },
            { "window wider than the data", Values { 1, 2, 6 }, 99, Starts {}, Values { 3, 3, 3 } },
            { "segments are averaged apart", Values { 1, 3, 100, 200 }, 3, Starts { 2 },
                Values { 2, 2, 150, 150 } },
            { "window below 1 counts as 1", Values { 1, 2 }, -5, Starts {}, Values { 1, 2 } },
            { "infinity is not averaged in", Values { 2, -Inf, 4 }, 3, Starts {},
                Values { 2, -Inf, 4 } },
        });
}

void TestSmoothing::movingAverageByHand()
{
    QFETCH(Values, y);
    QFETCH(int, window);
    QFETCH(Starts, starts);
    QFETCH(Values, expected);
    QString why;
    QVERIFY2(same(Smoothing::movingAverage(y, window, starts), expected, why), qPrintable(why));
}

void TestSmoothing::movingAverageMatchesDefinition()
{
    const Values y = randomValues(3000, 4);
    const Starts starts { 7, 1500, 1501 };
    for (int window : { 1, 2, 5, 50, 501 }) {
        QString why;
        QVERIFY2(same(Smoothing::movingAverage(y, window, starts),
                     slowMovingAverage(y, window, starts), why),
            qPrintable(QStringLiteral("window %1: %2").arg(window).arg(why)));
    }
}

void TestSmoothing::movingAverageIncremental()
{
    const Values all = randomValues(4000, 5);
    const Starts starts { 1000, 3333 };
    for (int window : { 1, 4, 101 }) {
        Values y;
        Values out;
        std::mt19937 rng(6);
        while (y.size() < all.size()) {
            const std::size_t more = std::min<std::size_t>(all.size() - y.size(), rng() % 300);
            y.insert(y.end(), all.begin() + long(y.size()), all.begin() + long(y.size() + more));
            const Values before = out;
            const std::size_t rewritten = Smoothing::updateMovingAverage(y, window, out, starts);
            // What it returns is where the chart's min/max lookup is recomputed from: every
            // value before it must be unchanged.
            QVERIFY(rewritten <= before.size());
            QVERIFY(std::equal(before.begin(), before.begin() + long(rewritten), out.begin(),
                [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }));
            QCOMPARE(rewritten, before.size() - std::min<std::size_t>(before.size(), window / 2));
        }
        QString why;
        QVERIFY2(same(out, Smoothing::movingAverage(all, window, starts), why),
            qPrintable(QStringLiteral("window %1: %2").arg(window).arg(why)));
    }
}

void TestSmoothing::movingAverageDoesNotDrift()
{
    // Huge values passing through the window beside small ones, then values of 1: a naive
    // running sum loses the small ones' low bits while the huge ones are in it and is left off
    // by that error (~1e-4) after they left.
    Values y(200000, 1.0);
    for (std::size_t i = 0; i < 1000; ++i)
        y[i] = i % 2 ? 1e12 * double(i) : 0.123456789 * double(i);
    const Values out = Smoothing::movingAverage(y, 11, {});
    for (std::size_t i = 2000; i < y.size(); i += 997)
        QCOMPARE(out[i], 1.0);
}

QTEST_MAIN(TestSmoothing)
#include "tst_smoothing.moc"
