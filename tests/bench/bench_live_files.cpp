// Following many live files in the real window (offscreen), issue 15 "Live": F files in a folder,
// each appended R records/s (a step_end with 4 metrics, one write per record, as a trainer's
// flushed logger does) for D seconds. Figures: the viewer's CPU (the process's CPU time minus the
// writer thread's, over the writing, in % of one core), how far the window fell behind (records
// written but not yet in the store, sampled every 100 ms: the largest gap, in seconds of writing),
// and how long after the writers stop every record is shown. Each beside the same window with
// the Workspace's announcements unpaced (setPacedAnnouncements(false): every merge announced,
// the behaviour before AnnouncePacer), in the same run. "Shown" is what the views were told
// (the record count at the Workspace's last runsAppended); the store itself is ahead of it.
// Scenarios: 100 files x 10 records/s, 1 file x 10 records/s, and the peer in the same run: 1 file
// x 1,000 records/s (the same records per second as 100 x 10, in one file). Each in a child process
// of its own; medians of --repeats.
//   bench_live_files [--seconds D] [--repeats R]
#include "bench_child.hpp"
#include "bench_stats.hpp"
#include "main_window.hpp"
#include "settings.hpp"
#include "workspace.hpp"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace viewer;

namespace {

using bench::median;
using bench::threadCpuMs;

double processCpuMs()
{
    rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
}

std::size_t recordCount(const Workspace& workspace)
{
    std::size_t n = 0;
    for (int id : workspace.runIds())
        n += workspace.run(id)->records.size();
    return n;
}

std::string record(int file, long long step)
{
    char line[256];
    const int n = std::snprintf(line, sizeof line,
        "{\"ts\":%.3f,\"tag\":\"step_end\",\"step\":%lld,\"context\":{\"loss\":%.6f,"
        "\"acc\":%.6f,\"lr\":0.0003,\"grad_norm\":%.4f}}\n",
        1.7e9 + double(step) * 0.1, step, 2.0 / (1.0 + double(step) * 0.01 + file),
        1.0 - 1.0 / (1.0 + double(step) * 0.01), 1.0 + double(step % 13) / 10.0);
    return std::string(line, std::size_t(n));
}

// Child: prints "ok cpu_percent max_behind_s catch_up_s".
int runChild(int files, int rate, double seconds, bool paced)
{
    QTemporaryDir dir;
    Settings settings(dir.filePath(QStringLiteral("settings.ini")));
    MainWindow window(&settings);
    window.resize(1400, 900);
    window.show();
    const QString folder = dir.filePath(QStringLiteral("job"));
    QDir().mkpath(folder);
    std::vector<int> fds;
    for (int f = 0; f < files; ++f) {
        const QString path = folder + QStringLiteral("/rank%1.jsonl").arg(f);
        const int fd = ::open(
            QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        const std::string begin =
            "{\"ts\":1700000000,\"tag\":\"run_begin\",\"run\":\"rank" + std::to_string(f) + "\"}\n";
        if (fd < 0 || ::write(fd, begin.data(), begin.size()) < 0)
            return 2;
        fds.push_back(fd);
    }
    Workspace* workspace = window.workspace();
    workspace->setPacedAnnouncements(paced);
    window.openPaths({ folder });
    QElapsedTimer clock;
    clock.start();
    while (recordCount(*workspace) < std::size_t(files) && clock.elapsed() < 60'000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    for (int settle = 0; settle < 20; ++settle) // the first layout and draws are not counted
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);

    std::size_t shown = recordCount(*workspace);
    QObject::connect(
        workspace, &Workspace::runsAppended, workspace, [&] { shown = recordCount(*workspace); });
    std::atomic<long long> written { files }; // the run_begin records
    std::atomic<bool> writing { true };
    double writerCpu = 0;
    std::thread writer([&] {
        const double start = threadCpuMs();
        const auto t0 = std::chrono::steady_clock::now();
        const long long total = static_cast<long long>(seconds * rate);
        // Record k of every file at t0 + k / rate, the files' writes spread over the interval.
        for (long long k = 0; k < total; ++k) {
            for (int f = 0; f < files; ++f) {
                std::this_thread::sleep_until(
                    t0 + std::chrono::duration<double>((double(k) + double(f) / files) / rate));
                const std::string line = record(f, k);
                if (::write(fds[std::size_t(f)], line.data(), line.size()) > 0)
                    written.fetch_add(1);
            }
        }
        writerCpu = threadCpuMs() - start;
        writing = false;
    });
    const double cpu0 = processCpuMs();
    QElapsedTimer wall;
    wall.start();
    double maxBehind = 0;
    const double perSecond = double(files) * rate;
    // Sampled by a timer in the window's own event loop: the loop sleeps between events, as the
    // application's does (a processEvents() loop would spin and count its own spinning).
    QEventLoop loop;
    QTimer sample;
    QObject::connect(&sample, &QTimer::timeout, &loop, [&] {
        const double behind = double(written.load()) - double(shown);
        maxBehind = std::max(maxBehind, behind / perSecond);
        if (!writing.load())
            loop.quit();
    });
    sample.start(100);
    loop.exec();
    writer.join();
    const double cpu = (processCpuMs() - cpu0 - writerCpu) / double(wall.elapsed()) * 100.0;
    QElapsedTimer catchUp;
    catchUp.start();
    QObject::disconnect(&sample, nullptr, &loop, nullptr);
    QObject::connect(&sample, &QTimer::timeout, &loop, [&] {
        if (shown >= std::size_t(written.load()) || catchUp.elapsed() > 120'000)
            loop.quit();
    });
    sample.start(5);
    loop.exec();
    const bool complete = shown == std::size_t(written.load());
    for (int fd : fds)
        ::close(fd);
    std::printf("%s %.1f %.2f %.2f\n", complete ? "ok" : "incomplete", cpu, maxBehind,
        double(catchUp.elapsed()) / 1e3);
    return complete ? 0 : 1;
}

std::vector<double> child(int files, int rate, double seconds, bool paced)
{
    return bench::runSelfAsChild(
        { QStringLiteral("--child"), QString::number(files), QString::number(rate),
            QString::number(seconds), paced ? QStringLiteral("paced") : QStringLiteral("unpaced") },
        600'000);
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() >= 6 && args[1] == QLatin1String("--child"))
        return runChild(args[2].toInt(), args[3].toInt(), args[4].toDouble(),
            args[5] == QLatin1String("paced"));
    const auto option = [&](const QString& name, double fallback) {
        const qsizetype i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args[i + 1].toDouble() : fallback;
    };
    const double seconds = option(QStringLiteral("--seconds"), 20);
    const int repeats = int(option(QStringLiteral("--repeats"), 3));
    struct Scenario
    {
        int files;
        int rate;
        const char* issue; // the issue's figure, measured on main before issue 15
    };
    const Scenario scenarios[] = { { 100, 10, "87-93 %, 15,500 of 60,100 shown at the end" },
        { 1, 10, "13 %" }, { 1, 1000, "(peer: the same records/s in one file)" } };
    std::vector<std::vector<double>> results[3][2]; // [scenario][paced]
    for (int r = 0; r < repeats; ++r) {
        for (int s = 0; s < 3; ++s) {
            for (int paced = 1; paced >= 0; --paced)
                results[s][paced].push_back(
                    child(scenarios[s].files, scenarios[s].rate, seconds, paced == 1));
        }
    }
    std::printf(
        "following live files in the window, %.0f s of writing, medians of %d\n", seconds, repeats);
    std::printf("%-26s %-9s %10s %16s %12s   %s\n", "writers", "views", "viewer CPU",
        "most behind (s)", "catch-up (s)", "issue's figure before");
    for (int s = 0; s < 3; ++s) {
        for (int paced = 1; paced >= 0; --paced) {
            const auto& rows = results[s][paced];
            char label[64];
            std::snprintf(label, sizeof label, "%d file(s) x %d records/s", scenarios[s].files,
                scenarios[s].rate);
            std::printf("%-26s %-9s %9.1f%% %16.2f %12.2f   %s\n", label,
                paced ? "paced" : "unpaced", median(bench::column(rows, 0)),
                median(bench::column(rows, 1)), median(bench::column(rows, 2)),
                paced ? scenarios[s].issue : "");
        }
    }
    return 0;
}
