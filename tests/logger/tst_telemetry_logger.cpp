// TelemetryLogger and its file: run_begin, flushing by count and by time, urgent records, the
// destructor, threads, processes, fork, Python compatibility.

#include "data_table.hpp"
#include "logger_test_support.hpp"

#include <telemetry/detail/io_hooks.hpp>
#include <telemetry/logger.hpp>

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace telemetry;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

LoggerOptions options_for(bool async, std::size_t flush_interval)
{
    LoggerOptions options;
    options.async = async;
    options.flush_interval = flush_interval;
    return options;
}

std::size_t line_count(const fs::path& path)
{
    return test::read_lines(path).size();
}

// The integer after `key` in `line`, or -1.
long long number_after(const std::string& line, std::string_view key)
{
    const std::size_t at = line.find(key);
    if (at == std::string::npos) {
        return -1;
    }
    long long value = -1;
    const char* begin = line.data() + at + key.size();
    std::from_chars(begin, line.data() + line.size(), value);
    return value;
}

std::vector<nlohmann::json> parse_all(const fs::path& path)
{
    std::vector<nlohmann::json> records;
    for (const auto& line : test::read_lines(path)) {
        records.push_back(test::parse_strict(line));
    }
    return records;
}

} // namespace

class TestTelemetryLogger : public QObject, private test::TempFolder
{
    Q_OBJECT

private slots:
    void init();
    void runBeginComesFirst();
    void appendedRunsHaveDistinctIds();
    void createsParentFoldersAndAppends();
    void appendsAfterAnIncompleteLastLine();
    void lineInFlightIsNotAFragment();
    void flushByCount_data();
    void flushByCount();
    void flushByTime_data();
    void flushByTime();
    void quietRunReachesTheFile_data();
    void quietRunReachesTheFile();
    void urgentRecordsAreWrittenAtOnce_data();
    void urgentRecordsAreWrittenAtOnce();
    void destructorFlushes_data();
    void destructorFlushes();
    void exitRunsTheStaticLoggersDestructor_data();
    void exitRunsTheStaticLoggersDestructor();
    void asyncWritesWhatSyncWrites();
    void manyThreads_data();
    void manyThreads();
    void sequenceSurvivesClockGoingBack();
    void pythonReadsEveryLine_data();
    void pythonReadsEveryLine();
    void processesAppendWholeLines();
    void forkDoesNotDuplicateRecords_data();
    void forkDoesNotDuplicateRecords();
    void deletedFileIsCreatedAgain_data();
    void deletedFileIsCreatedAgain();
    void loggingAfterCloseIsCounted();
};

void TestTelemetryLogger::init()
{
    QVERIFY(renewFolder());
}

// docs/format.md: the first record of a run names it, with host, pid, start time and static fields.
void TestTelemetryLogger::runBeginComesFirst()
{
    LoggerOptions options;
    options.static_fields = { { "rank", 2 }, { "experiment", "lr-sweep" } };
    TelemetryLogger log(file(), options);
    const auto records = parse_all(file()); // written at once, before any other record
    QCOMPARE(records.size(), std::size_t(1));
    const auto& begin = records[0];
    QCOMPARE(begin["tag"].get<std::string>(), std::string("run_begin"));
    QCOMPARE(begin["run"].get<std::string>(), log.run_id());
    QVERIFY(!log.run_id().empty());
    QCOMPARE(begin["pid"].get<int>(), int(::getpid()));
    QVERIFY(!begin["host"].get<std::string>().empty());
    QVERIFY(begin["start_time"].get<std::string>().find('T') != std::string::npos);
    QCOMPARE(begin["rank"].get<int>(), 2);
    QVERIFY(begin["ts"].is_number_float());
    const std::string line = test::read_lines(file()).at(0);
    QVERIFY(line.rfind("{\"ts\":", 0) == 0);
    QVERIFY(line.find(",\"tag\":\"run_begin\",\"run\":\"") != std::string::npos);
    log.on_step_end(0, { { "loss", 1.0 } });
    QCOMPARE(parse_all(file()).at(1)["rank"].get<int>(), 2); // static fields on every record
}

// W24: two runs appended to one file can be told apart.
void TestTelemetryLogger::appendedRunsHaveDistinctIds()
{
    std::string first;
    std::string second;
    {
        TelemetryLogger log(file());
        first = log.run_id();
        log.on_step_end(0, { { "loss", 1.0 } });
    }
    {
        TelemetryLogger log(file());
        second = log.run_id();
        log.on_step_end(0, { { "loss", 2.0 } });
    }
    QVERIFY(first != second);
    const auto records = parse_all(file());
    QCOMPARE(records.size(), std::size_t(4));
    QCOMPARE(records[0]["run"].get<std::string>(), first);
    QCOMPARE(records[2]["tag"].get<std::string>(), std::string("run_begin"));
    QCOMPARE(records[2]["run"].get<std::string>(), second);
}

void TestTelemetryLogger::createsParentFoldersAndAppends()
{
    const fs::path nested = file("a/b/c/run.jsonl");
    {
        std::ofstream existing(file("a") / "keep.txt");
    }
    fs::create_directories(nested.parent_path());
    {
        std::ofstream existing(nested);
        existing << R"({"ts": 1.0, "tag": "step_end", "step": 0, "context": {}})"
                 << "\n";
    }
    {
        TelemetryLogger log(file("x/y/z/run.jsonl"));
        log.on_step_begin(1);
        TelemetryLogger appended(nested);
        appended.on_step_begin(2);
    }
    QCOMPARE(line_count(file("x/y/z/run.jsonl")), std::size_t(2));
    const auto lines = test::read_lines(nested);
    QCOMPARE(lines.size(), std::size_t(3));
    QCOMPARE(QByteArray::fromStdString(lines[0]),
        QByteArray(R"({"ts": 1.0, "tag": "step_end", "step": 0, "context": {}})"));
}

// A previous writer killed mid-line left a fragment: our first record starts on a line of its
// own (the fragment stays a bad line for readers, alone, and blank lines are ignored).
void TestTelemetryLogger::appendsAfterAnIncompleteLastLine()
{
    {
        std::ofstream fragment(file());
        fragment << R"({"ts":1.0,"tag":"step_end","step":0,"conte)";
    }
    {
        TelemetryLogger log(file());
        log.on_step_end(1);
    }
    const auto lines = test::read_lines(file());
    QCOMPARE(lines.size(), std::size_t(3));
    QVERIFY(test::parse_strict(lines[0]).is_discarded());
    QCOMPARE(test::parse_strict(lines[1])["tag"].get<std::string>(), std::string("run_begin"));
    QCOMPARE(test::parse_strict(lines[2])["step"].get<int>(), 1);
}

// Another live process's line still being written when we open is not a fragment: no newline of
// ours may cut it in two (or, once it lands, leave a blank line). Four trainers starting on one
// file met this. The other writer finishes its line while the logger watches the fragment (its
// settle pause, hooked): on a loaded machine a thread that merely sleeps could miss that window.
namespace {
std::string in_flight_path;
void finish_the_other_writers_line(long)
{
    std::ofstream rest(in_flight_path, std::ios::app);
    rest << R"(xt":{}})" << '\n';
}
const detail::IoHooks other_writer_finishes { &::write, &::fsync, &finish_the_other_writers_line };
} // namespace

void TestTelemetryLogger::lineInFlightIsNotAFragment()
{
    {
        std::ofstream start(file());
        start << R"({"ts":1.0,"tag":"step_end","step":0,"conte)";
    }
    in_flight_path = file().string();
    detail::set_io_hooks(&other_writer_finishes);
    {
        TelemetryLogger log(file());
        detail::set_io_hooks(nullptr);
        log.on_step_end(1);
        log.flush();
    }
    detail::set_io_hooks(nullptr);
    const auto lines = test::read_lines(file());
    QCOMPARE(lines.size(), std::size_t(3));
    QCOMPARE(test::parse_strict(lines[0])["step"].get<int>(), 0);
    QCOMPARE(test::parse_strict(lines[1])["tag"].get<std::string>(), std::string("run_begin"));
    QCOMPARE(test::parse_strict(lines[2])["step"].get<int>(), 1);
}

void TestTelemetryLogger::flushByCount_data()
{
    test::addSyncAndAsyncRows();
}

// Nothing reaches the file before flush_interval records are buffered; then all of them do.
void TestTelemetryLogger::flushByCount()
{
    QFETCH(bool, async);
    auto clock = std::make_shared<ManualClock>();
    LoggerOptions options = options_for(async, 3);
    options.clock = clock; // frozen: no time-based flush can interfere
    TelemetryLogger log(file(), options);
    QCOMPARE(line_count(file()), std::size_t(1));
    log.on_step_end(0, { { "loss", 1.0 } });
    log.on_step_end(1, { { "loss", 0.9 } });
    QTest::qWait(50); // a negative check: give an async writer the chance to do wrong
    QCOMPARE(line_count(file()), std::size_t(1));
    log.on_step_end(2, { { "loss", 0.8 } });
    QTRY_COMPARE_WITH_TIMEOUT(line_count(file()), std::size_t(4), 5000);
    QCOMPARE(log.stats().written, std::uint64_t(4));
}

void TestTelemetryLogger::flushByTime_data()
{
    test::addSyncAndAsyncRows();
}

// W20 with an injected clock: a single buffered record reaches the file once flush_period has
// passed, with no further record to trigger it (the seed only checked on the next record).
void TestTelemetryLogger::flushByTime()
{
    QFETCH(bool, async);
    auto clock = std::make_shared<ManualClock>();
    LoggerOptions options = options_for(async, 100);
    options.clock = clock;
    TelemetryLogger log(file(), options);
    log.on_step_end(0, { { "loss", 1.0 } });
    clock->advance(4900ms);
    QTest::qWait(60); // negative check: several polls of the worker
    QCOMPARE(line_count(file()), std::size_t(1));
    clock->advance(100ms);
    QTRY_COMPARE_WITH_TIMEOUT(line_count(file()), std::size_t(2), 5000);
    // The seed's rule too: a record arriving after flush_period is written at once.
    clock->advance(6s);
    log.on_step_end(1, { { "loss", 0.5 } });
    QTRY_COMPARE_WITH_TIMEOUT(line_count(file()), std::size_t(3), 5000);
}

void TestTelemetryLogger::quietRunReachesTheFile_data()
{
    test::addSyncAndAsyncRows();
}

// W20 with the real clock and a short period.
void TestTelemetryLogger::quietRunReachesTheFile()
{
    QFETCH(bool, async);
    LoggerOptions options = options_for(async, 1000);
    options.flush_period = 200ms;
    TelemetryLogger log(file(), options);
    log.on_step_end(0, { { "loss", 1.0 } });
    QTRY_COMPARE_WITH_TIMEOUT(line_count(file()), std::size_t(2), 5000);
}

void TestTelemetryLogger::urgentRecordsAreWrittenAtOnce_data()
{
    testing::addColumns<bool, int>({ "async", "hook" });
    for (bool async : { false, true }) {
        const char* mode = async ? "async" : "sync";
        QTest::addRow("%s error", mode) << async << 0;
        QTest::addRow("%s epoch_end", mode) << async << 1;
        QTest::addRow("%s custom error tag", mode) << async << 2;
    }
}

// error and epoch_end are in the file when the call returns, whatever flush_interval says, and
// so is everything logged before them.
void TestTelemetryLogger::urgentRecordsAreWrittenAtOnce()
{
    QFETCH(bool, async);
    QFETCH(int, hook);
    auto clock = std::make_shared<ManualClock>();
    LoggerOptions options = options_for(async, 1000);
    options.clock = clock;
    TelemetryLogger log(file(), options);
    log.on_step_end(0, { { "loss", 1.0 } });
    if (hook == 0) {
        log.on_error(std::runtime_error("diverged"));
    } else if (hook == 1) {
        log.on_epoch_end(0, { { "val_loss", 1.0 } });
    } else {
        log.record("error", { { "type", "Custom" }, { "message", "m" } });
    }
    QCOMPARE(line_count(file()), std::size_t(3)); // no waiting: already there
}

void TestTelemetryLogger::destructorFlushes_data()
{
    test::addSyncAndAsyncRows();
}

// W19: batching with N=100, 5 records, normal exit: all 5 are on disk (the seed loses them).
void TestTelemetryLogger::destructorFlushes()
{
    QFETCH(bool, async);
    {
        TelemetryLogger log(file(), options_for(async, 100));
        for (int i = 0; i < 5; ++i) {
            log.on_step_end(i, { { "loss", 1.0 } });
        }
    }
    QCOMPARE(line_count(file()), std::size_t(6));
}

void TestTelemetryLogger::exitRunsTheStaticLoggersDestructor_data()
{
    test::addSyncAndAsyncRows();
}

// W19 with std::exit: a logger with static storage (the usual global in a trainer) is destroyed by
// exit(), so its 5 batched records reach the file; _exit, for contrast, loses them (documented).
void TestTelemetryLogger::exitRunsTheStaticLoggersDestructor()
{
    QFETCH(bool, async);
    const auto run_child = [&](const fs::path& path, bool quick) {
        const pid_t pid = ::fork();
        if (pid == 0) {
            static TelemetryLogger log(path, options_for(async, 100));
            for (int i = 0; i < 5; ++i) {
                log.on_step_end(i, { { "loss", 1.0 } });
            }
            if (quick) {
                ::_exit(0);
            }
            std::exit(0);
        }
        // Any exit status: under ASan, LeakSanitizer may judge the forked test process at exit.
        int status = 0;
        return ::waitpid(pid, &status, 0) == pid && WIFEXITED(status);
    };
    QVERIFY(run_child(file("exit.jsonl"), false));
    QCOMPARE(line_count(file("exit.jsonl")), std::size_t(6));
    QVERIFY(run_child(file("quick_exit.jsonl"), true));
    QCOMPARE(line_count(file("quick_exit.jsonl")), std::size_t(1)); // run_begin only
}

void TestTelemetryLogger::asyncWritesWhatSyncWrites()
{
    auto write = [&](const char* name, bool async) {
        LoggerOptions options = options_for(async, 7);
        options.clock = std::make_shared<ManualClock>(1700000000.0);
        options.run_id = "fixed";
        options.sequence_numbers = true;
        TelemetryLogger log(file(name), options);
        for (int epoch = 0; epoch < 3; ++epoch) {
            log.on_epoch_begin(epoch, { { "lr", 0.1 / (epoch + 1) } });
            for (int step = 0; step < 50; ++step) {
                log.on_step_begin(step);
                log.on_step_end(
                    step, { { "loss", 1.0 / (step + 1) }, { "m", { { "acc", step * 0.01 } } } });
            }
            log.on_epoch_end(epoch, { { "val_loss", 0.5 } });
        }
        log.on_error(std::out_of_range("index"), { { "where", "eval" } });
    };
    write("sync.jsonl", false);
    write("async.jsonl", true);
    const std::string sync_text = test::read_file(file("sync.jsonl"));
    QCOMPARE(line_count(file("sync.jsonl")), std::size_t(1 + 3 * (2 + 100) + 1));
    QCOMPARE(test::read_file(file("async.jsonl")), sync_text);
}

void TestTelemetryLogger::manyThreads_data()
{
    test::addSyncAndAsyncRows();
}

// 8 threads x 100,000 records: every line whole and parsable, every record exactly once, and the
// sequence numbers a complete 0..N.
void TestTelemetryLogger::manyThreads()
{
    QFETCH(bool, async);
    constexpr int threads = 8;
    constexpr int per_thread = 100000;
    LoggerOptions options = options_for(async, 1000);
    options.sequence_numbers = true;
    {
        TelemetryLogger log(file(), options);
        std::vector<std::thread> workers;
        for (int t = 0; t < threads; ++t) {
            workers.emplace_back([&log, t] {
                for (int i = 0; i < per_thread; ++i) {
                    log.on_step_end(i, { { "thread", t }, { "loss", 1.0 / (i + 1) } });
                }
            });
        }
        for (auto& w : workers) {
            w.join();
        }
        QVERIFY(log.flush());
        QCOMPARE(log.stats().written, std::uint64_t(threads * per_thread + 1));
        QCOMPARE(log.stats().dropped, std::uint64_t(0));
    }
    std::string tail;
    const auto lines = test::read_lines(file(), &tail);
    QVERIFY(tail.empty());
    QCOMPARE(lines.size(), std::size_t(threads * per_thread + 1));
    // nlohmann would take seconds for 800,000 lines: every line's shape and numbers are checked
    // by hand, and every 100th line is parsed in full.
    std::vector<std::vector<char>> seen(threads, std::vector<char>(per_thread, 0));
    std::vector<char> seq(lines.size(), 0);
    std::size_t bad = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        const bool shaped = line.rfind("{\"ts\":", 0) == 0 && line.back() == '}';
        const long long s = number_after(line, ",\"seq\":");
        if (!shaped || s < 0 || std::size_t(s) >= seq.size() || seq[std::size_t(s)] != 0) {
            ++bad;
            continue;
        }
        seq[std::size_t(s)] = 1;
        if (i % 100 == 0 && test::parse_strict(line).is_discarded()) {
            ++bad;
        }
        if (i == 0) {
            continue;
        }
        const long long t = number_after(line, "{\"thread\":");
        const long long step = number_after(line, "\"step\":");
        if (t < 0 || t >= threads || step < 0 || step >= per_thread
            || seen[std::size_t(t)][std::size_t(step)] != 0) {
            ++bad;
            continue;
        }
        seen[std::size_t(t)][std::size_t(step)] = 1;
    }
    QCOMPARE(bad, std::size_t(0));
    for (const auto& per : seen) {
        QVERIFY(std::all_of(per.begin(), per.end(), [](char c) { return c == 1; }));
    }
}

// W23: the wall clock may go back (ts follows it); seq keeps increasing.
void TestTelemetryLogger::sequenceSurvivesClockGoingBack()
{
    auto clock = std::make_shared<ManualClock>(1700000100.0);
    LoggerOptions options;
    options.clock = clock;
    options.sequence_numbers = true;
    TelemetryLogger log(file(), options);
    log.on_step_end(0);
    clock->set_wall(1700000000.0);
    log.on_step_end(1);
    const auto records = parse_all(file());
    QCOMPARE(records.size(), std::size_t(3));
    QVERIFY(records[2]["ts"].get<double>() < records[1]["ts"].get<double>());
    QVERIFY(records[2]["seq"].get<int>() > records[1]["seq"].get<int>());
}

void TestTelemetryLogger::pythonReadsEveryLine_data()
{
    testing::addTable<bool>({ "strict" },
        {
            { "python tokens", false },
            { "strict JSON", true },
        });
}

// docs/format.md: every line loads with Python's json.loads, NaN included. In strict mode the lines
// load even with parse_constant raising on NaN/Infinity (W1/W2).
void TestTelemetryLogger::pythonReadsEveryLine()
{
    QFETCH(bool, strict);
    const QString python = QStandardPaths::findExecutable("python3");
    if (python.isEmpty()) {
        QSKIP("python3 is not installed");
    }
    const double inf = std::numeric_limits<double>::infinity();
    {
        LoggerOptions options;
        options.non_finite = strict ? NonFinite::strict : NonFinite::python;
        options.flush_interval = 50;
        TelemetryLogger log(file(), options);
        log.on_epoch_begin(0, { { "lr", 3e-4 } });
        for (int step = 0; step < 1000; ++step) {
            log.on_step_end(step,
                { { "loss", step == 500 ? std::nan("") : 1.0 / (step + 1) },
                    { "metrics", { { "acc", step * 1e-3 }, { "f", 0.1f } } } });
        }
        log.on_step_end(1000,
            { { "nan", std::nan("") }, { "inf", inf }, { "ninf", -inf },
                { "values",
                    { { "a", 0.1 }, { "b", 5e-324 }, { "c", -0.0 }, { "d", 1.7976931348623157e308 },
                        { "e", 1e-300 } } },
                { "big", std::numeric_limits<std::uint64_t>::max() },
                { "text", "caf\xC3\xA9 \n\t\x01 \xE2\x80\xA8 \xFF" } });
        log.on_error(std::runtime_error("CUDA out of memory"), { { "step", 1000 } });
    }
    const char* script = R"PY(
import json, math, sys
path, mode = sys.argv[1], sys.argv[2]
def refuse(token):
    raise ValueError("bare token " + token)
count = 0
with open(path, encoding="utf-8") as f:
    for number, line in enumerate(f, 1):
        rec = json.loads(line, parse_constant=refuse) if mode == "strict" else json.loads(line)
        assert list(rec)[:2] == ["ts", "tag"], (number, list(rec))
        count += 1
        if rec["tag"] == "step_end" and rec["step"] == 1000:
            c = rec["context"]
            if mode == "strict":
                assert (c["nan"], c["inf"], c["ninf"]) == ("NaN", "Infinity", "-Infinity"), c
            else:
                assert math.isnan(c["nan"]) and c["inf"] == math.inf and c["ninf"] == -math.inf, c
            v = c["values"]
            assert (v["a"], v["b"], v["d"], v["e"]) == (0.1, 5e-324, 1.7976931348623157e308, 1e-300), v
            assert math.copysign(1.0, v["c"]) == -1.0 and isinstance(v["c"], float), v
            assert c["big"] == 18446744073709551615, c
            assert c["text"] == "caf\u00e9 \n\t\x01 \u2028 \ufffd", repr(c["text"])
        if rec["tag"] == "step_end" and rec["step"] == 500 and mode != "strict":
            assert math.isnan(rec["context"]["loss"])
        if rec["tag"] == "error":
            assert rec["type"] == "std::runtime_error" and rec["context"] == {"step": 1000}, rec
print(count)
)PY";
    QProcess process;
    process.start(python,
        { "-c", script, QString::fromStdString(file().string()), strict ? "strict" : "python" });
    QVERIFY(process.waitForFinished(30000));
    const QByteArray errors = process.readAllStandardError();
    QVERIFY2(process.exitCode() == 0, errors.constData());
    QCOMPARE(process.readAllStandardOutput().trimmed(), QByteArray("1004"));
}

// W18: processes appending to one file never tear or mix lines (one write(2) per batch of whole
// lines, O_APPEND).
void TestTelemetryLogger::processesAppendWholeLines()
{
    constexpr int processes = 8;
    constexpr int records = 2000;
    std::vector<pid_t> children;
    const std::string padding(300, 'p');
    for (int p = 0; p < processes; ++p) {
        const pid_t pid = ::fork();
        QVERIFY(pid >= 0);
        if (pid == 0) {
            {
                TelemetryLogger log(file(), options_for(p % 2 == 1, 37));
                for (int i = 0; i < records; ++i) {
                    log.on_step_end(i, { { "process", p }, { "padding", padding } });
                }
            }
            ::_exit(0);
        }
        children.push_back(pid);
    }
    for (pid_t pid : children) {
        int status = 0;
        QCOMPARE(::waitpid(pid, &status, 0), pid);
        QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    std::string tail;
    auto lines = test::read_lines(file(), &tail);
    QVERIFY(tail.empty());
    // No blank line either: a logger opening the file while another process's append is in
    // flight must not take that line for a fragment to end.
    QCOMPARE(std::count(lines.begin(), lines.end(), std::string()), 0);
    QCOMPARE(lines.size(), std::size_t(processes * (records + 1)));
    std::map<int, int> per_process;
    for (const auto& line : lines) {
        const auto record = test::parse_strict(line);
        QVERIFY2(!record.is_discarded(), line.substr(0, 200).c_str());
        if (record["tag"] == "step_end") {
            ++per_process[record["context"]["process"].get<int>()];
        }
    }
    for (int p = 0; p < processes; ++p) {
        QCOMPARE(per_process[p], records);
    }
}

void TestTelemetryLogger::forkDoesNotDuplicateRecords_data()
{
    test::addSyncAndAsyncRows();
}

// W25: records buffered at fork() are written once (by the parent), never again by the child;
// the child may still log through the inherited logger.
void TestTelemetryLogger::forkDoesNotDuplicateRecords()
{
    QFETCH(bool, async);
    {
        TelemetryLogger log(file(), options_for(async, 100));
        for (int i = 0; i < 5; ++i) {
            log.on_step_end(i, { { "loss", 1.0 } });
        }
        const pid_t pid = ::fork();
        QVERIFY(pid >= 0);
        if (pid == 0) {
            log.on_step_end(100, { { "from", "child" } });
            log.flush();
            ::_exit(0);
        }
        int status = 0;
        QCOMPARE(::waitpid(pid, &status, 0), pid);
        QVERIFY(WIFEXITED(status));
        log.on_step_end(5, { { "loss", 1.0 } });
    }
    std::multiset<int> steps;
    for (const auto& record : parse_all(file())) {
        if (record["tag"] == "step_end") {
            steps.insert(record["step"].get<int>());
        }
    }
    QCOMPARE(steps, (std::multiset<int> { 0, 1, 2, 3, 4, 5, 100 }));
}

void TestTelemetryLogger::deletedFileIsCreatedAgain_data()
{
    testing::addTable<bool>({ "removeFolder" },
        {
            { "file deleted", false },
            { "folder vanished", true },
        });
}

// W16 as documented: a deleted log (or its vanished folder) is created again at the next write a
// second or more later, starting with the run's run_begin; a renamed one keeps being written.
void TestTelemetryLogger::deletedFileIsCreatedAgain()
{
    QFETCH(bool, removeFolder);
    auto clock = std::make_shared<ManualClock>();
    LoggerOptions options;
    options.clock = clock;
    std::vector<LoggerError> reports;
    options.error_handler = [&](const LoggerError& e) { reports.push_back(e); };
    const fs::path path = file("logs/run.jsonl");
    TelemetryLogger log(path, options);
    log.on_step_end(0);
    if (removeFolder) {
        fs::remove_all(path.parent_path());
    } else {
        fs::remove(path);
    }
    clock->advance(2s);
    log.on_step_end(1);
    const auto records = parse_all(path);
    QCOMPARE(records.size(), std::size_t(2));
    QCOMPARE(records[0]["tag"].get<std::string>(), std::string("run_begin"));
    QCOMPARE(records[0]["run"].get<std::string>(), log.run_id());
    QCOMPARE(records[1]["step"].get<int>(), 1);
    QCOMPARE(reports.size(), std::size_t(1));
    QCOMPARE(reports[0].kind, LoggerError::Kind::reopened);
    // Renamed: the logger keeps the open file.
    fs::rename(path, file("logs/run.1.jsonl"));
    clock->advance(2s);
    log.on_step_end(2);
    QVERIFY(!fs::exists(path));
    QCOMPARE(line_count(file("logs/run.1.jsonl")), std::size_t(3));
}

void TestTelemetryLogger::loggingAfterCloseIsCounted()
{
    LoggerOptions options;
    options.error_handler = [](const LoggerError&) {};
    TelemetryLogger log(file(), options);
    log.on_step_end(0);
    QVERIFY(log.close());
    QVERIFY(log.close());
    log.on_step_end(1);
    QCOMPARE(log.stats().dropped, std::uint64_t(1));
    QCOMPARE(line_count(file()), std::size_t(2));
    QCOMPARE(log.last_error()->kind, LoggerError::Kind::dropped);
}

QTEST_GUILESS_MAIN(TestTelemetryLogger)
#include "tst_telemetry_logger.moc"
