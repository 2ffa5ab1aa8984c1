// Issue 15, "Runs": a folder of N runs (N = 1,000 and 5,000 files) x 2,000 steps x 4 metrics. The
// window's first charts (`--no-follow --screenshot`, the real binary as a child process: wall time
// and peak RSS) beside `--summary` on the same folder in the same run (the issue's peer), medians
// of 3; a window that takes over a minute is measured once (said in the table).
// Arguments: the run counts (default 1000 5000). TELEMETRY_BENCH_RUNS_DIR=DIR writes the folders
// under DIR and keeps them (reused when complete: for profiling); otherwise a temporary folder.
// The 5,000-run folder is ~1.3 GB: without that much free space it is skipped, and said.
#include "bench_child.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStorageInfo>
#include <QTemporaryDir>

#include <cstdio>

namespace {

constexpr int Steps = 2000;
constexpr int Repeats = 3;
constexpr double SlowWindowSeconds = 60.0;

// One run_begin with a small config, then Steps step_end records of 4 metrics in "context".
QByteArray runFile(int run)
{
    QByteArray out;
    out.reserve(Steps * 130);
    out += R"({"ts":1.0,"tag":"run_begin","id":"run)" + QByteArray::number(run)
        + R"(","config":{"lr":)" + QByteArray::number(1e-4 * (1 + run % 10)) + R"(,"seed":)"
        + QByteArray::number(run) + R"(,"optimizer":"adam"}})" + "\n";
    const double scale = 1.0 + (run % 37) * 0.02;
    for (int s = 0; s < Steps; ++s) {
        const double loss = scale * 2.0 / (1.0 + s * 0.01) + (s * 7 + run) % 13 * 0.001;
        out += "{\"ts\":" + QByteArray::number(2.0 + s * 0.1, 'f', 1)
            + ",\"tag\":\"step_end\",\"step\":" + QByteArray::number(s)
            + ",\"context\":{\"loss\":" + QByteArray::number(loss, 'g', 7)
            + ",\"acc\":" + QByteArray::number(1.0 - loss / 4.0, 'g', 7)
            + ",\"lr\":" + QByteArray::number(1e-3 / (1.0 + s * 0.001), 'g', 7) + ",\"grad_norm\":"
            + QByteArray::number(0.5 + (s * 31 + run) % 101 * 0.01, 'g', 7) + "}}\n";
    }
    return out;
}

bool writeRunsFolder(const QString& folder, int runs)
{
    if (!QDir().mkpath(folder))
        return false;
    if (QFile::exists(folder + QStringLiteral("/complete")))
        return true;
    for (int r = 0; r < runs; ++r) {
        QFile file(folder + QStringLiteral("/run%1.jsonl").arg(r, 5, 10, QLatin1Char('0')));
        if (!file.open(QIODevice::WriteOnly) || file.write(runFile(r)) < 0)
            return false;
    }
    QFile done(folder + QStringLiteral("/complete"));
    return done.open(QIODevice::WriteOnly);
}

qint64 folderBytes(const QString& folder)
{
    qint64 total = 0;
    for (const QFileInfo& f :
        QDir(folder).entryInfoList({ QStringLiteral("*.jsonl") }, QDir::Files))
        total += f.size();
    return total;
}

void printRow(const char* what, const bench::ChildFigures& f)
{
    std::printf("  %-34s %9.2f s %9.0f MiB  (%s of %d)%s\n", what, f.seconds, f.peakMiB,
        f.repeats == 1 ? "once" : "median", f.repeats,
        f.exitCode == 0 ? "" : "  (exit status not 0)");
}

const char* issueFigures(int runs)
{
    if (runs == 1000)
        return "window 19.1 s, 790 MiB; --summary 2.4 s, 204 MiB";
    if (runs == 5000)
        return "window 158-231 s, 3.7 GiB; --summary ~15 s, 940 MiB";
    return "none";
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QString viewer = bench::viewerBinary();
    if (viewer.isEmpty())
        return 1;
    std::vector<int> counts;
    for (int i = 1; i < argc; ++i)
        counts.push_back(QByteArray(argv[i]).toInt());
    if (counts.empty())
        counts = { 1000, 5000 };
    qputenv("QT_QPA_PLATFORM", "offscreen");
    // Each row as it is measured: 5,000 runs take minutes.
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    QTemporaryDir temp;
    const QString keepDir = qEnvironmentVariable("TELEMETRY_BENCH_RUNS_DIR");
    const QString root = keepDir.isEmpty() ? temp.path() : keepDir;
    int status = 0;
    std::printf("a folder of N runs x %d steps x 4 metrics; window = --no-follow --screenshot "
                "(1400x900) until exit, peak RSS of the process\n",
        Steps);
    for (const int runs : counts) {
        const QString folder = root + QStringLiteral("/runs%1").arg(runs);
        const qint64 needed = qint64(runs) * Steps * 135;
        if (!QFile::exists(folder + QStringLiteral("/complete"))
            && QStorageInfo(root).bytesAvailable() < needed + (qint64(1) << 30)) {
            std::printf("%d runs: skipped, %.1f GB needed and less than that + 1 GB free in %s\n",
                runs, double(needed) / 1e9, qPrintable(root));
            continue;
        }
        if (!writeRunsFolder(folder, runs)) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(folder));
            return 1;
        }
        const QString png = temp.filePath(QStringLiteral("shot%1.png").arg(runs));
        const QStringList window { QStringLiteral("--no-follow"), QStringLiteral("--screenshot"),
            png, QStringLiteral("--size"), QStringLiteral("1400x900"), folder };
        const bench::ChildFigures summary =
            bench::medianOfChild(viewer, { QStringLiteral("--summary"), folder }, Repeats);
        // A window that takes over a minute (5,000 runs on the old grid) is measured once.
        const bench::ChildFigures ours =
            bench::medianOfChild(viewer, window, Repeats, SlowWindowSeconds);
        std::printf("%d runs (%.0f M points, %.0f MB):\n", runs, runs * Steps * 4 / 1e6,
            double(folderBytes(folder)) / 1e6);
        printRow("--summary (peer)", summary);
        printRow("window, first charts", ours);
        std::printf("  %-34s %s\n", "issue 15 on old main (reference)", issueFigures(runs));
        std::printf("  window / --summary: %.2fx time, %.2fx peak RSS\n",
            ours.seconds / summary.seconds, ours.peakMiB / summary.peakMiB);
        if (runs == 5000)
            std::printf("  goal: within 1.5x --summary and under 1.5 GB -> %s\n",
                ours.seconds <= 1.5 * summary.seconds && ours.peakMiB * 1.048576 < 1500.0
                    ? "met"
                    : "NOT met");
        if (ours.exitCode != 0 || summary.exitCode != 0)
            status = 1;
    }
    return status;
}
