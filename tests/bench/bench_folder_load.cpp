// Opening a folder of many small runs (issue 15 "Folders in parallel": N files of 2,000 steps x 4
// metrics, each with a run_begin, as a sweep or the ranks of a job write them), three ways in the
// same run, interleaved, medians of 5:
//   - BulkLoad today: small files loaded side by side, one per thread;
//   - the old BulkLoad (before issue 15): one file after the other, each by RunLoader on 2
//     threads (a one-block file keeps one thread busy);
//   - the peer the issue names: the same records as one big file, RunLoader on 2 threads.
// Usage: bench_folder_load [FILES] (default 400).
#include "bench_stats.hpp"
#include "bulk_load.hpp"
#include "run_builder.hpp"
#include "run_loader.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <cstdio>
#include <memory>
#include <random>
#include <vector>

using namespace viewer;

namespace {

QByteArray runText(int file)
{
    std::mt19937_64 rng(static_cast<unsigned>(file));
    std::normal_distribution<double> noise(0.0, 0.05);
    QByteArray text = R"({"ts":1700000000.0,"tag":"run_begin","run":"trial-)"
        + QByteArray::number(file) + R"(","config":{"lr":)"
        + QByteArray::number(1e-4 * (1 + file % 7)) + "}}\n";
    for (int i = 0; i < 2000; ++i) {
        text += R"({"ts":)" + QByteArray::number(1700000000.0 + i * 0.25, 'f', 3)
            + R"(,"tag":"step_end","step":)" + QByteArray::number(i) + R"(,"context":{"loss":)"
            + QByteArray::number(2.0 / (1 + i * 0.01) + noise(rng), 'g', 9) + R"(,"acc":)"
            + QByteArray::number(1.0 - 1.0 / (1 + i * 0.01), 'g', 9) + R"(,"lr":)"
            + QByteArray::number(1e-3, 'g', 9) + R"(,"grad_norm":)"
            + QByteArray::number(1.0 + noise(rng), 'g', 9) + "}}\n";
    }
    return text;
}

std::size_t pointsOf(const RunBuilder& builder)
{
    std::size_t n = 0;
    for (int r = 0; r < builder.runCount(); ++r) {
        for (const Series& s : builder.run(r).series)
            n += s.size();
    }
    return n;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int files = argc > 1 ? std::max(2, std::atoi(argv[1])) : 400;
    QTemporaryDir dir;
    QStringList paths;
    QFile big(dir.filePath(QStringLiteral("all.jsonl")));
    if (!big.open(QIODevice::WriteOnly))
        return 1;
    QDir().mkpath(dir.filePath(QStringLiteral("runs")));
    qint64 bytes = 0;
    for (int f = 0; f < files; ++f) {
        const QByteArray text = runText(f);
        const QString path =
            dir.filePath(QStringLiteral("runs/trial%1.jsonl").arg(f, 5, 10, QLatin1Char('0')));
        QFile out(path);
        if (!out.open(QIODevice::WriteOnly))
            return 1;
        out.write(text);
        big.write(text);
        bytes += text.size();
        paths << path;
    }
    big.close();
    const std::atomic<bool> cancel { false };
    std::size_t points[3] = {};

    const auto today = [&] {
        const BulkLoad::Result r = BulkLoad::run(paths, true, 3, cancel, {});
        points[0] = 0;
        for (const BulkLoad::File& f : r.files)
            points[0] += pointsOf(*f.builder);
    };
    const auto before = [&] {
        std::vector<std::unique_ptr<RunBuilder>> builders;
        points[1] = 0;
        for (const QString& path : paths) {
            builders.push_back(std::make_unique<RunBuilder>(path));
            RunLoader::load(path, *builders.back(), cancel, {}, 2);
            points[1] += pointsOf(*builders.back());
        }
    };
    const auto oneFile = [&] {
        RunBuilder builder(big.fileName());
        RunLoader::load(big.fileName(), builder, cancel, {}, 2);
        points[2] = pointsOf(builder);
    };
    std::vector<double> times[3];
    const auto timed = [](const auto& f) {
        const std::int64_t t0 = bench::nowNs();
        f();
        return double(bench::nowNs() - t0) / 1e6;
    };
    for (int round = 0; round < 5; ++round) {
        times[0].push_back(timed(today));
        times[1].push_back(timed(before));
        times[2].push_back(timed(oneFile));
    }
    const double mb = double(bytes) / 1e6;
    std::printf("folder of %d runs x 2,000 steps x 4 metrics: %.1f MB, %zu points, %d threads\n",
        files, mb, points[0], BulkLoad::defaultThreads());
    if (points[0] != points[1] || points[0] != points[2])
        std::printf("POINTS DIFFER: %zu %zu %zu\n", points[0], points[1], points[2]);
    const char* names[3] = { "BulkLoad, files side by side (today)",
        "BulkLoad before: one file after the other", "peer: the same records as one file" };
    for (int i = 0; i < 3; ++i) {
        const double ms = bench::median(times[i]);
        std::printf("  %-44s %8.1f ms  %6.0f MB/s  %.2fx the one file\n", names[i], ms,
            mb / (ms / 1e3), ms / bench::median(times[2]));
    }
    return 0;
}
