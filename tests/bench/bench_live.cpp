// Live following: a writer appends with the logger while the viewer's Workspace follows the file.
// 1) 10k records/s, flushed per record: latency from the writer's flush to the point being in the
//    store (median, p99; target p99 <= 50 ms). 2) 200k records/s, async logger: records in the
//    store == records written (target: zero lost).
#include "bench_arrival_latency.hpp"
#include "bench_event_loop.hpp"
#include "bench_stats.hpp"
#include "run.hpp"
#include "workspace.hpp"
#include "workspace_test_support.hpp"

#include <telemetry/logger.hpp>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

using namespace viewer;
using viewer::test::lossPoints;
using Clock = std::chrono::steady_clock;

namespace {

using bench::nowNs;
using bench::percentile;

// Opens the file in a Workspace once the logger created it and waits until it follows.
bool follow(Workspace& workspace, const QString& path)
{
    QSignalSpy finished(&workspace, &Workspace::loadFinished);
    workspace.open(path);
    return finished.wait(10000);
}

void latencyAtTenThousandPerSecond(const QString& path)
{
    constexpr int Records = 20000; // 2 s
    constexpr double Rate = 10000.0;
    std::vector<std::atomic<std::int64_t>> sentNs(Records);
    telemetry::TelemetryLogger logger(path.toStdString(), 1);
    Workspace workspace;
    if (!follow(workspace, path)) {
        std::puts("live: the workspace did not finish opening the file");
        return;
    }
    std::vector<double> latencyMs;
    latencyMs.reserve(Records);
    bench::recordArrivalLatency(workspace, sentNs, latencyMs);
    std::thread writer([&] {
        const auto start = Clock::now();
        for (int i = 0; i < Records; ++i) {
            std::this_thread::sleep_until(start
                + std::chrono::nanoseconds(
                    static_cast<std::int64_t>(static_cast<double>(i) * 1e9 / Rate)));
            sentNs[static_cast<std::size_t>(i)].store(nowNs());
            logger.on_step_end(i, { { "loss", 1.0 / (i + 1) } });
        }
    });
    bench::waitUntil(
        [&] { return lossPoints(workspace) >= static_cast<std::size_t>(Records); }, 30000);
    writer.join();
    std::printf("%-44s %8s %8s %8s %10s\n", "live latency, flush -> store", "median", "p99", "max",
        "points");
    std::printf("%-44s %6.1fms %6.1fms %6.1fms %10zu\n", "ours at 10k records/s (flush per record)",
        percentile(latencyMs, 0.5), percentile(latencyMs, 0.99), percentile(latencyMs, 1.0),
        latencyMs.size());
    std::printf(
        "target p99 <= 50 ms -> %s\n", percentile(latencyMs, 0.99) <= 50.0 ? "met" : "NOT met");
}

void nothingLostAtTwoHundredThousandPerSecond(const QString& path)
{
    constexpr int Records = 1000000; // 5 s
    constexpr double Rate = 200000.0;
    telemetry::LoggerOptions options;
    options.async = true;
    options.flush_interval = 1000;
    options.flush_period = std::chrono::milliseconds(20);
    auto logger = std::make_unique<telemetry::TelemetryLogger>(path.toStdString(), options);
    Workspace workspace;
    if (!follow(workspace, path)) {
        std::puts("live: the workspace did not finish opening the file");
        return;
    }
    std::atomic<int> written { 0 };
    std::thread writer([&] {
        const auto start = Clock::now();
        for (int i = 0; i < Records; ++i) {
            if (i % 1000 == 0)
                std::this_thread::sleep_until(start
                    + std::chrono::nanoseconds(
                        static_cast<std::int64_t>(static_cast<double>(i) * 1e9 / Rate)));
            logger->on_step_end(i, { { "loss", 1.0 / (i + 1) }, { "lr", 0.001 } });
        }
        logger->flush();
        written.store(Records);
    });
    QElapsedTimer timer;
    timer.start();
    bench::waitUntil(
        [&] {
            return written.load() != 0
                && lossPoints(workspace) >= static_cast<std::size_t>(Records);
        },
        60000);
    writer.join();
    const double seconds = static_cast<double>(timer.elapsed()) / 1000.0;
    const std::size_t stored = lossPoints(workspace);
    std::printf("%-44s written %d, in store %zu, lost %lld (%.1f s) -> %s\n",
        "ours at 200k records/s (async logger)", Records, stored,
        static_cast<long long>(Records) - static_cast<long long>(stored), seconds,
        stored == static_cast<std::size_t>(Records) ? "met" : "NOT met");
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    latencyAtTenThousandPerSecond(dir.filePath(QStringLiteral("live10k.jsonl")));
    nothingLostAtTwoHundredThousandPerSecond(dir.filePath(QStringLiteral("live200k.jsonl")));
    return 0;
}
