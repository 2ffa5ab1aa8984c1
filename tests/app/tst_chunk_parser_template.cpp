#include "chunk_parser.hpp"
#include "chunk_parser_test_support.hpp"

#include <QTest>

#include <map>

// ChunkParser's fast path (issue 15, "Open speed"): a line whose text is an earlier line's with
// other numbers is read by that text (LineTemplate) instead of the full walk. Every line must
// read exactly as the walk reads it: each text here is parsed as one chunk (later lines may take
// the fast path) and line by line, one chunk per line (no earlier line, always the walk), and
// the two readings must be the same.

using namespace chunk_parser_test;

namespace {

QString kindName(RecordKind kind)
{
    return QString::number(static_cast<int>(kind));
}

// Everything a chunk says about each of its lines, keyed by line number.
void describeLines(const ParsedChunk& chunk, std::map<std::uint64_t, QString>& lines)
{
    for (std::size_t r = 0; r < chunk.records.size(); ++r) {
        const ParsedChunk::Record& record = chunk.records[r];
        QString tally;
        for (const ParsedChunk::Tally& t : chunk.tallies) {
            if (t.record == r)
                tally = QStringLiteral(" skipped %1 dropped %2").arg(t.skipped).arg(t.dropped);
        }
        lines[record.line] += QStringLiteral("@%1 tag %2 kind %3 ts %4 step %5 epoch %6 "
                                             "detail %7 [%8]%9")
                                  .arg(record.offset)
                                  .arg(QString::fromStdString(chunk.tags[record.tag].name))
                                  .arg(kindName(record.kind))
                                  .arg(formatValue(record.ts))
                                  .arg(formatValue(record.step))
                                  .arg(formatValue(record.epoch))
                                  .arg(record.detail >= 0 ? 1 : 0)
                                  .arg(pointsOf(chunk, r))
                                  .arg(tally);
    }
    for (const viewer::MalformedLine& m : chunk.malformed)
        lines[m.line] += QStringLiteral("@%1 malformed: %2").arg(m.offset).arg(m.reason);
    for (const ParsedChunk::Warning& w : chunk.warnings)
        lines[w.line] += QStringLiteral(" warning: %1").arg(w.text);
}

QString describe(const std::map<std::uint64_t, QString>& lines)
{
    QStringList out;
    for (const auto& [line, text] : lines)
        out << QStringLiteral("%1 %2").arg(line).arg(text);
    return out.join(QLatin1Char('\n'));
}

} // namespace

class TestChunkParserTemplate : public QObject
{
    Q_OBJECT

private slots:
    void sameAsTheWalk_data();
    void sameAsTheWalk();
    void longRunOfOneShape();
};

void TestChunkParserTemplate::sameAsTheWalk_data()
{
    QTest::addColumn<QByteArray>("text");
    // The first line is learned; the next ones differ from it in one way each.
    const QByteArray stepEnd =
        R"({"ts":1.5,"tag":"step_end","step":3,"context":{"loss":2.25,"m":{"acc":0.5}}})";
    QTest::newRow("same text, other numbers") << stepEnd + "\n"
            + R"({"ts":17965940.076229,"tag":"step_end","step":4,"context":{"loss":-1e-8,"m":{"acc":1E+2}}})"
            + "\n"
            + R"({"ts":-0,"tag":"step_end","step":0,"context":{"loss":123456789012345678901234,"m":{"acc":0.1}}})"
            + "\n";
    QTest::newRow("two shapes alternating") << QByteArray(R"({"ts":1,"tag":"step_begin","step":1})")
            + "\n" + stepEnd + "\n" + R"({"ts":2,"tag":"step_begin","step":2})" + "\n"
            + R"({"ts":2,"tag":"step_end","step":2,"context":{"loss":1,"m":{"acc":2}}})" + "\n";
    // A slot that is not a JSON number: the walk reads the line (and rejects or rescues it).
    for (const char* slot : { "01", "1.2.3", "1.", ".5", "-", "+1", "1e", "1e400", "-1e400", "NaN",
             "-Infinity", "\"NaN\"", "\"x\"", "null", "true", "[1]", "{\"a\":1}", "1 ", " 1",
             "0x10", "1-2", "2e+3" }) {
        QTest::newRow(qPrintable(QStringLiteral("loss %1").arg(QString::fromUtf8(slot)))) << stepEnd
                + "\n" + QByteArray(R"({"ts":2,"tag":"step_end","step":4,"context":{"loss":)")
                + slot + R"(,"m":{"acc":0.5}}})" + "\n";
        QTest::newRow(qPrintable(QStringLiteral("step %1").arg(QString::fromUtf8(slot)))) << stepEnd
                + "\n" + QByteArray(R"({"ts":2,"tag":"step_end","step":)") + slot
                + R"(,"context":{"loss":2.25,"m":{"acc":0.5}}})" + "\n";
    }
    QTest::newRow("another key of the same length") << stepEnd + "\n"
            + R"({"ts":1.5,"tag":"step_end","step":3,"context":{"lost":2.25,"m":{"acc":0.5}}})"
            + "\n";
    QTest::newRow("another tag") << stepEnd + "\n"
            + R"({"ts":1.5,"tag":"step_enD","step":3,"context":{"loss":2.25,"m":{"acc":0.5}}})"
            + "\n";
    QTest::newRow("a space more") << stepEnd + "\n"
            + R"({"ts":1.5, "tag":"step_end","step":3,"context":{"loss":2.25,"m":{"acc":0.5}}})"
            + "\n";
    QTest::newRow("more after the object") << stepEnd + "\n"
            + R"({"ts":1.5,"tag":"step_end","step":3,"context":{"loss":2.25,"m":{"acc":0.5}}} 5)"
            + "\n";
    QTest::newRow("cut short") << stepEnd + "\n"
            + R"({"ts":1.5,"tag":"step_end","step":3,"context":{"loss":2.25)" + "\n";
    QTest::newRow("one key fewer") << stepEnd + "\n"
            + R"({"ts":1.5,"tag":"step_end","step":3,"context":{"loss":2.25}})" + "\n";
    QTest::newRow("flat record, then \"metrics\" named")
        << QByteArray(R"({"ts":1,"loss":2,"step":3})") + "\n" + R"({"ts":1,"loss":2,"step":4})"
            + "\n" + R"({"ts":1,"tag":"metrics","loss":2,"step":3})" + "\n"
            + R"({"ts":1,"tag":"metrics","loss":2,"step":5})" + "\n";
    QTest::newRow("flat record, step from global_step or epoch")
        << QByteArray(R"({"global_step":"Infinity","iteration":5,"loss":1})") + "\n"
            + R"({"global_step":"Infinity","iteration":6,"loss":1})" + "\n"
            + R"({"global_step":3,"iteration":5,"iter":1,"epoch":2,"loss":1})" + "\n"
            + R"({"global_step":4,"iteration":6,"iter":2,"epoch":3,"loss":1})" + "\n"
            + R"({"epoch":2,"loss":1})" + "\n" + R"({"epoch":3,"loss":1})" + "\n";
    QTest::newRow("points from strings and nulls are not learned")
        << QByteArray(R"({"tag":"a","v":"NaN","w":null,"x":1})") + "\n"
            + R"({"tag":"a","v":"NaN","w":null,"x":2})" + "\n"
            + R"({"tag":"a","v":"Infinity","w":null,"x":3})" + "\n";
    QTest::newRow("a non-finite ts string is not learned")
        << QByteArray(R"({"ts":"NaN","tag":"a","v":1})") + "\n" + R"({"ts":"NaN","tag":"a","v":2})"
            + "\n";
    QTest::newRow("metadata, arrays and nested objects not plotted")
        << QByteArray(R"({"ts":1,"tag":"a","pid":7,"seq":[1,2,{"b":3}],"v":{"w":[4],"x":5}})")
            + "\n" + R"({"ts":1,"tag":"a","pid":8,"seq":[9,8,{"b":7}],"v":{"w":[6],"x":5}})" + "\n";
    QTest::newRow("known tags' top-level fields are metadata")
        << QByteArray(R"({"ts":1,"tag":"step_end","step":1,"rank":0,"context":{"l":1}})") + "\n"
            + R"({"ts":1,"tag":"step_end","step":2,"rank":3,"context":{"l":2}})" + "\n";
    QTest::newRow("duplicate keys are not learned")
        << QByteArray(R"({"tag":"a","v":1,"v":2})") + "\n" + R"({"tag":"a","v":3,"v":4})" + "\n";
    QTest::newRow("tag after the payload is not learned")
        << QByteArray(R"({"v":1,"tag":"a"})") + "\n" + R"({"v":2,"tag":"a"})" + "\n";
    QTest::newRow("escaped keys and strings")
        << QByteArray(R"({"tag":"a\"b","k\u0041y":1,"s\\/t":{"u":2}})") + "\n"
            + R"({"tag":"a\"b","k\u0041y":3,"s\\/t":{"u":4}})" + "\n";
    QTest::newRow("digits inside strings are text")
        << QByteArray(R"({"tag":"run-1","v1":1,"note":"-2 e5"})") + "\n"
            + R"({"tag":"run-1","v1":2,"note":"-2 e5"})" + "\n"
            + R"({"tag":"run-1","v1":2,"note":"-3 e5"})" + "\n";
    QTest::newRow("error and run_begin records keep their details")
        << QByteArray(R"({"ts":1,"tag":"error","type":"E","message":"m","step":1})") + "\n"
            + R"({"ts":2,"tag":"error","type":"E","message":"m","step":2})" + "\n"
            + R"({"ts":1,"tag":"run_begin","run":"r","pid":1})" + "\n"
            + R"({"ts":2,"tag":"run_begin","run":"r","pid":2})" + "\n";
    QTest::newRow("context as a number")
        << QByteArray(R"({"tag":"a","context":5})") + "\n" + R"({"tag":"a","context":6})" + "\n";
    QTest::newRow("non-finite step string") << QByteArray(R"({"tag":"a","step":1,"v":1})") + "\n"
            + R"({"tag":"a","step":"NaN","v":1})" + "\n" + R"({"tag":"a","step":2,"v":1})" + "\n";
    QTest::newRow("top-level array and scalar lines") << QByteArray(R"({"tag":"a","v":1})") + "\n"
            + "[1]\n" + "1\n" + R"({"tag":"a","v":2})" + "\n";
    {
        // Templates learned, matched, left unused until dropped, and learned less often while
        // they never match: the lines still read as the walk reads them.
        QByteArray many;
        for (int i = 0; i < 700; ++i) {
            many += QStringLiteral(R"({"ts":%1,"tag":"a","v":%2})").arg(i).arg(i * 0.5).toUtf8();
            many += '\n';
            many += QStringLiteral(R"({"ts":%1,"tag":"b","k%2":1})").arg(i).arg(i).toUtf8();
            many += '\n';
            if (i % 300 == 7)
                many += QByteArray(R"({"ts":1,"tag":"c","w":2})") + "\n";
        }
        QTest::newRow("a repeating shape among lines that never repeat") << many;
    }
    QTest::newRow("CRLF line ends") << QByteArray(R"({"tag":"a","v":1})") + "\r\n"
            + R"({"tag":"a","v":2})" + "\r\n" + R"({"tag":"a","v":3})" + "\n";
}

void TestChunkParserTemplate::sameAsTheWalk()
{
    QFETCH(QByteArray, text);

    std::map<std::uint64_t, QString> whole;
    describeLines(parseText(text, 1000, 1), whole);

    std::map<std::uint64_t, QString> alone;
    std::uint64_t line = 1;
    qsizetype pos = 0;
    while (pos < text.size()) {
        const qsizetype end = text.indexOf('\n', pos) + 1;
        describeLines(parseText(text.mid(pos, end - pos), 1000 + std::uint64_t(pos), line), alone);
        ++line;
        pos = end;
    }
    QCOMPARE(describe(whole), describe(alone));
}

void TestChunkParserTemplate::longRunOfOneShape()
{
    // Many lines of two shapes with a few others between them: every record and point is read.
    QByteArray text;
    for (int i = 0; i < 2000; ++i) {
        text +=
            QStringLiteral(R"({"ts":%1.25,"tag":"step_begin","step":%2})").arg(i).arg(i).toUtf8()
            + "\n";
        text += QStringLiteral(R"({"ts":%1.5,"tag":"step_end","step":%2,"context":{"loss":%3}})")
                    .arg(i)
                    .arg(i)
                    .arg(1.0 / (i + 1), 0, 'g', 17)
                    .toUtf8()
            + "\n";
        if (i % 100 == 0)
            text +=
                QStringLiteral(R"({"ts":1,"tag":"note%1","v":%2})").arg(i).arg(i).toUtf8() + "\n";
    }
    const ParsedChunk chunk = parseText(text);
    QCOMPARE(chunk.records.size(), std::size_t(4020));
    QCOMPARE(chunk.malformed.size(), std::size_t(0));
    for (int i = 0; i < 2000; i += 97) {
        const std::size_t r = std::size_t(i) * 2 + std::size_t(i / 100) + (i % 100 == 0 ? 0 : 1);
        QVERIFY2(sameDouble(chunk.records[r].step, i), qPrintable(QString::number(i)));
        QCOMPARE(chunk.records[r].ts, i + 0.25);
        QCOMPARE(pointsOf(chunk, r + 1),
            QStringLiteral("step_end/loss=%1").arg(formatValue(1.0 / (i + 1))));
    }
}

QTEST_GUILESS_MAIN(TestChunkParserTemplate)
#include "tst_chunk_parser_template.moc"
