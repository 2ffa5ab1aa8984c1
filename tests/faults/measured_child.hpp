#pragma once
// Runs a program to its end and reports its wall time and peak resident set (wait4's ru_maxrss),
// which QProcess cannot: it reaps its children itself. stdout and stderr go to files, so a large
// output never blocks the child on a full pipe. The benchmarks run their children with it too
// (tests/bench/bench_child.hpp).

#include <QByteArray>
#include <QElapsedTimer>
#include <QFile>
#include <QStringList>
#include <QTemporaryDir>

#include <csignal>
#include <ctime>
#include <fcntl.h>
#include <spawn.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <vector>

extern char** environ;

namespace faults {

struct MeasuredRun
{
    bool finished = false; // exited normally before the timeout
    int exitCode = -1;
    long peakRssKiB = -1;
    double seconds = 0.0; // wall time from the spawn to the exit (or the kill)
    QByteArray out;
    QByteArray err;
};

// timeoutMs < 0: no limit.
inline MeasuredRun runMeasured(
    const QString& program, const QStringList& arguments, int timeoutMs = 120000)
{
    MeasuredRun run;
    QTemporaryDir dir;
    const QByteArray outPath = QFile::encodeName(dir.filePath(QStringLiteral("out")));
    const QByteArray errPath = QFile::encodeName(dir.filePath(QStringLiteral("err")));

    std::vector<std::string> strings { QFile::encodeName(program).toStdString() };
    for (const QString& a : arguments)
        strings.push_back(a.toStdString());
    std::vector<char*> argv;
    for (std::string& s : strings)
        argv.push_back(s.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(
        &actions, 1, outPath.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(
        &actions, 2, errPath.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    QElapsedTimer timer;
    timer.start();
    pid_t pid = -1;
    const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0)
        return run;

    // Polls for the exit (wait4 has no timeout); 10 ms steps cost nothing next to the run.
    int status = 0;
    rusage usage {};
    pid_t done = 0;
    while ((done = wait4(pid, &status, WNOHANG, &usage)) == 0
        && (timeoutMs < 0 || timer.elapsed() < timeoutMs)) {
        const timespec step { 0, 10 * 1000 * 1000 };
        nanosleep(&step, nullptr);
    }
    run.seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    if (done == 0) {
        kill(pid, SIGKILL);
        wait4(pid, &status, 0, &usage);
        return run;
    }
    run.finished = WIFEXITED(status);
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.peakRssKiB = usage.ru_maxrss;
    QFile out(QFile::decodeName(outPath));
    if (out.open(QIODevice::ReadOnly))
        run.out = out.readAll();
    QFile err(QFile::decodeName(errPath));
    if (err.open(QIODevice::ReadOnly))
        run.err = err.readAll();
    return run;
}

} // namespace faults
