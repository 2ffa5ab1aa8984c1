#include "run_loader.hpp"

#include "chunk_parser.hpp"
#include "run_builder.hpp"

#include <QFile>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace viewer {

namespace {

struct Block
{
    qint64 begin = 0;
    qint64 end = 0;
};

// Blocks of about blockBytes, each ending just after a '\n', covering [0, end of last line).
// Lines are not counted here (a serial pass over the whole file): each block is parsed with
// numbers from 1 and renumbered when it is merged, in order.
std::vector<Block> cutBlocks(const char* data, qint64 size, qint64 blockBytes)
{
    std::vector<Block> blocks;
    qint64 begin = 0;
    while (begin < size) {
        qint64 cut = std::min(size, begin + blockBytes);
        const void* newline = nullptr;
        // The last '\n' before the cut, else the first one after it (a line longer than a block).
        for (qint64 i = cut; i > begin; --i) {
            if (data[i - 1] == '\n') {
                newline = data + i - 1;
                break;
            }
        }
        if (!newline)
            newline = std::memchr(data + cut, '\n', static_cast<std::size_t>(size - cut));
        if (!newline)
            break; // the rest is an unfinished last line
        const qint64 end = static_cast<const char*>(newline) - data + 1;
        blocks.push_back({ begin, end });
        begin = end;
    }
    return blocks;
}

} // namespace

RunLoader::Result RunLoader::load(const QString& path, RunBuilder& builder,
                                  const std::atomic<bool>& cancel, const Progress& progress,
                                  int threads, qint64 blockBytes)
{
    Result result;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        result.error = file.errorString();
        return result;
    }
    result.fileSize = file.size();
    if (result.fileSize == 0)
        return result;
    const uchar* mapped = file.map(0, result.fileSize);
    QByteArray readCopy; // files that cannot be mapped (pipes, some FUSE mounts) are read instead
    if (!mapped) {
        readCopy = file.readAll();
        mapped = reinterpret_cast<const uchar*>(readCopy.constData());
        result.fileSize = readCopy.size();
    }
    const char* data = reinterpret_cast<const char*>(mapped);

    builder.expectFileSize(static_cast<std::uint64_t>(result.fileSize));
    const std::vector<Block> blocks = cutBlocks(data, result.fileSize, blockBytes);
    std::vector<std::optional<ParsedChunk>> parsed(blocks.size());
    std::atomic<std::size_t> nextBlock { 0 };
    std::mutex mutex;
    std::size_t nextMerge = 0;
    std::uint64_t nextLine = 1; // number of the first line of block nextMerge
    bool merging = false;
    // Merged chunks, handed back to the parsers: their arrays are reused rather than allocated
    // (and page-faulted) again for every block.
    std::vector<ParsedChunk> spare;

    // Parses blocks in any order; whoever finds the next block in file order ready merges it (and
    // those after it), so merging never waits for a dedicated thread and stays in order.
    auto work = [&] {
        ChunkParser parser;
        for (;;) {
            if (cancel.load(std::memory_order_relaxed))
                return;
            const std::size_t i = nextBlock.fetch_add(1);
            if (i >= blocks.size())
                return;
            const Block& block = blocks[i];
            ParsedChunk recycled;
            {
                const std::lock_guard lock(mutex);
                if (!spare.empty()) {
                    recycled = std::move(spare.back());
                    spare.pop_back();
                }
            }
            ParsedChunk chunk = parser.parse(data + block.begin,
                                             static_cast<std::size_t>(block.end - block.begin),
                                             static_cast<std::uint64_t>(block.begin), 1,
                                             std::move(recycled));
            std::unique_lock lock(mutex);
            parsed[i] = std::move(chunk);
            if (merging)
                continue;
            merging = true;
            while (nextMerge < parsed.size() && parsed[nextMerge]
                   && !cancel.load(std::memory_order_relaxed)) {
                ParsedChunk ready = std::move(*parsed[nextMerge]);
                parsed[nextMerge].reset();
                const std::size_t merged = nextMerge;
                lock.unlock();
                ready.renumber(nextLine);
                nextLine += ready.lineCount;
                builder.append(ready);
                if (progress)
                    progress(blocks[merged].end, result.fileSize);
                lock.lock();
                spare.push_back(std::move(ready));
                nextMerge = merged + 1;
            }
            merging = false;
        }
    };

    std::vector<std::thread> helpers;
    for (int t = 1; t < std::max(1, threads); ++t)
        helpers.emplace_back(work);
    work();
    for (std::thread& t : helpers)
        t.join();
    // A helper may have parsed the next block after the last merger left: merge what is ready.
    while (nextMerge < parsed.size() && parsed[nextMerge] && !cancel.load()) {
        parsed[nextMerge]->renumber(nextLine);
        nextLine += parsed[nextMerge]->lineCount;
        builder.append(*parsed[nextMerge]);
        if (progress)
            progress(blocks[nextMerge].end, result.fileSize);
        ++nextMerge;
    }

    builder.expectFileSize(0); // appends after the load (following) grow as they come

    // Pyramids and spare capacity once per series, split between the threads.
    std::vector<Series*> series;
    for (int r = 0; r < builder.runCount(); ++r) {
        builder.run(r).records.finishAppending();
        for (Series& s : builder.run(r).series)
            series.push_back(&s);
    }
    std::atomic<std::size_t> nextSeries { 0 };
    auto finish = [&] {
        for (std::size_t i = nextSeries.fetch_add(1); i < series.size(); i = nextSeries.fetch_add(1))
            series[i]->finishAppending();
    };
    helpers.clear();
    for (int t = 1; t < std::max(1, threads); ++t)
        helpers.emplace_back(finish);
    finish();
    for (std::thread& t : helpers)
        t.join();

    result.cancelled = nextMerge < blocks.size();
    if (nextMerge > 0) {
        result.end.offset = blocks[nextMerge - 1].end;
        result.end.lineNumber = static_cast<qint64>(nextLine);
    }
    return result;
}

} // namespace viewer
