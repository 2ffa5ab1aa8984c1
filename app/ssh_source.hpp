#pragma once

#include "source.hpp"
#include "worker_thread.hpp"

namespace viewer {

// An ssh:// file or folder: a RemoteSource on a thread of its own. Until it has read to its
// current end it is Loading (headless modes wait for it); a dropped connection is Waiting while
// following, with the attempt and the next retry in the message ("reconnecting (attempt 2, next
// in 1 s): ..."). An address that does not parse is Failed at once, with the reason.
class SshSource : public Source
{
    Q_OBJECT
public:
    explicit SshSource(const QString& address, QObject* parent = nullptr);
    ~SshSource() override;

    // Its lines are on another host: not read again by offset.
    bool canReadBack() const override;
    bool canResume() const override; // unless the address did not parse
    SourceState resumeState() const override; // Loading until read to its current end
    void start(const QHash<QString, LinePosition>& resumeAt, bool follow) override;
    void stop() override;

private:
    WorkerThread m_thread;
    // The state last reported (on the worker thread after start()): a connection that drops
    // before the first read finished is still Loading, later it is Waiting.
    SourceState m_reported = SourceState::Loading;
};

} // namespace viewer
