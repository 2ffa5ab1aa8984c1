#pragma once

#include "file_follower.hpp"
#include "source.hpp"
#include "worker_thread.hpp"

namespace viewer {

// A local file: loaded in bulk, then followed like `tail -F` by a FileFollower on a thread of its
// own. A file that does not exist yet is Waiting (followed until it appears) or, when it is not
// to be followed, Failed.
class FileSource : public Source
{
    Q_OBJECT
public:
    FileSource(const QString& path, bool follow, QObject* parent = nullptr);
    ~FileSource() override;

    FileLister bulkLoadFiles() const override;
    void start(const QHash<QString, LinePosition>& resumeAt, bool follow) override;
    void stop() override;

    // The workspace's name for a follower's state (a folder's too).
    static SourceState stateOf(FileFollower::State state);

private:
    WorkerThread m_thread;
};

} // namespace viewer
