#pragma once
// The real viewer as a child process: wall time, the child's own peak RSS and exit status, and
// medians over repeats. Used by the benchmarks that set the window beside `--summary` (issue 15).

#include "bench_stats.hpp"

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QStringList>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <vector>

extern char** environ; // NOLINT(readability-redundant-declaration): POSIX declares it nowhere

namespace bench {

struct ChildRun
{
    double seconds = 0.0;
    double peakMiB = 0.0;
    int exitCode = -1;
};

// stdout and stderr go to /dev/null. wait4's rusage is this one child's, not every child's so far.
inline ChildRun runChild(const QString& program, const QStringList& arguments)
{
    std::vector<QByteArray> storage { QFile::encodeName(program) };
    for (const QString& a : arguments)
        storage.push_back(QFile::encodeName(a));
    std::vector<char*> argv;
    for (QByteArray& a : storage)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    ChildRun out;
    const std::int64_t start = nowNs();
    pid_t pid = 0;
    if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return out;
    }
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    rusage usage {};
    wait4(pid, &status, 0, &usage);
    out.seconds = static_cast<double>(nowNs() - start) / 1e9;
    out.peakMiB = static_cast<double>(usage.ru_maxrss) / 1024.0; // KiB on Linux
    out.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

struct ChildFigures
{
    double seconds = 0.0;
    double peakMiB = 0.0;
    int exitCode = 0; // the last non-zero status of any repeat
};

inline ChildFigures medianOfChild(const QString& program, const QStringList& arguments, int repeats)
{
    // Every repeat parses: no re-open cache (read or written) in the children.
    qputenv("TELEMETRY_VIEWER_NO_CACHE", "1");
    std::vector<double> seconds;
    std::vector<double> peaks;
    ChildFigures f;
    for (int i = 0; i < repeats; ++i) {
        const ChildRun r = runChild(program, arguments);
        seconds.push_back(r.seconds);
        peaks.push_back(r.peakMiB);
        if (r.exitCode != 0)
            f.exitCode = r.exitCode;
    }
    f.seconds = median(seconds);
    f.peakMiB = median(peaks);
    return f;
}

} // namespace bench
