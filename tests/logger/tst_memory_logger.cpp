// MemoryLogger: records kept in memory with exact values, the same lines as the file logger,
// readable while other threads log.

#include "logger_test_support.hpp"

#include <telemetry/logger.hpp>

#include <QtTest>

#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace telemetry;

class TestMemoryLogger : public QObject
{
    Q_OBJECT

private slots:
    void keepsRecordsInOrder();
    void valuesStayExact();
    void linesMatchTheFileFormat();
    void clearEmpties();
    void readableWhileOthersLog();
};

void TestMemoryLogger::keepsRecordsInOrder()
{
    MemoryLogger log;
    log.on_epoch_begin(0);
    log.on_step_begin(0);
    log.on_step_end(0, { { "loss", 1.5 } });
    log.on_error(std::runtime_error("boom"));
    log.on_epoch_end(0, { { "val_loss", 1.0 } });
    log.record("custom", { { "note", "hi" } });
    const auto records = log.records();
    QCOMPARE(records.size(), std::size_t(6));
    QCOMPARE(log.size(), std::size_t(6));
    const char* tags[] = { "epoch_begin", "step_begin", "step_end", "error", "epoch_end",
        "custom" };
    for (std::size_t i = 0; i < records.size(); ++i) {
        QCOMPARE(records[i]["tag"].get<std::string>(), std::string(tags[i]));
        QVERIFY(records[i]["ts"].is_number_float());
    }
    QCOMPARE(records[2]["context"]["loss"].get<double>(), 1.5);
    QCOMPARE(records[3]["type"].get<std::string>(), std::string("std::runtime_error"));
    QCOMPARE(records[3]["message"].get<std::string>(), std::string("boom"));
    QCOMPARE(records[5]["note"].get<std::string>(), std::string("hi"));
}

void TestMemoryLogger::valuesStayExact()
{
    MemoryLogger log;
    log.on_step_end(1,
        { { "nan", std::nan("") }, { "max", std::numeric_limits<std::uint64_t>::max() },
            { "min", std::numeric_limits<std::int64_t>::min() }, { "g", { { "x", -0.0 } } } });
    const auto record = log.records().at(0);
    QVERIFY(std::isnan(record["context"]["nan"].get<double>()));
    QCOMPARE(
        record["context"]["max"].get<std::uint64_t>(), std::numeric_limits<std::uint64_t>::max());
    QCOMPARE(
        record["context"]["min"].get<std::int64_t>(), std::numeric_limits<std::int64_t>::min());
    QVERIFY(std::signbit(record["context"]["g"]["x"].get<double>()));
}

void TestMemoryLogger::linesMatchTheFileFormat()
{
    LoggerOptions options;
    options.clock = std::make_shared<ManualClock>(1700000000.25);
    options.static_fields = { { "rank", 1 } };
    MemoryLogger log(options);
    log.on_step_end(2, { { "loss", 0.5 } });
    QCOMPARE(QByteArray::fromStdString(log.lines().at(0)),
        QByteArray(
            R"({"ts":1700000000.25,"tag":"step_end","step":2,"context":{"loss":0.5},"rank":1})"));
    QCOMPARE(log.records().at(0)["rank"].get<int>(), 1);
}

void TestMemoryLogger::clearEmpties()
{
    MemoryLogger log;
    log.on_step_begin(0);
    log.clear();
    QCOMPARE(log.size(), std::size_t(0));
    QVERIFY(log.records().empty());
    log.on_step_begin(1);
    QCOMPARE(log.records().at(0)["step"].get<int>(), 1);
}

// Snapshots taken while four threads log are always whole records, in a growing prefix.
void TestMemoryLogger::readableWhileOthersLog()
{
    MemoryLogger log;
    constexpr int threads = 4;
    constexpr int per_thread = 20000;
    std::atomic<bool> go { false };
    std::vector<std::thread> writers;
    for (int t = 0; t < threads; ++t) {
        writers.emplace_back([&, t] {
            while (!go.load()) {
                std::this_thread::yield();
            }
            for (int i = 0; i < per_thread; ++i) {
                log.on_step_end(t * per_thread + i, { { "loss", 1.0 / (i + 1) }, { "thread", t } });
            }
        });
    }
    go = true;
    std::size_t previous = 0;
    int snapshots = 0;
    while (previous < std::size_t(threads * per_thread)) {
        const auto lines = log.lines();
        QVERIFY(lines.size() >= previous);
        for (std::size_t i = previous; i < lines.size(); ++i) {
            QVERIFY(!test::parse_strict(lines[i]).is_discarded());
        }
        previous = lines.size();
        ++snapshots;
    }
    for (auto& w : writers) {
        w.join();
    }
    QVERIFY(snapshots > 1);
    std::vector<int> seen(threads * per_thread, 0);
    for (const auto& record : log.records()) {
        ++seen.at(record["step"].get<std::size_t>());
    }
    QVERIFY(std::all_of(seen.begin(), seen.end(), [](int n) { return n == 1; }));
}

QTEST_GUILESS_MAIN(TestMemoryLogger)
#include "tst_memory_logger.moc"
