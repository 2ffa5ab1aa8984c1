#include "bulk_load.hpp"

#include "run_cache.hpp"
#include "run_loader.hpp"

#include <QFileInfo>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

namespace viewer {

namespace {

constexpr qint64 RewriteAfterAppendedShare = 8;

struct Loaded
{
    BulkLoad::File file;
    QStringList notes;
    bool cancelled = false;
    bool done = false;
};

// The runs of `f` from the re-open cache: as cached, plus what was appended since. Nothing when
// there is no entry to serve, or the file changed while the appended bytes were read.
std::optional<Loaded> loadCached(const RunCache& cache, const QString& f, int threads,
    const std::atomic<bool>& cancel, const RunLoader::Progress& progress)
{
    std::optional<RunCache::Restored> restored = cache.restore(f, threads);
    if (!restored)
        return std::nullopt;
    Loaded out;
    if (restored->match == RunCache::Match::Unchanged) {
        out.file = { f, std::move(restored->builder), restored->end, restored->fileSize, {} };
        out.done = true;
        return out;
    }
    RunLoader::Result result = RunLoader::load(f, *restored->builder, cancel, progress, threads,
        RunLoader::DefaultBlockBytes, restored->end);
    if (!result.changedWhileReading.isEmpty() || !result.error.isEmpty())
        return std::nullopt; // read from the start, as if there were no cache
    out.cancelled = result.cancelled;
    // The entry stays valid for the part it holds (an appended file matches it again), so it is
    // rewritten (a whole entry's write on this load) only once the bytes parsed on top of it
    // grow past an eighth of it: a log that grows a little between opens costs a tail parse.
    const qint64 parsed = result.end.offset - restored->end.offset;
    if (!out.cancelled && parsed > restored->end.offset / RewriteAfterAppendedShare)
        cache.save(f, *restored->builder, result.end, result.fileSize);
    out.file = { f, std::move(restored->builder), result.end, result.fileSize, {} };
    out.done = true;
    return out;
}

// One file, read again from its start while it changes under the reader (at most maxAttempts).
Loaded loadFile(const QString& f, int maxAttempts, int threads, const std::atomic<bool>& cancel,
    const RunLoader::Progress& progress)
{
    const std::shared_ptr<const RunCache> cache = RunCache::shared();
    if (cache) {
        if (std::optional<Loaded> cached = loadCached(*cache, f, threads, cancel, progress))
            return std::move(*cached);
    }
    Loaded out;
    auto builder = std::make_unique<RunBuilder>(f);
    RunLoader::Result result = RunLoader::load(f, *builder, cancel, progress, threads);
    // Truncated (or rewritten) by another process while it was read: what was read may mix
    // old and new content. Start over, as the follower does.
    for (int attempt = 1; !result.changedWhileReading.isEmpty() && !result.cancelled; ++attempt) {
        builder = std::make_unique<RunBuilder>(f);
        if (attempt == maxAttempts) {
            result.error = QStringLiteral("%1, %2 times; gave up")
                               .arg(result.changedWhileReading)
                               .arg(attempt);
            result.end = {};
            break;
        }
        out.notes << QStringLiteral("%1: %2; read again from the start")
                         .arg(QFileInfo(f).fileName(), result.changedWhileReading);
        result = RunLoader::load(f, *builder, cancel, progress, threads);
    }
    out.cancelled = result.cancelled;
    if (cache && !result.cancelled && result.error.isEmpty()
        && result.changedWhileReading.isEmpty())
        cache->save(f, *builder, result.end, result.fileSize); // silent: the load never needs it
    out.file = { f, std::move(builder), result.end, result.fileSize, result.error };
    out.done = true;
    return out;
}

} // namespace

int BulkLoad::defaultThreads()
{
    return std::clamp(QThread::idealThreadCount(), 1, MaxThreads);
}

BulkLoad::Result BulkLoad::run(const QStringList& files, bool folder, int maxAttempts,
    const std::atomic<bool>& cancel, const Progress& progress, int threads,
    const FileStarted& fileStarted)
{
    threads = std::max(1, threads);
    std::vector<qint64> sizes;
    sizes.reserve(static_cast<std::size_t>(files.size()));
    qint64 total = 0;
    for (const QString& f : files) {
        sizes.push_back(QFileInfo(f).size());
        total += sizes.back();
    }
    // A file of several blocks is parsed on every thread by RunLoader, one file at a time; the
    // small ones (a folder of rank or trial files: one block each, parsed and merged by one
    // thread) are loaded side by side, one per thread, so a folder loads at the speed of one
    // big file. Results keep the listing's order.
    std::vector<Loaded> loaded(static_cast<std::size_t>(files.size()));
    std::atomic<qint64> doneBytes { 0 };
    std::mutex progressMutex; // progress is reported in order of the sums, never backwards
    qint64 reported = 0;
    const auto report = [&](qint64 add) {
        const qint64 done = doneBytes.fetch_add(add) + add;
        const std::lock_guard lock(progressMutex);
        if (progress && done > reported) {
            reported = done;
            progress(done, total);
        }
    };
    const auto loadAt = [&](std::size_t i, int fileThreads) {
        qint64 seen = 0; // this file's bytes reported so far (a retry starts again at 0)
        const auto fileProgress = [&](qint64 done, qint64) {
            if (done > seen) {
                report(done - seen);
                seen = done;
            }
        };
        const QString& path = files[static_cast<qsizetype>(i)];
        if (fileStarted)
            fileStarted(path);
        loaded[i] = loadFile(path, maxAttempts, fileThreads, cancel, fileProgress);
        if (loaded[i].file.size > seen)
            report(loaded[i].file.size - seen);
    };

    std::vector<std::size_t> small;
    for (std::size_t i = 0; i < sizes.size() && !cancel.load(); ++i) {
        if (threads == 1 || sizes[i] > 2 * RunLoader::DefaultBlockBytes)
            loadAt(i, threads);
        else
            small.push_back(i);
    }
    std::atomic<std::size_t> next { 0 };
    const auto work = [&] {
        for (std::size_t k = next.fetch_add(1); k < small.size() && !cancel.load();
             k = next.fetch_add(1))
            loadAt(small[k], 1);
    };
    std::vector<std::thread> helpers;
    for (int t = 1; t < std::min<int>(threads, static_cast<int>(small.size())); ++t)
        helpers.emplace_back(work);
    work();
    for (std::thread& t : helpers)
        t.join();

    // In the listing's order; the load stops at the first file not loaded whole.
    Result result;
    for (Loaded& l : loaded) {
        if (!l.done) {
            result.cancelled = true;
            break;
        }
        result.notes += l.notes;
        if (!l.file.error.isEmpty() && !folder)
            result.error = l.file.error;
        result.files.push_back(std::move(l.file));
        if (l.cancelled) {
            result.cancelled = true;
            break;
        }
    }
    return result;
}

} // namespace viewer
