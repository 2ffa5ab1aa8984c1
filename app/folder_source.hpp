#pragma once

#include "source.hpp"
#include "worker_thread.hpp"

namespace viewer {

// A local folder of *.jsonl files (one per rank, say): each file loaded in bulk, then the folder
// followed by a FolderFollower on a thread of its own (files that appear later join). A file that
// cannot be read is a file problem of the source, named, never skipped in silence.
class FolderSource : public Source
{
    Q_OBJECT
public:
    explicit FolderSource(const QString& folder, QObject* parent = nullptr);
    ~FolderSource() override;

    FileLister bulkLoadFiles() const override;
    bool isFolder() const override
    {
        return true;
    }
    void start(const QHash<QString, LinePosition>& resumeAt, bool follow) override;
    void stop() override;

private:
    WorkerThread m_thread;
};

} // namespace viewer
