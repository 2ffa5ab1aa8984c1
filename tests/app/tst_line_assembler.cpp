#include "data_table.hpp"
#include "line_assembler.hpp"
#include "reference_lines.hpp"

#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <vector>

using viewer::LineAssembler;
using viewer::LineChunk;
using viewer::LinePosition;

namespace viewer::test {
// For QCOMPARE's messages (found by argument-dependent lookup, beside the type).
char* toString(const ReferenceLine& line)
{
    return qstrdup(QStringLiteral("#%1 @%2 %3 %4")
                       .arg(line.number)
                       .arg(line.offset)
                       .arg(line.overlong ? QStringLiteral("OVERLONG") : QString())
                       .arg(QString::fromLatin1(line.bytes.toPercentEncoding()))
                       .toLatin1());
}
} // namespace viewer::test

using Line = viewer::test::ReferenceLine;
using viewer::test::referenceLines;

namespace {

// Flattens chunks into lines, checking each chunk's invariants on the way.
std::vector<Line> linesOf(const QList<LineChunk>& chunks)
{
    std::vector<Line> lines;
    for (const LineChunk& chunk : chunks) {
        if (chunk.lineCount == 0 && !chunk.bytes.isEmpty())
            qFatal("chunk without lines has bytes");
        if (chunk.bytes.count('\n') != chunk.lineCount)
            qFatal("lineCount does not match the bytes");
        if (!chunk.bytes.isEmpty() && !chunk.bytes.endsWith('\n'))
            qFatal("chunk does not end with a newline");
        qsizetype start = 0;
        for (qint64 i = 0; i < chunk.lineCount; ++i) {
            const qsizetype end = chunk.bytes.indexOf('\n', start) + 1;
            lines.push_back(
                { chunk.firstLine + i, chunk.offset + start, chunk.bytes.mid(start, end - start) });
            start = end;
        }
        if (chunk.hasOverlongLine()) {
            if (chunk.overlongLine != chunk.firstLine + chunk.lineCount)
                qFatal("over-long line is not right after the chunk's lines");
            lines.push_back({ chunk.overlongLine, chunk.overlongOffset, {}, true });
        }
    }
    return lines;
}

// QCOMPARE element by element, so a failure names the first line that differs.
void compareLines(const std::vector<Line>& actual, const std::vector<Line>& expected)
{
    for (size_t i = 0; i < std::min(actual.size(), expected.size()); ++i)
        QCOMPARE(actual[i], expected[i]);
    QCOMPARE(actual.size(), expected.size());
}

#define COMPARE_LINES(actual, expected)                                                            \
    do {                                                                                           \
        compareLines(actual, expected);                                                            \
        if (QTest::currentTestFailed())                                                            \
            return;                                                                                \
    } while (false)

QByteArray repeat(char c, qsizetype n)
{
    return QByteArray(n, c);
}

} // namespace

class TestLineAssembler : public QObject
{
    Q_OBJECT

private slots:
    void randomSplitsMatchOneShot_data();
    void randomSplitsMatchOneShot();
    void partialLineCompletedLater();
    void overlongLineIsSkippedWithBoundedMemory();
    void overlongLineReportedOnceAcrossFeeds();
    void lineOfExactlyMaxBytesIsKept();
    void wholeLinesShareTheReadBuffer();
    void resetStartsAtPosition();
    void describeOverlong_data();
    void describeOverlong();
};

void TestLineAssembler::randomSplitsMatchOneShot_data()
{
    testing::addColumns<QByteArray, qsizetype>({ "stream", "maxLineBytes" });

    const qsizetype big = LineAssembler::DefaultMaxLineBytes;
    QByteArray records;
    for (int i = 0; i < 200; ++i)
        records += QByteArray(R"({"ts": 1732800000.05, "tag": "step_end", "step": )")
            + QByteArray::number(i) + R"(, "context": {"loss": 2.01}})" + '\n';
    QTest::newRow("records") << records << big;
    QTest::newRow("empty") << QByteArray() << big;
    QTest::newRow("only newlines") << QByteArray("\n\n\n\n") << big;
    QTest::newRow("no trailing newline") << QByteArray("{\"a\":1}\n{\"a\":2}\n{\"a\":") << big;
    // Multibyte sequences: random cuts land inside them.
    QTest::newRow("utf-8") << QByteArray(
        "{\"k\": \"\xC3\xA9t\xC3\xA9\"}\n{\"\xE6\x97\xA5\xE6\x9C\xAC\": "
        "\"\xF0\x9F\x94\xA5\"}\n\xF0\x9F\x94\xA5\n")
                           << big;
    QTest::newRow("crlf kept") << QByteArray("{\"a\":1}\r\n{\"a\":2}\r\n\r\n") << big;
    QTest::newRow("bom kept") << QByteArray("\xEF\xBB\xBF{\"a\":1}\n{\"a\":2}\n") << big;
    QTest::newRow("blank lines") << QByteArray("\n{\"a\":1}\n\n\n{\"a\":2}\n\n") << big;
    // maxLineBytes 16: lines of 16 are kept, 17 skipped.
    QTest::newRow("over-long lines") << (repeat('a', 16) + '\n' + repeat('b', 17) + '\n' + "ok\n"
        + repeat('c', 100) + '\n' + repeat('d', 100) + '\n' + "x\n")
                                     << qsizetype(16);
    QTest::newRow("over-long first and last")
        << (repeat('z', 40) + "\nmid\n" + repeat('y', 40)) << qsizetype(16);
    QTest::newRow("over-long unfinished tail")
        << (QByteArray("a\nb\n") + repeat('q', 1000)) << qsizetype(16);
    QByteArray mixed;
    for (int i = 0; i < 300; ++i)
        mixed += repeat(char('a' + i % 26), (i * 7919) % 41) + '\n';
    QTest::newRow("mixed lengths around cap") << mixed << qsizetype(20);
}

void TestLineAssembler::randomSplitsMatchOneShot()
{
    QFETCH(QByteArray, stream);
    QFETCH(qsizetype, maxLineBytes);

    const std::vector<Line> expected = referenceLines(stream, maxLineBytes);
    const auto expectedPending = [&] {
        const qsizetype lastNewline = stream.lastIndexOf('\n');
        const QByteArray tail = stream.mid(lastNewline + 1);
        return tail.size() > maxLineBytes ? QByteArray() : tail;
    }();

    // One shot.
    {
        LineAssembler assembler(maxLineBytes);
        QList<LineChunk> chunks;
        assembler.feed(stream, chunks);
        COMPARE_LINES(linesOf(chunks), expected);
        QCOMPARE(assembler.pendingLine(), expectedPending);
        QCOMPARE(assembler.offset(), stream.size());
    }

    // Random cuts (a fixed seed per row keeps failures reproducible), then byte by byte.
    QRandomGenerator random(quint32(qHash(QByteArray(QTest::currentDataTag()))));
    for (int round = 0; round <= 200; ++round) {
        LineAssembler assembler(maxLineBytes);
        QList<LineChunk> chunks;
        qsizetype pos = 0;
        while (pos < stream.size()) {
            const qsizetype piece = round == 200
                ? 1
                : qsizetype(random.bounded(quint32(std::max<qsizetype>(2, stream.size() / 4))))
                    + (round % 3 == 0 ? 0 : 1);
            const qsizetype n = std::min(piece, stream.size() - pos);
            assembler.feed(stream.mid(pos, n), chunks);
            QVERIFY(assembler.bufferCapacity() <= maxLineBytes);
            pos += n;
        }
        COMPARE_LINES(linesOf(chunks), expected);
        QCOMPARE(assembler.pendingLine(), expectedPending);
        const qint64 overlong = std::count_if(
            expected.begin(), expected.end(), [](const Line& line) { return line.overlong; });
        QCOMPARE(assembler.overlongCount(), overlong);
    }
}

// V18: `{"a":1` now, `}\n` later: no line until the newline, then exactly one.
void TestLineAssembler::partialLineCompletedLater()
{
    LineAssembler assembler;
    QList<LineChunk> chunks;
    assembler.feed("{\"a\":1", chunks);
    QVERIFY(chunks.isEmpty());
    QCOMPARE(assembler.pendingBytes(), 6);
    QCOMPARE(assembler.position(), (LinePosition { 0, 1 }));

    assembler.feed("}\n", chunks);
    QCOMPARE(chunks.size(), 1);
    QCOMPARE(chunks[0].bytes, QByteArray("{\"a\":1}\n"));
    QCOMPARE(chunks[0].offset, 0);
    QCOMPARE(chunks[0].firstLine, 1);
    QCOMPARE(chunks[0].lineCount, 1);
    QCOMPARE(assembler.pendingBytes(), 0);
    QCOMPARE(assembler.position(), (LinePosition { 8, 2 }));
}

// V10: 100 MB without a newline under the default 16 MiB cap: memory stays under the cap, one
// report, and the line after it is read with the right number and offset.
void TestLineAssembler::overlongLineIsSkippedWithBoundedMemory()
{
    LineAssembler assembler;
    QList<LineChunk> chunks;
    assembler.feed("ok\n", chunks);
    const QByteArray mebibyte(1024 * 1024, 'x');
    qsizetype peak = 0;
    for (int i = 0; i < 100; ++i) {
        assembler.feed(mebibyte, chunks);
        peak = std::max(peak, assembler.bufferCapacity());
    }
    QVERIFY2(peak <= LineAssembler::DefaultMaxLineBytes, qPrintable(QString::number(peak)));
    QCOMPARE(assembler.pendingBytes(), 0);
    QVERIFY(assembler.isSkipping());
    assembler.feed("\n{\"a\":1}\n", chunks);

    const qint64 lineThreeAt = 3 + 100 * mebibyte.size() + 1;
    const std::vector<Line> expected {
        { 1, 0, "ok\n", false },
        { 2, 3, {}, true },
        { 3, lineThreeAt, "{\"a\":1}\n", false },
    };
    COMPARE_LINES(linesOf(chunks), expected);
    QCOMPARE(assembler.overlongCount(), 1);
    QVERIFY(!assembler.isSkipping());
}

void TestLineAssembler::overlongLineReportedOnceAcrossFeeds()
{
    LineAssembler assembler(8);
    QList<LineChunk> chunks;
    assembler.feed("0123", chunks);
    assembler.feed("45678", chunks); // crosses the cap here
    QCOMPARE(chunks.size(), 1);
    QCOMPARE(chunks[0].lineCount, 0);
    QCOMPARE(chunks[0].overlongLine, 1);
    QCOMPARE(chunks[0].overlongOffset, 0);
    assembler.feed("9abcdef", chunks);
    assembler.feed("gh\nnext\n", chunks);
    QCOMPARE(chunks.size(), 2);
    QCOMPARE(chunks[1].firstLine, 2);
    QCOMPARE(chunks[1].offset, 19);
    QCOMPARE(chunks[1].bytes, QByteArray("next\n"));
    QVERIFY(!chunks[1].hasOverlongLine());
}

void TestLineAssembler::lineOfExactlyMaxBytesIsKept()
{
    LineAssembler assembler(4);
    QList<LineChunk> chunks;
    assembler.feed("ab", chunks);
    assembler.feed("cd", chunks);
    QCOMPARE(assembler.pendingBytes(), 4);
    assembler.feed("\r\n", chunks); // "abcd\r" is 5 bytes: over the cap
    assembler.feed("abcd\n", chunks);
    const std::vector<Line> expected { { 1, 0, {}, true }, { 2, 6, "abcd\n" } };
    COMPARE_LINES(linesOf(chunks), expected);
}

// A read that holds only whole lines becomes the chunk without a copy.
void TestLineAssembler::wholeLinesShareTheReadBuffer()
{
    LineAssembler assembler;
    QList<LineChunk> chunks;
    QByteArray read("{\"a\":1}\n{\"a\":2}\n{\"a\"");
    const char* const storage = read.constData();
    assembler.feed(std::move(read), chunks);
    QCOMPARE(chunks.size(), 1);
    QCOMPARE(chunks[0].bytes, QByteArray("{\"a\":1}\n{\"a\":2}\n"));
    QCOMPARE(chunks[0].bytes.constData(), storage);
    QCOMPARE(assembler.pendingLine(), QByteArray("{\"a\""));
}

void TestLineAssembler::resetStartsAtPosition()
{
    LineAssembler assembler(8);
    QList<LineChunk> chunks;
    assembler.feed("partial", chunks);
    assembler.reset({ 100, 7 });
    QCOMPARE(assembler.pendingBytes(), 0);
    QCOMPARE(assembler.offset(), 100);
    assembler.feed("a\nb\n", chunks);
    QCOMPARE(chunks.size(), 1);
    QCOMPARE(chunks[0].offset, 100);
    QCOMPARE(chunks[0].firstLine, 7);
    QCOMPARE(chunks[0].lineCount, 2);
    QCOMPARE(assembler.position(), (LinePosition { 104, 9 }));
}

void TestLineAssembler::describeOverlong_data()
{
    testing::addTable<qsizetype, QString>({ "maxLineBytes", "reason" },
        {
            { "default", LineAssembler::DefaultMaxLineBytes,
                QStringLiteral("line longer than 16 MiB") },
            { "KiB", qsizetype(64 * 1024), QStringLiteral("line longer than 64 KiB") },
            { "bytes", qsizetype(1000), QStringLiteral("line longer than 1000 bytes") },
        });
}

void TestLineAssembler::describeOverlong()
{
    QFETCH(qsizetype, maxLineBytes);
    QFETCH(QString, reason);
    QCOMPARE(LineAssembler::describeOverlong(maxLineBytes), reason);
}

QTEST_APPLESS_MAIN(TestLineAssembler)
#include "tst_line_assembler.moc"
