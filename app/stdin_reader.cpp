#include "stdin_reader.hpp"

#include <QElapsedTimer>
#include <QThread>

#include <algorithm>
#include <cerrno>
#include <poll.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace viewer {

namespace {

constexpr int stopCheckMs = 100; // how long a blocked poll may delay stop()
constexpr qsizetype readBytes = 64 * 1024; // a pipe's capacity: one read empties it

} // namespace

StdinReader::StdinReader(QObject* parent)
    : StdinReader(STDIN_FILENO, parent)
{
}

StdinReader::StdinReader(int fd, QObject* parent)
    : QObject(parent)
    , m_fd(fd)
{
    qRegisterMetaType<viewer::LineChunk>();
    qRegisterMetaType<viewer::StdinReader::State>();
}

StdinReader::~StdinReader()
{
    stop();
    if (m_ownsDescriptor)
        ::close(m_fd);
}

void StdinReader::setIdleTimeout(int msecs)
{
    m_idleTimeoutMs = std::max(0, msecs);
}

void StdinReader::setPath(const QString& path)
{
    m_path = path;
}

void StdinReader::setOwnsDescriptor(bool owns)
{
    m_ownsDescriptor = owns;
}

void StdinReader::setMaxLineBytes(qsizetype bytes)
{
    m_maxLineBytes = bytes;
}

void StdinReader::setMaxChunkBytes(qsizetype bytes)
{
    m_maxChunkBytes = std::max<qsizetype>(readBytes, bytes);
}

void StdinReader::setMaxBytesInFlight(qint64 bytes)
{
    m_budget.setMaxBytesInFlight(bytes);
}

void StdinReader::setBatchInterval(int msecs)
{
    m_batchIntervalMs = std::max(0, msecs);
}

void StdinReader::setIdleTailTimeout(int msecs)
{
    m_idleTailMs = std::max(0, msecs);
}

void StdinReader::start()
{
    if (m_thread)
        return;
    m_stopRequested = false;
    m_thread.reset(QThread::create([this] { run(); }));
    m_thread->setObjectName(QStringLiteral("StdinReader"));
    m_thread->start();
}

void StdinReader::stop()
{
    if (!m_thread)
        return;
    m_stopRequested = true;
    m_thread->wait();
    m_thread.reset();
    if (m_state.load() == State::Reading)
        setState(State::Stopped, {});
}

void StdinReader::setState(State state, const QString& message)
{
    m_state = state;
    emit stateChanged(state, message);
}

void StdinReader::run()
{
    LineAssembler assembler(m_maxLineBytes);
    std::vector<char> scratch(readBytes);
    QByteArray batch;
    QElapsedTimer batchAge; // since the first byte of the batch
    QElapsedTimer idle; // since the last byte read
    idle.start();
    qint64 reportedLine = 0;
    qint64 bytesRead = 0;

    const auto flush = [&] {
        if (batch.isEmpty())
            return;
        QList<LineChunk> chunks;
        assembler.feed(std::exchange(batch, QByteArray()), chunks);
        for (LineChunk& chunk : chunks) {
            chunk.path = m_path;
            chunk.credit = m_budget.take(chunk.bytes.size());
            emit linesRead(chunk);
        }
        // Read no more until the consumer has caught up; the time spent waiting here is ours,
        // not the writer's silence, so it does not count towards the idle timeouts.
        if (m_budget.waitForRoom(m_stopRequested))
            idle.restart();
    };
    const auto reportTail = [&] {
        const LinePosition tail = assembler.position();
        if (assembler.isSkipping() || assembler.pendingBytes() == 0
            || tail.lineNumber == reportedLine)
            return;
        reportedLine = tail.lineNumber;
        emit incompleteLineFound(tail.lineNumber, tail.offset, assembler.pendingLine());
    };

    setState(State::Reading, {});
    while (!m_stopRequested.load()) {
        int timeout = stopCheckMs;
        if (!batch.isEmpty())
            timeout = int(std::clamp<qint64>(m_batchIntervalMs - batchAge.elapsed(), 0, timeout));
        else if (assembler.pendingBytes() > 0 && assembler.position().lineNumber != reportedLine)
            timeout = int(std::clamp<qint64>(m_idleTailMs - idle.elapsed(), 0, timeout));

        pollfd descriptor = { m_fd, POLLIN, 0 };
        const int ready = ::poll(&descriptor, 1, timeout);
        if (ready < 0 && errno != EINTR) {
            const int error = errno;
            flush();
            setState(State::Failed, QStringLiteral("read error: %1").arg(qt_error_string(error)));
            return;
        }
        if (ready > 0) {
            const ssize_t n = ::read(m_fd, scratch.data(), scratch.size());
            if (n > 0) {
                if (batch.isEmpty())
                    batchAge.start();
                batch.append(scratch.data(), n);
                bytesRead += n;
                idle.restart();
                if (batch.size() >= m_maxChunkBytes)
                    flush();
            } else if (n == 0) {
                flush();
                reportTail();
                setState(State::Finished, QStringLiteral("end of input"));
                emit finished();
                return;
            } else if (errno != EINTR && errno != EAGAIN) {
                const int error = errno;
                flush();
                setState(
                    State::Failed, QStringLiteral("read error: %1").arg(qt_error_string(error)));
                return;
            }
        }
        if (!batch.isEmpty() && batchAge.elapsed() >= m_batchIntervalMs)
            flush();
        if (batch.isEmpty() && idle.elapsed() >= m_idleTailMs)
            reportTail();
        if (m_idleTimeoutMs > 0 && idle.elapsed() >= m_idleTimeoutMs) {
            flush();
            reportTail();
            const QString seconds = QString::number(m_idleTimeoutMs / 1000.0, 'g', 3);
            setState(State::Failed,
                bytesRead == 0
                    ? QStringLiteral("nothing arrived in %1 s (no writer?); gave up waiting")
                          .arg(seconds)
                    : QStringLiteral("no new bytes for %1 s and the input did not end; shown "
                                     "as read so far")
                          .arg(seconds));
            return;
        }
    }
    flush();
}

} // namespace viewer
