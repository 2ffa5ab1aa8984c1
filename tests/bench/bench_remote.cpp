// Remote sources (issue 16): 1) the first read of a large file over ssh to localhost, to its end
// and parsed into the store, beside `ssh host cat FILE > /dev/null` in the same run (medians).
// 2) Live latency: a line appended to the remote file -> its point in the store (median, p99,
// max), beside the local follower of the same kind of file in the same run.
// Needs Debian's sshd (tests/app/ssh_test_server.hpp); says so and exits 0 without it.

#include "../app/ssh_test_server.hpp"
#include "bench_arrival_latency.hpp"
#include "bench_event_loop.hpp"
#include "bench_stats.hpp"
#include "ssh_command.hpp"
#include "workspace.hpp"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QTemporaryDir>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace viewer;

namespace {

using bench::median;
using bench::nowNs;
using bench::percentile;

double timeSshCat(const QString& file)
{
    QString error;
    QStringList argv =
        SshCommand::plainArgv(RemoteUrl::parse(QStringLiteral("ssh://127.0.0.1/x"), &error),
            QStringLiteral("cat ") + SshCommand::shellQuote(file));
    QProcess process;
    process.setStandardOutputFile(QProcess::nullDevice());
    QElapsedTimer timer;
    timer.start();
    process.start(argv.takeFirst(), argv);
    process.waitForFinished(-1);
    return timer.nsecsElapsed() / 1e9;
}

double timeRemoteRead(const QString& file, qint64* records)
{
    Workspace workspace;
    QElapsedTimer timer;
    timer.start();
    const int id = workspace.open(SshTestServer::url(file), /*follow=*/false);
    QEventLoop loop;
    QObject::connect(&workspace, &Workspace::sourceStateChanged, &loop, [&] {
        const auto state = workspace.source(id).state;
        if (state == Workspace::SourceState::Idle || state == Workspace::SourceState::Failed)
            loop.quit();
    });
    loop.exec();
    const double seconds = timer.nsecsElapsed() / 1e9;
    *records = 0;
    for (int run : workspace.runIds())
        *records += static_cast<qint64>(workspace.run(run)->records.size());
    if (workspace.source(id).state == Workspace::SourceState::Failed)
        std::fprintf(stderr, "failed: %s\n", qPrintable(workspace.source(id).message));
    return seconds;
}

// Follows `openPath` (the file itself, or its ssh:// address) while lines are appended to `file`
// at `rate` per second; returns each line's latency from its write() to its point in the store.
std::vector<double> liveLatencyMs(
    const QString& openPath, const QString& file, int lines, double rate)
{
    QFile(file).open(QIODevice::WriteOnly); // empty
    std::vector<std::atomic<std::int64_t>> sentNs(static_cast<std::size_t>(lines));
    Workspace workspace;
    const int id = workspace.open(openPath);
    QElapsedTimer clock;
    clock.start();
    while (
        workspace.source(id).state != Workspace::SourceState::Following && clock.elapsed() < 30000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    std::vector<double> latency;
    bench::recordArrivalLatency(workspace, sentNs, latency);
    std::thread writer([&] {
        const int fd = ::open(QFile::encodeName(file).constData(), O_WRONLY | O_APPEND);
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < lines && fd >= 0; ++i) {
            std::this_thread::sleep_until(
                start + std::chrono::nanoseconds(static_cast<std::int64_t>(i * 1e9 / rate)));
            const QByteArray line = "{\"tag\": \"step_end\", \"step\": " + QByteArray::number(i)
                + ", \"context\": {\"loss\": 0.5}}\n";
            sentNs[static_cast<std::size_t>(i)].store(nowNs());
            if (::write(fd, line.constData(), static_cast<std::size_t>(line.size())) != line.size())
                break;
        }
        if (fd >= 0)
            ::close(fd);
    });
    clock.restart();
    // Every line is one step below `lines`: a latency per point that arrived.
    bench::waitUntil([&] { return latency.size() >= static_cast<std::size_t>(lines); }, 60000);
    writer.join();
    if (latency.size() < static_cast<std::size_t>(lines))
        std::fprintf(stderr, "live: %zu of %d points arrived from %s\n", latency.size(), lines,
            qPrintable(openPath));
    return latency;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    SshTestServer server;
    QString why;
    if (!server.startAsTheSshCommand(&why)) {
        std::printf("bench_remote: skipped, sshd cannot run here: %s\n", qPrintable(why));
        return 0;
    }
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("big.jsonl"));
    {
        QFile out(file);
        out.open(QIODevice::WriteOnly);
        QByteArray block;
        for (int i = 0; i < 1000000; ++i) {
            block += "{\"ts\": " + QByteArray::number(1700000000.0 + i * 0.01, 'f', 3)
                + ", \"tag\": \"step_end\", \"step\": " + QByteArray::number(i)
                + ", \"context\": {\"loss\": 0.123456, \"lr\": 0.0003, \"metrics\": {\"acc\": "
                  "0.9}}}\n";
            if (block.size() > (1 << 20)) {
                out.write(block);
                block.clear();
            }
        }
        out.write(block);
    }
    const double megabytes = QFileInfo(file).size() / 1e6;
    std::vector<double> cat;
    std::vector<double> ours;
    qint64 records = 0;
    for (int i = 0; i < 3; ++i) {
        cat.push_back(timeSshCat(file));
        ours.push_back(timeRemoteRead(file, &records));
    }
    if (!cat.empty())
        std::printf(
            "remote first read, %.0f MB over ssh to localhost, %lld records into the store: "
            "%.2f s (%.0f MB/s); peer `ssh host cat FILE > /dev/null`: %.2f s (%.0f MB/s); "
            "ratio %.2fx (medians of 3)\n",
            megabytes, static_cast<long long>(records), median(ours), megabytes / median(ours),
            median(cat), megabytes / median(cat), median(ours) / median(cat));

    // 2) 600 lines at 50 per second (a trainer logging every step), each line written at once.
    constexpr int Lines = 600;
    constexpr double Rate = 50.0;
    const QString live = dir.filePath(QStringLiteral("live.jsonl"));
    const std::vector<double> local = liveLatencyMs(live, live, Lines, Rate);
    const std::vector<double> remote = liveLatencyMs(SshTestServer::url(live), live, Lines, Rate);
    std::printf("%-52s %8s %8s %8s %7s\n", "live latency, write() -> point in the store", "median",
        "p99", "max", "points");
    std::printf("%-52s %6.1fms %6.1fms %6.1fms %7zu\n", "remote (ssh to localhost), 50 lines/s",
        percentile(remote, 0.5), percentile(remote, 0.99), percentile(remote, 1.0), remote.size());
    std::printf("%-52s %6.1fms %6.1fms %6.1fms %7zu\n", "peer: local follower, 50 lines/s",
        percentile(local, 0.5), percentile(local, 0.99), percentile(local, 1.0), local.size());
    return 0;
}
