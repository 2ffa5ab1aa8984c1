// Re-opening a large file (issue 15): the 1,000,000-record run (~135 MB) opened as the window
// does (BulkLoad on every core), first without a cache (a parse), then the first open that also
// writes the cache entry, the re-open of the unchanged file (the entry read back), and the open
// after 1 % more records were appended (the entry plus a parse of the new bytes). Medians of 5,
// in the same run; the goal is a re-open <= 10 % of the first open. The cache lives in a
// temporary folder (never the user's), the file is a copy (the appends must not touch the run
// the other benchmarks read).
#include "bench_run_file.hpp"
#include "bench_stats.hpp"
#include "bulk_load.hpp"
#include "run_builder.hpp"
#include "run_cache.hpp"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <atomic>
#include <cstdio>
#include <functional>
#include <vector>

using namespace viewer;

namespace {

struct Opened
{
    double ms = 0;
    std::size_t points = 0;
};

Opened open(const QString& path, const std::shared_ptr<const RunCache>& cache)
{
    RunCache::setShared(cache);
    const std::atomic<bool> cancel { false };
    QElapsedTimer timer;
    timer.start();
    const BulkLoad::Result result = BulkLoad::run({ path }, false, 3, cancel, {});
    Opened opened;
    opened.ms = double(timer.nsecsElapsed()) / 1e6;
    RunCache::setShared(nullptr);
    if (result.files.size() != 1 || !result.files[0].builder) {
        std::fprintf(stderr, "bench_reopen: cannot open %s\n", qPrintable(path));
        std::exit(1);
    }
    for (int r = 0; r < result.files[0].builder->runCount(); ++r)
        opened.points += result.files[0].builder->run(r).pointCount();
    return opened;
}

bool copyFile(const QString& from, const QString& to, qint64 bytes)
{
    QFile in(from);
    QFile out(to);
    if (!in.open(QIODevice::ReadOnly) || !out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    while (bytes > 0) {
        const QByteArray block = in.read(std::min<qint64>(bytes, 8 << 20));
        if (block.isEmpty() || out.write(block) != block.size())
            return false;
        bytes -= block.size();
    }
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QString source = bench::millionRecordRunOr(argc, argv);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("run.jsonl"));
    // 99 % of the run, cut after a line; the last 1 % is what the appended case adds.
    const qint64 sourceSize = QFileInfo(source).size();
    QByteArray appended;
    qint64 baseSize = 0;
    {
        QFile in(source);
        if (!in.open(QIODevice::ReadOnly) || !in.seek(sourceSize - sourceSize / 100))
            return 1;
        QByteArray tail = in.readAll();
        const qsizetype cut = tail.indexOf('\n') + 1;
        appended = tail.mid(cut);
        baseSize = sourceSize - sourceSize / 100 + cut;
    }
    if (!copyFile(source, path, baseSize))
        return 1;

    RunCache::Settings settings;
    settings.folder = dir.filePath(QStringLiteral("cache"));
    const auto cache = std::make_shared<const RunCache>(settings);
    const QString entry = cache->entryPath(path);
    const int repeats = 5;
    // BENCH_REOPEN_ONLY=N: only N re-opens of the unchanged file (for a profiler: nothing else).
    if (const int only = qEnvironmentVariableIntValue("BENCH_REOPEN_ONLY"); only > 0) {
        open(path, cache);
        std::vector<double> times;
        for (int i = 0; i < only; ++i)
            times.push_back(open(path, cache).ms);
        std::printf("bench_reopen: %d re-opens, median %.1f ms\n", only, bench::median(times));
        return 0;
    }
    std::printf("bench_reopen: %s, %.1f MB (+ %.2f MB appended), %d threads, medians of %d\n",
        qPrintable(source), double(baseSize) / 1e6, double(appended.size()) / 1e6,
        BulkLoad::defaultThreads(), repeats);

    std::vector<double> first;
    std::vector<double> firstWriting;
    std::vector<double> reopen;
    std::vector<double> afterAppend;
    std::size_t points = 0;
    std::size_t cachedPoints = 0;
    std::size_t appendedPoints = 0;
    std::size_t fullPoints = 0;
    for (int i = 0; i < repeats; ++i) {
        const Opened parsed = open(path, nullptr);
        first.push_back(parsed.ms);
        points = parsed.points;
        QFile::remove(entry);
        firstWriting.push_back(open(path, cache).ms);
        const Opened cached = open(path, cache);
        reopen.push_back(cached.ms);
        cachedPoints = cached.points;
    }
    const qint64 entryBytes = QFileInfo(entry).size();
    for (int i = 0; i < repeats; ++i) {
        // The entry of the 99 % file (untimed), then 1 % more records.
        if (!copyFile(source, path, baseSize))
            return 1;
        QFile::remove(entry);
        open(path, cache);
        QFile out(path);
        if (!out.open(QIODevice::Append) || out.write(appended) != appended.size())
            return 1;
        out.close();
        const Opened grown = open(path, cache);
        afterAppend.push_back(grown.ms);
        appendedPoints = grown.points;
    }
    fullPoints = open(path, nullptr).points;

    const double f = bench::median(first);
    std::printf("  first open (parse, no cache)       %8.1f ms  (%zu points)\n", f, points);
    std::printf("  first open, writing the cache      %8.1f ms  (%+.1f ms)\n",
        bench::median(firstWriting), bench::median(firstWriting) - f);
    std::printf("  re-open, unchanged (cache)         %8.1f ms  = %.1f %% of the first open\n",
        bench::median(reopen), 100.0 * bench::median(reopen) / f);
    std::printf("  re-open after 1 %% appended         %8.1f ms  = %.1f %% of the first open\n",
        bench::median(afterAppend), 100.0 * bench::median(afterAppend) / f);
    std::printf("  cache entry: %.1f MB (%.2f bytes per point; the file: %.1f MB)\n",
        double(entryBytes) / 1e6, double(entryBytes) / double(std::max<std::size_t>(1, points)),
        double(baseSize) / 1e6);
    if (cachedPoints != points || appendedPoints != fullPoints) {
        std::printf("  MISMATCH: points %zu vs %zu cached, %zu vs %zu appended\n", points,
            cachedPoints, fullPoints, appendedPoints);
        return 1;
    }
    return 0;
}
