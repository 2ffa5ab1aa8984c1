#include "chunk_parser.hpp"
#include "chunk_parser_test_support.hpp"
#include "data_table.hpp"
#include "json_line_scanner.hpp"
#include "line_assembler.hpp"
#include "line_chunk.hpp"

#include <QFile>
#include <QRandomGenerator>
#include <QTest>

#include <cmath>
#include <limits>
#include <string>

// ChunkParser on the lines around the records: malformed lines and their reasons, blank lines,
// line numbers and offsets, limits, over-long and deeply nested lines, arbitrary bytes.

using namespace chunk_parser_test;

class TestChunkParserInput : public QObject
{
    Q_OBJECT

private slots:
    void malformed_data();
    void malformed();
    void blankLines_data();
    void blankLines();
    void lineNumbersAndOffsets();
    void bomOnlyAtFileStart();
    void lineAtBufferEndIsPadded();
    void seriesLimit();
    void keyPathLimit();
    void longTag();
    void garbageKeepsTheFirstLinesAndCountsAll();
    void overlongLine();
    void lineChunkOverlong();
    void deepNesting_data();
    void deepNesting();
    void quoteNonFiniteTokens_data();
    void quoteNonFiniteTokens();
    void arbitraryBytesNeverCrash();
};

void TestChunkParserInput::malformed_data()
{
    testing::addTable<QByteArray, QString>({ "line", "reason" },
        {
            // V3
            { "truncated object", QByteArray(R"({"a":1)"),
                "not JSON: truncated (the line ends inside an object)" },
            { "truncated in a string", QByteArray(R"({"a":"abc)"),
                "not JSON: truncated (the line ends inside a string)" },
            { "trailing garbage", QByteArray(R"({"a":1}x)"),
                "not JSON: text after the object at column 8" },
            { "two objects on one line", QByteArray(R"({"a":1} {"b":2})"),
                "not JSON: text after the object at column 9" },
            { "extra brace", QByteArray(R"({"a":1}})"),
                "not JSON: text after the object at column 8" },
            { "trailing comma", QByteArray(R"({"a":1,})"),
                "not JSON: expected a key in double quotes at column 8" },
            { "single quotes", QByteArray(R"({'a':1})"),
                "not JSON: expected a key in double quotes at column 2" },
            { "comment after", QByteArray(R"({"a":1} // note)"),
                "not JSON: text after the object at column 9" },
            { "comment line", QByteArray("// note"), "not JSON: expected a value at column 1" },
            { "missing colon", QByteArray(R"({"a" 1})"), "not JSON: expected ':' at column 6" },
            { "bare NaN as a key", QByteArray(R"({NaN: 1, "a": NaN})"),
                "not JSON: expected a key in double quotes at column 2" },
            { "missing comma", QByteArray(R"({"a":1 "b":2})"),
                "not JSON: expected ',' or '}' at column 8" },
            { "array trailing comma", QByteArray(R"({"a":[1,]})"),
                "not JSON: expected a value at column 9" },
            { "bad literal", QByteArray(R"({"a":tru})"), "not JSON: invalid literal at column 6" },
            { "leading zero", QByteArray(R"({"a":01})"), "not JSON: invalid number at column 6" },
            { "bad escape", QByteArray(R"({"a":"x\qy"})"),
                "not JSON: invalid escape in a string at column 8" },
            { "raw tab in a string", QByteArray("{\"a\":\"x\ty\"}"),
                "not JSON: unescaped control character in a string at column 8" },
            { "glued NaN", QByteArray(R"({"a":NaNx})"), "not JSON: expected a value at column 6" },
            { "plain text", QByteArray("hello world"), "not JSON: expected a value at column 1" },
            // V6
            { "number", QByteArray("42"), "not a JSON object (a number)" },
            { "array", QByteArray("[1,2]"), "not a JSON object (an array)" },
            { "string", QByteArray(R"("x")"), "not a JSON object (a string)" },
            { "null", QByteArray("null"), "not a JSON object (null)" },
            { "boolean", QByteArray("true"), "not a JSON object (a boolean)" },
            { "bare NaN", QByteArray("NaN"), "not a JSON object (a number)" },
            // V7
            { "step is a string", QByteArray(R"({"ts":1,"tag":"step_end","step":"3"})"),
                R"("step" is not a number)" },
            { "step is null", QByteArray(R"({"ts":1,"tag":"step_end","step":null})"),
                R"("step" is not a number)" },
            { "epoch is a string", QByteArray(R"({"ts":1,"tag":"epoch_end","epoch":"1"})"),
                R"("epoch" is not a number)" },
            // Issue 11 item 11: a step or epoch that is not finite places the record nowhere.
            { "step NaN (issue 11.11)", QByteArray(R"({"ts":1,"tag":"step_end","step":NaN})"),
                R"("step" is not a finite number)" },
            { "step Infinity (issue 11.11)",
                QByteArray(R"({"ts":1,"tag":"step_end","step":Infinity,"context":{"loss":1}})"),
                R"("step" is not a finite number)" },
            { "step \"NaN\" (issue 11.11)", QByteArray(R"({"ts":1,"tag":"step_end","step":"NaN"})"),
                R"("step" is not a finite number)" },
            { "step \"-Infinity\" (issue 11.11)",
                QByteArray(R"({"ts":1,"tag":"step_begin","step":"-Infinity"})"),
                R"("step" is not a finite number)" },
            { "epoch NaN (issue 11.11)", QByteArray(R"({"ts":1,"tag":"epoch_end","epoch":NaN})"),
                R"("epoch" is not a finite number)" },
            { "epoch \"Infinity\" (issue 11.11)",
                QByteArray(R"({"ts":1,"tag":"epoch_begin","epoch":"Infinity"})"),
                R"("epoch" is not a finite number)" },
            { "flat step -Infinity (issue 11.11)", QByteArray(R"({"step":-Infinity,"loss":1})"),
                R"("step" is not a finite number)" },
            { "tag is a number", QByteArray(R"({"ts":1,"tag":5})"), R"("tag" is not a string)" },
            { "1e400 in context", QByteArray(R"({"ts":1,"tag":"a","context":{"x":1e400}})"),
                "number out of range at column 34" },
            { "step 1e400", QByteArray(R"({"step":1e400})"), "number out of range at column 9" },
            { "-1e400 in an array", QByteArray(R"({"a":[1,-1e400]})"),
                "number out of range at column 9" },
            // V11
            { "invalid UTF-8", QByteArray("{\"a\":\"\xC0\xAF\"}"), "invalid UTF-8 at column 7" },
            { "truncated UTF-8", QByteArray("{\"a\":\"\xE2\x82\"}"), "invalid UTF-8 at column 7" },
            { "CESU surrogate", QByteArray("{\"a\":\"\xED\xA0\x80\"}"),
                "invalid UTF-8 at column 7" },
            { "invalid UTF-8 in a key", QByteArray("{\"\xA9\":1}"), "invalid UTF-8 at column 3" },
            { "lone high surrogate", QByteArray(R"({"a":"\ud800"})"),
                "not JSON: lone surrogate \\u escape in a string at column 7" },
            { "lone low surrogate", QByteArray(R"({"a":"\udc00x"})"),
                "not JSON: lone surrogate \\u escape in a string at column 7" },
            { "lone surrogate in a key", QByteArray(R"({"\ud800":1})"),
                "not JSON: lone surrogate \\u escape in a string at column 3" },
            { "lone surrogate in an ignored field",
                QByteArray(R"({"ts":1,"tag":"step_end","host":"\ud800"})"),
                "not JSON: lone surrogate \\u escape in a string at column 34" },
            // V9
            { "65 levels", QByteArray(R"({"a":)") + QByteArray(64, '[') + QByteArray(64, ']') + "}",
                "nested deeper than 64 levels at column 69" },
            { "65 levels of objects in context",
                QByteArray(R"({"context":)") + QByteArray("{\"k\":").repeated(64) + "1"
                    + QByteArray(64, '}') + "}",
                "nested deeper than 64 levels at column 327" },
        });
}

void TestChunkParserInput::malformed()
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

void TestChunkParserInput::blankLines_data()
{
    testing::addTable<QByteArray, int, int, int>({ "text", "records", "blank", "lines" },
        {
            { "empty file (V1)", QByteArray(), 0, 0, 0 },
            { "only newlines (V1)", QByteArray("\n\n\n"), 0, 3, 3 },
            { "whitespace lines (V1)", QByteArray("  \n\t\n \r\n\r\n"), 0, 4, 4 },
            { "blank between records", QByteArray("{\"tag\":\"a\"}\n\n{\"tag\":\"a\"}\r\n  \n"), 2,
                2, 4 },
            { "last line without newline", QByteArray("{\"tag\":\"a\"}\n{\"tag\":\"a\"}"), 2, 0,
                2 },
        });
}

void TestChunkParserInput::blankLines()
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

void TestChunkParserInput::lineNumbersAndOffsets()
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

void TestChunkParserInput::bomOnlyAtFileStart()
{
    const QByteArray bom = "\xEF\xBB\xBF";
    // At offset 0 the BOM is skipped ...
    QCOMPARE(parseText(bom + "{\"tag\":\"a\"}\n", 0).records.size(), std::size_t(1));
    // ... anywhere else it is not JSON.
    const ParsedChunk later = parseText(bom + "{\"tag\":\"a\"}\n", 10, 2);
    QCOMPARE(later.records.size(), std::size_t(0));
    QCOMPARE(malformedOf(later), QStringLiteral("2@10: not JSON: expected a value at column 1"));
}

void TestChunkParserInput::lineAtBufferEndIsPadded()
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

void TestChunkParserInput::seriesLimit()
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

void TestChunkParserInput::keyPathLimit()
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

void TestChunkParserInput::longTag()
{
    const QByteArray tag(5000, 't');
    const ParsedChunk chunk = parseText(R"({"tag":")" + tag
        + R"("})"
          "\n");
    QCOMPARE(malformedOf(chunk), QStringLiteral("1@0: \"tag\" longer than 4096 bytes"));
}

void TestChunkParserInput::garbageKeepsTheFirstLinesAndCountsAll()
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

void TestChunkParserInput::overlongLine()
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

void TestChunkParserInput::lineChunkOverlong()
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

void TestChunkParserInput::deepNesting_data()
{
    testing::addTable<QByteArray, QString>({ "line", "reason" },
        {
            // V9: rejected by the depth limit or as a non-object, never by the stack.
            { "100,000 [", QByteArray(100000, '['), "not a JSON object (an array)" },
            { "1,000,000 [", QByteArray(1000000, '['), "not a JSON object (an array)" },
            { "object then 100,000 [", QByteArray(R"({"a":)") + QByteArray(100000, '['),
                "nested deeper than 64 levels at column 69" },
            { "object then 1,000,000 { closed",
                QByteArray(R"({"a":)") + QByteArray("{\"a\":").repeated(1000000) + "1"
                    + QByteArray(1000001, '}'),
                "nested deeper than 64 levels at column 321" },
        });
}

void TestChunkParserInput::deepNesting()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, reason);
    const ParsedChunk chunk = parseText(line + "\n{\"tag\":\"a\"}\n");
    QCOMPARE(chunk.records.size(), std::size_t(1));
    QCOMPARE(chunk.malformed.size(), std::size_t(1));
    QCOMPARE(chunk.malformed[0].reason, reason);
}

void TestChunkParserInput::quoteNonFiniteTokens_data()
{
    testing::addTable<QByteArray, QByteArray, bool>({ "in", "out", "found" },
        {
            { "NaN", QByteArray(R"({"a": NaN})"), QByteArray(R"({"a": "NaN"})"), true },
            { "all three", QByteArray(R"({"a":[NaN,Infinity,-Infinity]})"),
                QByteArray(R"({"a":["NaN","Infinity","-Infinity"]})"), true },
            { "inside strings", QByteArray(R"({"NaN": "loss is NaN", "b": "\"NaN\" Infinity"})"),
                QByteArray(R"({"NaN": "loss is NaN", "b": "\"NaN\" Infinity"})"), false },
            { "glued", QByteArray(R"({"a": NaNa, "b": xInfinity})"),
                QByteArray(R"({"a": NaNa, "b": xInfinity})"), false },
            // Only values: a bare token as a key (or top-level) stays bare, so the line stays
            // malformed.
            { "key", QByteArray(R"({NaN: 1, "a": -Infinity})"),
                QByteArray(R"({NaN: 1, "a": "-Infinity"})"), true },
            { "key after a comma", QByteArray(R"({"a": 1, Infinity : 2})"), QByteArray(), false },
            { "top level", QByteArray("NaN"), QByteArray(R"("NaN")"), true },
            { "after a value", QByteArray(R"({"a": 1 NaN})"), QByteArray(), false },
            { "spaced values", QByteArray("{\"a\" :\tNaN , \"b\": [ -Infinity ]}"),
                QByteArray("{\"a\" :\t\"NaN\" , \"b\": [ \"-Infinity\" ]}"), true },
        });
}

void TestChunkParserInput::quoteNonFiniteTokens()
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

void TestChunkParserInput::arbitraryBytesNeverCrash()
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

QTEST_GUILESS_MAIN(TestChunkParserInput)
#include "tst_chunk_parser_input.moc"
