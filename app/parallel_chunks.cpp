#include "parallel_chunks.hpp"

#include <QThreadPool>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace viewer {

namespace {

// Shared by the caller and its helpers; a helper that starts after the caller returned holds it
// alive, finds no chunk left and never calls work (whose captures are gone by then).
struct Chunks
{
    std::function<void(std::size_t, std::size_t)> work;
    std::size_t count = 0;
    std::size_t perChunk = 1;
    std::size_t chunks = 0;
    std::atomic<std::size_t> next { 0 };
    std::atomic<std::size_t> finished { 0 };
    std::mutex mutex;
    std::condition_variable allFinished;

    // Claims and runs chunks until none is left.
    void drain()
    {
        for (;;) {
            const std::size_t chunk = next.fetch_add(1, std::memory_order_relaxed);
            if (chunk >= chunks)
                return;
            const std::size_t begin = chunk * perChunk;
            work(begin, std::min(count, begin + perChunk));
            if (finished.fetch_add(1, std::memory_order_acq_rel) + 1 == chunks) {
                const std::lock_guard<std::mutex> lock(mutex);
                allFinished.notify_all();
            }
        }
    }
};

} // namespace

void ParallelChunks::run(std::size_t count, std::size_t minPerChunk,
    const std::function<void(std::size_t begin, std::size_t end)>& work)
{
    minPerChunk = std::max<std::size_t>(minPerChunk, 1);
    QThreadPool* pool = QThreadPool::globalInstance();
    const int helpers = std::max(0, pool->maxThreadCount() - 1);
    if (count < 2 * minPerChunk || helpers == 0) {
        if (count > 0)
            work(0, count);
        return;
    }
    // Several chunks per thread: whoever is faster (the caller when the pool is busy) takes more.
    const std::size_t threads = std::size_t(helpers) + 1;
    const std::size_t perChunk = std::max(minPerChunk, count / (threads * 8) + 1);
    auto chunks = std::make_shared<Chunks>();
    chunks->work = work;
    chunks->count = count;
    chunks->perChunk = perChunk;
    chunks->chunks = (count + perChunk - 1) / perChunk;
    const int started =
        static_cast<int>(std::min<std::size_t>(std::size_t(helpers), chunks->chunks - 1));
    for (int h = 0; h < started; ++h)
        pool->start([chunks] { chunks->drain(); });
    chunks->drain();
    std::unique_lock<std::mutex> lock(chunks->mutex);
    chunks->allFinished.wait(
        lock, [&] { return chunks->finished.load(std::memory_order_acquire) == chunks->chunks; });
}

} // namespace viewer
