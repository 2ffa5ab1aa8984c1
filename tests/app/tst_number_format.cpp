#include "data_table.hpp"
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
    testing::addTable<double, QString, QString>({ "value", "text", "cell" },
        {
            // NumberFormat::cell: the events and records tables
            // Issue 13: the hover header said "step 1712.1291" for step 1712.
            { "integer step", 1712.0, "1712", QStringLiteral("1712") },
            { "negative integer", -3.0, "-3", QStringLiteral("-3") },
            { "beyond int32", 12345678901.0, "12345678901", QStringLiteral("12345678901") },
            { "2^53", 9007199254740992.0, "9007199254740992", QStringLiteral("9.007199255e+15") },
            { "beyond 2^53", 1e17, "1e+17", QStringLiteral("1e+17") },
            { "fraction", 1712.5, "1712.5", QStringLiteral("1712.5") },
            { "shortest round trip", 0.1, "0.1", QStringLiteral("0.1") },
            { "fractional epoch", 2.0 + 1.0 / 3, "2.3333333333333335",
                QStringLiteral("2.333333333") },
            { "tiny", 1e-300, "1e-300", QStringLiteral("1e-300") },
            { "largest", 1.7976931348623157e308, "1.7976931348623157e+308",
                QStringLiteral("1.797693135e+308") },
            { "negative zero", -0.0, "0", QStringLiteral("0") },
            { "NaN", std::numeric_limits<double>::quiet_NaN(), "NaN", QStringLiteral("\u2014") },
            { "+Inf", std::numeric_limits<double>::infinity(), "+Inf", QStringLiteral("inf") },
            { "-Inf", -std::numeric_limits<double>::infinity(), "-Inf", QStringLiteral("-inf") },
        });
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
    testing::addTable<double, QString>({ "value", "text" },
        {
            { "below 10k stays plain", 9999.0, "9999" },
            { "small fraction", 0.5, "0.5" },
            { "250k", 250000.0, "250k" },
            { "1.2M", 1.2e6, "1.2M" },
            { "three digits", 1234567.0, "1.23M" },
            { "rounds up to the next unit", 999999.0, "1M" },
            { "negative", -25000.0, "-25k" },
            { "G", 3e9, "3G" },
            { "E", 2e18, "2E" },
            { "beyond E", 1e21, "1e+21" },
            { "largest double", 1.7976931348623157e308, "1.8e+308" },
            { "NaN", std::numeric_limits<double>::quiet_NaN(), "NaN" },
        });
}

void TestNumberFormat::si()
{
    QFETCH(double, value);
    QFETCH(QString, text);
    QCOMPARE(NumberFormat::si(value), text);
}

void TestNumberFormat::duration_data()
{
    testing::addTable<double, QString>({ "seconds", "text" },
        {
            { "zero", 0.0, "0 s" },
            { "45 s", 45.0, "45 s" },
            { "fraction of a second", 1.25, "1.25 s" },
            { "milliseconds", 0.0015, "0.002 s" },
            { "just under a minute", 59.9996, "1m" },
            { "minutes and seconds", 725.0, "12m 5s" },
            { "1h 23m", 5000.0, "1h 23m" },
            { "rounded minute", 3600.0 + 23 * 60 + 50, "1h 24m" },
            { "whole hour", 3600.0, "1h" },
            { "2d 3h", 183600.0, "2d 3h" },
            { "500,000 s", 500000.0, "5d 19h" },
            { "negative", -3600.0, "-1h" },
            { "Inf", std::numeric_limits<double>::infinity(), "+Inf" },
        });
}

void TestNumberFormat::duration()
{
    QFETCH(double, seconds);
    QFETCH(QString, text);
    QCOMPARE(NumberFormat::duration(seconds), text);
}

void TestNumberFormat::durationAtResolution_data()
{
    testing::addTable<double, double, QString>({ "seconds", "resolution", "text" },
        {
            { "half hours", 5400.0, 1800.0, "1h 30m" },
            { "half minutes", 90.0, 30.0, "1m 30s" },
            { "tenths", 0.5, 0.1, "0.5 s" },
            { "zero units left out", 2 * 86400.0 + 900, 900.0, "2d 15m" },
            { "days", 3 * 86400.0, 86400.0, "3d" },
            { "seconds tick", 40.0, 10.0, "40 s" },
        });
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
