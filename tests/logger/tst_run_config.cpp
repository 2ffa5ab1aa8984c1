// LoggerOptions::config (issue 12, item 6): a run's settings go into its run_begin record, once,
// as "config": {...} (docs/format.md), never onto every line like static fields. A config that
// cannot be written is reported and left out; it never throws into the trainer.

#include "data_table.hpp"
#include "logger_test_support.hpp"

#include <telemetry/logger.hpp>

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using namespace telemetry;

namespace {

// Nested objects and arrays, text that needs escaping, every JSON kind.
nlohmann::json sweep_config()
{
    nlohmann::json config = { { "lr", 3e-4 }, { "batch_size", 64 }, { "seed", 7 },
        { "optimizer",
            { { "name", "adamw" }, { "betas", { 0.9, 0.95 } },
                { "weight_decay", { { "value", 0.01 } } } } },
        { "note", "a \"quoted\" <b>bold</b>\n\t\xc3\xa9\xe2\x80\xa8 line" },
        { "empty", nlohmann::json::object() }, { "flag", true }, { "none", nullptr },
        { "max_steps", std::uint64_t { 18446744073709551615ULL } } };
    return config;
}

nlohmann::json nested(int levels)
{
    nlohmann::json value = 1;
    for (int i = 0; i < levels; ++i) {
        value = nlohmann::json { { "deeper", value } };
    }
    return value;
}

} // namespace

class TestRunConfig : public QObject, private test::TempFolder
{
    Q_OBJECT

private slots:
    void init();
    void configIsInRunBeginOnly_data();
    void configIsInRunBeginOnly();
    void noConfigNoField();
    void invalidConfigIsReportedNotThrown_data();
    void invalidConfigIsReportedNotThrown();
    void staticFieldNamedConfig();

private:
    std::filesystem::path path_;
};

void TestRunConfig::init()
{
    QVERIFY(renewFolder());
    path_ = file();
}

void TestRunConfig::configIsInRunBeginOnly_data()
{
    testing::addTable<bool, bool>({ "async", "extras" },
        {
            // static fields, seq, run on every record
            { "sync", false, false },
            { "async", true, false },
            { "sync, static fields, seq, run everywhere", false, true },
            { "async, static fields, seq, run everywhere", true, true },
        });
}

void TestRunConfig::configIsInRunBeginOnly()
{
    QFETCH(bool, async);
    QFETCH(bool, extras);
    LoggerOptions options;
    options.async = async;
    options.config = sweep_config();
    if (extras) {
        options.static_fields = { { "rank", 3 } };
        options.sequence_numbers = true;
        options.run_on_every_record = true;
    }
    {
        TelemetryLogger log(path_, options);
        QVERIFY(!log.last_error().has_value());
        log.on_epoch_begin(0, { { "lr", 3e-4 } });
        log.on_step_begin(0);
        log.on_step_end(0, { { "loss", 1.0 } });
        log.on_error(std::runtime_error("boom"));
        log.record("checkpoint", { { "path", "ckpt/0.pt" } });
        log.on_epoch_end(0, { { "val_acc", 0.5 } });
        QVERIFY(log.flush());
        QCOMPARE(log.stats().rejected, std::uint64_t(0));
    }
    const std::vector<std::string> lines = test::read_lines(path_);
    QCOMPARE(lines.size(), std::size_t(7));
    const nlohmann::json run_begin = test::parse_strict(lines[0]);
    QCOMPARE(run_begin["tag"].get<std::string>(), std::string("run_begin"));
    QVERIFY(run_begin["config"] == sweep_config()); // round-trips exactly, nested and escaped
    QCOMPARE(run_begin.contains("rank"), extras);
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const nlohmann::json record = test::parse_strict(lines[i]);
        QVERIFY2(record.is_object(), lines[i].c_str());
        QVERIFY2(!record.contains("config"), lines[i].c_str());
        QCOMPARE(record.contains("rank"), extras);
    }
    const std::string text = test::read_file(path_);
    QCOMPARE(text.find("\"config\":"), text.rfind("\"config\":")); // exactly once in the file
}

void TestRunConfig::noConfigNoField()
{
    {
        TelemetryLogger log(path_);
        LoggerOptions empty;
        empty.config = nlohmann::json::object();
        TelemetryLogger second(path_, empty);
    }
    const std::vector<std::string> lines = test::read_lines(path_);
    QCOMPARE(lines.size(), std::size_t(2));
    QVERIFY(!test::parse_strict(lines[0]).contains("config")); // null: no config at all
    QVERIFY(test::parse_strict(lines[1])["config"] == nlohmann::json::object()); // {}: said so
}

void TestRunConfig::invalidConfigIsReportedNotThrown_data()
{
    // message: a regular expression for the one report
    testing::addColumns<int, QString>({ "which", "message" });
    const QString tail = QRegularExpression::escape("; run_begin is written without it");
    QTest::newRow("array") << 0
                           << QRegularExpression::escape(
                                  "config rejected: it is a JSON array, not an object")
            + tail;
    QTest::newRow("string") << 1
                            << QRegularExpression::escape(
                                   "config rejected: it is a JSON string, not an object")
            + tail;
    QTest::newRow("number") << 2
                            << QRegularExpression::escape(
                                   "config rejected: it is a JSON number, not an object")
            + tail;
    QTest::newRow("deeper than max_depth")
        << 3
        << QRegularExpression::escape(
               "config rejected: nested deeper than max_depth (64) at key 'deeper'")
            + tail;
    QTest::newRow("binary value") << 4
                                  << QRegularExpression::escape(
                                         "config rejected: the value of key 'blob' cannot be "
                                         "written as JSON (binary or discarded)")
            + tail;
    QTest::newRow("larger than max_record_bytes")
        << 5
        << QRegularExpression::escape("config rejected: its run_begin line of ")
            + "[0-9]+ bytes exceeds max_record_bytes \\(4194304\\)" + tail;
}

// The trainer gets its run, its run_begin (without the config) and a report; no exception.
void TestRunConfig::invalidConfigIsReportedNotThrown()
{
    QFETCH(int, which);
    QFETCH(QString, message);
    std::vector<LoggerError> reports;
    LoggerOptions options;
    options.error_handler = [&](const LoggerError& e) { reports.push_back(e); };
    switch (which) {
    case 0:
        options.config = nlohmann::json::array({ 1, 2 });
        break;
    case 1:
        options.config = "lr=3e-4";
        break;
    case 2:
        options.config = 3e-4;
        break;
    case 3:
        options.config = nested(70);
        break;
    case 4:
        options.config = { { "lr", 1 }, { "blob", nlohmann::json::binary({ 1, 2, 3 }) } };
        break;
    case 5:
        options.config = { { "notes", std::string(std::size_t { 5 } << 20, 'x') } };
        break;
    }
    std::unique_ptr<TelemetryLogger> log;
    try {
        log = std::make_unique<TelemetryLogger>(path_, options);
    } catch (const std::exception& e) {
        QFAIL(e.what());
    }
    QCOMPARE(reports.size(), std::size_t(1));
    QCOMPARE(reports[0].kind, LoggerError::Kind::rejected);
    QVERIFY2(QRegularExpression("^" + message + "$")
                 .match(QString::fromStdString(reports[0].message))
                 .hasMatch(),
        reports[0].message.c_str());
    QCOMPARE(log->stats().rejected, std::uint64_t(1));
    log->on_step_end(0, { { "loss", 1.0 } });
    QVERIFY(log->flush());
    log.reset();
    const std::vector<std::string> lines = test::read_lines(path_);
    QCOMPARE(lines.size(), std::size_t(2));
    const nlohmann::json run_begin = test::parse_strict(lines[0]);
    QCOMPARE(run_begin["tag"].get<std::string>(), std::string("run_begin"));
    QVERIFY(!run_begin.contains("config"));
}

// A static field named "config" stays allowed alone (it was before), but beside a config it
// would write the key twice: that is a programming error, thrown like a reserved static name.
void TestRunConfig::staticFieldNamedConfig()
{
    LoggerOptions options;
    options.static_fields = { { "config", "v1" } };
    options.config = { { "lr", 1e-3 } };
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, TelemetryLogger { path_, options });
    options.config = nullptr;
    {
        TelemetryLogger log(path_, options);
    }
    QCOMPARE(test::parse_strict(test::read_lines(path_).at(0))["config"].get<std::string>(),
        std::string("v1"));
}

QTEST_GUILESS_MAIN(TestRunConfig)
#include "tst_run_config.moc"
