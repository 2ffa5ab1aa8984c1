// The reader's two stages on a 1,000,000-record run of the example trainer (~135 MB): ChunkParser
// (bytes -> ParsedChunk) on one core and on two, RunBuilder (ParsedChunk -> Runs) on one, beside
// the peers measured in the same run on the same bytes: the bare simdjson On-Demand walk every
// simdjson reader pays (iterate each line, read every number, no bookkeeping), and cutting lines
// alone. Medians of several runs. Target: >= 400 MB/s per core for the parser.
//
// usage: bench_reader [FILE]   (default: the file bench_load uses, generated with example-trainer)

#include "bench_run_file.hpp"
#include "bench_stats.hpp"
#include "chunk_parser.hpp"
#include "run_builder.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <simdjson.h>
#include <string>
#include <thread>
#include <vector>

using namespace viewer;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU time of the calling thread: on a machine shared with other work, wall time measures the
// neighbours as much as the code.
double threadCpuSeconds()
{
    timespec t {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

struct Timing
{
    std::vector<double> wall;
    std::vector<double> cpu;
};

// Runs f on this thread, recording wall and CPU time.
template <class F> void timed(Timing& timing, F&& f)
{
    const auto start = Clock::now();
    const double cpu = threadCpuSeconds();
    f();
    timing.cpu.push_back(threadCpuSeconds() - cpu);
    timing.wall.push_back(secondsSince(start));
}

struct Block
{
    std::size_t begin = 0;
    std::size_t end = 0;
    std::uint64_t firstLine = 1;
};

// Cuts the file into blocks of about `size` bytes at line ends, numbering their lines.
std::vector<Block> cutBlocks(const std::string& data, std::size_t size)
{
    std::vector<Block> blocks;
    std::size_t pos = 0;
    std::uint64_t line = 1;
    while (pos < data.size()) {
        std::size_t end = std::min(data.size(), pos + size);
        const void* nl =
            end < data.size() ? std::memchr(data.data() + end, '\n', data.size() - end) : nullptr;
        end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - data.data()) + 1
                 : data.size();
        blocks.push_back({ pos, end, line });
        line += static_cast<std::uint64_t>(std::count(data.data() + pos, data.data() + end, '\n'));
        pos = end;
    }
    return blocks;
}

double sink = 0;

// The peer: what any simdjson On-Demand line loop pays before doing anything with the values.
void walkValue(simdjson::ondemand::value value)
{
    double d = 0;
    if (!value.get_double().get(d)) {
        sink += d;
        return;
    }
    simdjson::ondemand::object object;
    if (!value.get_object().get(object)) {
        for (auto entry : object) {
            simdjson::ondemand::field field;
            if (std::move(entry).get(field))
                return;
            walkValue(field.value());
        }
        return;
    }
    std::string_view s;
    if (!value.get_string().get(s))
        sink += double(s.size());
}

std::size_t simdjsonFloor(const std::string& data, std::size_t capacity)
{
    simdjson::ondemand::parser parser;
    std::size_t records = 0;
    std::size_t pos = 0;
    while (pos < data.size()) {
        const auto* nl =
            static_cast<const char*>(std::memchr(data.data() + pos, '\n', data.size() - pos));
        const std::size_t end = nl ? static_cast<std::size_t>(nl - data.data()) : data.size();
        simdjson::ondemand::document doc;
        if (!parser
                 .iterate(
                     simdjson::padded_string_view(data.data() + pos, end - pos, capacity - pos))
                 .get(doc)) {
            simdjson::ondemand::object object;
            if (!doc.get_object().get(object)) {
                for (auto entry : object) {
                    simdjson::ondemand::field field;
                    if (std::move(entry).get(field))
                        break;
                    walkValue(field.value());
                }
                ++records;
            }
        }
        pos = end + 1;
    }
    return records;
}

std::size_t lineSplit(const std::string& data)
{
    std::size_t lines = 0;
    std::size_t pos = 0;
    while (pos < data.size()) {
        const auto* nl =
            static_cast<const char*>(std::memchr(data.data() + pos, '\n', data.size() - pos));
        pos = nl ? static_cast<std::size_t>(nl - data.data()) + 1 : data.size();
        ++lines;
    }
    return lines;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QString path = bench::millionRecordRunOr(argc, argv);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s\n", qPrintable(path));
        return 1;
    }
    std::string data = file.readAll().toStdString();
    const std::size_t capacity = data.size() + simdjson::SIMDJSON_PADDING;
    data.reserve(capacity);
    const double mb = static_cast<double>(data.size()) / 1e6;
    const std::vector<Block> blocks = cutBlocks(data, std::size_t(4) << 20);
    const int repeats = 5;

    auto parseBlocks = [&](ChunkParser& parser, std::size_t first, std::size_t step,
                           std::vector<ParsedChunk>* keep) {
        std::size_t records = 0;
        for (std::size_t b = first; b < blocks.size(); b += step) {
            ParsedChunk chunk = parser.parse(data.data() + blocks[b].begin,
                blocks[b].end - blocks[b].begin, blocks[b].begin, blocks[b].firstLine);
            records += chunk.records.size();
            if (keep)
                (*keep)[b] = std::move(chunk);
        }
        return records;
    };

    Timing lineTimes, floorTimes, parse1, parse2, merge, endToEnd;
    std::size_t records = 0;
    std::size_t points = 0;
    std::size_t malformed = 0;
    for (int i = 0; i < repeats; ++i) {
        std::size_t lines = 0;
        timed(lineTimes, [&] { lines = lineSplit(data); });
        std::size_t floorRecords = 0;
        timed(floorTimes, [&] { floorRecords = simdjsonFloor(data, capacity); });
        timed(parse1, [&] {
            ChunkParser parser;
            records = parseBlocks(parser, 0, 1, nullptr);
        });

        {
            // Two threads: CPU time is the sum of both.
            const auto start = Clock::now();
            std::size_t second = 0;
            double secondCpu = 0;
            std::thread worker([&] {
                const double cpu = threadCpuSeconds();
                ChunkParser parser;
                second = parseBlocks(parser, 1, 2, nullptr);
                secondCpu = threadCpuSeconds() - cpu;
            });
            const double cpu = threadCpuSeconds();
            ChunkParser parser;
            const std::size_t first = parseBlocks(parser, 0, 2, nullptr);
            const double firstCpu = threadCpuSeconds() - cpu;
            worker.join();
            parse2.wall.push_back(secondsSince(start));
            parse2.cpu.push_back(firstCpu + secondCpu);
            if (first + second != records)
                std::fprintf(
                    stderr, "two threads read %zu records, one %zu\n", first + second, records);
        }

        std::vector<ParsedChunk> chunks(blocks.size());
        {
            ChunkParser parser;
            parseBlocks(parser, 0, 1, &chunks);
        }
        timed(merge, [&] {
            RunBuilder builder(path);
            for (const ParsedChunk& chunk : chunks)
                builder.append(chunk);
            points = 0;
            malformed = 0;
            for (int r = 0; r < builder.runCount(); ++r) {
                points += builder.run(r).pointCount();
                malformed += builder.run(r).malformed.size();
            }
        });
        chunks.clear();

        timed(endToEnd, [&] {
            ChunkParser parser;
            RunBuilder builder(path);
            for (const Block& b : blocks)
                builder.append(
                    parser.parse(data.data() + b.begin, b.end - b.begin, b.begin, b.firstLine));
        });
        if (i == 0)
            std::printf("%s: %.1f MB, %zu lines, %zu records, %zu points, %zu malformed "
                        "(simdjson peer: %zu records)\n\n",
                qPrintable(path), mb, lines, records, points, malformed, floorRecords);
    }

    auto row = [&](const char* what, const Timing& t, const char* note) {
        const double wall = bench::median(t.wall);
        const double cpu = bench::median(t.cpu);
        std::printf("  %-44s %7.3f s %6.0f MB/s   %7.3f s %6.0f MB/s  %s\n", what, wall, mb / wall,
            cpu, mb / cpu, note);
    };
    std::printf("median of %d runs:                               wall time               CPU time "
                "(all threads)\n",
        repeats);
    row("ChunkParser, 1 thread", parse1, "target >= 400 MB/s per core");
    row("ChunkParser, 2 threads", parse2, "");
    row("RunBuilder merge, 1 thread", merge, "");
    row("ChunkParser + RunBuilder, 1 thread", endToEnd, "");
    row("peer: bare simdjson On-Demand walk, 1 thread", floorTimes, "keeps nothing");
    row("peer: cutting lines (memchr), 1 thread", lineTimes, "");
    std::printf("  parser CPU time / bare simdjson walk CPU time: %.2f (issue 15 goal: <= 1.3)\n",
        bench::median(parse1.cpu) / bench::median(floorTimes.cpu));
    std::printf("  merge: %.0f ns per record, %.1f ns per point (CPU)\n",
        bench::median(merge.cpu) * 1e9 / static_cast<double>(std::max<std::size_t>(records, 1)),
        bench::median(merge.cpu) * 1e9 / static_cast<double>(std::max<std::size_t>(points, 1)));
    return sink == 12345.678 ? 1 : 0;
}
