// Cells of the CSV export (issue 11 item 13): formula prefixes, quoting, shortest numbers.
#include "csv_format.hpp"
#include "data_table.hpp"

#include <QTest>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

class TestCsvFormat : public QObject
{
    Q_OBJECT
private slots:
    void text_data();
    void text();
    void number_data();
    void number();
};

void TestCsvFormat::text_data()
{
    testing::addTable<QString, QString>({ "text", "cell" },
        {
            { "plain", "step_end/loss", "step_end/loss" },
            { "empty", "", "" },
            // OWASP CSV injection: = + - @ TAB CR at the start.
            { "=", "=1+2", "'=1+2" },
            { "+", "+1", "'+1" },
            { "-", "-cmd", "'-cmd" },
            { "@", "@SUM(A1)", "'@SUM(A1)" },
            { "leading TAB", "\t=1", "'\t=1" },
            { "leading CR", "\r=1", "\"'\r=1\"" },
            { "= later is fine", "a=1", "a=1" },
            { "comma", "a,b", "\"a,b\"" },
            { "quote", "say \"hi\"", "\"say \"\"hi\"\"\"" },
            { "newline", "a\nb", "\"a\nb\"" },
            { "outer space", " a", "\" a\"" },
            { "formula and comma", "=A1,B1", "\"'=A1,B1\"" },
        });
}

void TestCsvFormat::text()
{
    QFETCH(QString, text);
    QFETCH(QString, cell);
    QCOMPARE(viewer::csvText(text), cell);
}

void TestCsvFormat::number_data()
{
    testing::addTable<double, QString>({ "value", "cell" },
        {
            { "-1e-05 (was -1.0000000000000001e-05)", -1e-05, "-1e-05" },
            { "0.1", 0.1, "0.1" },
            { "1/3", 1.0 / 3.0, "0.3333333333333333" },
            { "integer", 42.0, "42" },
            { "big integer", 123456789012.0, "123456789012" },
            { "2^53 + 2", 9007199254740994.0, "9007199254740994" },
            { "1e300", 1e300, "1e+300" },
            { "DBL_MAX", std::numeric_limits<double>::max(), "1.7976931348623157e+308" },
            { "denormal min", std::numeric_limits<double>::denorm_min(), "5e-324" },
            { "zero", 0.0, "0" },
            { "-0", -0.0, "-0" },
            { "NaN", std::numeric_limits<double>::quiet_NaN(), "nan" },
            { "+Inf", std::numeric_limits<double>::infinity(), "inf" },
            { "-Inf", -std::numeric_limits<double>::infinity(), "-inf" },
        });
}

void TestCsvFormat::number()
{
    QFETCH(double, value);
    QFETCH(QString, cell);
    const QString text = viewer::csvNumber(value);
    QCOMPARE(text, cell);
    if (std::isfinite(value)) {
        // Reads back as the same double, bit for bit.
        const double back = std::strtod(text.toLatin1().constData(), nullptr);
        QCOMPARE(std::memcmp(&back, &value, sizeof value), 0);
    }
}

QTEST_GUILESS_MAIN(TestCsvFormat)
#include "tst_csv_format.moc"
