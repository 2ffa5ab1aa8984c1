#include "chunk_parser.hpp"
#include "json_line_scanner.hpp"
#include "line_assembler.hpp"
#include "line_chunk.hpp"

#include <QFile>
#include <QRandomGenerator>
#include <QTest>

#include <cmath>
#include <limits>
#include <string>

using viewer::ChunkParser;
using viewer::JsonLineScanner;
using viewer::ParsedChunk;
using RecordKind = viewer::ParsedChunk::RecordKind;

namespace {

ParsedChunk parseText(const QByteArray& text, std::uint64_t offset = 0, std::uint64_t line = 1)
{
    ChunkParser parser;
    return parser.parse(text.constData(), static_cast<std::size_t>(text.size()), offset, line);
}

QString formatValue(double v)
{
    if (ParsedChunk::isNullGap(v))
        return QStringLiteral("null");
    if (std::isnan(v))
        return QStringLiteral("nan");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    if (v == 0 && std::signbit(v))
        return QStringLiteral("-0");
    return QString::number(v, 'g', 17);
}

// "tag/path=value" of each point of record r, joined by ';' (in record order).
QString pointsOf(const ParsedChunk& chunk, std::size_t r)
{
    const ParsedChunk::Record& record = chunk.records[r];
    QStringList parts;
    for (std::uint32_t p = record.firstPoint; p < record.firstPoint + record.pointCount; ++p) {
        const ParsedChunk::SeriesName& name = chunk.series[chunk.pointSeries[p]];
        parts << QStringLiteral("%1%2/%3=%4")
                     .arg(name.topLevel ? QStringLiteral("^") : QString())
                     .arg(QString::fromStdString(chunk.tags[name.tag].name))
                     .arg(QString::fromUtf8(name.path.data(), qsizetype(name.path.size())))
                     .arg(formatValue(chunk.pointValues[p]));
    }
    return parts.join(QLatin1Char(';'));
}

QString malformedOf(const ParsedChunk& chunk)
{
    QStringList parts;
    for (const viewer::MalformedLine& m : chunk.malformed)
        parts << QStringLiteral("%1@%2: %3").arg(m.line).arg(m.offset).arg(m.reason);
    return parts.join(QLatin1Char('\n'));
}

const double NaN = std::numeric_limits<double>::quiet_NaN();

// QCOMPARE for doubles where NaN == NaN.
bool sameDouble(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

} // namespace

class TestChunkParser : public QObject
{
    Q_OBJECT

private slots:
    void record_data();
    void record();
    void malformed_data();
    void malformed();
    void blankLines_data();
    void blankLines();
    void lineNumbersAndOffsets();
    void bomOnlyAtFileStart();
    void lineAtBufferEndIsPadded();
    void runBeginInfo();
    void errorDetail();
    void tagAfterPayload();
    void knownTagStillValidatesWhatFollows();
    void shapeCacheFollowsNesting();
    void duplicateKeyLastWins();
    void seriesLimit();
    void keyPathLimit();
    void longTag();
    void garbageKeepsTheFirstLinesAndCountsAll();
    void overlongLine();
    void lineChunkOverlong();
    void deepNesting_data();
    void deepNesting();
    void pythonLoggerFile();
    void quoteNonFiniteTokens_data();
    void quoteNonFiniteTokens();
    void arbitraryBytesNeverCrash();
};

void TestChunkParser::record_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("tag");
    QTest::addColumn<int>("kind");
    QTest::addColumn<double>("ts");
    QTest::addColumn<double>("step");
    QTest::addColumn<double>("epoch");
    QTest::addColumn<QString>("points");
    QTest::addColumn<int>("skipped");

    const int stepEnd = int(RecordKind::StepEnd);
    QTest::newRow("python spacing") << QByteArray(
        R"({"ts": 1732800000.05, "tag": "step_end", "step": 0, "context": {"loss": 2.01, "lr": 0.001, "metrics": {"acc": 0.1}}})")
                                    << "step_end" << stepEnd << 1732800000.05 << 0.0 << NaN
                                    << "step_end/loss=2.0099999999999998;step_end/"
                                       "lr=0.001;step_end/metrics/acc=0.10000000000000001"
                                    << 0;
    QTest::newRow("compact, other field order")
        << QByteArray(R"({"context":{"loss":1},"step":7,"tag":"step_end","ts":5})") << "step_end"
        << stepEnd << 5.0 << 7.0 << NaN << "step_end/loss=1" << 0;
    QTest::newRow("step_begin") << QByteArray(R"({"ts":1,"tag":"step_begin","step":3})")
                                << "step_begin" << int(RecordKind::StepBegin) << 1.0 << 3.0 << NaN
                                << "" << 0;
    QTest::newRow("epoch_end") << QByteArray(
        R"({"ts": 2, "tag": "epoch_end", "epoch": 1, "context": {"val_loss": 0.5}})")
                               << "epoch_end" << int(RecordKind::EpochEnd) << 2.0 << NaN << 1.0
                               << "epoch_end/val_loss=0.5" << 0;
    QTest::newRow("NaN token (V4)")
        << QByteArray(R"({"ts": 1, "tag": "step_end", "step": 1, "context": {"loss": NaN}})")
        << "step_end" << stepEnd << 1.0 << 1.0 << NaN << "step_end/loss=nan" << 0;
    QTest::newRow("Infinity tokens (V4)") << QByteArray(
        R"({"ts": 1, "tag": "step_end", "step": 1, "context": {"a": Infinity, "b": -Infinity}})")
                                          << "step_end" << stepEnd << 1.0 << 1.0 << NaN
                                          << "step_end/a=inf;step_end/b=-inf" << 0;
    QTest::newRow("NaN inside a string stays text (V4)") << QByteArray(
        R"({"ts": 1, "tag": "step_end", "step": 1, "context": {"loss": NaN, "note": "loss is NaN", "x": "Infinity and beyond"}})")
                                                         << "step_end" << stepEnd << 1.0 << 1.0
                                                         << NaN << "step_end/loss=nan" << 2;
    QTest::newRow("strict-JSON strings (V5)") << QByteArray(
        R"({"ts":1,"tag":"step_end","step":1,"context":{"a":"NaN","b":"Infinity","c":"-Infinity"}})")
                                              << "step_end" << stepEnd << 1.0 << 1.0 << NaN
                                              << "step_end/a=nan;step_end/b=inf;step_end/c=-inf"
                                              << 0;
    QTest::newRow("null is a gap (V5)")
        << QByteArray(R"({"ts":1,"tag":"step_end","step":1,"context":{"loss":null}})") << "step_end"
        << stepEnd << 1.0 << 1.0 << NaN << "step_end/loss=null" << 0;
    QTest::newRow("strings, booleans, arrays are skipped (V16)") << QByteArray(
        R"({"ts":1,"tag":"step_end","step":1,"context":{"a":"x","b":true,"c":[1,2],"d":{"e":false},"f":3}})")
                                                                 << "step_end" << stepEnd << 1.0
                                                                 << 1.0 << NaN << "step_end/f=3"
                                                                 << 4;
    QTest::newRow("big integer, tiny, -0 (V8)") << QByteArray(
        R"({"ts":1,"tag":"step_end","step":1,"context":{"a":18446744073709551616,"b":1e-400,"c":-0}})")
                                                << "step_end" << stepEnd << 1.0 << 1.0 << NaN
                                                << "step_end/a=1.8446744073709552e+19;step_end/"
                                                   "b=0;step_end/c=-0"
                                                << 0;
    QTest::newRow("int64 extremes")
        << QByteArray(R"({"ts":1,"tag":"x","a":-9223372036854775808,"b":9223372036854775807})")
        << "x" << int(RecordKind::Custom) << 1.0 << NaN << NaN
        << "^x/a=-9.2233720368547758e+18;^x/b=9.2233720368547758e+18" << 0;
    QTest::newRow("ts missing (V7)")
        << QByteArray(R"({"tag":"step_begin","step":2})") << "step_begin"
        << int(RecordKind::StepBegin) << NaN << 2.0 << NaN << "" << 0;
    QTest::newRow("ts is a string (V7)")
        << QByteArray(R"({"ts":"yesterday","tag":"step_begin","step":2})") << "step_begin"
        << int(RecordKind::StepBegin) << NaN << 2.0 << NaN << "" << 0;
    QTest::newRow("step 1.5, kept (V7)")
        << QByteArray(R"({"ts":1,"tag":"step_begin","step":1.5})") << "step_begin"
        << int(RecordKind::StepBegin) << 1.0 << 1.5 << NaN << "" << 0;
    QTest::newRow("step -1, kept (V7)")
        << QByteArray(R"({"ts":1,"tag":"step_begin","step":-1})") << "step_begin"
        << int(RecordKind::StepBegin) << 1.0 << -1.0 << NaN << "" << 0;
    QTest::newRow("step 1e300, kept (V7)")
        << QByteArray(R"({"ts":1,"tag":"step_begin","step":1e300})") << "step_begin"
        << int(RecordKind::StepBegin) << 1.0 << 1e300 << NaN << "" << 0;
    QTest::newRow("custom tag payload") << QByteArray(
        R"({"ts":1,"tag":"eval","step":4,"bleu":31.5,"name":"dev","scores":{"f1":0.5},"context":{"x":1}})")
                                        << "eval" << int(RecordKind::Custom) << 1.0 << 4.0 << NaN
                                        << "^eval/bleu=31.5;^eval/scores/f1=0.5;eval/x=1" << 1;
    QTest::newRow("reserved fields are not series") << QByteArray(
        R"({"ts":1,"tag":"eval","seq":4,"run":"r","run_id":"r","host":"h","pid":3,"start_time":"t","logger":"l","v":2})")
                                                    << "eval" << int(RecordKind::Custom) << 1.0
                                                    << NaN << NaN << "^eval/v=2" << 0;
    QTest::newRow("known tags keep top-level metadata out")
        << QByteArray(R"({"ts":1,"tag":"step_end","step":1,"rank":3,"context":{"loss":1}})")
        << "step_end" << stepEnd << 1.0 << 1.0 << NaN << "step_end/loss=1" << 0;
    QTest::newRow("flat log") << QByteArray(R"({"step": 3, "loss": 0.25, "acc": 0.5})") << "metrics"
                              << int(RecordKind::Flat) << NaN << 3.0 << NaN
                              << "^metrics/loss=0.25;^metrics/acc=0.5" << 0;
    QTest::newRow("flat log, global_step")
        << QByteArray(R"({"global_step": 30, "epoch": 1, "train": {"loss": 1}})") << "metrics"
        << int(RecordKind::Flat) << NaN << 30.0 << 1.0 << "^metrics/train/loss=1" << 0;
    QTest::newRow("flat log, iteration")
        << QByteArray(R"({"iteration": 5, "loss": 1})") << "metrics" << int(RecordKind::Flat) << NaN
        << 5.0 << NaN << "^metrics/loss=1" << 0;
    QTest::newRow("flat log, iter")
        << QByteArray(R"({"iter": 6, "loss": 1})") << "metrics" << int(RecordKind::Flat) << NaN
        << 6.0 << NaN << "^metrics/loss=1" << 0;
    QTest::newRow("flat log, epoch only")
        << QByteArray(R"({"epoch": 2, "loss": 1})") << "metrics" << int(RecordKind::Flat) << NaN
        << 2.0 << 2.0 << "^metrics/loss=1" << 0;
    QTest::newRow("flat log, no step")
        << QByteArray(R"({"ts": 9, "loss": 1})") << "metrics" << int(RecordKind::Flat) << 9.0 << NaN
        << NaN << "^metrics/loss=1" << 0;
    QTest::newRow("empty object") << QByteArray("{}") << "metrics" << int(RecordKind::Flat) << NaN
                                  << NaN << NaN << "" << 0;
    QTest::newRow("\\u0000 in a key is kept (V12)")
        << QByteArray(R"({"ts":1,"tag":"t","a\u0000b":1})") << "t" << int(RecordKind::Custom) << 1.0
        << NaN << NaN << QStringLiteral("^t/a") + QChar(0) + QStringLiteral("b=1") << 0;
    QTest::newRow("escaped key") << QByteArray(R"({"ts":1,"tag":"t","caf\u00e9":1,"a\/b":2})")
                                 << "t" << int(RecordKind::Custom) << 1.0 << NaN << NaN
                                 << QStringLiteral("^t/caf\u00e9=1;^t/a\\/b=2") << 0;
    // Issue 11 item 10: keys are data. A '/' or '\' inside a key is escaped in the path, so a
    // key "a/b" and a group "a" with a key "b" are two series.
    QTest::newRow("slash in a key is not a group (issue 11.10)")
        << QByteArray(R"({"ts":1,"tag":"step_end","step":1,"context":{"a/b":1,"a":{"b":2}}})")
        << "step_end" << stepEnd << 1.0 << 1.0 << NaN
        << QStringLiteral("step_end/a\\/b=1;step_end/a/b=2") << 0;
    QTest::newRow("backslash in a key is escaped (issue 11.10)")
        << QByteArray(R"({"ts":1,"tag":"step_end","step":1,"context":{"a\\":{"b":1},"a\\/b":2}})")
        << "step_end" << stepEnd << 1.0 << 1.0 << NaN
        << QStringLiteral("step_end/a\\\\/b=1;step_end/a\\\\\\/b=2") << 0;
    QTest::newRow("escaped known key")
        << QByteArray(R"({"t\u0073":4,"tag":"t","v":1})") << "t" << int(RecordKind::Custom) << 4.0
        << NaN << NaN << "^t/v=1" << 0;
    QTest::newRow("escaped tag") << QByteArray(R"({"ts":1,"tag":"st\u0065p_end","step":1})")
                                 << "step_end" << stepEnd << 1.0 << 1.0 << NaN << "" << 0;
    QTest::newRow("context that is a number")
        << QByteArray(R"({"ts":1,"tag":"step_end","step":1,"context":5})") << "step_end" << stepEnd
        << 1.0 << 1.0 << NaN << "step_end/context=5" << 0;
    QTest::newRow("whitespace around") << QByteArray(" \t{\"ts\":1,\"tag\":\"a\"} \t") << "a"
                                       << int(RecordKind::Custom) << 1.0 << NaN << NaN << "" << 0;
    QTest::newRow("CRLF (V2)") << QByteArray("{\"ts\":1,\"tag\":\"a\",\"v\":1}\r") << "a"
                               << int(RecordKind::Custom) << 1.0 << NaN << NaN << "^a/v=1" << 0;
    QTest::newRow("BOM on line 1 (V2)") << QByteArray("\xEF\xBB\xBF{\"ts\":1,\"tag\":\"a\"}") << "a"
                                        << int(RecordKind::Custom) << 1.0 << NaN << NaN << "" << 0;
    QTest::newRow("error") << QByteArray(
        R"({"ts": 3, "tag": "error", "type": "RuntimeError", "message": "CUDA out of memory"})")
                           << "error" << int(RecordKind::Error) << 3.0 << NaN << NaN << "" << 0;
    QTest::newRow("run_begin") << QByteArray(
        R"({"ts":1,"tag":"run_begin","run":"r1","host":"h","pid":12,"rank":0})")
                               << "run_begin" << int(RecordKind::RunBegin) << 1.0 << NaN << NaN
                               << "" << 0;
}

void TestChunkParser::record()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, tag);
    QFETCH(int, kind);
    QFETCH(double, ts);
    QFETCH(double, step);
    QFETCH(double, epoch);
    QFETCH(QString, points);
    QFETCH(int, skipped);

    const ParsedChunk chunk = parseText(line + '\n');
    QCOMPARE(malformedOf(chunk), QString());
    QCOMPARE(chunk.records.size(), std::size_t(1));
    QCOMPARE(chunk.lineCount, std::uint64_t(1));
    const ParsedChunk::Record& r = chunk.records[0];
    QCOMPARE(QString::fromStdString(chunk.tags[r.tag].name), tag);
    QCOMPARE(int(r.kind), kind);
    QVERIFY2(sameDouble(r.ts, ts), qPrintable(QString::number(r.ts, 'g', 17)));
    QVERIFY2(sameDouble(r.step, step), qPrintable(QString::number(r.step, 'g', 17)));
    QVERIFY2(sameDouble(r.epoch, epoch), qPrintable(QString::number(r.epoch, 'g', 17)));
    QCOMPARE(pointsOf(chunk, 0), points);
    QCOMPARE(chunk.skippedValues, std::uint64_t(skipped));
    QCOMPARE(r.line, std::uint64_t(1));
    QCOMPARE(r.offset, std::uint64_t(0));
}

void TestChunkParser::malformed_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("reason");

    // V3
    QTest::newRow("truncated object")
        << QByteArray(R"({"a":1)") << "not JSON: truncated (the line ends inside an object)";
    QTest::newRow("truncated in a string")
        << QByteArray(R"({"a":"abc)") << "not JSON: truncated (the line ends inside a string)";
    QTest::newRow("trailing garbage")
        << QByteArray(R"({"a":1}x)") << "not JSON: text after the object at column 8";
    QTest::newRow("two objects on one line")
        << QByteArray(R"({"a":1} {"b":2})") << "not JSON: text after the object at column 9";
    QTest::newRow("extra brace") << QByteArray(R"({"a":1}})")
                                 << "not JSON: text after the object at column 8";
    QTest::newRow("trailing comma")
        << QByteArray(R"({"a":1,})") << "not JSON: expected a key in double quotes at column 8";
    QTest::newRow("single quotes")
        << QByteArray(R"({'a':1})") << "not JSON: expected a key in double quotes at column 2";
    QTest::newRow("comment after")
        << QByteArray(R"({"a":1} // note)") << "not JSON: text after the object at column 9";
    QTest::newRow("comment line") << QByteArray("// note")
                                  << "not JSON: expected a value at column 1";
    QTest::newRow("missing colon")
        << QByteArray(R"({"a" 1})") << "not JSON: expected ':' at column 6";
    QTest::newRow("bare NaN as a key") << QByteArray(R"({NaN: 1, "a": NaN})")
                                       << "not JSON: expected a key in double quotes at column 2";
    QTest::newRow("missing comma")
        << QByteArray(R"({"a":1 "b":2})") << "not JSON: expected ',' or '}' at column 8";
    QTest::newRow("array trailing comma")
        << QByteArray(R"({"a":[1,]})") << "not JSON: expected a value at column 9";
    QTest::newRow("bad literal") << QByteArray(R"({"a":tru})")
                                 << "not JSON: invalid literal at column 6";
    QTest::newRow("leading zero") << QByteArray(R"({"a":01})")
                                  << "not JSON: invalid number at column 6";
    QTest::newRow("bad escape") << QByteArray(R"({"a":"x\qy"})")
                                << "not JSON: invalid escape in a string at column 8";
    QTest::newRow("raw tab in a string") << QByteArray(
        "{\"a\":\"x\ty\"}") << "not JSON: unescaped control character in a string at column 8";
    QTest::newRow("glued NaN") << QByteArray(R"({"a":NaNx})")
                               << "not JSON: expected a value at column 6";
    QTest::newRow("plain text") << QByteArray("hello world")
                                << "not JSON: expected a value at column 1";
    // V6
    QTest::newRow("number") << QByteArray("42") << "not a JSON object (a number)";
    QTest::newRow("array") << QByteArray("[1,2]") << "not a JSON object (an array)";
    QTest::newRow("string") << QByteArray(R"("x")") << "not a JSON object (a string)";
    QTest::newRow("null") << QByteArray("null") << "not a JSON object (null)";
    QTest::newRow("boolean") << QByteArray("true") << "not a JSON object (a boolean)";
    QTest::newRow("bare NaN") << QByteArray("NaN") << "not a JSON object (a number)";
    // V7
    QTest::newRow("step is a string")
        << QByteArray(R"({"ts":1,"tag":"step_end","step":"3"})") << R"("step" is not a number)";
    QTest::newRow("step is null") << QByteArray(R"({"ts":1,"tag":"step_end","step":null})")
                                  << R"("step" is not a number)";
    QTest::newRow("epoch is a string")
        << QByteArray(R"({"ts":1,"tag":"epoch_end","epoch":"1"})") << R"("epoch" is not a number)";
    // Issue 11 item 11: a step or epoch that is not finite places the record nowhere.
    QTest::newRow("step NaN (issue 11.11)") << QByteArray(R"({"ts":1,"tag":"step_end","step":NaN})")
                                            << R"("step" is not a finite number)";
    QTest::newRow("step Infinity (issue 11.11)")
        << QByteArray(R"({"ts":1,"tag":"step_end","step":Infinity,"context":{"loss":1}})")
        << R"("step" is not a finite number)";
    QTest::newRow("step \"NaN\" (issue 11.11)")
        << QByteArray(R"({"ts":1,"tag":"step_end","step":"NaN"})")
        << R"("step" is not a finite number)";
    QTest::newRow("step \"-Infinity\" (issue 11.11)")
        << QByteArray(R"({"ts":1,"tag":"step_begin","step":"-Infinity"})")
        << R"("step" is not a finite number)";
    QTest::newRow("epoch NaN (issue 11.11)")
        << QByteArray(R"({"ts":1,"tag":"epoch_end","epoch":NaN})")
        << R"("epoch" is not a finite number)";
    QTest::newRow("epoch \"Infinity\" (issue 11.11)")
        << QByteArray(R"({"ts":1,"tag":"epoch_begin","epoch":"Infinity"})")
        << R"("epoch" is not a finite number)";
    QTest::newRow("flat step -Infinity (issue 11.11)")
        << QByteArray(R"({"step":-Infinity,"loss":1})") << R"("step" is not a finite number)";
    QTest::newRow("tag is a number")
        << QByteArray(R"({"ts":1,"tag":5})") << R"("tag" is not a string)";
    QTest::newRow("1e400 in context") << QByteArray(R"({"ts":1,"tag":"a","context":{"x":1e400}})")
                                      << "number out of range at column 34";
    QTest::newRow("step 1e400") << QByteArray(R"({"step":1e400})")
                                << "number out of range at column 9";
    QTest::newRow("-1e400 in an array")
        << QByteArray(R"({"a":[1,-1e400]})") << "number out of range at column 9";
    // V11
    QTest::newRow("invalid UTF-8")
        << QByteArray("{\"a\":\"\xC0\xAF\"}") << "invalid UTF-8 at column 7";
    QTest::newRow("truncated UTF-8")
        << QByteArray("{\"a\":\"\xE2\x82\"}") << "invalid UTF-8 at column 7";
    QTest::newRow("CESU surrogate")
        << QByteArray("{\"a\":\"\xED\xA0\x80\"}") << "invalid UTF-8 at column 7";
    QTest::newRow("invalid UTF-8 in a key")
        << QByteArray("{\"\xA9\":1}") << "invalid UTF-8 at column 3";
    QTest::newRow("lone high surrogate") << QByteArray(
        R"({"a":"\ud800"})") << "not JSON: lone surrogate \\u escape in a string at column 7";
    QTest::newRow("lone low surrogate") << QByteArray(
        R"({"a":"\udc00x"})") << "not JSON: lone surrogate \\u escape in a string at column 7";
    QTest::newRow("lone surrogate in a key") << QByteArray(
        R"({"\ud800":1})") << "not JSON: lone surrogate \\u escape in a string at column 3";
    QTest::newRow("lone surrogate in an ignored field")
        << QByteArray(R"({"ts":1,"tag":"step_end","host":"\ud800"})")
        << "not JSON: lone surrogate \\u escape in a string at column 34";
    // V9
    QTest::newRow("65 levels") << QByteArray(R"({"a":)") + QByteArray(64, '[') + QByteArray(64, ']')
            + "}"
                               << "nested deeper than 64 levels at column 69";
    QTest::newRow("65 levels of objects in context")
        << QByteArray(R"({"context":)") + QByteArray("{\"k\":").repeated(64) + "1"
            + QByteArray(64, '}') + "}"
        << "nested deeper than 64 levels at column 327";
}

void TestChunkParser::malformed()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, reason);

    // The bad line sits between two good ones, which are still read.
    const QByteArray good = R"({"ts":1,"tag":"a","v":1})";
    const QByteArray text = good + '\n' + line + '\n' + good + '\n';
    const ParsedChunk chunk = parseText(text, 100, 10);
    QCOMPARE(chunk.records.size(), std::size_t(2));
    QCOMPARE(chunk.malformed.size(), std::size_t(1));
    QCOMPARE(chunk.malformed[0].reason, reason);
    QCOMPARE(chunk.malformed[0].line, std::uint64_t(11));
    QCOMPARE(chunk.malformed[0].offset, std::uint64_t(100 + good.size() + 1));
    QCOMPARE(chunk.records[1].line, std::uint64_t(12));
    QCOMPARE(pointsOf(chunk, 0), QStringLiteral("^a/v=1"));
    QCOMPARE(pointsOf(chunk, 1), QStringLiteral("^a/v=1"));
    QCOMPARE(chunk.pointCount(), std::size_t(2)); // nothing of the bad line is left behind
    QCOMPARE(chunk.lineCount, std::uint64_t(3));
}

void TestChunkParser::blankLines_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("records");
    QTest::addColumn<int>("blank");
    QTest::addColumn<int>("lines");

    QTest::newRow("empty file (V1)") << QByteArray() << 0 << 0 << 0;
    QTest::newRow("only newlines (V1)") << QByteArray("\n\n\n") << 0 << 3 << 3;
    QTest::newRow("whitespace lines (V1)") << QByteArray("  \n\t\n \r\n\r\n") << 0 << 4 << 4;
    QTest::newRow("blank between records")
        << QByteArray("{\"tag\":\"a\"}\n\n{\"tag\":\"a\"}\r\n  \n") << 2 << 2 << 4;
    QTest::newRow("last line without newline")
        << QByteArray("{\"tag\":\"a\"}\n{\"tag\":\"a\"}") << 2 << 0 << 2;
}

void TestChunkParser::blankLines()
{
    QFETCH(QByteArray, text);
    QFETCH(int, records);
    QFETCH(int, blank);
    QFETCH(int, lines);
    const ParsedChunk chunk = parseText(text);
    QCOMPARE(int(chunk.records.size()), records);
    QCOMPARE(int(chunk.blankLines), blank);
    QCOMPARE(int(chunk.lineCount), lines);
    QCOMPARE(malformedOf(chunk), QString());
    QCOMPARE(chunk.endOffset, std::uint64_t(text.size()));
}

void TestChunkParser::lineNumbersAndOffsets()
{
    const QByteArray text = "{\"tag\":\"a\"}\n"
                            "oops\n"
                            "\n"
                            "{\"tag\":\"b\"}\r\n"
                            "[1]\n";
    const ParsedChunk chunk = parseText(text, 1000, 41);
    QCOMPARE(chunk.offset, std::uint64_t(1000));
    QCOMPARE(chunk.firstLine, std::uint64_t(41));
    QCOMPARE(chunk.lineCount, std::uint64_t(5));
    QCOMPARE(chunk.records.size(), std::size_t(2));
    QCOMPARE(chunk.records[0].line, std::uint64_t(41));
    QCOMPARE(chunk.records[0].offset, std::uint64_t(1000));
    QCOMPARE(chunk.records[1].line, std::uint64_t(44));
    QCOMPARE(chunk.records[1].offset, std::uint64_t(1000 + 12 + 5 + 1));
    QCOMPARE(malformedOf(chunk),
        QStringLiteral("42@1012: not JSON: expected a value at column 1\n"
                       "45@1031: not a JSON object (an array)"));
    QCOMPARE(chunk.blankLines, std::uint64_t(1));
}

void TestChunkParser::bomOnlyAtFileStart()
{
    const QByteArray bom = "\xEF\xBB\xBF";
    // At offset 0 the BOM is skipped ...
    QCOMPARE(parseText(bom + "{\"tag\":\"a\"}\n", 0).records.size(), std::size_t(1));
    // ... anywhere else it is not JSON.
    const ParsedChunk later = parseText(bom + "{\"tag\":\"a\"}\n", 10, 2);
    QCOMPARE(later.records.size(), std::size_t(0));
    QCOMPARE(malformedOf(later), QStringLiteral("2@10: not JSON: expected a value at column 1"));
}

void TestChunkParser::lineAtBufferEndIsPadded()
{
    // The last lines of a buffer are copied to get simdjson's padding; the others are parsed in
    // place. Both give the same records, whatever the buffer's size.
    QByteArray text;
    for (int i = 0; i < 40; ++i)
        text += QByteArray(R"({"ts":)") + QByteArray::number(i) + R"(,"tag":"t","v":)"
            + QByteArray::number(i * 2) + "}\n";
    const ParsedChunk whole = parseText(text);
    QCOMPARE(whole.records.size(), std::size_t(40));
    for (int cut = 1; cut <= 4; ++cut) {
        // A buffer that ends exactly at the last byte (no slack at all).
        const QByteArray exact = text.left(text.size() - cut);
        const ParsedChunk chunk = parseText(exact);
        QCOMPARE(chunk.records.size(), std::size_t(cut == 1 ? 40 : 39));
        for (std::size_t r = 0; r < chunk.records.size(); ++r)
            QCOMPARE(pointsOf(chunk, r), pointsOf(whole, r));
    }
}

void TestChunkParser::runBeginInfo()
{
    const ParsedChunk chunk = parseText(
        R"({"ts": 1.5, "tag": "run_begin", "run": "r-1", "host": "gpu1", "pid": 42, "rank": 0, "big": 18446744073709551615, "cfg": {"lr": 0.1, "layers": [1, 2]}, "ok": true, "none": null})"
        "\n");
    QCOMPARE(malformedOf(chunk), QString());
    QCOMPARE(chunk.records.size(), std::size_t(1));
    const ParsedChunk::Record& r = chunk.records[0];
    QCOMPARE(r.kind, RecordKind::RunBegin);
    QVERIFY(r.detail >= 0);
    const QVariantMap& info = chunk.details[std::size_t(r.detail)].info;
    QCOMPARE(info.value("run").toString(), QStringLiteral("r-1"));
    QCOMPARE(info.value("host").toString(), QStringLiteral("gpu1"));
    QCOMPARE(info.value("pid").toLongLong(), 42);
    QCOMPARE(info.value("rank").toLongLong(), 0);
    QCOMPARE(info.value("big").toULongLong(), std::numeric_limits<quint64>::max());
    QCOMPARE(info.value("cfg").toMap().value("lr").toDouble(), 0.1);
    QCOMPARE(info.value("cfg").toMap().value("layers").toList().size(), 2);
    QCOMPARE(info.value("ok").toBool(), true);
    QVERIFY(info.contains("none"));
    QVERIFY(!info.contains("ts"));
    QVERIFY(!info.contains("tag"));
    QCOMPARE(r.pointCount, std::uint32_t(0)); // run_begin's fields are info, not metrics
}

void TestChunkParser::errorDetail()
{
    const ParsedChunk chunk = parseText(
        R"({"ts": 3, "tag": "error", "type": "RuntimeError", "message": "loss is NaN \u2013 <b>x</b>", "context": {"step": 7}})"
        "\n"
        R"({"ts": 4, "tag": "error", "message": 5})"
        "\n");
    QCOMPARE(malformedOf(chunk), QString());
    QCOMPARE(chunk.records.size(), std::size_t(2));
    const ParsedChunk::Detail& d = chunk.details[std::size_t(chunk.records[0].detail)];
    QCOMPARE(d.type, QStringLiteral("RuntimeError"));
    QCOMPARE(d.message, QStringLiteral("loss is NaN \u2013 <b>x</b>"));
    QCOMPARE(pointsOf(chunk, 0), QStringLiteral("error/step=7"));
    const ParsedChunk::Detail& d2 = chunk.details[std::size_t(chunk.records[1].detail)];
    QCOMPARE(d2.type, QString());
    QCOMPARE(d2.message, QString());
}

void TestChunkParser::tagAfterPayload()
{
    // Field order is free: payload before the tag is read again under the right tag.
    const ParsedChunk chunk =
        parseText(R"({"context":{"loss":1},"rank":2,"tag":"step_end","step":1})"
                  "\n"
                  R"({"bleu":3,"tag":"eval"})"
                  "\n"
                  R"({"bleu":3,"tag":"a","tag":"b"})"
                  "\n");
    QCOMPARE(malformedOf(chunk), QString());
    QCOMPARE(chunk.records.size(), std::size_t(3));
    QCOMPARE(pointsOf(chunk, 0), QStringLiteral("step_end/loss=1"));
    QCOMPARE(pointsOf(chunk, 1), QStringLiteral("^eval/bleu=3"));
    QCOMPARE(pointsOf(chunk, 2), QStringLiteral("^b/bleu=3")); // duplicate "tag": the last wins
}

void TestChunkParser::knownTagStillValidatesWhatFollows()
{
    // A tag seen before is matched in place; what follows it must still be checked (F1 found
    // {"tag":"st":}} taken as a record once "st" was known).
    const ParsedChunk chunk = parseText(R"({"tag":"st"})"
                                        "\n"
                                        R"({"tag":"st":}})"
                                        "\n"
                                        R"({"tag":"st" "x"})"
                                        "\n"
                                        R"({"tag":"st","step":1})"
                                        "\n");
    QCOMPARE(chunk.records.size(), std::size_t(2));
    QCOMPARE(chunk.malformed.size(), std::size_t(2));
    QCOMPARE(chunk.malformed[0].line, std::uint64_t(2));
    QCOMPARE(chunk.malformed[1].line, std::uint64_t(3));
}

void TestChunkParser::shapeCacheFollowsNesting()
{
    // The same keys in the same order but nested differently must give different paths, and a
    // shorter record must not leave a stale tail that a later record could match.
    const ParsedChunk chunk = parseText(R"({"tag":"t","context":{"metrics":{"acc":1}}})"
                                        "\n"
                                        R"({"tag":"t","context":{"metrics":2,"acc":3}})"
                                        "\n"
                                        R"({"tag":"t","context":{"a":{"b":4,"c":5}}})"
                                        "\n"
                                        R"({"tag":"t","context":{"x":6}})"
                                        "\n"
                                        R"({"tag":"t","context":{"x":{"b":7}}})"
                                        "\n"
                                        R"({"tag":"t","context":{"x":{"b":8}}})"
                                        "\n"
                                        R"({"tag":"t","context":{"x":{"b":"s"}}})"
                                        "\n"
                                        R"({"tag":"t","context":{"x":{"b":9}}})"
                                        "\n");
    QCOMPARE(malformedOf(chunk), QString());
    QCOMPARE(pointsOf(chunk, 0), QStringLiteral("t/metrics/acc=1"));
    QCOMPARE(pointsOf(chunk, 1), QStringLiteral("t/metrics=2;t/acc=3"));
    QCOMPARE(pointsOf(chunk, 2), QStringLiteral("t/a/b=4;t/a/c=5"));
    QCOMPARE(pointsOf(chunk, 3), QStringLiteral("t/x=6"));
    QCOMPARE(pointsOf(chunk, 4), QStringLiteral("t/x/b=7"));
    QCOMPARE(pointsOf(chunk, 5), QStringLiteral("t/x/b=8"));
    QCOMPARE(pointsOf(chunk, 6), QString());
    QCOMPARE(pointsOf(chunk, 7), QStringLiteral("t/x/b=9"));
    // One chunk-local series per distinct path.
    QCOMPARE(chunk.series.size(), std::size_t(7));
}

void TestChunkParser::duplicateKeyLastWins()
{
    // V13: like nlohmann and Python, the last one wins.
    const ParsedChunk chunk = parseText(
        R"({"ts":1,"ts":2,"tag":"step_end","step":1,"step":2,"context":{"loss":1,"loss":2,"m":{"a":1},"m":{"a":3}}})"
        "\n");
    QCOMPARE(malformedOf(chunk), QString());
    QCOMPARE(chunk.records[0].ts, 2.0);
    QCOMPARE(chunk.records[0].step, 2.0);
    QCOMPARE(pointsOf(chunk, 0), QStringLiteral("step_end/loss=2;step_end/m/a=3"));
}

void TestChunkParser::seriesLimit()
{
    // V14: 100,000 distinct keys: at most maxSeries series, the rest counted and warned once.
    ChunkParser::Limits limits;
    limits.maxSeries = 1000;
    ChunkParser parser(limits);
    QByteArray text;
    for (int r = 0; r < 100; ++r) {
        text += R"({"tag":"t","context":{)";
        for (int k = 0; k < 1000; ++k) {
            if (k > 0)
                text += ',';
            text += "\"k" + QByteArray::number(r * 1000 + k) + "\":1";
        }
        text += "}}\n";
    }
    const ParsedChunk chunk = parser.parse(text.constData(), std::size_t(text.size()), 0, 1);
    QCOMPARE(chunk.records.size(), std::size_t(100));
    QCOMPARE(chunk.series.size(), std::size_t(1000));
    QCOMPARE(chunk.pointCount(), std::size_t(1000));
    QCOMPARE(chunk.droppedPoints, std::uint64_t(99000));
    QCOMPARE(chunk.warnings.size(), std::size_t(1));
    QCOMPARE(chunk.warnings[0].kind, ParsedChunk::Warning::Kind::TooManySeries);
    QCOMPARE(chunk.warnings[0].line, std::uint64_t(2));
    QCOMPARE(chunk.warnings[0].text,
        QStringLiteral("more than 1000 distinct series in a chunk: the others are not plotted"));
}

void TestChunkParser::keyPathLimit()
{
    const QByteArray longKey(600, 'k');
    const ParsedChunk chunk = parseText(R"({"tag":"t","context":{"ok":1,")" + longKey
        + R"(":2,"g":{")" + QByteArray(511, 'x')
        + R"(":3}}})"
          "\n");
    QCOMPARE(malformedOf(chunk), QString());
    QCOMPARE(pointsOf(chunk, 0), QStringLiteral("t/ok=1"));
    QCOMPARE(chunk.droppedPoints, std::uint64_t(2)); // 600 bytes, and "g/" + 511 = 513
    QCOMPARE(chunk.warnings.size(), std::size_t(1));
    QCOMPARE(
        chunk.warnings[0].text, QStringLiteral("key paths longer than 512 bytes are not plotted"));
}

void TestChunkParser::longTag()
{
    const QByteArray tag(5000, 't');
    const ParsedChunk chunk = parseText(R"({"tag":")" + tag
        + R"("})"
          "\n");
    QCOMPARE(malformedOf(chunk), QStringLiteral("1@0: \"tag\" longer than 4096 bytes"));
}

void TestChunkParser::garbageKeepsTheFirstLinesAndCountsAll()
{
    // Issue 11 item 4: a chunk of garbage lists its first MaxListedMalformed lines, counts the
    // others by reason and by the record they precede; a run_begin lists again.
    QByteArray text;
    for (int i = 0; i < 100000; ++i)
        text += i % 2 ? "x\n" : "[1]\n";
    text += R"({"ts":1,"tag":"step_end","step":1})"
            "\n";
    text += "y\n";
    text += R"({"ts":1,"tag":"run_begin","run":"r2"})"
            "\n";
    text += "z\n";
    const ParsedChunk chunk = parseText(text);
    QCOMPARE(chunk.records.size(), std::size_t(2));
    QCOMPARE(chunk.malformedLines, std::uint64_t(100002));
    QCOMPARE(chunk.malformed.size(), ParsedChunk::MaxListedMalformed + 1); // + "z" of run r2
    QCOMPARE(chunk.malformed[999].line, std::uint64_t(1000));
    QCOMPARE(chunk.malformed.back().line, std::uint64_t(100004));
    QStringList unlisted;
    for (const ParsedChunk::UnlistedMalformed& u : chunk.unlistedMalformed)
        unlisted << QStringLiteral("%1 before %2 x%3")
                        .arg(chunk.malformedReasons[u.reason])
                        .arg(u.beforeRecord)
                        .arg(u.count);
    // One entry per reason between two records, however the lines alternate.
    QCOMPARE(unlisted,
        QStringList({ "not a JSON object (an array) before 0 x49500",
            "not JSON: expected a value before 0 x49500",
            "not JSON: expected a value before 1 x1" })); // "y"
}

void TestChunkParser::overlongLine()
{
    ChunkParser::Limits limits;
    limits.maxLineBytes = 1024;
    ChunkParser parser(limits);
    const QByteArray text =
        "{\"tag\":\"a\"}\n{\"tag\":\"" + QByteArray(2000, 'x') + "\"}\n{\"tag\":\"a\"}\n";
    const ParsedChunk chunk = parser.parse(text.constData(), std::size_t(text.size()), 0, 1);
    QCOMPARE(chunk.records.size(), std::size_t(2));
    QCOMPARE(malformedOf(chunk), QStringLiteral("2@12: line longer than 1 KiB"));
}

void TestChunkParser::lineChunkOverlong()
{
    viewer::LineChunk lines;
    lines.path = QStringLiteral("x.jsonl");
    lines.offset = 50;
    lines.firstLine = 4;
    lines.lineCount = 1;
    lines.bytes = "{\"tag\":\"a\"}\n";
    lines.overlongLine = 5;
    lines.overlongOffset = 62;
    ChunkParser parser;
    const ParsedChunk chunk = parser.parse(lines);
    QCOMPARE(chunk.records.size(), std::size_t(1));
    QCOMPARE(chunk.records[0].offset, std::uint64_t(50));
    QCOMPARE(chunk.lineCount, std::uint64_t(2));
    QCOMPARE(
        malformedOf(chunk), QStringLiteral("5@62: ") + viewer::LineAssembler::describeOverlong());
}

void TestChunkParser::deepNesting_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("reason");
    // V9: rejected by the depth limit or as a non-object, never by the stack.
    QTest::newRow("100,000 [") << QByteArray(100000, '[') << "not a JSON object (an array)";
    QTest::newRow("1,000,000 [") << QByteArray(1000000, '[') << "not a JSON object (an array)";
    QTest::newRow("object then 100,000 [") << QByteArray(R"({"a":)") + QByteArray(100000, '[')
                                           << "nested deeper than 64 levels at column 69";
    QTest::newRow("object then 1,000,000 { closed") << QByteArray(R"({"a":)")
            + QByteArray("{\"a\":").repeated(1000000) + "1"
            + QByteArray(1000001, '}') << "nested deeper than 64 levels at column 321";
}

void TestChunkParser::deepNesting()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, reason);
    const ParsedChunk chunk = parseText(line + "\n{\"tag\":\"a\"}\n");
    QCOMPARE(chunk.records.size(), std::size_t(1));
    QCOMPARE(chunk.malformed.size(), std::size_t(1));
    QCOMPARE(chunk.malformed[0].reason, reason);
}

void TestChunkParser::pythonLoggerFile()
{
    // V17 in small: a file the seed's Python TelemetryLogger wrote
    // (tests/data/make_python_sample.py): json.dumps spacing, \uXXXX escapes, bare
    // NaN/Infinity/-Infinity.
    QFile file(QFINDTESTDATA("../data/python_logger_sample.jsonl"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    const ParsedChunk chunk = parseText(text);
    QCOMPARE(malformedOf(chunk), QString());
    QCOMPARE(chunk.lineCount, std::uint64_t(25));
    QCOMPARE(chunk.records.size(), std::size_t(25));
    QStringList tags;
    for (const ParsedChunk::Tag& t : chunk.tags)
        tags << QString::fromStdString(t.name);
    QCOMPARE(tags, QStringList({ "epoch_begin", "step_begin", "step_end", "epoch_end", "error" }));
    // 10 step_end x 6 numbers, 2 epoch_end x 2.
    QCOMPARE(chunk.pointCount(), std::size_t(64));
    // Per step_end: the "parts" array, "note" and "converged".
    QCOMPARE(chunk.skippedValues, std::uint64_t(30));
    QCOMPARE(pointsOf(chunk, 8),
        QStringLiteral(
            "step_end/loss=nan;step_end/lr=0.001;step_end/metrics/acc=0.30000000000000004;"
            "step_end/metrics/grad_norm=1.5;step_end/loss_before/total=1.5;"
            "step_end/pr\u00e9cision=0.5"));
    QVERIFY(pointsOf(chunk, 10).contains(QStringLiteral("step_end/metrics/grad_norm=inf")));
    QVERIFY(pointsOf(chunk, 16).contains(QStringLiteral("step_end/metrics/grad_norm=-inf")));
    const ParsedChunk::Record& error = chunk.records[19];
    QCOMPARE(error.kind, RecordKind::Error);
    QCOMPARE(chunk.details[std::size_t(error.detail)].message,
        QStringLiteral("CUDA out of memory \u2013 tried 2.00 GiB"));
}

void TestChunkParser::quoteNonFiniteTokens_data()
{
    QTest::addColumn<QByteArray>("in");
    QTest::addColumn<QByteArray>("out");
    QTest::addColumn<bool>("found");
    QTest::newRow("NaN") << QByteArray(R"({"a": NaN})") << QByteArray(R"({"a": "NaN"})") << true;
    QTest::newRow("all three") << QByteArray(R"({"a":[NaN,Infinity,-Infinity]})")
                               << QByteArray(R"({"a":["NaN","Infinity","-Infinity"]})") << true;
    QTest::newRow("inside strings")
        << QByteArray(R"({"NaN": "loss is NaN", "b": "\"NaN\" Infinity"})")
        << QByteArray(R"({"NaN": "loss is NaN", "b": "\"NaN\" Infinity"})") << false;
    QTest::newRow("glued") << QByteArray(R"({"a": NaNa, "b": xInfinity})")
                           << QByteArray(R"({"a": NaNa, "b": xInfinity})") << false;
    // Only values: a bare token as a key (or top-level) stays bare, so the line stays malformed.
    QTest::newRow("key") << QByteArray(R"({NaN: 1, "a": -Infinity})")
                         << QByteArray(R"({NaN: 1, "a": "-Infinity"})") << true;
    QTest::newRow("key after a comma")
        << QByteArray(R"({"a": 1, Infinity : 2})") << QByteArray() << false;
    QTest::newRow("top level") << QByteArray("NaN") << QByteArray(R"("NaN")") << true;
    QTest::newRow("after a value") << QByteArray(R"({"a": 1 NaN})") << QByteArray() << false;
    QTest::newRow("spaced values")
        << QByteArray("{\"a\" :\tNaN , \"b\": [ -Infinity ]}")
        << QByteArray("{\"a\" :\t\"NaN\" , \"b\": [ \"-Infinity\" ]}") << true;
}

void TestChunkParser::quoteNonFiniteTokens()
{
    QFETCH(QByteArray, in);
    QFETCH(QByteArray, out);
    QFETCH(bool, found);
    std::string result;
    QCOMPARE(JsonLineScanner::quoteNonFiniteTokens(
                 std::string_view(in.constData(), std::size_t(in.size())), result),
        found);
    if (found)
        QCOMPARE(QByteArray::fromStdString(result), out);
}

void TestChunkParser::arbitraryBytesNeverCrash()
{
    // F1 in small (the libFuzzer target lives in tests/fuzz): random bytes and mutations of good
    // lines; every line is accounted for as a record, a malformed line or a blank line.
    QRandomGenerator random(12345);
    const QByteArray alphabet = R"({}[]":,\ -+.eE0123456789NaInfityrulsb/)"
                                "\xC0\xE2\xED\xA0\x80\t\r ";
    const QByteArray good =
        R"({"ts": 1.5, "tag": "step_end", "step": 3, "context": {"loss": NaN, "m": {"a": [1, "x\u00e9"]}}})";
    ChunkParser parser;
    for (int round = 0; round < 300; ++round) {
        QByteArray text;
        for (int l = 0; l < 50; ++l) {
            QByteArray line = good;
            const int edits = random.bounded(1, 6);
            for (int e = 0; e < edits; ++e) {
                const int pos = random.bounded(int(line.size()));
                const char c = alphabet[random.bounded(int(alphabet.size()))];
                switch (random.bounded(3)) {
                case 0:
                    line[pos] = c;
                    break;
                case 1:
                    line.insert(pos, c);
                    break;
                default:
                    line.remove(pos, 1);
                    break;
                }
            }
            if (random.bounded(10) == 0) {
                line.resize(random.bounded(1, 200));
                for (char& c : line)
                    c = char(random.bounded(256));
                line.replace('\n', ' ');
            }
            text += line + '\n';
        }
        const ParsedChunk chunk =
            parser.parse(text.constData(), std::size_t(text.size()), 0, std::uint64_t(round));
        QCOMPARE(chunk.records.size() + chunk.malformed.size() + chunk.blankLines,
            std::size_t(chunk.lineCount));
        QCOMPARE(chunk.lineCount, std::uint64_t(50));
        for (const viewer::MalformedLine& m : chunk.malformed)
            QVERIFY(!m.reason.isEmpty());
    }
}

QTEST_GUILESS_MAIN(TestChunkParser)
#include "tst_chunk_parser.moc"
