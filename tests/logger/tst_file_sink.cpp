// The file side of TelemetryLogger when the file system misbehaves: disk full, unwritable paths,
// short writes and EINTR, a failure in the middle of a line, the buffer bound, fsync errors
// (docs/bad-inputs.md W12-W15). Faults are injected through telemetry::detail::IoHooks.

#include "data_table.hpp"
#include "logger_test_support.hpp"

#include <telemetry/detail/io_hooks.hpp>
#include <telemetry/logger.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace telemetry;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// Fault injection state, read by the hooks below.
std::atomic<int> write_calls { 0 };
std::atomic<long long> byte_budget { -1 }; // -1: unlimited; else bytes left before ENOSPC
std::atomic<int> fsync_failures_left { 0 };

ssize_t short_and_interrupted_write(int fd, const void* data, std::size_t size)
{
    if (write_calls.fetch_add(1) % 3 == 2) {
        errno = EINTR;
        return -1;
    }
    return ::write(fd, data, std::min<std::size_t>(size, 7));
}

ssize_t budgeted_write(int fd, const void* data, std::size_t size)
{
    write_calls.fetch_add(1);
    const long long budget = byte_budget.load();
    if (budget == 0) {
        errno = ENOSPC;
        return -1;
    }
    if (budget > 0 && static_cast<long long>(size) > budget) {
        size = static_cast<std::size_t>(budget);
    }
    const ssize_t n = ::write(fd, data, size);
    if (budget > 0 && n > 0) {
        byte_budget.fetch_sub(n);
    }
    return n;
}

int failing_fsync(int fd)
{
    if (fsync_failures_left.load() > 0) {
        fsync_failures_left.fetch_sub(1);
        errno = EIO;
        return -1;
    }
    return ::fsync(fd);
}

std::atomic<bool> gate_closed { false };
std::atomic<int> writers_at_gate { 0 };

ssize_t gated_write(int fd, const void* data, std::size_t size)
{
    if (gate_closed.load()) {
        writers_at_gate.fetch_add(1);
        while (gate_closed.load()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    return ::write(fd, data, size);
}

std::atomic<int> writes_with_blob { 0 };

// Counts the writes that carry any part of a run of 'x' (only the big record has one).
ssize_t measured_write(int fd, const void* data, std::size_t size)
{
    write_calls.fetch_add(1);
    const std::string_view bytes(static_cast<const char*>(data), size);
    if (bytes.find("xxxxxxxx") != std::string_view::npos) {
        writes_with_blob.fetch_add(1);
    }
    return ::write(fd, data, size);
}

const detail::IoHooks measured { &measured_write, &::fsync };
const detail::IoHooks short_writes { &short_and_interrupted_write, &::fsync };
const detail::IoHooks gated { &gated_write, &::fsync };
const detail::IoHooks budgeted { &budgeted_write, &failing_fsync };

std::size_t line_count(const fs::path& path)
{
    return test::read_lines(path).size();
}

} // namespace

class TestFileSink : public QObject, private test::TempFolder
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void diskFull_data();
    void diskFull();
    void unwritablePath_data();
    void unwritablePath();
    void recoversWhenThePathBecomesWritable();
    void shortWritesAndEintr_data();
    void shortWritesAndEintr();
    void failureInTheMiddleOfALineIsCompleted();
    void bufferBoundDropsAndSaysSo_data();
    void bufferBoundDropsAndSaysSo();
    void asyncQueueOverflowDropsAndSaysSo();
    void fsyncFailureIsReportedNotRetriedIntoSuccess();
    void fsyncFailureIsReportedByClose();
    void hugeRecordIsOneWrite_data();
    void hugeRecordIsOneWrite();
    void handlerMayLogAndMayThrow();
};

void TestFileSink::init()
{
    QVERIFY(renewFolder());
    write_calls = 0;
    byte_budget = -1;
    gate_closed = false;
    writers_at_gate = 0;
    fsync_failures_left = 0;
    writes_with_blob = 0;
}

void TestFileSink::cleanup()
{
    detail::set_io_hooks(nullptr);
}

void TestFileSink::diskFull_data()
{
    test::addSyncAndAsyncRows();
}

// W12: logging to /dev/full never throws; ENOSPC is reported (rate-limited) and queryable, and
// later calls fail fast: no new write attempt before retry_interval has passed.
void TestFileSink::diskFull()
{
    QFETCH(bool, async);
    auto clock = std::make_shared<ManualClock>();
    std::vector<LoggerError> reports;
    LoggerOptions options;
    options.async = async;
    options.clock = clock;
    options.error_handler = [&](const LoggerError& e) { reports.push_back(e); };
    TelemetryLogger log("/dev/full", options);
    QVERIFY(log.last_error().has_value());
    QCOMPARE(log.last_error()->kind, LoggerError::Kind::write);
    QCOMPARE(log.last_error()->error_number, ENOSPC);
    QCOMPARE(log.stats().write_errors, std::uint64_t(1));
    for (int i = 0; i < 1000; ++i) {
        log.on_step_end(i, { { "loss", 1.0 } });
    }
    QVERIFY(!log.flush()); // explicit flush tries (and fails) once
    QCOMPARE(log.stats().write_errors, std::uint64_t(2));
    QCOMPARE(log.stats().written, std::uint64_t(0));
    QCOMPARE(reports.size(), std::size_t(1)); // the second failure came within a second
    QCOMPARE(QString::fromStdString(reports[0].message),
        QString(
            "write to '/dev/full' failed: No space left on device (1 records kept for a retry)"));
    clock->advance(2s);
    log.on_epoch_end(0, { { "val_loss", 1.0 } }); // urgent: tries at once
    QCOMPARE(log.stats().write_errors, std::uint64_t(3));
    QCOMPARE(reports.size(), std::size_t(2));
    QCOMPARE(reports[1].suppressed, std::uint64_t(1));
    QCOMPARE(log.stats().records, std::uint64_t(1002));
}

void TestFileSink::unwritablePath_data()
{
    testing::addTable<QString, QString>({ "kind", "message" },
        {
            { "parent is a file", "parent-file", "cannot create folder" },
            { "path is a folder", "folder", "Is a directory" },
            { "permission denied", "permission", "Permission denied" },
            { "read-only file system", "proc", "cannot" },
        });
}

// W15: a clear error at open (status, not an exception), no crash, no silent no-op; the records
// stay buffered for a retry.
void TestFileSink::unwritablePath()
{
    QFETCH(QString, kind);
    QFETCH(QString, message);
    fs::path path;
    if (kind == "parent-file") {
        std::ofstream(file("blocker")) << "x";
        path = file("blocker") / "sub" / "run.jsonl";
    } else if (kind == "folder") {
        fs::create_directories(file("a-folder"));
        path = file("a-folder");
    } else if (kind == "permission") {
        if (::geteuid() == 0) {
            QSKIP("root ignores file permissions");
        }
        fs::create_directories(file("locked"));
        fs::permissions(file("locked"), fs::perms::owner_read | fs::perms::owner_exec);
        path = file("locked") / "run.jsonl";
    } else {
        path = "/proc/telemetry-test/run.jsonl";
    }
    LoggerOptions options;
    options.error_handler = [](const LoggerError&) {};
    TelemetryLogger log(path, options);
    log.on_step_end(0, { { "loss", 1.0 } });
    QVERIFY(!log.flush());
    const auto error = log.last_error();
    QVERIFY(error.has_value());
    QCOMPARE(error->kind, LoggerError::Kind::open);
    QVERIFY(error->error_number != 0);
    QVERIFY2(QString::fromStdString(error->message).contains(message), error->message.c_str());
    QCOMPARE(log.stats().written, std::uint64_t(0));
    QCOMPARE(log.stats().records, std::uint64_t(2));
    if (kind == "permission") {
        fs::permissions(file("locked"), fs::perms::owner_all);
    }
}

// W12/W15: once the path can be written, every buffered record reaches the file exactly once,
// run_begin first.
void TestFileSink::recoversWhenThePathBecomesWritable()
{
    std::ofstream(file("blocker")) << "x";
    const fs::path path = file("blocker") / "run.jsonl";
    LoggerOptions options;
    options.error_handler = [](const LoggerError&) {};
    TelemetryLogger log(path, options);
    for (int i = 0; i < 10; ++i) {
        log.on_step_end(i, { { "loss", 1.0 } });
    }
    QVERIFY(!log.flush());
    fs::remove(file("blocker"));
    QVERIFY(log.flush());
    const auto lines = test::read_lines(path);
    QCOMPARE(lines.size(), std::size_t(11));
    QVERIFY(lines[0].find("\"tag\":\"run_begin\"") != std::string::npos);
    for (int i = 0; i < 10; ++i) {
        QCOMPARE(test::parse_strict(lines[std::size_t(i) + 1])["step"].get<int>(), i);
    }
}

void TestFileSink::shortWritesAndEintr_data()
{
    test::addSyncAndAsyncRows();
}

// W13: short writes and EINTR change nothing in the output.
void TestFileSink::shortWritesAndEintr()
{
    QFETCH(bool, async);
    auto write = [&](const fs::path& path) {
        LoggerOptions options;
        options.async = async;
        options.flush_interval = 10;
        options.clock = std::make_shared<ManualClock>(1700000000.0);
        options.run_id = "fixed";
        TelemetryLogger log(path, options);
        for (int i = 0; i < 200; ++i) {
            log.on_step_end(i, { { "loss", 1.0 / (i + 1) }, { "name", "step \xE2\x82\xAC" } });
        }
        log.on_epoch_end(0, { { "val_loss", 0.5 } });
    };
    write(file("clean.jsonl"));
    detail::set_io_hooks(&short_writes);
    write(file("faulty.jsonl"));
    detail::set_io_hooks(nullptr);
    QVERIFY(write_calls.load() > 1000);
    QCOMPARE(test::read_file(file("faulty.jsonl")), test::read_file(file("clean.jsonl")));
}

// W12: a write that fails half-way through a line leaves a partial tail; the retry continues at
// that exact byte, so the line is completed and no record is written twice.
void TestFileSink::failureInTheMiddleOfALineIsCompleted()
{
    auto clock = std::make_shared<ManualClock>();
    LoggerOptions options;
    options.clock = clock;
    options.error_handler = [](const LoggerError&) {};
    detail::set_io_hooks(&budgeted);
    TelemetryLogger log(file(), options);
    byte_budget = 40; // the next write stops 40 bytes into the first step_end line
    log.on_step_end(0, { { "loss", 1.0 } });
    for (int i = 1; i < 20; ++i) {
        log.on_step_end(i, { { "loss", 1.0 } });
    }
    std::string tail;
    QCOMPARE(test::read_lines(file(), &tail).size(), std::size_t(1));
    QCOMPARE(tail.size(), std::size_t(40));
    QCOMPARE(log.last_error()->error_number, ENOSPC);
    byte_budget = -1;
    QVERIFY(log.flush());
    const auto lines = test::read_lines(file(), &tail);
    QVERIFY(tail.empty());
    QCOMPARE(lines.size(), std::size_t(21));
    for (int i = 0; i < 20; ++i) {
        const auto record = test::parse_strict(lines[std::size_t(i) + 1]);
        QVERIFY(!record.is_discarded());
        QCOMPARE(record["step"].get<int>(), i);
    }
    QCOMPARE(log.stats().written, std::uint64_t(21));
}

// The unwritten buffer is bounded: past max_buffer_bytes records are dropped and counted, and
// once writing works a records_dropped record says how many.
void TestFileSink::bufferBoundDropsAndSaysSo_data()
{
    test::addSyncAndAsyncRows();
}

void TestFileSink::bufferBoundDropsAndSaysSo()
{
    QFETCH(bool, async);
    auto clock = std::make_shared<ManualClock>();
    LoggerOptions options;
    options.async = async;
    options.sequence_numbers = true;
    options.clock = clock;
    options.max_record_bytes = 1024;
    options.max_buffer_bytes = 4096;
    std::vector<LoggerError::Kind> kinds;
    options.error_handler = [&](const LoggerError& e) { kinds.push_back(e.kind); };
    detail::set_io_hooks(&budgeted);
    byte_budget = 0; // disk full from the start
    TelemetryLogger log(file(), options);
    for (int i = 0; i < 200; ++i) {
        log.on_step_end(i, { { "loss", 1.0 } });
    }
    QVERIFY(!log.flush()); // async: the queue is formatted (and the excess dropped) by now
    const auto dropped = log.stats().dropped;
    QVERIFY(dropped > 100 && dropped < 200);
    QVERIFY(std::count(kinds.begin(), kinds.end(), LoggerError::Kind::dropped) >= 1);
    byte_budget = -1;
    QVERIFY(log.flush());
    const auto lines = test::read_lines(file());
    const std::size_t kept = 200 - std::size_t(dropped);
    QCOMPARE(lines.size(), 1 + kept + 1);
    for (std::size_t i = 0; i < kept; ++i) {
        QCOMPARE(test::parse_strict(lines[i + 1])["step"].get<std::size_t>(), i);
    }
    const auto notice = test::parse_strict(lines.back());
    QCOMPARE(notice["tag"].get<std::string>(), std::string("records_dropped"));
    QCOMPARE(notice["count"].get<std::uint64_t>(), dropped);
    QVERIFY2(notice["reason"].get<std::string>().find("max_buffer_bytes") != std::string::npos,
        lines.back().c_str());
    // The notice has a sequence number of its own, after every record kept.
    QCOMPARE(notice["seq"].get<std::uint64_t>(), std::uint64_t(201));
}

// Async mode with OverflowPolicy::drop: while the writer thread is stuck (a slow disk), a full
// queue drops records instead of blocking the training thread; each is counted, and the file
// says how many once writing resumes.
void TestFileSink::asyncQueueOverflowDropsAndSaysSo()
{
    LoggerOptions options;
    options.async = true;
    options.overflow = OverflowPolicy::drop;
    options.async_queue_bytes = 4096;
    options.error_handler = [](const LoggerError&) {};
    detail::set_io_hooks(&gated);
    TelemetryLogger log(file(), options);
    gate_closed = true;
    log.on_step_end(0);
    QTRY_VERIFY_WITH_TIMEOUT(writers_at_gate.load() > 0, 5000); // the writer is stuck in write()
    constexpr int records = 1000;
    for (int i = 1; i <= records; ++i) {
        log.on_step_end(i);
    }
    const auto dropped = log.stats().dropped;
    QVERIFY(dropped > 0);
    gate_closed = false;
    QVERIFY(log.flush());
    const auto lines = test::read_lines(file());
    std::size_t steps = 0;
    std::uint64_t reported = 0;
    for (const auto& line : lines) {
        const auto record = test::parse_strict(line);
        if (record["tag"] == "step_end") {
            ++steps;
        } else if (record["tag"] == "records_dropped") {
            reported += record["count"].get<std::uint64_t>();
            QVERIFY(record["reason"].get<std::string>().find("async queue was full")
                != std::string::npos);
        }
    }
    QCOMPARE(reported, dropped);
    QCOMPARE(steps + dropped, std::uint64_t(records + 1));
}

// W14: a failed fsync is reported as possible data loss, makes the next flush() return false, and
// is not turned into success by retrying: the bytes are not written again.
void TestFileSink::fsyncFailureIsReportedNotRetriedIntoSuccess()
{
    LoggerOptions options;
    options.durable = true;
    options.error_handler = [](const LoggerError&) {};
    detail::set_io_hooks(&budgeted);
    TelemetryLogger log(file(), options);
    QVERIFY(log.flush());
    fsync_failures_left = 1;
    log.on_step_end(0, { { "loss", 1.0 } });
    QCOMPARE(log.stats().fsync_failures, std::uint64_t(1));
    QCOMPARE(log.last_error()->kind, LoggerError::Kind::fsync);
    QCOMPARE(log.last_error()->error_number, EIO);
    QVERIFY(log.last_error()->message.find("may be lost") != std::string::npos);
    QVERIFY(!log.flush()); // reports the failure that happened in between
    QVERIFY(log.flush()); // nothing new failed since
    log.on_step_end(1, { { "loss", 1.0 } });
    QVERIFY(log.flush());
    QCOMPARE(line_count(file()), std::size_t(3)); // step 0 was written once, never again
    QCOMPARE(log.stats().fsync_failures, std::uint64_t(1));
}

// W14: close() reports a failed fsync too (its own final one, or one since the last flush), and
// keeps saying so when asked again.
void TestFileSink::fsyncFailureIsReportedByClose()
{
    LoggerOptions options;
    options.durable = true;
    options.flush_interval = 100;
    options.error_handler = [](const LoggerError&) {};
    detail::set_io_hooks(&budgeted);
    {
        TelemetryLogger log(file("final.jsonl"), options);
        log.on_step_end(0, { { "loss", 1.0 } }); // buffered: close() writes and syncs it
        fsync_failures_left = 1;
        QVERIFY(!log.close());
        QVERIFY(!log.close());
        QCOMPARE(log.stats().fsync_failures, std::uint64_t(1));
        QCOMPARE(log.last_error()->kind, LoggerError::Kind::fsync);
    }
    {
        options.flush_interval = 1;
        TelemetryLogger log(file("between.jsonl"), options);
        fsync_failures_left = 1;
        log.on_step_end(0, { { "loss", 1.0 } }); // written and synced now: the sync fails
        QCOMPARE(log.stats().fsync_failures, std::uint64_t(1));
        QVERIFY(!log.close()); // the final fsync succeeds, the earlier failure is not forgotten
    }
    {
        TelemetryLogger log(file("clean.jsonl"), options);
        log.on_step_end(0, { { "loss", 1.0 } });
        QVERIFY(log.close()); // and without a failure close() says so
    }
    QCOMPARE(line_count(file("final.jsonl")), std::size_t(2));
    QCOMPARE(line_count(file("between.jsonl")), std::size_t(2));
}

void TestFileSink::hugeRecordIsOneWrite_data()
{
    test::addSyncAndAsyncRows();
}

// W10: a 16 MiB record (under a raised max_record_bytes) leaves in a single write(2), whole, while
// other threads log: no other record is interleaved with it, and every line parses.
void TestFileSink::hugeRecordIsOneWrite()
{
    QFETCH(bool, async);
    const std::string blob(std::size_t { 16 } << 20, 'x');
    LoggerOptions options;
    options.async = async;
    options.flush_interval = 1;
    options.max_record_bytes = std::size_t { 32 } << 20;
    detail::set_io_hooks(&measured);
    {
        TelemetryLogger log(file(), options);
        std::atomic<bool> stop { false };
        std::atomic<int> logged { 0 };
        std::thread other([&] {
            for (int i = 0; !stop.load(); ++i) {
                log.on_step_end(i, { { "loss", 0.5 } });
                logged.store(i + 1);
            }
        });
        // The other thread logs before and after the blob, however the threads are scheduled.
        while (logged.load() < 10) {
            std::this_thread::yield();
        }
        log.record("blob", { { "data", blob } });
        const int after_blob = logged.load() + 10;
        while (logged.load() < after_blob) {
            std::this_thread::yield();
        }
        stop = true;
        other.join();
    }
    detail::set_io_hooks(nullptr);
    std::string tail;
    const auto lines = test::read_lines(file(), &tail);
    QVERIFY(tail.empty());
    std::size_t blobs = 0;
    for (const auto& line : lines) {
        if (line.size() > blob.size()) {
            ++blobs;
            QCOMPARE(test::parse_strict(line)["data"].get<std::string>().size(), blob.size());
        } else {
            QVERIFY2(!test::parse_strict(line).is_discarded(), line.substr(0, 200).c_str());
        }
    }
    QCOMPARE(blobs, std::size_t(1));
    QVERIFY(lines.size() >= 1 + 1 + 20); // run_begin, the blob, the other thread's
    // One write carried the whole line (with whole lines around it, perhaps), never a part.
    QCOMPARE(writes_with_blob.load(), 1);
}

// The error handler runs outside the logger's locks: it may log (no deadlock) and may throw
// (contained: the logging call still returns normally).
void TestFileSink::handlerMayLogAndMayThrow()
{
    int calls = 0;
    TelemetryLogger* self = nullptr;
    LoggerOptions options;
    options.error_handler = [&](const LoggerError& e) {
        ++calls;
        if (self != nullptr) { // the first report comes from the constructor (run_begin)
            self->record("logger_problem", { { "message", e.message } });
        }
        throw std::runtime_error("handler failed");
    };
    options.flush_interval = 1;
    {
        auto clock = std::make_shared<ManualClock>();
        options.clock = clock;
        TelemetryLogger log("/dev/full", options);
        self = &log;
        log.on_step_end(0);
        clock->advance(2s);
        log.on_step_end(1);
    }
    QVERIFY(calls >= 1);
}

QTEST_GUILESS_MAIN(TestFileSink)
#include "tst_file_sink.moc"
