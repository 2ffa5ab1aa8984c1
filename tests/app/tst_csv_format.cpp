// Cells of the CSV export (issue 11 item 13): formula prefixes, quoting, shortest numbers.
#include "csv_format.hpp"

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
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("cell");
    QTest::newRow("plain") << "step_end/loss"
                           << "step_end/loss";
    QTest::newRow("empty") << ""
                           << "";
    // OWASP CSV injection: = + - @ TAB CR at the start.
    QTest::newRow("=") << "=1+2"
                       << "'=1+2";
    QTest::newRow("+") << "+1"
                       << "'+1";
    QTest::newRow("-") << "-cmd"
                       << "'-cmd";
    QTest::newRow("@") << "@SUM(A1)"
                       << "'@SUM(A1)";
    QTest::newRow("leading TAB") << "\t=1"
                                 << "'\t=1";
    QTest::newRow("leading CR") << "\r=1"
                                << "\"'\r=1\"";
    QTest::newRow("= later is fine") << "a=1"
                                     << "a=1";
    QTest::newRow("comma") << "a,b"
                           << "\"a,b\"";
    QTest::newRow("quote") << "say \"hi\""
                           << "\"say \"\"hi\"\"\"";
    QTest::newRow("newline") << "a\nb"
                             << "\"a\nb\"";
    QTest::newRow("outer space") << " a"
                                 << "\" a\"";
    QTest::newRow("formula and comma") << "=A1,B1"
                                       << "\"'=A1,B1\"";
}

void TestCsvFormat::text()
{
    QFETCH(QString, text);
    QFETCH(QString, cell);
    QCOMPARE(viewer::csvText(text), cell);
}

void TestCsvFormat::number_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("cell");
    QTest::newRow("-1e-05 (was -1.0000000000000001e-05)") << -1e-05 << "-1e-05";
    QTest::newRow("0.1") << 0.1 << "0.1";
    QTest::newRow("1/3") << 1.0 / 3.0 << "0.3333333333333333";
    QTest::newRow("integer") << 42.0 << "42";
    QTest::newRow("big integer") << 123456789012.0 << "123456789012";
    QTest::newRow("2^53 + 2") << 9007199254740994.0 << "9007199254740994";
    QTest::newRow("1e300") << 1e300 << "1e+300";
    QTest::newRow("DBL_MAX") << std::numeric_limits<double>::max() << "1.7976931348623157e+308";
    QTest::newRow("denormal min") << std::numeric_limits<double>::denorm_min() << "5e-324";
    QTest::newRow("zero") << 0.0 << "0";
    QTest::newRow("-0") << -0.0 << "-0";
    QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << "nan";
    QTest::newRow("+Inf") << std::numeric_limits<double>::infinity() << "inf";
    QTest::newRow("-Inf") << -std::numeric_limits<double>::infinity() << "-inf";
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
