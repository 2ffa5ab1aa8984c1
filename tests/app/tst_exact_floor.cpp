// exactFloor is std::floor for every double: the chart's pixel columns depend on it bit for bit.
#include "exact_floor.hpp"

#include <QTest>

#include <cmath>
#include <cstring>
#include <limits>

using viewer::exactFloor;

class TestExactFloor : public QObject
{
    Q_OBJECT
private slots:
    void sameAsStdFloor_data()
    {
        QTest::addColumn<double>("v");
        const double inf = std::numeric_limits<double>::infinity();
        const double twoTo52 = 4503599627370496.0;
        QTest::newRow("zero") << 0.0;
        QTest::newRow("minus zero") << -0.0;
        QTest::newRow("half") << 0.5;
        QTest::newRow("minus half") << -0.5;
        QTest::newRow("whole") << 3.0;
        QTest::newRow("minus whole") << -3.0;
        QTest::newRow("just below a whole") << std::nextafter(3.0, 0.0);
        QTest::newRow("just below minus a whole") << std::nextafter(-3.0, -inf);
        QTest::newRow("a pixel position") << 469.99999999999994;
        QTest::newRow("2^52 less a half") << twoTo52 - 0.5;
        QTest::newRow("minus 2^52 plus a half") << -twoTo52 + 0.5;
        QTest::newRow("2^52") << twoTo52;
        QTest::newRow("2^53 + 2") << twoTo52 * 2 + 2;
        QTest::newRow("beyond int64") << 1e300;
        QTest::newRow("minus beyond int64") << -1e300;
        QTest::newRow("smallest denormal") << std::numeric_limits<double>::denorm_min();
        QTest::newRow("minus smallest denormal") << -std::numeric_limits<double>::denorm_min();
        QTest::newRow("infinity") << inf;
        QTest::newRow("minus infinity") << -inf;
    }
    void sameAsStdFloor()
    {
        QFETCH(double, v);
        const double expected = std::floor(v);
        const double actual = exactFloor(v);
        // The same value (a minus zero may come back as zero: both land in the same column).
        // Exactly (QCOMPARE on doubles forgives a relative 1e-12: 2^52 and 2^52 - 1 would pass).
        QVERIFY2(actual == expected,
            qPrintable(
                QStringLiteral("%1 against %2").arg(actual, 0, 'g', 17).arg(expected, 0, 'g', 17)));
    }

    void nanStaysNan()
    {
        QVERIFY(std::isnan(exactFloor(std::numeric_limits<double>::quiet_NaN())));
    }
};

QTEST_MAIN(TestExactFloor)
#include "tst_exact_floor.moc"
