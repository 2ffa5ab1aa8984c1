// The fatal-signal handler: a child process logs, then crashes; the file must hold every record it
// logged plus one error record naming the signal (docs/bad-inputs.md W21, W22). Children are forked
// so that the crash stays theirs.

#include "data_table.hpp"
#include "logger_test_support.hpp"

#include <telemetry/logger.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace telemetry;
namespace fs = std::filesystem;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool sanitized = true;
#else
constexpr bool sanitized = false;
#endif

enum class Crash
{
    null_write,
    abort_call,
    divide_by_zero,
    raise_bus,
    stack_overflow
};

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winfinite-recursion"
[[gnu::noinline]] int recurse(volatile int depth)
{
    volatile char frame[512];
    frame[0] = static_cast<char>(depth);
    return recurse(depth + 1) + frame[0];
}
#pragma GCC diagnostic pop

// Not instrumented by UBSan: under -fsanitize=undefined with halt_on_error the null write and the
// division would stop the child with a UBSan report before the signal the handler must see.
[[noreturn]] __attribute__((no_sanitize("undefined"))) void crash(Crash how)
{
    switch (how) {
    case Crash::null_write: {
        volatile int* volatile target = nullptr;
        *target = 42;
        break;
    }
    case Crash::abort_call:
        std::abort();
    case Crash::divide_by_zero: {
        volatile int numerator = 7; // not 1: GCC turns 1 / x into a comparison
        volatile int zero = 0;
        volatile int result = numerator / zero;
        (void)result;
        break;
    }
    case Crash::raise_bus:
        std::raise(SIGBUS);
        break;
    case Crash::stack_overflow:
        recurse(0);
        break;
    }
    ::_exit(99); // not reached when the crash works
}

// Forks; the child runs `body` with the default fatal-signal dispositions (not QtTest's) and no
// core dumps. Returns the wait status, or -1 if the child had to be killed after the timeout.
int run_child(const std::function<void()>& body, int timeout_ms = 15000)
{
    const pid_t pid = ::fork();
    if (pid == 0) {
        for (int sig : { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL }) {
            std::signal(sig, SIG_DFL);
        }
        rlimit no_core { 0, 0 };
        ::setrlimit(RLIMIT_CORE, &no_core);
        body();
        ::_exit(0);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return status;
}

bool died_of(int status, int signal)
{
    if (WIFSIGNALED(status)) {
        return WTERMSIG(status) == signal;
    }
    // Under AddressSanitizer a real fault goes on to ASan's own handler, which exits with 1.
    return sanitized && WIFEXITED(status) && WEXITSTATUS(status) != 0;
}

} // namespace

class TestCrashHandler : public QObject, private test::TempFolder
{
    Q_OBJECT

private slots:
    void init();
    void fatalSignal_data();
    void fatalSignal();
    void handlerIsOptIn();
    void repeatedCrashesNeverHang();
    void killedChildLeavesWholeLines_data();
    void killedChildLeavesWholeLines();
    void installAndUninstall();
};

void TestCrashHandler::init()
{
    QVERIFY(renewFolder());
}

void TestCrashHandler::fatalSignal_data()
{
    testing::addColumns<bool, int, int, QString>({ "async", "how", "signal", "name" });
    for (bool async : { false, true }) {
        const char* mode = async ? "async" : "sync";
        QTest::addRow("%s SIGSEGV (null write)", mode)
            << async << int(Crash::null_write) << SIGSEGV << "SIGSEGV";
        QTest::addRow("%s SIGABRT (abort)", mode)
            << async << int(Crash::abort_call) << SIGABRT << "SIGABRT";
        QTest::addRow("%s SIGFPE (division by zero)", mode)
            << async << int(Crash::divide_by_zero) << SIGFPE << "SIGFPE";
        QTest::addRow("%s SIGBUS (raised)", mode)
            << async << int(Crash::raise_bus) << SIGBUS << "SIGBUS";
        if (!sanitized) {
            QTest::addRow("%s SIGSEGV (stack overflow)", mode)
                << async << int(Crash::stack_overflow) << SIGSEGV << "SIGSEGV";
        }
    }
}

// Every record logged before the crash (all still buffered: flush_interval 1000) plus the
// signal's error record, as whole lines, and the process dies of its signal.
void TestCrashHandler::fatalSignal()
{
    QFETCH(bool, async);
    QFETCH(int, how);
    QFETCH(int, signal);
    QFETCH(QString, name);
    constexpr int records = 50;
    const int status = run_child([&] {
        LoggerOptions options;
        options.async = async;
        options.flush_interval = 1000;
        options.crash_handler = true;
        options.static_fields = { { "rank", 7 } };
        TelemetryLogger log(file(), options);
        for (int i = 0; i < records; ++i) {
            log.on_step_end(i, { { "loss", 1.0 / (i + 1) } });
        }
        crash(static_cast<Crash>(how));
    });
    QVERIFY2(status != -1, "the crashed child hung");
    QVERIFY2(died_of(status, signal), qPrintable(QString("wait status %1").arg(status)));
    std::string tail;
    const auto lines = test::read_lines(file(), &tail);
    QVERIFY(tail.empty());
    QCOMPARE(lines.size(), std::size_t(1 + records + 1));
    for (int i = 0; i < records; ++i) {
        const auto record = test::parse_strict(lines[std::size_t(i) + 1]);
        QCOMPARE(record["step"].get<int>(), i);
    }
    const auto error = test::parse_strict(lines.back());
    QVERIFY2(!error.is_discarded(), lines.back().c_str());
    QCOMPARE(error["tag"].get<std::string>(), std::string("error"));
    QCOMPARE(QString::fromStdString(error["type"].get<std::string>()), name);
    QCOMPARE(error["signal"].get<int>(), signal);
    QCOMPARE(error["rank"].get<int>(), 7);
    QVERIFY(!error["message"].get<std::string>().empty());
    QVERIFY(lines.back().rfind("{\"ts\":", 0) == 0);
}

// Without the option, a crash loses the buffer and writes nothing of its own.
void TestCrashHandler::handlerIsOptIn()
{
    const int status = run_child([&] {
        TelemetryLogger log(file(), 1000);
        log.on_step_end(0);
        crash(Crash::abort_call);
    });
    QVERIFY(died_of(status, SIGABRT));
    QCOMPARE(test::read_lines(file()).size(), std::size_t(1)); // run_begin only
}

// W22: 100 crashes while two other threads keep logging: the handler never deadlocks, and the
// file holds whole lines only, with exactly one error record.
void TestCrashHandler::repeatedCrashesNeverHang()
{
    constexpr int runs = 100;
    for (int run = 0; run < runs; ++run) {
        const fs::path path = file("run" + std::to_string(run) + ".jsonl");
        const int status = run_child(
            [&] {
                LoggerOptions options;
                options.async = run % 2 == 0;
                options.async_queue_bytes = 64 << 10; // bounds what the handler has to write
                options.flush_interval = 64;
                options.crash_handler = true;
                TelemetryLogger log(path, options);
                std::atomic<bool> started { false };
                std::vector<std::thread> busy;
                for (int t = 0; t < 2; ++t) {
                    busy.emplace_back([&log, &started, t] {
                        for (int i = 0;; ++i) {
                            log.on_step_end(i, { { "thread", t }, { "loss", 0.5 } });
                            started = true;
                        }
                    });
                }
                while (!started.load()) {
                    std::this_thread::yield();
                }
                for (int i = 0; i < 100; ++i) {
                    log.on_step_begin(i);
                }
                crash(Crash::abort_call);
            },
            10000);
        QVERIFY2(status != -1, qPrintable(QString("run %1 hung").arg(run)));
        QVERIFY(died_of(status, SIGABRT));
        std::string tail;
        const auto lines = test::read_lines(path, &tail);
        QVERIFY(tail.empty());
        int errors = 0;
        for (const auto& line : lines) {
            const auto record = test::parse_strict(line);
            QVERIFY2(!record.is_discarded(), line.c_str());
            errors += record["tag"] == "error" ? 1 : 0;
        }
        QCOMPARE(errors, 1);
        QVERIFY(lines.size() >= 1 + 100 + 1);
    }
}

void TestCrashHandler::killedChildLeavesWholeLines_data()
{
    testing::addTable<int>({ "interval" },
        {
            { "sync, every record", 1 },
            { "batched by 100", 100 },
        });
}

// W21: SIGKILL cannot be caught. Unbatched, every record is there; batched, a prefix of whole
// records (never a torn line in the middle).
void TestCrashHandler::killedChildLeavesWholeLines()
{
    QFETCH(int, interval);
    constexpr int records = 250;
    const int status = run_child([&] {
        TelemetryLogger log(file(), static_cast<std::size_t>(interval));
        for (int i = 0; i < records; ++i) {
            log.on_step_end(i, { { "loss", 1.0 } });
        }
        std::raise(SIGKILL);
    });
    QVERIFY(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    std::string tail;
    const auto lines = test::read_lines(file(), &tail);
    QVERIFY(tail.empty());
    // run_begin, then every record (unbatched) or the two complete batches of 100.
    const std::size_t expected = 1 + (interval == 1 ? records : records / 100 * 100);
    QCOMPARE(lines.size(), expected);
    for (std::size_t i = 1; i < lines.size(); ++i) {
        QCOMPARE(test::parse_strict(lines[i])["step"].get<std::size_t>(), i - 1);
    }
}

void TestCrashHandler::installAndUninstall()
{
    const int status = run_child([] {
        struct sigaction before
        {
        };
        ::sigaction(SIGSEGV, nullptr, &before);
        install_crash_handler();
        install_crash_handler(); // idempotent
        struct sigaction during
        {
        };
        ::sigaction(SIGSEGV, nullptr, &during);
        const bool installed =
            crash_handler_installed() && during.sa_sigaction != before.sa_sigaction;
        uninstall_crash_handler();
        struct sigaction after
        {
        };
        ::sigaction(SIGSEGV, nullptr, &after);
        const bool restored = !crash_handler_installed() && after.sa_handler == before.sa_handler;
        ::_exit(installed && restored ? 0 : 1);
    });
    QVERIFY(WIFEXITED(status));
    QCOMPARE(WEXITSTATUS(status), 0);
}

QTEST_GUILESS_MAIN(TestCrashHandler)
#include "tst_crash_handler.moc"
