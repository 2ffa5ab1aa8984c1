// Labelled ticks of the true log axes: powers of ten over wide ranges; 1-2-5 (and every digit)
// under two decades; evenly spaced values when even digits are too far apart.
#include "data_table.hpp"
#include "log_ticks.hpp"

#include <QTest>

#include <cmath>

using namespace viewer;

Q_DECLARE_METATYPE(std::vector<double>)

class TestLogTicks : public QObject
{
    Q_OBJECT

private slots:
    void values_data()
    {
        testing::addTable<double, double, int, std::vector<double>>(
            { "lo", "hi", "maxTicks", "expected" },
            {
                { "three decades: powers", 1.0, 1000.0, 10,
                    std::vector<double> { 1, 10, 100, 1000 } },
                { "2.6 decades: powers", 0.0025, 1.0, 10, std::vector<double> { 0.01, 0.1, 1 } },
                { "two decades: 1-2-5", 0.01, 1.0, 10,
                    std::vector<double> { 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1 } },
                { "two decades, little room: powers", 0.01, 1.0, 4,
                    std::vector<double> { 0.01, 0.1, 1 } },
                { "1.7 decades: 1-2-5", 0.001, 0.05, 8,
                    std::vector<double> { 0.001, 0.002, 0.005, 0.01, 0.02, 0.05 } },
                { "one decade, room for digits", 0.1, 1.0, 10,
                    std::vector<double> { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1 } },
                { "one decade, little room: 1-2-5", 0.1, 1.0, 5,
                    std::vector<double> { 0.1, 0.2, 0.5, 1 } },
                { "across a power", 3.5, 25.0, 6, std::vector<double> { 5, 10, 20 } },
                { "narrow: evenly spaced", 0.31, 0.35, 8,
                    std::vector<double> { 0.31, 0.32, 0.33, 0.34, 0.35 } },
                { "twelve decades, crowded: every 5th", 1.0, 1e12, 5,
                    std::vector<double> { 1, 1e5, 1e10 } },
                { "not positive", 0.0, 10.0, 5, std::vector<double> {} },
                { "empty range", 2.0, 2.0, 5, std::vector<double> {} },
            });
    }

    void values()
    {
        QFETCH(double, lo);
        QFETCH(double, hi);
        QFETCH(int, maxTicks);
        QFETCH(std::vector<double>, expected);
        const std::vector<double> ticks = LogTicks::values(lo, hi, maxTicks);
        QStringList got;
        for (double t : ticks)
            got << QString::number(t, 'g', 17);
        QCOMPARE(ticks.size(), expected.size());
        for (std::size_t i = 0; i < ticks.size(); ++i)
            QVERIFY2(
                std::abs(ticks[i] - expected[i]) <= 1e-12 * expected[i], qPrintable(got.join(' ')));
    }

    void labelsAreShortAndDistinct()
    {
        QCOMPARE(LogTicks::labels({ 0.1, 0.2, 0.5, 1, 1e6 }),
            (QStringList { "0.1", "0.2", "0.5", "1", "1e+06" }));
        QCOMPARE(
            LogTicks::labels({ 1.0000001, 1.0000002 }), (QStringList { "1.0000001", "1.0000002" }));
    }
};

QTEST_APPLESS_MAIN(TestLogTicks)
#include "tst_log_ticks.moc"
