// Issue 15, memory: bytes per point resident after loading one large run, where they go (the
// store's own accounting, bytesUsed(), by part) and what the process holds (VmRSS, RssAnon from
// /proc/self/status; the mapped file is RssFile, not counted), before and after returning the
// allocator's free memory to the system (malloc_trim). Target <= 16 B per point (stretch 12).
// Usage: bench_memory [FILE]; without FILE a 5 M-point run is generated with example-trainer.
#include "bench_run_file.hpp"
#include "run.hpp"
#include "run_builder.hpp"
#include "run_loader.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>

#include <atomic>
#include <cstdio>
#include <malloc.h>

using namespace viewer;

namespace {

// kB of a /proc/self/status field ("VmRSS", "RssAnon").
double statusMiB(const char* field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1.0;
    const QByteArray prefix = QByteArray(field) + ':';
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').front().toDouble() / 1024.0;
    }
    return -1.0;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QString path = argc > 1
        ? QString::fromLocal8Bit(argv[1])
        : bench::ensureTrainerRun(QStringLiteral("run_5m_points.jsonl"), 150 * 1000 * 1000,
            { QStringLiteral("--steps"), QStringLiteral("720000") });
    const double anonBefore = statusMiB("RssAnon");

    RunBuilder builder(path);
    std::atomic<bool> cancel { false };
    const RunLoader::Result result = RunLoader::load(path, builder, cancel);
    if (!result.error.isEmpty()) {
        std::fprintf(stderr, "load failed: %s\n", qPrintable(result.error));
        return 1;
    }
    std::size_t points = 0, records = 0, series = 0;
    std::size_t stridedBlocks = 0, plainBlocks = 0;
    std::size_t values = 0, refs = 0, pyramid = 0, seriesOther = 0, table = 0, all = 0;
    for (int r = 0; r < builder.runCount(); ++r) {
        const Run& run = builder.run(r);
        points += run.pointCount();
        records += run.records.size();
        series += run.series.size();
        table += run.records.bytesUsed();
        all += run.bytesUsed();
        for (const Series& s : run.series) {
            values += s.values().capacity() * sizeof(double);
            refs += s.records().bytesUsed();
            stridedBlocks += s.records().stridedBlockCount();
            plainBlocks += s.records().plainBlockCount();
            pyramid += s.pyramid().bytesUsed();
            seriesOther += s.bytesUsed();
        }
    }
    seriesOther -= values + refs + pyramid;
    const double anonLoaded = statusMiB("RssAnon") - anonBefore;
    const double rssLoaded = statusMiB("VmRSS");
    malloc_trim(0);
    const double anonTrimmed = statusMiB("RssAnon") - anonBefore;
    const double p = double(points);
    auto perPoint = [p](double bytes) { return bytes / p; };

    std::printf("%s: %.0f MB, %zu records, %zu points, %zu series (%.2f points per record)\n",
        qPrintable(path), double(QFileInfo(path).size()) / 1e6, records, points, series,
        double(points) / double(records));
    std::printf("%-44s %10s %10s\n", "store (bytesUsed)", "MiB", "B/point");
    const std::pair<const char*, double> parts[] = {
        { "series values (double)", double(values) },
        { "series record refs (u32, strided blocks)", double(refs) },
        { "series min/max pyramid", double(pyramid) },
        { "series other (segments, non-finite, keys)", double(seriesOther) },
        { "record table (ts, step, epoch, offset, tag)", double(table) },
        { "all (Run::bytesUsed)", double(all) },
    };
    for (const auto& [name, bytes] : parts)
        std::printf("%-44s %10.1f %10.2f\n", name, bytes / 1048576.0, perPoint(bytes));
    std::printf("%-44s %10.1f %10.2f\n", "process RssAnon after load (less at start)", anonLoaded,
        perPoint(anonLoaded * 1048576.0));
    std::printf("%-44s %10.1f %10.2f\n", "process RssAnon after malloc_trim", anonTrimmed,
        perPoint(anonTrimmed * 1048576.0));
    std::printf("%-44s %10.1f\n", "process VmRSS after load (file mapping incl.)", rssLoaded);
    std::printf("%-44s %10.1f\n", "process VmHWM (peak, file mapping incl.)", statusMiB("VmHWM"));
    std::printf("record ref blocks: %zu strided, %zu plain\n", stridedBlocks, plainBlocks);
    std::printf("target <= 16 B per point resident (stretch 12): %s\n",
        perPoint(anonTrimmed * 1048576.0) <= 16.0 ? "met" : "NOT met");
    return 0;
}
