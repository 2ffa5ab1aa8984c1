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
    qint64 firstLine = 1;
};

// Blocks of about blockBytes, each ending just after a '\n', covering [0, end of last line).
std::vector<Block> cutBlocks(const char* data, qint64 size, qint64 blockBytes)
{
    std::vector<Block> blocks;
    qint64 begin = 0;
    qint64 line = 1;
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
        blocks.push_back({ begin, end, line });
        line += std::count(data + begin, data + end, '\n');
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

    const std::vector<Block> blocks = cutBlocks(data, result.fileSize, blockBytes);
    std::vector<std::optional<ParsedChunk>> parsed(blocks.size());
    std::atomic<std::size_t> nextBlock { 0 };
    std::mutex mutex;
    std::size_t nextMerge = 0;
    bool merging = false;

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
            ParsedChunk chunk = parser.parse(data + block.begin,
                                             static_cast<std::size_t>(block.end - block.begin),
                                             static_cast<std::uint64_t>(block.begin),
                                             static_cast<std::uint64_t>(block.firstLine));
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
                builder.append(ready);
                if (progress)
                    progress(blocks[merged].end, result.fileSize);
                lock.lock();
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
        builder.append(*parsed[nextMerge]);
        if (progress)
            progress(blocks[nextMerge].end, result.fileSize);
        ++nextMerge;
    }

    // Pyramids and spare capacity once per series, split between the threads.
    std::vector<Series*> series;
    for (int r = 0; r < builder.runCount(); ++r)
        for (Series& s : builder.run(r).series)
            series.push_back(&s);
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
        const Block& last = blocks[nextMerge - 1];
        result.end.offset = last.end;
        result.end.lineNumber
            = last.firstLine + std::count(data + last.begin, data + last.end, '\n');
    }
    return result;
}

} // namespace viewer
