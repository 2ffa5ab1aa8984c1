#pragma once
// Benchmarks that measure in a child process, so that its wall time and peak RSS are its own:
// either the real viewer (beside `--summary`, issue 15), or this executable run again with other
// arguments for one scenario (it prints one line "ok N1 N2 ..." or "incomplete ..."). One way to
// run a child: posix_spawn + wait4, because wait4's rusage is this one child's peak RSS, which
// QProcess cannot give (it reaps its children itself).

#include "bench_stats.hpp"

#include <QByteArray>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <csignal>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <limits>
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
    int exitCode = -1; // -1: not started, killed by a signal, or past the timeout
    QByteArray out; // its stdout
    QByteArray
        err; // its stderr (Qt's platform notices on every window run: kept out of the tables)
};

inline QByteArray readAllOf(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Runs `program` to its end (killed after timeoutMs; -1: no limit). stdout and stderr go to files,
// so a large output never blocks the child on a full pipe.
inline ChildRun runChild(const QString& program, const QStringList& arguments, int timeoutMs = -1)
{
    ChildRun run;
    const QTemporaryDir dir;
    const QString outPath = dir.filePath(QStringLiteral("out"));
    const QString errPath = dir.filePath(QStringLiteral("err"));
    std::vector<QByteArray> storage { QFile::encodeName(program) };
    for (const QString& a : arguments)
        storage.push_back(QFile::encodeName(a));
    std::vector<char*> argv;
    for (QByteArray& a : storage)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(
        &actions, 1, QFile::encodeName(outPath).constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(
        &actions, 2, QFile::encodeName(errPath).constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    QElapsedTimer clock;
    clock.start();
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0)
        return run;
    // wait4 has no timeout: polls in 10 ms steps, which cost nothing next to the run.
    int status = 0;
    rusage usage {};
    pid_t done = 0;
    while ((done = wait4(pid, &status, WNOHANG, &usage)) == 0
        && (timeoutMs < 0 || clock.elapsed() < timeoutMs)) {
        const timespec step { 0, 10 * 1000 * 1000 };
        nanosleep(&step, nullptr);
    }
    if (done == 0) {
        kill(pid, SIGKILL);
        wait4(pid, &status, 0, &usage);
    }
    run.seconds = static_cast<double>(clock.nsecsElapsed()) / 1e9;
    run.peakMiB = static_cast<double>(usage.ru_maxrss) / 1024.0; // KiB on Linux
    run.exitCode = done != 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = readAllOf(outPath);
    run.err = readAllOf(errPath);
    return run;
}

struct ChildFigures
{
    double seconds = 0.0; // medians over the repeats
    double peakMiB = 0.0;
    int exitCode = 0; // the last non-zero status of any repeat
    int repeats = 0; // how many ran
};

// Medians of `repeats` runs; stops early after a run slower than stopAfterSeconds (a slow case is
// measured once rather than not at all).
inline ChildFigures medianOfChild(const QString& program, const QStringList& arguments, int repeats,
    double stopAfterSeconds = std::numeric_limits<double>::infinity())
{
    std::vector<double> seconds;
    std::vector<double> peaks;
    ChildFigures f;
    for (int i = 0; i < repeats; ++i) {
        const ChildRun r = runChild(program, arguments);
        seconds.push_back(r.seconds);
        peaks.push_back(r.peakMiB);
        if (r.exitCode != 0)
            f.exitCode = r.exitCode;
        if (r.seconds > stopAfterSeconds)
            break;
    }
    f.seconds = median(seconds);
    f.peakMiB = median(peaks);
    f.repeats = static_cast<int>(seconds.size());
    return f;
}

// This executable run with `arguments`: its numbers after the first word of its output, empty when
// it failed or did not end within timeoutMs (then its stderr is passed on, to say why).
inline std::vector<double> runSelfAsChild(const QStringList& arguments, int timeoutMs)
{
    const ChildRun run = runChild(QCoreApplication::applicationFilePath(), arguments, timeoutMs);
    if (run.exitCode != 0) {
        std::fputs(run.err.constData(), stderr);
        return {};
    }
    const QList<QByteArray> fields = run.out.trimmed().split(' ');
    std::vector<double> numbers;
    for (qsizetype i = 1; i < fields.size(); ++i)
        numbers.push_back(fields[i].toDouble());
    return numbers;
}

// The i-th number of every row that has one.
inline std::vector<double> column(const std::vector<std::vector<double>>& rows, std::size_t i)
{
    std::vector<double> values;
    for (const std::vector<double>& row : rows) {
        if (i < row.size())
            values.push_back(row[i]);
    }
    return values;
}

// The telemetry-viewer the benchmarks measure: TELEMETRY_BIN_DIR, or ../bin beside this benchmark.
// Empty, and said on stderr, when there is none.
inline QString viewerBinary()
{
    const QString binDir = qEnvironmentVariable(
        "TELEMETRY_BIN_DIR", QCoreApplication::applicationDirPath() + QStringLiteral("/../bin"));
    const QString viewer = binDir + QStringLiteral("/telemetry-viewer");
    if (QFileInfo(viewer).isExecutable())
        return viewer;
    std::fprintf(stderr, "no viewer at %s (set TELEMETRY_BIN_DIR)\n", qPrintable(viewer));
    return {};
}

} // namespace bench
