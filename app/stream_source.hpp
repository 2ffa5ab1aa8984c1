#pragma once

#include "source.hpp"
#include "worker_thread.hpp"

#include <memory>

namespace viewer {

class StdinReader;

// Standard input ("-"), or a FIFO, `<(cmd)` or a character device opened by name: a stream with
// no offsets to go back to, read to its end by a StdinReader. Its chunks are handed to a parse
// thread of their own, so that reading never waits for parsing; the state travels the same way,
// so that "finished" arrives after the last lines.
class StreamSource : public Source
{
    Q_OBJECT
public:
    // Standard input (descriptor 0, not closed).
    explicit StreamSource(int idleTimeoutMs, QObject* parent = nullptr);
    // A FIFO or device by name: opened at once without blocking (a FIFO without a writer must not
    // block); if that fails the source is Failed, saying why.
    StreamSource(const QString& path, int idleTimeoutMs, QObject* parent = nullptr);
    ~StreamSource() override;

    bool isStream() const override
    {
        return true;
    }
    void start(const QHash<QString, LinePosition>& resumeAt, bool follow) override;
    void stop() override;

private:
    struct Opened
    {
        int fd = -1;
        QString error; // plain text; empty when fd is open
    };
    static Opened openByName(const QString& path);
    StreamSource(const QString& path, const Opened& opened, bool ownsDescriptor, int idleTimeoutMs,
        QObject* parent);

    int m_fd;
    bool m_ownsDescriptor;
    int m_idleTimeoutMs;
    std::unique_ptr<StdinReader> m_reader;
    WorkerThread m_parseThread;
};

} // namespace viewer
