#pragma once

#include "line_chunk.hpp"
#include "run_builder.hpp"

#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace viewer {

// The first read of a source's local files, before they are followed: each file by RunLoader
// (4 MiB blocks) into its own RunBuilder. A large file is parsed on `threads` threads; small
// files (a folder of runs, one block each) are loaded side by side, one per thread. Runs on a
// pool thread; the result is handed to the GUI thread as a value. A file truncated or rewritten
// while it is read is read again from its start, at most Workspace's MaxLoadAttempts times in all.
// With a RunCache::shared() cache, a large file read before is restored from it (only what was
// appended since is parsed), and a large file parsed here is saved to it, on the loading thread.
class BulkLoad
{
public:
    struct File
    {
        QString path;
        std::unique_ptr<RunBuilder> builder;
        LinePosition end; // just past the last complete line: where following resumes
        qint64 size = 0;
        QString error; // plain text: the file could not be read
    };
    struct Result
    {
        std::vector<File> files; // in the order read; the load stops at a cancelled one
        QStringList notes; // "run.jsonl: file truncated while it was read; read again ..."
        QString error; // a single file source's reason to fail (a folder's are per file)
        bool cancelled = false;
    };
    // bytesDone of bytesTotal over all the files.
    using Progress = std::function<void(qint64 bytesDone, qint64 bytesTotal)>;

    // Called on the loading thread as it starts reading a file (no lock held).
    using FileStarted = std::function<void(const QString& path)>;
    // Progress is called from the loading threads, never backwards.
    static Result run(const QStringList& files, bool folder, int maxAttempts,
        const std::atomic<bool>& cancel, const Progress& progress, int threads = defaultThreads(),
        const FileStarted& fileStarted = {});

    static constexpr int MaxThreads = 8;
    static int defaultThreads(); // the machine's cores, 1..MaxThreads
};

} // namespace viewer
