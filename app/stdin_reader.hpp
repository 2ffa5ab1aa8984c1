#pragma once

#include "chunk_budget.hpp"
#include "line_assembler.hpp"
#include "line_chunk.hpp"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

class QThread;

namespace viewer {

// Reads standard input ("-": `ssh host tail -f run.jsonl | telemetry-viewer -`), or any stream
// that cannot be read by offset (a FIFO, `<(cat run.jsonl)`, a character device), into the same
// LineChunk stream as FileFollower, with path "-" (or setPath()). The object lives on its creator's
// thread; the reading runs on its own internal thread (blocking poll/read), which emits the
// signals: connect with automatic or queued connections, never Qt::DirectConnection. Reads are
// batched (one chunk per batchInterval or maxChunkBytes) so a fast writer does not flood the
// receiver, and a reader faster than its consumer waits once ChunkBudget's bytes are in flight
// (the consumer keeps each chunk's credit until it is merged). End of input
// -> Finished; a partial last line then is reported by incompleteLineFound, not as an error.
// With an idle timeout (headless modes), a stream that stays silent that long without ending (a
// FIFO nobody opened, `tail -f` of a quiet file) stops with Failed and a message saying so.
class StdinReader : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Stopped,
        Reading,
        Finished, // end of input reached; everything complete was delivered
        Failed, // read error (message says why)
    };
    Q_ENUM(State)

    static constexpr int DefaultBatchIntervalMs = 10;
    static constexpr int DefaultIdleTailMs = 5000;
    static constexpr qsizetype DefaultMaxChunkBytes = qsizetype(8) * 1024 * 1024;
    // Two chunks: one merged on the GUI thread while the next is parsed. What the stream's writer
    // sends meanwhile waits in the pipe. 1 GB of /dev/urandom on stdin: ~100 MB peak RSS, against
    // ~480 MB with no limit.
    static constexpr qint64 DefaultMaxBytesInFlight = qint64(16) * 1024 * 1024;

    explicit StdinReader(QObject* parent = nullptr);
    // Reads `fd` instead of standard input (a pipe in tests, an opened FIFO); it is not closed
    // unless setOwnsDescriptor(true).
    explicit StdinReader(int fd, QObject* parent = nullptr);
    ~StdinReader() override; // stops and joins the reading thread

    StdinReader(const StdinReader&) = delete;
    StdinReader& operator=(const StdinReader&) = delete;

    // Settings; call before start().
    void setMaxLineBytes(qsizetype bytes);
    void setMaxChunkBytes(qsizetype bytes);
    void setBatchInterval(int msecs);
    void setIdleTailTimeout(int msecs);
    // Stop with Failed after this long without a byte and without the end (0: wait forever).
    void setIdleTimeout(int msecs);
    // The path the chunks carry (default "-").
    void setPath(const QString& path);
    // Close the descriptor when this reader is destroyed.
    void setOwnsDescriptor(bool owns);
    // Bytes read but not yet consumed (credits alive) before reading pauses; <= 0: no limit.
    // Default DefaultMaxBytesInFlight.
    void setMaxBytesInFlight(qint64 bytes);
    const ChunkBudget& budget() const
    {
        return m_budget;
    }

    State state() const
    {
        return m_state.load();
    }

public slots:
    void start();
    // Delivers what was read and stops within ~100 ms; the descriptor stays open.
    void stop();

signals:
    void linesRead(const viewer::LineChunk& chunk);
    void stateChanged(viewer::StdinReader::State state, const QString& message);
    // The last line has no '\n' at end of input, or has been idle for idleTailTimeout.
    // Reported once per line; a later linesRead supersedes it.
    void incompleteLineFound(qint64 lineNumber, qint64 offset, const QByteArray& bytes);
    void finished();

private:
    void run();
    void setState(State state, const QString& message);

    int m_fd;
    qsizetype m_maxLineBytes = LineAssembler::DefaultMaxLineBytes;
    qsizetype m_maxChunkBytes = DefaultMaxChunkBytes;
    int m_batchIntervalMs = DefaultBatchIntervalMs;
    int m_idleTailMs = DefaultIdleTailMs;
    int m_idleTimeoutMs = 0;
    QString m_path = QStringLiteral("-");
    bool m_ownsDescriptor = false;
    ChunkBudget m_budget { DefaultMaxBytesInFlight };
    std::atomic<State> m_state { State::Stopped };
    std::atomic<bool> m_stopRequested { false };
    std::unique_ptr<QThread> m_thread;
};

} // namespace viewer
