// The record format as TelemetryLogger and MemoryLogger write it: field order, numbers, strings,
// non-finite policy and the rules for bad input (docs/bad-inputs.md W1-W11). Lines come from
// MemoryLogger, which formats through the same encoder as the file logger.

#include "data_table.hpp"
#include "logger_test_support.hpp"

#include <telemetry/logger.hpp>

#include <QtTest>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using namespace telemetry;

namespace {

LoggerOptions fixed_time(NonFinite policy = NonFinite::python)
{
    LoggerOptions options;
    options.clock = std::make_shared<ManualClock>(1700000000.5);
    options.non_finite = policy;
    return options;
}

std::string only_line(const MemoryLogger& log)
{
    const auto lines = log.lines();
    return lines.empty() ? std::string("<none>") : lines.back();
}

std::string bytes(const QByteArray& a)
{
    return std::string(a.constData(), static_cast<std::size_t>(a.size()));
}

bool same_bits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

} // namespace

class TestJsonEncoder : public QObject
{
    Q_OBJECT

private slots:
    void hooks_data();
    void hooks();
    void contextOfEveryHookIsWritten();
    void doubles_data();
    void doubles();
    void floatsUseShortestFloatDigits();
    void integers_data();
    void integers();
    void nonFinite_data();
    void nonFinite();
    void invalidUtf8_data();
    void invalidUtf8();
    void controlCharacters_data();
    void controlCharacters();
    void keysAndTags_data();
    void keysAndTags();
    void reservedKeys_data();
    void reservedKeys();
    void reservedStaticFieldThrows();
    void depth_data();
    void depth();
    void deepJsonIsRejectedWithoutRecursion_data();
    void deepJsonIsRejectedWithoutRecursion();
    void recordSizeLimit();
    void unserializableValueRejectedAlone();
    void jsonContext();
    void valueKinds();
    void staticFieldsAndSequence();
};

void TestJsonEncoder::hooks_data()
{
    testing::addTable<int, QByteArray>({ "hook", "expected" },
        {
            { "step_begin", 0, QByteArray(R"({"ts":1700000000.5,"tag":"step_begin","step":3})") },
            { "step_end", 1,
                QByteArray(
                    R"({"ts":1700000000.5,"tag":"step_end","step":3,"context":{"loss":0.25,"lr":0.001}})") },
            { "step_end empty context", 2,
                QByteArray(R"({"ts":1700000000.5,"tag":"step_end","step":3,"context":{}})") },
            { "epoch_begin", 3,
                QByteArray(R"({"ts":1700000000.5,"tag":"epoch_begin","epoch":2})") },
            { "epoch_end", 4,
                QByteArray(
                    R"({"ts":1700000000.5,"tag":"epoch_end","epoch":2,"context":{"val_loss":1.0,"val_acc":0.5}})") },
            { "error", 5,
                QByteArray(
                    R"({"ts":1700000000.5,"tag":"error","type":"std::runtime_error","message":"CUDA out of memory"})") },
            { "custom", 6,
                QByteArray(
                    R"({"ts":1700000000.5,"tag":"checkpoint","path":"ckpt/3.pt","bytes":1024})") },
            { "nested groups", 7,
                QByteArray(
                    R"({"ts":1700000000.5,"tag":"step_end","step":0,"context":{"loss":2.01,"metrics":{"acc":0.1,"grad":{"norm":3.5}}}})") },
        });
}

void TestJsonEncoder::hooks()
{
    QFETCH(int, hook);
    QFETCH(QByteArray, expected);
    MemoryLogger log(fixed_time());
    switch (hook) {
    case 0:
        log.on_step_begin(3);
        break;
    case 1:
        log.on_step_end(3, { { "loss", 0.25 }, { "lr", 0.001 } });
        break;
    case 2:
        log.on_step_end(3);
        break;
    case 3:
        log.on_epoch_begin(2);
        break;
    case 4:
        log.on_epoch_end(2, { { "val_loss", 1.0 }, { "val_acc", 0.5 } });
        break;
    case 5:
        log.on_error(std::runtime_error("CUDA out of memory"));
        break;
    case 6:
        log.record("checkpoint", { { "path", "ckpt/3.pt" }, { "bytes", 1024 } });
        break;
    case 7:
        log.on_step_end(0,
            { { "loss", 2.01 },
                { "metrics", { { "acc", 0.1 }, { "grad", { { "norm", 3.5 } } } } } });
        break;
    }
    QCOMPARE(QByteArray::fromStdString(only_line(log)), expected);
}

// The seed drops the context of step_begin, epoch_begin and on_error; we write it when not empty.
void TestJsonEncoder::contextOfEveryHookIsWritten()
{
    MemoryLogger log(fixed_time());
    log.on_step_begin(1, { { "micro_batches", 4 } });
    log.on_epoch_begin(0, { { "lr", 3e-4 } });
    log.on_error(std::invalid_argument("bad shape"), { { "step", 7 } });
    const auto lines = log.lines();
    QCOMPARE(lines.size(), std::size_t(3));
    QCOMPARE(QByteArray::fromStdString(lines[0]),
        QByteArray(
            R"({"ts":1700000000.5,"tag":"step_begin","step":1,"context":{"micro_batches":4}})"));
    QCOMPARE(QByteArray::fromStdString(lines[1]),
        QByteArray(R"({"ts":1700000000.5,"tag":"epoch_begin","epoch":0,"context":{"lr":3e-04}})"));
    QCOMPARE(QByteArray::fromStdString(lines[2]),
        QByteArray(
            R"({"ts":1700000000.5,"tag":"error","type":"std::invalid_argument","message":"bad shape","context":{"step":7}})"));
}

void TestJsonEncoder::doubles_data()
{
    testing::addTable<double, QByteArray>({ "value", "token" },
        {
            { "DBL_MAX", DBL_MAX, QByteArray("1.7976931348623157e+308") },
            { "-DBL_MAX", -DBL_MAX, QByteArray("-1.7976931348623157e+308") },
            { "denormal min", 5e-324, QByteArray("5e-324") },
            { "-0.0", -0.0, QByteArray("-0.0") },
            { "0.1", 0.1, QByteArray("0.1") },
            { "1e-300", 1e-300, QByteArray("1e-300") },
            { "1.0 stays a float", 1.0, QByteArray("1.0") },
            { "1e16", 1e16, QByteArray("1e+16") },
            { "123456.789", 123456.789, QByteArray("123456.789") },
            { "1/3", 1.0 / 3.0, QByteArray("0.3333333333333333") },
        });
}

// W3: every double reads back bit-identical, and as a float (never as an integer).
void TestJsonEncoder::doubles()
{
    QFETCH(double, value);
    QFETCH(QByteArray, token);
    MemoryLogger log(fixed_time());
    log.on_step_end(0, { { "v", value } });
    const std::string line = only_line(log);
    QVERIFY2(line.find("\"v\":" + token.toStdString() + "}") != std::string::npos, line.c_str());
    const auto json = test::parse_strict(line);
    QVERIFY(!json.is_discarded());
    const auto& v = json["context"]["v"];
    QVERIFY(v.is_number_float());
    QVERIFY(same_bits(v.get<double>(), value));
}

void TestJsonEncoder::floatsUseShortestFloatDigits()
{
    MemoryLogger log(fixed_time());
    log.on_step_end(0, { { "a", 0.1f }, { "b", 3.0f }, { "c", 1e-8f }, { "d", FLT_MAX } });
    QCOMPARE(QByteArray::fromStdString(only_line(log)),
        QByteArray(
            R"({"ts":1700000000.5,"tag":"step_end","step":0,"context":{"a":0.1,"b":3.0,"c":1e-08,"d":3.4028235e+38}})"));
    const auto json = test::parse_strict(only_line(log));
    QCOMPARE(static_cast<float>(json["context"]["a"].get<double>()), 0.1f);
    QCOMPARE(static_cast<float>(json["context"]["d"].get<double>()), FLT_MAX);
}

void TestJsonEncoder::integers_data()
{
    testing::addTable<int, QByteArray>({ "kind", "token" },
        {
            { "INT64_MIN", 0, QByteArray("-9223372036854775808") },
            { "INT64_MAX", 1, QByteArray("9223372036854775807") },
            { "UINT64_MAX", 2, QByteArray("18446744073709551615") },
            { "zero", 3, QByteArray("0") },
            { "int -1", 4, QByteArray("-1") },
            { "size_t", 5, QByteArray("42") },
        });
}

// W4: integers are exact integer tokens and read back exactly, never through a double.
void TestJsonEncoder::integers()
{
    QFETCH(int, kind);
    QFETCH(QByteArray, token);
    MemoryLogger log(fixed_time());
    switch (kind) {
    case 0:
        log.on_step_end(0, { { "v", std::numeric_limits<std::int64_t>::min() } });
        break;
    case 1:
        log.on_step_end(0, { { "v", std::numeric_limits<std::int64_t>::max() } });
        break;
    case 2:
        log.on_step_end(0, { { "v", std::numeric_limits<std::uint64_t>::max() } });
        break;
    case 3:
        log.on_step_end(0, { { "v", 0 } });
        break;
    case 4:
        log.on_step_end(0, { { "v", -1 } });
        break;
    case 5:
        log.on_step_end(0, { { "v", std::size_t { 42 } } });
        break;
    }
    const std::string line = only_line(log);
    QVERIFY2(line.find("\"v\":" + token.toStdString() + "}") != std::string::npos, line.c_str());
    const auto json = test::parse_strict(line);
    QVERIFY(json["context"]["v"].is_number_integer());
    QCOMPARE(QByteArray::fromStdString(json["context"]["v"].dump()), token);
    // The in-memory record keeps the exact integer too.
    QCOMPARE(QByteArray::fromStdString(log.records().back()["context"]["v"].dump()), token);
}

void TestJsonEncoder::nonFinite_data()
{
    testing::addTable<bool, QByteArray>({ "strict", "expected" },
        {
            { "python tokens", false,
                QByteArray(R"({"nan":NaN,"inf":Infinity,"ninf":-Infinity,"fnan":NaN,"ok":1.5})") },
            { "strict strings", true,
                QByteArray(
                    R"({"nan":"NaN","inf":"Infinity","ninf":"-Infinity","fnan":"NaN","ok":1.5})") },
        });
}

// W1/W2 for the strict option; Python's tokens by default (so json.loads gives floats back).
void TestJsonEncoder::nonFinite()
{
    QFETCH(bool, strict);
    QFETCH(QByteArray, expected);
    MemoryLogger log(fixed_time(strict ? NonFinite::strict : NonFinite::python));
    const double inf = std::numeric_limits<double>::infinity();
    log.on_step_end(9,
        { { "nan", std::nan("") }, { "inf", inf }, { "ninf", -inf },
            { "fnan", std::numeric_limits<float>::quiet_NaN() }, { "ok", 1.5 } });
    const std::string line = only_line(log);
    QVERIFY2(line.find(expected.toStdString()) != std::string::npos, line.c_str());
    const auto json = test::parse_strict(line);
    QCOMPARE(json.is_discarded(), !strict);
    if (strict) {
        QCOMPARE(json["step"].get<int>(), 9);
        QVERIFY(json["context"]["nan"] != json["context"]["inf"]);
        QVERIFY(json["context"]["inf"] != json["context"]["ninf"]);
        QCOMPARE(json["context"]["ok"].get<double>(), 1.5);
    }
    const auto record = log.records().back();
    QVERIFY(std::isnan(record["context"]["nan"].get<double>()));
    QCOMPARE(record["context"]["ninf"].get<double>(), -inf);
}

void TestJsonEncoder::invalidUtf8_data()
{
    const QByteArray fffd("\xEF\xBF\xBD");
    testing::addTable<QByteArray, QByteArray>({ "input", "written" },
        {
            { "lone continuation A9", QByteArray("a\xA9z"), "a" + fffd + "z" },
            { "truncated E2 82", QByteArray("\xE2\x82"), fffd },
            { "truncated then ASCII", QByteArray("\xE2\x82x"), fffd + "x" },
            { "overlong C0 AF", QByteArray("\xC0\xAF"), fffd + fffd },
            { "CESU surrogate ED A0 80", QByteArray("\xED\xA0\x80"), fffd + fffd + fffd },
            { "F5 out of range", QByteArray("\xF5\x80\x80\x80"), fffd + fffd + fffd + fffd },
            { "valid euro kept", QByteArray("\xE2\x82\xAC"), QByteArray("\xE2\x82\xAC") },
            { "valid 4-byte kept", QByteArray("\xF0\x9F\x98\x80"), QByteArray("\xF0\x9F\x98\x80") },
        });
}

// W5: invalid UTF-8 in keys and values never throws; it becomes U+FFFD, one per maximal invalid
// subpart, and the line stays valid UTF-8 JSON.
void TestJsonEncoder::invalidUtf8()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, written);
    MemoryLogger log(fixed_time());
    const std::string text = bytes(input);
    log.on_step_end(0, { { text, text } });
    log.record(text, { { "k", 1 } });
    const auto lines = log.lines();
    QCOMPARE(lines.size(), std::size_t(2));
    const std::string quoted = "\"" + bytes(written) + "\"";
    QVERIFY(lines[0].find("{" + quoted + ":" + quoted + "}") != std::string::npos);
    const auto first = test::parse_strict(lines[0]);
    QVERIFY(!first.is_discarded()); // nlohmann validates UTF-8 while parsing
    QCOMPARE(QByteArray::fromStdString(first["context"].begin().key()), written);
    const auto second = test::parse_strict(lines[1]);
    QCOMPARE(QByteArray::fromStdString(second["tag"].get<std::string>()), written);
}

void TestJsonEncoder::controlCharacters_data()
{
    testing::addTable<QByteArray, QByteArray>({ "input", "escaped" },
        {
            { "NUL", QByteArray("a\0b", 3), QByteArray(R"(a\u0000b)") },
            { "LF", QByteArray("a\nb"), QByteArray(R"(a\nb)") },
            { "CR", QByteArray("a\rb"), QByteArray(R"(a\rb)") },
            { "TAB", QByteArray("a\tb"), QByteArray(R"(a\tb)") },
            { "ESC", QByteArray("a\x1b[31mb"), QByteArray(R"(a\u001b[31mb)") },
            { "DEL", QByteArray("a\x7f"), QByteArray(R"(a\u007f)") },
            { "U+2028", QByteArray("a\xE2\x80\xA8z"), QByteArray(R"(a\u2028z)") },
            { "U+2029", QByteArray("a\xE2\x80\xA9z"), QByteArray(R"(a\u2029z)") },
            { "quote and backslash", QByteArray(R"(a"b\c)"), QByteArray(R"(a\"b\\c)") },
        });
}

// W6: every control character is escaped, one record is one physical line, and the string reads
// back unchanged (\u0000 included).
void TestJsonEncoder::controlCharacters()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, escaped);
    MemoryLogger log(fixed_time());
    const std::string text = bytes(input);
    log.on_step_end(0, { { text, text } });
    const std::string line = only_line(log);
    QVERIFY(line.find('\n') == std::string::npos);
    QVERIFY(line.find('\r') == std::string::npos);
    const std::string quoted = "\"" + bytes(escaped) + "\"";
    QVERIFY2(line.find("{" + quoted + ":" + quoted + "}") != std::string::npos, line.c_str());
    const auto json = test::parse_strict(line);
    QVERIFY(!json.is_discarded());
    QCOMPARE(QByteArray::fromStdString(json["context"].begin().key()), input);
    QCOMPARE(QByteArray::fromStdString(json["context"].begin().value().get<std::string>()), input);
}

void TestJsonEncoder::keysAndTags_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("quote, backslash, html") << QByteArray(R"(a"b\c<img src=x>)");
    QTest::newRow("1 MiB") << QByteArray(1 << 20, 'k');
    QByteArray multibyte;
    for (int i = 0; i < (1 << 18); ++i) {
        multibyte += "\xE2\x82\xAC"; // a 768 KiB run of euro signs: chunks never split one
    }
    QTest::newRow("768 KiB of 3-byte characters") << multibyte;
}

// W7: empty, huge and HTML-looking keys and tags are written escaped and whole (the 1 MiB key is
// below the default max_record_bytes of 4 MiB, so it is accepted).
void TestJsonEncoder::keysAndTags()
{
    QFETCH(QByteArray, text);
    MemoryLogger log(fixed_time());
    const std::string s = bytes(text);
    log.on_step_end(0, { { s, 1 } });
    log.record(s, { { s, s } });
    QCOMPARE(log.rejected(), std::size_t(0));
    const auto lines = log.lines();
    QCOMPARE(lines.size(), std::size_t(2));
    const auto first = test::parse_strict(lines[0]);
    QVERIFY(!first.is_discarded());
    QCOMPARE(QByteArray::fromStdString(first["context"].begin().key()), text);
    const auto second = test::parse_strict(lines[1]);
    QVERIFY(!second.is_discarded());
    QCOMPARE(QByteArray::fromStdString(second["tag"].get<std::string>()), text);
}

void TestJsonEncoder::reservedKeys_data()
{
    testing::addTable<QByteArray, bool>({ "key", "rejected" },
        {
            { "ts", QByteArray("ts"), true },
            { "tag", QByteArray("tag"), true },
            { "seq", QByteArray("seq"), true },
            { "run", QByteArray("run"), true },
            { "run_id", QByteArray("run_id"), true },
            { "static field rank", QByteArray("rank"), true },
            { "ordinary", QByteArray("epoch"), false },
        });
}

// W8: a custom record's payload cannot overwrite the record's own fields or a static field: the
// record is rejected, counted and reported. Inside `context` every key is free.
void TestJsonEncoder::reservedKeys()
{
    QFETCH(QByteArray, key);
    QFETCH(bool, rejected);
    LoggerOptions options = fixed_time();
    options.static_fields = { { "rank", 0 } };
    std::vector<LoggerError> reports;
    options.error_handler = [&](const LoggerError& e) { reports.push_back(e); };
    MemoryLogger log(options);
    const std::string k = bytes(key);
    log.record("custom", { { k, 1 } });
    log.record("custom", nlohmann::json { { k, 1 } });
    log.on_step_end(1, { { k, 2 } });
    QCOMPARE(log.rejected(), std::size_t(rejected ? 2 : 0));
    QCOMPARE(log.size(), std::size_t(rejected ? 1 : 3));
    QCOMPARE(test::parse_strict(log.lines().back())["context"][k].get<int>(), 2);
    if (rejected) {
        QCOMPARE(reports.size(), std::size_t(1)); // the second is rate-limited
        QCOMPARE(reports[0].kind, LoggerError::Kind::rejected);
        QCOMPARE(QString::fromStdString(reports[0].message),
            QString("record 'custom' rejected: payload key '%1' is reserved (ts, tag, seq, "
                    "run, run_id or a static field)")
                .arg(QString::fromLatin1(key)));
        QVERIFY(log.last_error().has_value());
    }
}

void TestJsonEncoder::reservedStaticFieldThrows()
{
    LoggerOptions options;
    options.static_fields = { { "ts", 1 } };
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, MemoryLogger { options });
    options.static_fields = { { "host", "x" } };
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, MemoryLogger { options });
    options.static_fields = nlohmann::json::array({ 1, 2 });
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, MemoryLogger { options });
    options.static_fields = { { "rank", 3 } };
    options.max_depth = 1001;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, MemoryLogger { options });
}

void TestJsonEncoder::depth_data()
{
    testing::addTable<int, bool>({ "groups", "accepted" },
        {
            // The record is level 1, context level 2: 62 nested groups inside context reach
            // level 64.
            { "at the limit", 62, true },
            { "one too deep", 63, false },
            { "10,000 deep", 10000, false },
        });
}

// W9: nesting beyond max_depth (64) rejects the record, counted, and never recurses deeper.
void TestJsonEncoder::depth()
{
    QFETCH(int, groups);
    QFETCH(bool, accepted);
    std::vector<Field> chain(static_cast<std::size_t>(groups));
    for (int i = groups - 1; i >= 0; --i) {
        const auto n = static_cast<std::size_t>(i);
        chain[n] =
            i == groups - 1 ? Field { "leaf", 1.0 } : Field { "g", Value::group(&chain[n + 1], 1) };
    }
    chain.back() = { "g", Value::group(nullptr, 0) };
    MemoryLogger log(fixed_time());
    log.on_step_end(0, Context(chain.data(), 1));
    log.on_step_end(1, { { "loss", 0.5 } });
    QCOMPARE(log.rejected(), std::size_t(accepted ? 0 : 1));
    QCOMPARE(log.size(), std::size_t(accepted ? 2 : 1));
    if (!accepted) {
        QVERIFY(log.last_error()->message.find("nested deeper than max_depth (64)")
            != std::string::npos);
    } else {
        QVERIFY(!test::parse_strict(log.lines().front()).is_discarded());
    }
}

void TestJsonEncoder::deepJsonIsRejectedWithoutRecursion_data()
{
    testing::addTable<int>({ "levels" },
        {
            { "10,000 objects", 10000 },
            { "1,000,000 arrays", 1000000 },
        });
}

// W9: nlohmann's dump() overflows the stack at a million levels; we stop at max_depth.
void TestJsonEncoder::deepJsonIsRejectedWithoutRecursion()
{
    QFETCH(int, levels);
    nlohmann::json deep = 1;
    for (int i = 0; i < levels; ++i) {
        if (levels > 100000) {
            nlohmann::json wrapper = nlohmann::json::array();
            wrapper.push_back(std::move(deep));
            deep = std::move(wrapper);
        } else {
            nlohmann::json wrapper = nlohmann::json::object();
            wrapper["a"] = std::move(deep);
            deep = std::move(wrapper);
        }
    }
    MemoryLogger log(fixed_time());
    log.on_step_end(0, { { "deep", deep } });
    // Moved, not copied: nlohmann's copy constructor recurses too.
    nlohmann::json context = nlohmann::json::object();
    context["deep"] = std::move(deep);
    log.on_step_end(1, context);
    QCOMPARE(log.rejected(), std::size_t(2));
    QCOMPARE(log.size(), std::size_t(0));
}

// W10: a 16 MiB record is rejected by the default max_record_bytes (4 MiB) and written whole when
// the limit allows it; never split.
void TestJsonEncoder::recordSizeLimit()
{
    const std::string big(std::size_t { 16 } << 20, 'x');
    {
        MemoryLogger log(fixed_time());
        log.on_step_end(0, { { "blob", big } });
        log.on_step_end(1, { { "loss", 1.0 } });
        QCOMPARE(log.rejected(), std::size_t(1));
        QCOMPARE(log.size(), std::size_t(1));
        QVERIFY(log.last_error()->message.find("exceeds max_record_bytes (4194304)")
            != std::string::npos);
    }
    {
        LoggerOptions options = fixed_time();
        options.max_record_bytes = std::size_t { 32 } << 20;
        MemoryLogger log(options);
        log.on_step_end(0, { { "blob", big } });
        QCOMPARE(log.rejected(), std::size_t(0));
        const std::string line = only_line(log);
        QVERIFY(line.size() > big.size());
        QCOMPARE(test::parse_strict(line)["context"]["blob"].get<std::string>().size(), big.size());
    }
}

// W11: a value that cannot be written (binary) rejects that record alone; the others are written
// exactly once.
void TestJsonEncoder::unserializableValueRejectedAlone()
{
    MemoryLogger log(fixed_time());
    const nlohmann::json binary = nlohmann::json::binary({ 1, 2, 3 });
    log.on_step_end(0, { { "loss", 1.0 } });
    log.on_step_end(1, { { "weights", binary } });
    log.on_step_end(2, { { "loss", 0.5 } });
    QCOMPARE(log.rejected(), std::size_t(1));
    const auto records = log.records();
    QCOMPARE(records.size(), std::size_t(2));
    QCOMPARE(records[0]["step"].get<int>(), 0);
    QCOMPARE(records[1]["step"].get<int>(), 2);
    QVERIFY(
        log.last_error()->message.find("'weights' cannot be written as JSON") != std::string::npos);
}

void TestJsonEncoder::jsonContext()
{
    MemoryLogger log(fixed_time());
    const nlohmann::json context = { { "loss", 0.5 }, { "hist", { 1, 2, 3 } },
        { "cfg", { { "opt", "adam" } } } };
    log.on_step_end(4, context);
    QCOMPARE(QByteArray::fromStdString(only_line(log)),
        QByteArray(
            R"({"ts":1700000000.5,"tag":"step_end","step":4,"context":{"cfg":{"opt":"adam"},"hist":[1,2,3],"loss":0.5}})"));
    log.on_step_end(5, nlohmann::json::array({ 1 }));
    QCOMPARE(log.rejected(), std::size_t(1));
    QVERIFY(log.last_error()->message.find("not an object") != std::string::npos);
    log.on_step_end(6, nlohmann::json());
    QCOMPARE(QByteArray::fromStdString(only_line(log)),
        QByteArray(R"({"ts":1700000000.5,"tag":"step_end","step":6,"context":{}})"));
}

void TestJsonEncoder::valueKinds()
{
    MemoryLogger log(fixed_time());
    const std::string owned = "text";
    const char* null_text = nullptr;
    const std::vector<Field> runtime_group { { "x", 1 }, { "y", 2.5 } };
    log.on_step_end(0,
        { { "t", true }, { "f", false }, { "n", nullptr }, { "null_ptr", null_text },
            { "s", owned }, { "sv", std::string_view("view") },
            { "g", Value::group(runtime_group.data(), runtime_group.size()) },
            { "arr", nlohmann::json::array({ 1, "a", nullptr }) }, { "u8", std::uint8_t { 200 } },
            { "i8", std::int8_t { -5 } } });
    QCOMPARE(QByteArray::fromStdString(only_line(log)),
        QByteArray(
            R"({"ts":1700000000.5,"tag":"step_end","step":0,"context":{"t":true,"f":false,"n":null,"null_ptr":null,"s":"text","sv":"view","g":{"x":1,"y":2.5},"arr":[1,"a",null],"u8":200,"i8":-5}})"));
    log.on_step_end(1, runtime_group);
    QCOMPARE(QByteArray::fromStdString(only_line(log)),
        QByteArray(R"({"ts":1700000000.5,"tag":"step_end","step":1,"context":{"x":1,"y":2.5}})"));
}

void TestJsonEncoder::staticFieldsAndSequence()
{
    LoggerOptions options = fixed_time();
    options.static_fields = { { "rank", 3 } };
    options.sequence_numbers = true;
    options.run_on_every_record = true;
    options.run_id = "r1";
    MemoryLogger log(options);
    log.on_step_begin(0);
    log.on_step_end(0, { { "loss", 1.0 } });
    const auto lines = log.lines();
    QCOMPARE(QByteArray::fromStdString(lines[0]),
        QByteArray(
            R"({"ts":1700000000.5,"tag":"step_begin","step":0,"seq":0,"rank":3,"run":"r1"})"));
    QCOMPARE(QByteArray::fromStdString(lines[1]),
        QByteArray(
            R"({"ts":1700000000.5,"tag":"step_end","step":0,"context":{"loss":1.0},"seq":1,"rank":3,"run":"r1"})"));
    const auto records = log.records();
    QCOMPARE(records[1]["seq"].get<int>(), 1);
    QCOMPARE(records[1]["rank"].get<int>(), 3);
    QCOMPARE(records[1]["run"].get<std::string>(), std::string("r1"));
}

QTEST_GUILESS_MAIN(TestJsonEncoder)
#include "tst_json_encoder.moc"
