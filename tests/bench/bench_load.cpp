// Opening a 1,000,000-record run until every series is ready, beside a plain nlohmann DOM line
// loop and Python's json.loads loop over the same file, in the same run. Medians of several runs,
// wall time and the process's CPU time (all threads: on a shared machine the work itself).
// usage: bench_load [FILE] [--no-peers]   (--no-peers: ours only, for comparing two builds)
#include "bench_run_file.hpp"
#include "bench_stats.hpp"
#include "run.hpp"
#include "run_builder.hpp"
#include "run_loader.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

using namespace viewer;

namespace {

// The peer a C++ developer would write first: a DOM per line, numeric leaves into vectors by key.
void walk(const nlohmann::json& value, std::string& path,
    std::unordered_map<std::string, std::vector<double>>& series)
{
    for (auto it = value.begin(); it != value.end(); ++it) {
        const std::size_t keep = path.size();
        path += '/';
        path += it.key();
        if (it->is_object())
            walk(*it, path, series);
        else if (it->is_number())
            series[path].push_back(it->get<double>());
        path.resize(keep);
    }
}

std::size_t nlohmannLoad(const QString& path)
{
    std::ifstream in(path.toStdString());
    std::string line;
    std::unordered_map<std::string, std::vector<double>> series;
    std::size_t records = 0;
    std::string key;
    while (std::getline(in, line)) {
        nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
        if (record.is_discarded() || !record.is_object())
            continue;
        ++records;
        key = record.value("tag", std::string());
        if (auto it = record.find("context"); it != record.end() && it->is_object())
            walk(*it, key, series);
    }
    return records;
}

double processCpuSeconds()
{
    timespec t {};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    const bool peers = !args.removeAll(QStringLiteral("--no-peers"));
    const QString path = args.isEmpty() ? bench::ensureMillionRecordRun() : args.first();
    const double megabytes = static_cast<double>(QFileInfo(path).size()) / 1e6;
    const int repeats = 5;

    std::vector<double> ours;
    std::vector<double> oursCpu;
    std::size_t records = 0;
    std::size_t points = 0;
    std::size_t bytes = 0;
    std::size_t seriesBytes = 0;
    for (int i = 0; i < repeats; ++i) {
        QElapsedTimer timer;
        const double cpu = processCpuSeconds();
        timer.start();
        RunBuilder builder(path);
        std::atomic<bool> cancel { false };
        const RunLoader::Result result = RunLoader::load(path, builder, cancel);
        ours.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e9);
        oursCpu.push_back(processCpuSeconds() - cpu);
        if (!result.error.isEmpty()) {
            std::fprintf(stderr, "load failed: %s\n", qPrintable(result.error));
            return 1;
        }
        records = points = bytes = seriesBytes = 0;
        for (int r = 0; r < builder.runCount(); ++r) {
            const Run& run = builder.run(r);
            records += run.records.size();
            points += run.pointCount();
            bytes += run.bytesUsed();
            for (const Series& s : run.series)
                seriesBytes += s.bytesUsed();
        }
    }

    std::vector<double> peer;
    for (int i = 0; peers && i < 3; ++i) {
        QElapsedTimer timer;
        timer.start();
        nlohmannLoad(path);
        peer.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e9);
    }

    double python = -1.0;
    const QString python3 = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (peers && !python3.isEmpty()) {
        QProcess process;
        process.start(python3,
            { QStringLiteral("-c"),
                QStringLiteral("import json,sys,time\n"
                               "t=time.perf_counter()\n"
                               "n=0\n"
                               "with open(sys.argv[1]) as f:\n"
                               "    for line in f:\n"
                               "        json.loads(line); n+=1\n"
                               "print(time.perf_counter()-t)\n"),
                path });
        process.waitForFinished(-1);
        python = process.readAllStandardOutput().trimmed().toDouble();
    }

    const double o = bench::median(ours);
    const double p = bench::median(peer);
    std::printf("open %s: %.1f MB, %zu records, %zu points\n", qPrintable(path), megabytes, records,
        points);
    std::printf("%-34s %10s %10s %10s\n", "reader (median)", "seconds", "MB/s", "vs ours");
    std::printf(
        "%-34s %10.3f %10.0f %10s\n", "ours: RunLoader, 2 threads", o, megabytes / o, "1.0x");
    std::printf("%-34s %10.3f %10.0f %10s  (CPU time, both threads)\n", "ours: RunLoader, CPU",
        bench::median(oursCpu), megabytes / bench::median(oursCpu), "");
    if (peers)
        std::printf(
            "%-34s %10.3f %10.0f %9.1fx\n", "nlohmann DOM line loop", p, megabytes / p, p / o);
    if (python > 0)
        std::printf("%-34s %10.3f %10.0f %9.1fx\n", "python json.loads loop", python,
            megabytes / python, python / o);
    std::printf("target: <= 0.4 s end to end -> %s\n", o <= 0.4 ? "met" : "NOT met");
    std::printf("store: %.1f bytes per point all-inclusive (records table shared), %.1f bytes per "
                "point in series (values, record refs, pyramid) -> target <= 24: %s\n",
        static_cast<double>(bytes) / static_cast<double>(points),
        static_cast<double>(seriesBytes) / static_cast<double>(points),
        static_cast<double>(bytes) / static_cast<double>(points) <= 24.0 ? "met" : "NOT met");
    return 0;
}
