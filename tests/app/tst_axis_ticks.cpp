#include "axis_ticks.hpp"
#include "data_table.hpp"

#include <QTest>

#include <cmath>
#include <limits>

using viewer::AxisTicks;
using Style = AxisTicks::Style;

Q_DECLARE_METATYPE(AxisTicks::Style)

namespace {

constexpr double Max = std::numeric_limits<double>::max();

// Every tick set: finite ascending values inside the range (to rounding), as many labels as
// values, each label different, at most max(maxTicks, 2) of them.
void checkInvariants(const AxisTicks::Ticks& t, double lo, double hi, int maxTicks)
{
    QCOMPARE(t.labels.size(), qsizetype(t.values.size()));
    QVERIFY(t.values.size() <= std::size_t(std::max(maxTicks, 2)));
    for (std::size_t i = 0; i < t.values.size(); ++i) {
        QVERIFY2(std::isfinite(t.values[i]), qPrintable(QString::number(t.values[i])));
        if (i > 0)
            QVERIFY(t.values[i] > t.values[i - 1]);
        const double slack = std::max(std::abs(lo), std::abs(hi)) * 1e-12;
        QVERIFY(t.values[i] >= std::min(lo, hi) - slack && t.values[i] <= std::max(lo, hi) + slack);
    }
    QStringList sorted = t.labels;
    sorted.sort();
    QVERIFY2(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end(),
        qPrintable(t.labels.join(QLatin1Char('|'))));
}

} // namespace

class TestAxisTicks : public QObject
{
    Q_OBJECT

private slots:
    void linear_data();
    void linear();
    void distinctAtAnyRange_data();
    void distinctAtAnyRange();
    void logarithmic_data();
    void logarithmic();
};

void TestAxisTicks::linear_data()
{
    testing::addTable<double, double, int, Style, QString>(
        { "lo", "hi", "maxTicks", "style", "labels" },
        {
            { "unit range", 0.0, 1.0, 6, Style::Plain, "0|0.2|0.4|0.6|0.8|1.0" },
            { "reversed", 1.0, 0.0, 6, Style::Plain, "0|0.2|0.4|0.6|0.8|1.0" },
            { "negative", -1.0, 1.0, 5, Style::Plain, "-1.0|-0.5|0|0.5|1.0" },
            { "steps", 0.0, 1000.0, 6, Style::Si, "0|200|400|600|800|1000" },
            // Issue 13: "1000000" printed in full; 250k and 1.2M expected.
            { "250k", 0.0, 3e5, 7, Style::Si, "0|50k|100k|150k|200k|250k|300k" },
            { "1.2M", 1e6, 2e6, 6, Style::Si, "1M|1.2M|1.4M|1.6M|1.8M|2M" },
            { "large plain", 0.0, 2e6, 5, Style::Plain, "0|5e+05|1e+06|1.5e+06|2e+06" },
            // Issue 13: a narrow range read "5e-05" seven times.
            { "narrow at 5e-05", 5e-05, 5e-05 + 1e-11, 7, Style::Plain,
                "5e-05|5e-05 + 2e-12|5e-05 + 4e-12|5e-05 + 6e-12|"
                "5e-05 + 8e-12|5e-05 + 1e-11" },
            { "narrow below zero", -5e-05 - 1e-11, -5e-05, 5, Style::Plain,
                "-5e-05 - 1e-11|-5e-05 - 5e-12" },
            { "enough fixed digits", 2.30001, 2.30002, 5, Style::Plain,
                "2.300010|2.300015|2.300020" },
            { "narrow steps", 1e9, 1e9 + 10, 6, Style::Si,
                "1G|1G + 2|1G + 4|1G + 6|1G + 8|1G + 10" },
            { "seconds", 0.0, 50.0, 6, Style::Duration, "0 s|10 s|20 s|30 s|40 s|50 s" },
            // Issue 13: relative time printed as raw seconds up to 500,000.
            { "hours", 0.0, 5400.0, 4, Style::Duration, "0 s|30m|1h|1h 30m" },
            { "days", 0.0, 500000.0, 7, Style::Duration, "0 s|1d|2d|3d|4d|5d" },
            { "one value", 3.0, 3.0, 6, Style::Plain, "3" },
            { "two ticks at least", 0.3, 0.7, 2, Style::Plain, "0.4|0.6" },
            { "NaN", std::numeric_limits<double>::quiet_NaN(), 1.0, 6, Style::Plain, "" },
        });
}

void TestAxisTicks::linear()
{
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(int, maxTicks);
    QFETCH(Style, style);
    QFETCH(QString, labels);
    const AxisTicks::Ticks t = AxisTicks::linear(lo, hi, maxTicks, style);
    QCOMPARE(t.labels.join(QLatin1Char('|')), labels);
    if (!std::isnan(lo))
        checkInvariants(t, lo, hi, maxTicks);
}

void TestAxisTicks::distinctAtAnyRange_data()
{
    testing::addTable<double, double, Style>({ "lo", "hi", "style" },
        {
            { "whole double range", -Max, Max, Style::Plain },
            { "top of the range", 1.79e308, Max, Style::Plain },
            { "top of the range, SI", 1.79e308, Max, Style::Si },
            { "subnormal", 0.0, 1e-320, Style::Plain },
            { "a few ulps", 1.0, 1.0 + 8 * std::numeric_limits<double>::epsilon(), Style::Plain },
            { "beyond 2^53", 1e17, 1e17 + 64, Style::Si },
            { "negative narrow", -5e-05 - 1e-11, -5e-05, Style::Plain },
            { "duration beyond years", 0.0, 1e300, Style::Duration },
            { "narrow duration", 86400.0, 86400.001, Style::Duration },
            { "loss around 2.3", 2.30001, 2.30002, Style::Plain },
        });
}

void TestAxisTicks::distinctAtAnyRange()
{
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(Style, style);
    for (int maxTicks : { 2, 3, 5, 8, 12 }) {
        const AxisTicks::Ticks t = AxisTicks::linear(lo, hi, maxTicks, style);
        QVERIFY(!t.values.empty());
        checkInvariants(t, lo, hi, maxTicks);
    }
}

void TestAxisTicks::logarithmic_data()
{
    testing::addTable<double, double, int, QString>({ "lo", "hi", "maxTicks", "labels" },
        {
            // empty: only the invariants
            { "1-2-5", 0.001, 0.05, 8, "0.001|0.002|0.005|0.01|0.02|0.05" },
            { "decades", 1.0, 1e6, 8, "1|10|100|1000|10000|100000|1e+06" },
            // Issue 13: a value of 9.5e307 overflowed the range to infinity.
            { "up to 9.5e307", 1.0, 9.5e307, 8, QString() },
            { "up to the largest double", 1e-300, Max, 8, QString() },
            { "top decade", 1e308, Max, 8, "1e+308|1.2e+308|1.4e+308|1.6e+308" },
            { "narrow", 0.31, 0.36, 6, "0.31|0.32|0.33|0.34|0.35|0.36" },
        });
}

void TestAxisTicks::logarithmic()
{
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(int, maxTicks);
    QFETCH(QString, labels);
    const AxisTicks::Ticks t = AxisTicks::logarithmic(lo, hi, maxTicks);
    QVERIFY(!t.values.empty());
    checkInvariants(t, lo, hi, maxTicks);
    if (!labels.isEmpty())
        QCOMPARE(t.labels.join(QLatin1Char('|')), labels);
}

QTEST_APPLESS_MAIN(TestAxisTicks)
#include "tst_axis_ticks.moc"
