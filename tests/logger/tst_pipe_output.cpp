// Logging into pipes and FIFOs (issue 11, item 7; docs/reliability.md W26): a reader that goes
// away is a write error (EPIPE, reported and counted), never a SIGPIPE that kills the trainer,
// and a FIFO that nobody reads is an open error (ENXIO), never a constructor that waits forever.
// SIGPIPE keeps its default disposition here, as in a trainer that never heard of it.

#include "logger_test_support.hpp"

#include <telemetry/logger.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <functional>
#include <memory>
#include <mutex>
#include <pthread.h>
#include <spawn.h>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace telemetry;
namespace fs = std::filesystem;

namespace {

// Reports arrive on the writer thread in async mode.
class ReportLog
{
public:
    std::function<void(const LoggerError&)> handler()
    {
        return [this](const LoggerError& e) {
            std::lock_guard lock(mutex_);
            reports_.push_back(e);
        };
    }
    std::vector<LoggerError> reports() const
    {
        std::lock_guard lock(mutex_);
        return reports_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<LoggerError> reports_;
};

bool sigpipe_pending()
{
    sigset_t pending;
    sigemptyset(&pending);
    return ::sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
}

bool sigpipe_blocked()
{
    sigset_t mask;
    sigemptyset(&mask);
    return ::pthread_sigmask(SIG_BLOCK, nullptr, &mask) == 0 && sigismember(&mask, SIGPIPE) == 1;
}

std::string read_available(int fd)
{
    std::string text;
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0) {
        text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
}

} // namespace

class TestPipeOutput : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void closedPipeIsAWriteError_data();
    void closedPipeIsAWriteError();
    void fifoWithoutReaderIsReportedNotWaitedFor();
    void trainerSurvivesAClosedPipe();
    void crashIntoAClosedPipeDiesOfItsOwnSignal();
};

void TestPipeOutput::initTestCase()
{
    // The disposition a trainer has unless it changed it: SIGPIPE terminates the process.
    std::signal(SIGPIPE, SIG_DFL);
    QVERIFY(!sigpipe_blocked());
}

void TestPipeOutput::closedPipeIsAWriteError_data()
{
    test::addSyncAndAsyncRows();
}

// A pipe whose read end is closed: without the fix the first write after the close kills this
// test process with SIGPIPE. With it: EPIPE reported and counted, the records kept for a retry,
// and SIGPIPE neither left pending nor left blocked.
void TestPipeOutput::closedPipeIsAWriteError()
{
    QFETCH(bool, async);
    int ends[2] = { -1, -1 };
    QCOMPARE(::pipe2(ends, O_CLOEXEC), 0);
    ::fcntl(ends[0], F_SETFL, O_NONBLOCK);
    ReportLog log_of_reports;
    LoggerOptions options;
    options.async = async;
    options.error_handler = log_of_reports.handler();
    const std::string path = "/proc/self/fd/" + std::to_string(ends[1]);
    auto log = std::make_unique<TelemetryLogger>(path, options);
    QVERIFY(!log->last_error().has_value());
    log->on_step_end(0, { { "loss", 1.0 } });
    QVERIFY(log->flush());
    const std::string before = read_available(ends[0]);
    QCOMPARE(std::count(before.begin(), before.end(), '\n'), 2L); // run_begin, step_end

    ::close(ends[0]);
    log->on_step_end(1, { { "loss", 0.5 } });
    QVERIFY(!log->flush());
    log->on_epoch_end(0, { { "val_loss", 0.5 } }); // urgent: written (tried) at once
    QVERIFY(log->stats().write_errors >= 2);
    QCOMPARE(log->stats().written, std::uint64_t(2));
    QCOMPARE(log->stats().records, std::uint64_t(4));
    QVERIFY(log->last_error().has_value());
    QCOMPARE(log->last_error()->kind, LoggerError::Kind::write);
    QCOMPARE(log->last_error()->error_number, EPIPE);
    const std::vector<LoggerError> reports = log_of_reports.reports();
    QVERIFY(!reports.empty());
    QCOMPARE(QString::fromStdString(reports.front().message),
        QString("write to '%1' failed: Broken pipe (1 records kept for a retry)")
            .arg(QString::fromStdString(path)));
    QVERIFY(!log->close());
    log.reset();
    ::close(ends[1]);
    QVERIFY(!sigpipe_pending());
    QVERIFY(!sigpipe_blocked());
}

// A FIFO that no process reads: the constructor returns at once with ENXIO reported; once a
// reader comes, the kept records (run_begin first) reach it.
void TestPipeOutput::fifoWithoutReaderIsReportedNotWaitedFor()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string fifo = dir.filePath("run.fifo").toStdString();
    QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
    ReportLog log_of_reports;
    LoggerOptions options;
    options.error_handler = log_of_reports.handler();
    std::unique_ptr<TelemetryLogger> log;
    std::atomic<bool> constructed { false };
    std::thread constructor([&] {
        log = std::make_unique<TelemetryLogger>(fifo, options);
        constructed = true;
    });
    // A guard against a hang, not a duration: a constructor blocked in open() never returns.
    if (!QTest::qWaitFor([&] { return constructed.load(); }, 10000)) {
        const int unblock = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK); // lets open() return
        constructor.join();
        ::close(unblock);
        QFAIL("the logger's constructor blocked on a FIFO without a reader");
    }
    constructor.join();
    QVERIFY(log->last_error().has_value());
    QCOMPARE(log->last_error()->kind, LoggerError::Kind::open);
    QCOMPARE(log->last_error()->error_number, ENXIO);
    const std::vector<LoggerError> reports = log_of_reports.reports();
    QCOMPARE(reports.size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(reports[0].message),
        QString("cannot open FIFO '%1': no process has it open for reading (records are kept and "
                "the open retried)")
            .arg(QString::fromStdString(fifo)));
    QCOMPARE(log->stats().write_errors, std::uint64_t(1));

    log->on_step_end(7, { { "loss", 1.0 } });
    const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    QVERIFY(reader >= 0);
    QVERIFY(log->flush());
    const std::string text = read_available(reader);
    ::close(reader);
    QCOMPARE(std::count(text.begin(), text.end(), '\n'), 2L);
    QVERIFY(text.find("\"tag\":\"run_begin\"") < text.find("\"tag\":\"step_end\",\"step\":7"));
}

// The report's case: `example-trainer --out /dev/stdout | head -2`. The reader reads two lines
// and goes; the trainer finishes its run (exit 1: not every record reached the file, and it says
// why), where it used to die of SIGPIPE (exit 141 in a shell).
void TestPipeOutput::trainerSurvivesAClosedPipe()
{
#ifndef EXAMPLE_TRAINER_PATH
    QSKIP("example-trainer is not built (TELEMETRY_LOGGER_BUILD_EXAMPLES=OFF)");
#else
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string errors_path = dir.filePath("stderr.txt").toStdString();
    int ends[2] = { -1, -1 };
    QCOMPARE(::pipe2(ends, O_CLOEXEC), 0);
    // The child as a shell starts it: stdout is the pipe, SIGPIPE at its default, nothing blocked.
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_adddup2(&files, ends[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(
        &files, STDERR_FILENO, errors_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t child_signals;
    sigemptyset(&child_signals);
    posix_spawnattr_setsigmask(&attributes, &child_signals);
    sigaddset(&child_signals, SIGPIPE);
    posix_spawnattr_setsigdefault(&attributes, &child_signals);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    // Paced (about a second of records): still writing when the reader goes.
    const char* argv[] = { EXAMPLE_TRAINER_PATH, "--out", "/dev/stdout", "--steps", "1000",
        "--rate", "2000", nullptr };
    pid_t child = -1;
    const int spawned = ::posix_spawn(
        &child, argv[0], &files, &attributes, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&files);
    posix_spawnattr_destroy(&attributes);
    ::close(ends[1]);
    QCOMPARE(spawned, 0);
    std::string head;
    char byte = 0;
    while (std::count(head.begin(), head.end(), '\n') < 2 && ::read(ends[0], &byte, 1) == 1) {
        head += byte;
    }
    ::close(ends[0]); // `head -2` exits
    QVERIFY2(head.find("\"tag\":\"run_begin\"") != std::string::npos, head.c_str());
    int status = 0;
    bool reaped = false;
    auto exited = [&] { return reaped = reaped || ::waitpid(child, &status, WNOHANG) == child; };
    QTRY_VERIFY_WITH_TIMEOUT(exited(), 60000);
    const QByteArray errors = QByteArray::fromStdString(test::read_file(errors_path));
    QVERIFY2(!WIFSIGNALED(status),
        qPrintable(QString("killed by signal %1").arg(WIFSIGNALED(status) ? WTERMSIG(status) : 0)));
    QVERIFY2(WIFEXITED(status) && WEXITSTATUS(status) == 1, errors.constData());
    QVERIFY2(errors.contains("failed: Broken pipe"), errors.constData());
    QVERIFY2(
        errors.contains("example-trainer: not every record reached the file"), errors.constData());
#endif
}

// The crash handler writes the buffered records into a pipe whose reader is gone: the process
// must still die of its own signal (SIGABRT here), not of a SIGPIPE raised inside the handler.
void TestPipeOutput::crashIntoAClosedPipeDiesOfItsOwnSignal()
{
    const pid_t child = ::fork();
    if (child == 0) {
        for (int sig : { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGPIPE }) {
            std::signal(sig, SIG_DFL); // not QtTest's handlers: die as a plain trainer would
        }
        rlimit no_core { 0, 0 };
        ::setrlimit(RLIMIT_CORE, &no_core);
        int ends[2] = { -1, -1 };
        if (::pipe(ends) != 0) {
            ::_exit(2);
        }
        LoggerOptions options;
        options.crash_handler = true;
        options.flush_interval = 100; // records stay buffered for the crash handler
        options.error_handler = [](const LoggerError&) {};
        TelemetryLogger log("/proc/self/fd/" + std::to_string(ends[1]), options);
        log.on_step_end(0, { { "loss", 1.0 } });
        ::close(ends[0]); // the reader goes
        std::abort();
    }
    QVERIFY(child > 0);
    int status = 0;
    bool reaped = false;
    auto exited = [&] { return reaped = reaped || ::waitpid(child, &status, WNOHANG) == child; };
    QTRY_VERIFY_WITH_TIMEOUT(exited(), 30000);
#if defined(__SANITIZE_ADDRESS__)
    // ASan's own SIGABRT handling may turn the death into an exit status; SIGPIPE stays wrong.
    QVERIFY(!(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE));
#else
    QVERIFY2(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
        qPrintable(QString("status %1, signal %2")
                       .arg(status)
                       .arg(WIFSIGNALED(status) ? WTERMSIG(status) : 0)));
#endif
}

QTEST_GUILESS_MAIN(TestPipeOutput)
#include "tst_pipe_output.moc"
