#include "follow_test_support.hpp"
#include "stdin_reader.hpp"

#include <QCoreApplication>
#include <QProcess>
#include <QTest>

#include <cstdio>
#include <fcntl.h>
#include <limits>
#include <thread>
#include <unistd.h>

using viewer::LineChunk;
using viewer::StdinReader;
using State = viewer::StdinReader::State;

namespace {

using namespace viewer::test;

bool writeAll(int fd, const QByteArray& bytes)
{
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.constData() + done, size_t(bytes.size() - done));
        if (n <= 0)
            return false;
        done += n;
    }
    return true;
}

// A pipe whose read end a StdinReader reads, as a shell pipe feeds `telemetry-viewer -`.
class Pipe
{
public:
    Pipe()
    {
        if (::pipe2(m_fds, O_CLOEXEC) != 0)
            m_fds[0] = m_fds[1] = -1;
    }
    ~Pipe()
    {
        closeWriteEnd();
        if (m_fds[0] >= 0)
            ::close(m_fds[0]);
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;

    int readEnd() const
    {
        return m_fds[0];
    }
    bool write(const QByteArray& bytes)
    {
        return writeAll(m_fds[1], bytes);
    }
    void closeWriteEnd()
    {
        if (m_fds[1] >= 0)
            ::close(m_fds[1]);
        m_fds[1] = -1;
    }

private:
    int m_fds[2] = { -1, -1 };
};

// A writer thread: records 0..total-1 into the pipe, 1,000 lines a write, then the write end
// closed.
std::thread writeRecordsThenClose(Pipe& pipe, int total)
{
    return std::thread([&pipe, total] {
        for (int k = 0; k < total; k += 1000)
            pipe.write(records(k, k + 1000));
        pipe.closeWriteEnd();
    });
}

// The child mode of this executable: reads its real standard input with a default StdinReader and
// prints what it got, for the test that goes through a process boundary.
int runChild(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    StdinReader reader;
    qint64 lines = 0;
    qint64 incompleteLine = 0;
    QByteArray incompleteBytes;
    QObject::connect(&reader, &StdinReader::linesRead,
        [&](const LineChunk& chunk) { lines += chunk.lineCount; });
    QObject::connect(&reader, &StdinReader::incompleteLineFound,
        [&](qint64 lineNumber, qint64, const QByteArray& bytes) {
            incompleteLine = lineNumber;
            incompleteBytes = bytes;
        });
    QObject::connect(&reader, &StdinReader::finished, &app, [&] {
        std::printf("lines=%lld incomplete=%lld tail=%s\n", lines, incompleteLine,
            incompleteBytes.constData());
        app.quit();
    });
    reader.start();
    return app.exec();
}

} // namespace

constexpr qsizetype readBytesForTests = 64 * 1024; // StdinReader's smallest chunk

class Collector : public QObject
{
    Q_OBJECT
public:
    QList<QByteArray> lines;
    qint64 lineCount = 0;
    qint64 chunkCount = 0;
    QList<qint64> incompleteLines;
    QList<QByteArray> incompleteBytes;
    State state = State::Stopped;
    QString message;
    int finished = 0;
    QStringList errors;
    qint64 nextOffset = 0;
    qint64 nextLine = 1;
    bool keepLines = true;
    // A consumer that has not merged its chunks yet: their credits stay alive.
    bool holdCredits = false;
    QList<std::shared_ptr<const void>> heldCredits;
    qint64 byteCount = 0;

public slots:
    void onLinesRead(const viewer::LineChunk& chunk)
    {
        ++chunkCount;
        byteCount += chunk.bytes.size();
        if (holdCredits)
            heldCredits << chunk.credit;
        if (chunk.path != QLatin1String("-"))
            errors << QStringLiteral("path %1").arg(chunk.path);
        if (chunk.offset != nextOffset || chunk.firstLine != nextLine)
            errors << QStringLiteral("chunk at %1 line %2").arg(chunk.offset).arg(chunk.firstLine);
        nextOffset = chunk.endOffset();
        nextLine = chunk.firstLine + chunk.lineCount;
        lineCount += chunk.lineCount;
        if (keepLines) {
            QList<QByteArray> split = chunk.bytes.split('\n');
            split.removeLast();
            lines += split;
        }
    }
    void onIncompleteLineFound(qint64 lineNumber, qint64, const QByteArray& bytes)
    {
        incompleteLines << lineNumber;
        incompleteBytes << bytes;
    }
    void onStateChanged(viewer::StdinReader::State newState, const QString& newMessage)
    {
        state = newState;
        message = newMessage;
    }
    void onFinished()
    {
        ++finished;
    }
};

class TestStdinReader : public QObject
{
    Q_OBJECT

private slots:
    void linesThenPartialTailAtEnd();
    void idlePartialLineNotedThenCompleted();
    void fastWriterIsBatched();
    void stopWhileBlocked();
    void readerWaitsForItsConsumer();
    void readsRealStandardInput();

private:
    void connectCollector(StdinReader& reader, Collector& collector);
};

void TestStdinReader::connectCollector(StdinReader& reader, Collector& collector)
{
    connect(&reader, &StdinReader::linesRead, &collector, &Collector::onLinesRead);
    connect(
        &reader, &StdinReader::incompleteLineFound, &collector, &Collector::onIncompleteLineFound);
    connect(&reader, &StdinReader::stateChanged, &collector, &Collector::onStateChanged);
    connect(&reader, &StdinReader::finished, &collector, &Collector::onFinished);
}

// V20 on standard input: end of input with a partial last line -> Finished, the line reported
// as incomplete (not an error), every complete line delivered.
void TestStdinReader::linesThenPartialTailAtEnd()
{
    Pipe pipe;
    QVERIFY(pipe.readEnd() >= 0);
    StdinReader reader(pipe.readEnd());
    Collector collector;
    connectCollector(reader, collector);
    reader.start();
    QVERIFY(pipe.write("{\"i\": 0}\n{\"i\""));
    QVERIFY(pipe.write(": 1}\n{\"i\": 2"));
    pipe.closeWriteEnd();
    QTRY_COMPARE_WITH_TIMEOUT(collector.finished, 1, 5000);
    QCOMPARE(collector.state, State::Finished);
    QCOMPARE(collector.message, QStringLiteral("end of input"));
    QCOMPARE(collector.lines,
        (QList<QByteArray> { QByteArray("{\"i\": 0}"), QByteArray("{\"i\": 1}") }));
    QCOMPARE(collector.incompleteLines, QList<qint64> { 3 });
    QCOMPARE(collector.incompleteBytes, QList<QByteArray> { "{\"i\": 2" });
    QCOMPARE(collector.errors, QStringList());
}

// V18/V20 on a live pipe: an idle partial line is noted once, and still delivered when its
// newline arrives.
void TestStdinReader::idlePartialLineNotedThenCompleted()
{
    Pipe pipe;
    StdinReader reader(pipe.readEnd());
    reader.setIdleTailTimeout(200);
    Collector collector;
    connectCollector(reader, collector);
    reader.start();
    QVERIFY(pipe.write("{\"a\":1"));
    QTRY_COMPARE_WITH_TIMEOUT(collector.incompleteLines, QList<qint64> { 1 }, 5000);
    QCOMPARE(collector.lineCount, 0);
    QVERIFY(pipe.write("}\n"));
    QTRY_COMPARE_WITH_TIMEOUT(collector.lineCount, 1, 5000);
    QCOMPARE(collector.lines, QList<QByteArray> { "{\"a\":1}" });
    QCOMPARE(collector.incompleteLines.size(), 1);
    QCOMPARE(collector.state, State::Reading);
}

// 300,000 lines through a pipe: all arrive, in few chunks (batched, not one per read).
void TestStdinReader::fastWriterIsBatched()
{
    constexpr int total = 300'000;
    Pipe pipe;
    StdinReader reader(pipe.readEnd());
    Collector collector;
    collector.keepLines = false;
    connectCollector(reader, collector);
    reader.start();
    std::thread writer = writeRecordsThenClose(pipe, total);
    QTRY_COMPARE_WITH_TIMEOUT(collector.finished, 1, 15'000);
    writer.join();
    QCOMPARE(collector.lineCount, total);
    QCOMPARE(collector.errors, QStringList());
    qInfo("%lld chunks for %d lines", collector.chunkCount, total);
    QVERIFY2(collector.chunkCount < 500, "reads are not batched");
}

// Back-pressure (issue 11 item 4): with 256 KiB in flight and a consumer that has not merged
// anything yet, the reader stops reading (the writer is then held by the full pipe); once the
// consumer lets go of its chunks, everything arrives, in order.
void TestStdinReader::readerWaitsForItsConsumer()
{
    constexpr int total = 100'000; // ~2 MiB of lines
    constexpr qint64 limit = 256 * 1024;
    Pipe pipe;
    StdinReader reader(pipe.readEnd());
    reader.setMaxChunkBytes(readBytesForTests);
    reader.setMaxBytesInFlight(limit);
    Collector collector;
    collector.keepLines = false;
    collector.holdCredits = true;
    connectCollector(reader, collector);
    reader.start();
    std::thread writer = writeRecordsThenClose(pipe, total);
    QTRY_VERIFY_WITH_TIMEOUT(collector.byteCount >= limit, 15'000);
    // Let the reader run on for a while: it must not read past its budget (by one chunk at most,
    // the one that found the budget not yet full).
    QTest::qWait(300);
    QVERIFY2(collector.byteCount <= limit + 2 * readBytesForTests,
        qPrintable(
            QStringLiteral("%1 bytes delivered with nothing merged").arg(collector.byteCount)));
    QCOMPARE(reader.budget().bytesInFlight(), collector.byteCount);
    QCOMPARE(collector.finished, 0);

    collector.holdCredits = false;
    collector.heldCredits.clear(); // merged: the reader reads on
    QTRY_COMPARE_WITH_TIMEOUT(collector.finished, 1, 15'000);
    writer.join();
    QCOMPARE(collector.lineCount, total);
    QCOMPARE(collector.errors, QStringList());
    QCOMPARE(reader.budget().bytesInFlight(), 0);
}

// stop() returns promptly even though nothing arrives (ssh stalled), and delivers what it had.
void TestStdinReader::stopWhileBlocked()
{
    Pipe pipe;
    StdinReader reader(pipe.readEnd());
    // A batch interval no test outlives: a stop() that waited for it would hang the test (CTest's
    // timeout is the guard), and lines seen after stop() can only have been delivered by it. How
    // long stop() takes is bench_gui_thread's figure.
    reader.setBatchInterval(std::numeric_limits<int>::max());
    Collector collector;
    connectCollector(reader, collector);
    reader.start();
    QVERIFY(pipe.write(records(0, 2)));
    QTRY_COMPARE_WITH_TIMEOUT(collector.state, State::Reading, 5000);
    QCOMPARE(collector.lineCount, 0); // still batching
    reader.stop();
    QTRY_COMPARE_WITH_TIMEOUT(collector.lineCount, 2, 5000);
    QCOMPARE(reader.state(), State::Stopped);
    QCOMPARE(collector.finished, 0);
}

// Through a real process boundary: `printf ... | tst_stdin_reader --child`.
void TestStdinReader::readsRealStandardInput()
{
    QProcess child;
    child.start(QCoreApplication::applicationFilePath(), { QStringLiteral("--child") });
    QVERIFY(child.waitForStarted(5000));
    child.write(records(0, 1000));
    child.write("{\"i\": 1000");
    child.closeWriteChannel();
    QVERIFY(child.waitForFinished(10'000));
    QCOMPARE(child.exitCode(), 0);
    QCOMPARE(child.readAllStandardOutput().trimmed(),
        QByteArray("lines=1000 incomplete=1001 tail={\"i\": 1000"));
}

int main(int argc, char** argv)
{
    if (argc > 1 && qstrcmp(argv[argc - 1], "--child") == 0)
        return runChild(argc, argv);
    QCoreApplication app(argc, argv);
    TestStdinReader test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_stdin_reader.moc"
