// What RecordFormat lets through as a record's position (issue 11, item 8; docs/reliability.md
// W27): the viewer reads a line whose `step` or `epoch` is present but not a number as malformed,
// and NaN or an infinity places nothing either. record() refuses such a payload (reported,
// counted, the rest written) instead of writing a line the viewer rejects, in both loggers and
// both NaN policies; a static field cannot be called `step` or `epoch` at all.

#include "data_table.hpp"
#include "logger_test_support.hpp"

#include <telemetry/logger.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

using namespace telemetry;

namespace {

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_value = std::numeric_limits<double>::infinity();

enum Case
{
    nan_step,
    inf_step,
    minus_inf_epoch,
    nan_float_step,
    string_step,
    null_step,
    bool_epoch,
    group_step,
    json_nan_step,
    json_string_epoch,
    json_array_step,
    int_step,
    uint64_max_step,
    fractional_step,
    json_int_epoch,
    json_float_step
};

// One record() call per case; the payload lives until the call returns, as a Context requires.
template <class Logger> void log_case(Logger& log, int which)
{
    switch (which) {
    case nan_step:
        log.record("step_end", { { "step", nan_value }, { "context", { { "loss", 1.0 } } } });
        break;
    case inf_step:
        log.record("step_end", { { "step", inf_value } });
        break;
    case minus_inf_epoch:
        log.record("epoch_end", { { "epoch", -inf_value } });
        break;
    case nan_float_step:
        log.record("step_end", { { "step", std::numeric_limits<float>::quiet_NaN() } });
        break;
    case string_step:
        log.record("step_end", { { "step", "3" } });
        break;
    case null_step:
        log.record("step_end", { { "step", nullptr } });
        break;
    case bool_epoch:
        log.record("epoch_end", { { "epoch", true } });
        break;
    case group_step:
        log.record("step_end", { { "step", { { "n", 3 } } } });
        break;
    case json_nan_step:
        log.record("step_end", nlohmann::json { { "step", nan_value }, { "loss", 1.0 } });
        break;
    case json_string_epoch:
        log.record("epoch_end", nlohmann::json { { "epoch", "one" } });
        break;
    case json_array_step:
        log.record("step_end", nlohmann::json { { "step", { 1, 2 } } });
        break;
    case int_step:
        log.record("step_end", { { "step", 3 }, { "context", { { "loss", 1.0 } } } });
        break;
    case uint64_max_step:
        log.record("step_end", { { "step", std::numeric_limits<std::uint64_t>::max() } });
        break;
    case fractional_step:
        log.record("step_end", { { "step", 1.5 } });
        break;
    case json_int_epoch:
        log.record("epoch_end", nlohmann::json { { "epoch", 2 } });
        break;
    case json_float_step:
        log.record("step_end", nlohmann::json { { "step", 2.0 } });
        break;
    }
}

QString rejection(const char* tag, const char* key)
{
    return QString("record '%1' rejected: \"%2\" is not a finite number (the viewer would read the "
                   "line as malformed)")
        .arg(QLatin1String(tag), QLatin1String(key));
}

} // namespace

class TestRecordFormat : public QObject
{
    Q_OBJECT

private slots:
    void positions_data();
    void positions();
    void rejectedPositionNeverReachesTheFile_data();
    void rejectedPositionNeverReachesTheFile();
    void staticFieldCannotBeAPosition();
};

void TestRecordFormat::positions_data()
{
    testing::addTable<int, QString>({ "which", "error" },
        {
            // empty: written
            { "step NaN", int(nan_step), rejection("step_end", "step") },
            { "step Infinity", int(inf_step), rejection("step_end", "step") },
            { "epoch -Infinity", int(minus_inf_epoch), rejection("epoch_end", "epoch") },
            { "step float NaN", int(nan_float_step), rejection("step_end", "step") },
            { "step \"3\"", int(string_step), rejection("step_end", "step") },
            { "step null", int(null_step), rejection("step_end", "step") },
            { "epoch true", int(bool_epoch), rejection("epoch_end", "epoch") },
            { "step group", int(group_step), rejection("step_end", "step") },
            { "json step NaN", int(json_nan_step), rejection("step_end", "step") },
            { "json epoch string", int(json_string_epoch), rejection("epoch_end", "epoch") },
            { "json step array", int(json_array_step), rejection("step_end", "step") },
            { "step 3", int(int_step), QString() },
            { "step UINT64_MAX", int(uint64_max_step), QString() },
            { "step 1.5 (the viewer keeps it)", int(fractional_step), QString() },
            { "json epoch 2", int(json_int_epoch), QString() },
            { "json step 2.0", int(json_float_step), QString() },
        });
}

void TestRecordFormat::positions()
{
    QFETCH(int, which);
    QFETCH(QString, error);
    for (const NonFinite policy : { NonFinite::python, NonFinite::strict }) {
        std::vector<LoggerError> reports;
        LoggerOptions options;
        options.non_finite = policy;
        options.error_handler = [&](const LoggerError& e) { reports.push_back(e); };
        MemoryLogger log(options);
        log_case(log, which);
        if (error.isEmpty()) {
            QCOMPARE(log.rejected(), std::size_t(0));
            QCOMPARE(log.size(), std::size_t(1));
            const nlohmann::json record = test::parse_strict(log.lines().front());
            const char* key = record.contains("step") ? "step" : "epoch";
            QVERIFY(record[key].is_number());
            QVERIFY(reports.empty());
        } else {
            QCOMPARE(log.rejected(), std::size_t(1));
            QCOMPARE(log.size(), std::size_t(0));
            QCOMPARE(reports.size(), std::size_t(1));
            QCOMPARE(reports[0].kind, LoggerError::Kind::rejected);
            QCOMPARE(QString::fromStdString(reports[0].message), error);
        }
        // The hooks' own step is an integer and always written; so are the other records.
        log.on_step_end(4, { { "loss", nan_value } });
        QCOMPARE(log.size(), std::size_t(error.isEmpty() ? 2 : 1));
    }
}

void TestRecordFormat::rejectedPositionNeverReachesTheFile_data()
{
    test::addSyncAndAsyncRows();
}

void TestRecordFormat::rejectedPositionNeverReachesTheFile()
{
    QFETCH(bool, async);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::filesystem::path path = dir.filePath("run.jsonl").toStdString();
    LoggerOptions options;
    options.async = async;
    options.non_finite = NonFinite::strict; // NaN would have gone out as the string "NaN"
    options.error_handler = [](const LoggerError&) {};
    {
        TelemetryLogger log(path, options);
        log_case(log, nan_step);
        log_case(log, json_string_epoch);
        log_case(log, int_step);
        QVERIFY(log.flush());
        QCOMPARE(log.stats().rejected, std::uint64_t(2));
        QCOMPARE(log.stats().written, std::uint64_t(2));
        QVERIFY(log.last_error().has_value());
        QCOMPARE(
            QString::fromStdString(log.last_error()->message), rejection("epoch_end", "epoch"));
    }
    const std::vector<std::string> lines = test::read_lines(path);
    QCOMPARE(lines.size(), std::size_t(2));
    QCOMPARE(test::parse_strict(lines[0])["tag"].get<std::string>(), std::string("run_begin"));
    QCOMPARE(test::parse_strict(lines[1])["step"].get<int>(), 3);
}

// A static field is added to every record, the hooks' own `step`/`epoch` included: a second key
// of that name would overwrite the real one.
void TestRecordFormat::staticFieldCannotBeAPosition()
{
    LoggerOptions options;
    options.static_fields = { { "step", 0 } };
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, MemoryLogger { options });
    options.static_fields = { { "epoch", 0 } };
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, MemoryLogger { options });
    options.static_fields = { { "rank", 0 } };
    MemoryLogger log(options);
    log.on_epoch_end(1);
    QCOMPARE(test::parse_strict(log.lines().front())["epoch"].get<int>(), 1);
}

QTEST_GUILESS_MAIN(TestRecordFormat)
#include "tst_record_format.moc"
