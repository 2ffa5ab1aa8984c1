#include "number_format.hpp"

#include <QTest>

#include <cmath>
#include <limits>

using viewer::NumberFormat;

class TestNumberFormat : public QObject
{
    Q_OBJECT

private slots:
    void logged_data();
    void logged();
    void si_data();
    void si();
    void duration_data();
    void duration();
    void durationAtResolution_data();
    void durationAtResolution();
};

void TestNumberFormat::logged_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("cell"); // NumberFormat::cell: the events and records tables
    // Issue 13: the hover header said "step 1712.1291" for step 1712.
    QTest::newRow("integer step") << 1712.0 << "1712" << QStringLiteral("1712");
    QTest::newRow("negative integer") << -3.0 << "-3" << QStringLiteral("-3");
    QTest::newRow("beyond int32") << 12345678901.0 << "12345678901"
                                  << QStringLiteral("12345678901");
    QTest::newRow("2^53") << 9007199254740992.0 << "9007199254740992"
                          << QStringLiteral("9.007199255e+15");
    QTest::newRow("beyond 2^53") << 1e17 << "1e+17" << QStringLiteral("1e+17");
    QTest::newRow("fraction") << 1712.5 << "1712.5" << QStringLiteral("1712.5");
    QTest::newRow("shortest round trip") << 0.1 << "0.1" << QStringLiteral("0.1");
    QTest::newRow("fractional epoch")
        << 2.0 + 1.0 / 3 << "2.3333333333333335" << QStringLiteral("2.333333333");
    QTest::newRow("tiny") << 1e-300 << "1e-300" << QStringLiteral("1e-300");
    QTest::newRow("largest") << 1.7976931348623157e308 << "1.7976931348623157e+308"
                             << QStringLiteral("1.797693135e+308");
    QTest::newRow("negative zero") << -0.0 << "0" << QStringLiteral("0");
    QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << "NaN"
                         << QStringLiteral("\u2014");
    QTest::newRow("+Inf") << std::numeric_limits<double>::infinity() << "+Inf"
                          << QStringLiteral("inf");
    QTest::newRow("-Inf") << -std::numeric_limits<double>::infinity() << "-Inf"
                          << QStringLiteral("-inf");
}

void TestNumberFormat::logged()
{
    QFETCH(double, value);
    QFETCH(QString, text);
    QFETCH(QString, cell);
    QCOMPARE(NumberFormat::logged(value), text);
    QCOMPARE(NumberFormat::cell(value), cell);
}

void TestNumberFormat::si_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("text");
    QTest::newRow("below 10k stays plain") << 9999.0 << "9999";
    QTest::newRow("small fraction") << 0.5 << "0.5";
    QTest::newRow("250k") << 250000.0 << "250k";
    QTest::newRow("1.2M") << 1.2e6 << "1.2M";
    QTest::newRow("three digits") << 1234567.0 << "1.23M";
    QTest::newRow("rounds up to the next unit") << 999999.0 << "1M";
    QTest::newRow("negative") << -25000.0 << "-25k";
    QTest::newRow("G") << 3e9 << "3G";
    QTest::newRow("E") << 2e18 << "2E";
    QTest::newRow("beyond E") << 1e21 << "1e+21";
    QTest::newRow("largest double") << 1.7976931348623157e308 << "1.8e+308";
    QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << "NaN";
}

void TestNumberFormat::si()
{
    QFETCH(double, value);
    QFETCH(QString, text);
    QCOMPARE(NumberFormat::si(value), text);
}

void TestNumberFormat::duration_data()
{
    QTest::addColumn<double>("seconds");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << 0.0 << "0 s";
    QTest::newRow("45 s") << 45.0 << "45 s";
    QTest::newRow("fraction of a second") << 1.25 << "1.25 s";
    QTest::newRow("milliseconds") << 0.0015 << "0.002 s";
    QTest::newRow("just under a minute") << 59.9996 << "1m";
    QTest::newRow("minutes and seconds") << 725.0 << "12m 5s";
    QTest::newRow("1h 23m") << 5000.0 << "1h 23m";
    QTest::newRow("rounded minute") << 3600.0 + 23 * 60 + 50 << "1h 24m";
    QTest::newRow("whole hour") << 3600.0 << "1h";
    QTest::newRow("2d 3h") << 183600.0 << "2d 3h";
    QTest::newRow("500,000 s") << 500000.0 << "5d 19h";
    QTest::newRow("negative") << -3600.0 << "-1h";
    QTest::newRow("Inf") << std::numeric_limits<double>::infinity() << "+Inf";
}

void TestNumberFormat::duration()
{
    QFETCH(double, seconds);
    QFETCH(QString, text);
    QCOMPARE(NumberFormat::duration(seconds), text);
}

void TestNumberFormat::durationAtResolution_data()
{
    QTest::addColumn<double>("seconds");
    QTest::addColumn<double>("resolution");
    QTest::addColumn<QString>("text");
    QTest::newRow("half hours") << 5400.0 << 1800.0 << "1h 30m";
    QTest::newRow("half minutes") << 90.0 << 30.0 << "1m 30s";
    QTest::newRow("tenths") << 0.5 << 0.1 << "0.5 s";
    QTest::newRow("zero units left out") << 2 * 86400.0 + 900 << 900.0 << "2d 15m";
    QTest::newRow("days") << 3 * 86400.0 << 86400.0 << "3d";
    QTest::newRow("seconds tick") << 40.0 << 10.0 << "40 s";
}

void TestNumberFormat::durationAtResolution()
{
    QFETCH(double, seconds);
    QFETCH(double, resolution);
    QFETCH(QString, text);
    QCOMPARE(NumberFormat::duration(seconds, resolution), text);
}

QTEST_APPLESS_MAIN(TestNumberFormat)
#include "tst_number_format.moc"
