#pragma once

#include "line_chunk.hpp"

#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace viewer {

class RunBuilder;

// Reads the complete lines of one file into a RunBuilder, as fast as the machine allows: the file
// is read with pread() in blocks cut at line boundaries (each thread reuses its own buffer, so
// memory stays a few blocks whatever the file's size), the blocks are parsed on `threads` threads
// (the calling one and threads - 1 more) and merged into the builder strictly in file order by
// whichever thread holds the next block. A last line without '\n' is left for the follower.
// Not a mapping: a file truncated by another process while it is read would kill the process
// with SIGBUS; here the shrink is noticed and reported (changedWhileReading), and the caller
// starts over as the follower does. Only regular files are read (never blocks on a FIFO).
// Call it on a worker thread: it blocks until done or cancelled (what was merged is kept).
class RunLoader
{
public:
    struct Result
    {
        LinePosition end; // just past the last complete line merged: where following resumes
        qint64 fileSize = 0;
        bool cancelled = false;
        // Not empty when the file shrank or was rewritten while it was read: what the builder
        // holds may mix old and new content; drop it and load again.
        QString changedWhileReading;
        QString error; // plain text; empty on success
    };
    // Called from the loading threads, at most once per merged block.
    using Progress = std::function<void(qint64 bytesDone, qint64 bytesTotal)>;

    static constexpr qint64 DefaultBlockBytes = qint64(4) * 1024 * 1024;

    // from: where to start, for a builder that already holds the lines before it (restored from
    // RunCache: only the bytes appended since are parsed).
    static Result load(const QString& path, RunBuilder& builder, const std::atomic<bool>& cancel,
        const Progress& progress = {}, int threads = 2, qint64 blockBytes = DefaultBlockBytes,
        LinePosition from = {});
};

} // namespace viewer
