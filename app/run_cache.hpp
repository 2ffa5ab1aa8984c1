#pragma once

#include "line_chunk.hpp"
#include "run_cache_file.hpp"

#include <QString>

#include <memory>
#include <optional>

namespace viewer {

class RunBuilder;

// The re-open cache: a large file's parsed runs kept on disk (RunCacheFile), so that opening it
// again costs a read of its columns instead of a parse. One entry per file, named by a hash of
// its canonical path. An entry is served only while the file is the one it was made from: same
// path, inode and device, and the same hash of its first and last 64 KiB up to the cached end;
// then either the same size and mtime (unchanged), or a larger size (appended: the caller parses
// only the bytes after the cached end). Anything else (rewritten, truncated, replaced, touched),
// and any entry that is corrupt, foreign or of another version, is ignored and later rewritten.
// Writes are atomic (a temporary file renamed over the entry); failures are silent (the load
// does not depend on the cache). Thread-safe: entries are whole files, replaced atomically.
class RunCache
{
public:
    // Smaller files parse in tens of milliseconds: an entry would save little, and a folder of
    // thousands of small runs would fill the cache with thousands of entries.
    static constexpr qint64 DefaultMinFileBytes = qint64(16) * 1024 * 1024;
    // A fixed bound rather than a share of free space: predictable, and the folder never grows
    // past it whatever the disk. Entries are evicted least recently used first.
    static constexpr qint64 DefaultMaxTotalBytes = qint64(2) * 1024 * 1024 * 1024;

    struct Settings
    {
        QString folder;
        qint64 minFileBytes = DefaultMinFileBytes;
        qint64 maxTotalBytes = DefaultMaxTotalBytes;
    };
    // $TELEMETRY_VIEWER_CACHE_DIR, else QStandardPaths::CacheLocation + "/runs" (the
    // application's name must be set); an empty folder (none known, or
    // $TELEMETRY_VIEWER_NO_CACHE set) disables the cache.
    static Settings userSettings();

    explicit RunCache(Settings settings);
    const Settings& settings() const
    {
        return m_settings;
    }

    // The cache BulkLoad uses; none until the application sets one (so that tests and benchmarks
    // never touch the user's cache), none again after setShared(nullptr) (--no-cache).
    static std::shared_ptr<const RunCache> shared();
    static void setShared(std::shared_ptr<const RunCache> cache);

    enum class Match
    {
        Unchanged, // nothing to parse
        Appended, // parse from `end`
    };
    struct Restored
    {
        std::unique_ptr<RunBuilder> builder;
        LinePosition end;
        Match match = Match::Unchanged;
        qint64 fileSize = 0; // the file's size when its key was checked
    };
    // The runs of `path` as cached, when the entry may be served (see above).
    // threads: for the pyramids (see RunCacheFile::builder).
    std::optional<Restored> restore(const QString& path, int threads = 1) const;
    // Saves the runs of `path` after a load that read it up to `end` when it was `loadedSize`
    // long. Skipped for small files, non-regular files and a file that changed since (it is
    // cached at its next load). False when nothing was written (error says why, if it failed).
    bool save(const QString& path, const RunBuilder& builder, const LinePosition& end,
        qint64 loadedSize, QString* error = nullptr) const;

    // Where the entry of `path` lives (whether or not it exists).
    QString entryPath(const QString& path) const;

private:
    void evict(const QString& keep) const;

    Settings m_settings;
};

} // namespace viewer
