#pragma once

#include <cstddef>
#include <functional>

namespace viewer {

// Runs work(begin, end) over [0, count) cut into chunks, on the calling thread and on the global
// thread pool's threads at once, and returns when every chunk is done. A chart of 5,000 runs
// smooths, decimates and maps 5,000 independent curves: on the GUI thread alone that left the
// second core idle for seconds.
// The caller works too and never waits for a pool thread that has not started (the pool may be
// busy drawing another chart's image): a helper that starts late finds no chunk left and ends,
// so this cannot deadlock whatever the pool is doing, and with no pool thread free it is a plain
// loop. work() must touch only what its chunk owns (each index's own output); it must not throw.
// Fewer than 2 * minPerChunk items run on the calling thread alone (not worth a hand-over).
class ParallelChunks
{
public:
    static void run(std::size_t count, std::size_t minPerChunk,
        const std::function<void(std::size_t begin, std::size_t end)>& work);
};

} // namespace viewer
