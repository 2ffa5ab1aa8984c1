// F2: the logger's write, then a strict parse. An arbitrary payload built from the input (keys and
// strings of arbitrary bytes, invalid UTF-8 included; doubles of any bit pattern, NaN, ±Inf, -0
// and denormals included; floats; int64/uint64 extremes; nested groups and nlohmann values) is
// logged by a MemoryLogger with the strict non-finite policy. Its line must be one physical line
// that nlohmann parses strictly; dump -> parse -> dump must be stable (s1 == s2); and the parsed
// values must be what was logged, per logger/README.md's rules: doubles bit-identical, floats by
// their float digits, integers exact, NaN/Infinity/-Infinity as those strings, invalid UTF-8
// replaced by U+FFFD per maximal invalid subpart, duplicate keys read as the last one. Records
// deeper than max_depth, and record() payloads that use a reserved key, must be rejected.
#include "fuzz_support.hpp"

#include <telemetry/context.hpp>
#include <telemetry/logger_options.hpp>
#include <telemetry/manual_clock.hpp>
#include <telemetry/memory_logger.hpp>
#include <telemetry/value.hpp>

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <fuzzer/FuzzedDataProvider.h>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

using nlohmann::json;
using telemetry::Field;
using telemetry::Value;

namespace {

// The logger's rule for invalid UTF-8 (W5): each maximal subpart of an ill-formed sequence
// (Unicode 15, 3.9 "U+FFFD Substitution of Maximal Subparts") becomes one U+FFFD.
std::string replaceInvalidUtf8(std::string_view s)
{
    static constexpr std::string_view replacement = "\xEF\xBF\xBD";
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            out += s[i++];
            continue;
        }
        std::size_t length = 0;
        unsigned char lo = 0x80;
        unsigned char hi = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
            length = 2;
        } else if (b >= 0xE0 && b <= 0xEF) {
            length = 3;
            lo = b == 0xE0 ? 0xA0 : 0x80;
            hi = b == 0xED ? 0x9F : 0xBF;
        } else if (b >= 0xF0 && b <= 0xF4) {
            length = 4;
            lo = b == 0xF0 ? 0x90 : 0x80;
            hi = b == 0xF4 ? 0x8F : 0xBF;
        }
        if (length == 0) {
            out += replacement;
            ++i;
            continue;
        }
        std::size_t n = 1;
        while (n < length && i + n < s.size()) {
            const auto c = static_cast<unsigned char>(s[i + n]);
            const bool ok = n == 1 ? (c >= lo && c <= hi) : (c >= 0x80 && c <= 0xBF);
            if (!ok)
                break;
            ++n;
        }
        if (n == length)
            out.append(s.substr(i, n));
        else
            out += replacement;
        i += n;
    }
    return out;
}

// One payload value as generated, kept to compute what the parsed line must hold.
struct Node
{
    // The logger's own kinds of value: a node is generated as one of them.
    using Kind = telemetry::Value::Type;
    std::string key; // as given (raw bytes)
    Kind kind = Kind::null;
    bool boolean = false;
    std::int64_t i = 0;
    std::uint64_t u = 0;
    float f = 0;
    double d = 0;
    std::string text;
    std::vector<Node> members; // group
    json value; // json
};

// Builds Values over storage that lives until the logging call returns.
class PayloadBuilder
{
public:
    explicit PayloadBuilder(FuzzedDataProvider& input)
        : input_(input)
    {
    }

    // Fields of a group at generation depth `depth` (1: the payload itself).
    std::vector<Field> fields(std::vector<Node>& nodes, int depth)
    {
        std::vector<Field> out;
        const std::size_t count = input_.ConsumeIntegralInRange<std::size_t>(0, 6);
        for (std::size_t k = 0; k < count && input_.remaining_bytes() > 0; ++k) {
            const std::string& key = keep(reservedOrRandomKey());
            nodes.emplace_back();
            Node& node = nodes.back();
            node.key = key;
            out.push_back({ key, value(node, depth) });
        }
        return out;
    }

private:
    const std::string& keep(std::string s)
    {
        strings_.push_back(std::move(s));
        return strings_.back();
    }

    std::string reservedOrRandomKey()
    {
        static const char* const known[] = { "ts", "tag", "seq", "run", "run_id", "step", "epoch",
            "context", "loss", "" };
        if (input_.ConsumeIntegralInRange<int>(0, 7) == 0)
            return input_.PickValueInArray(known);
        return input_.ConsumeRandomLengthString(64);
    }

    double interestingDouble()
    {
        static const double special[] = { std::numeric_limits<double>::quiet_NaN(),
            -std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
            -std::numeric_limits<double>::infinity(), -0.0, 0.0, 5e-324, -5e-324,
            std::numeric_limits<double>::min(), std::numeric_limits<double>::max(),
            -std::numeric_limits<double>::max(), 0.1, 1e-300, 1e300, 9007199254740993.0 };
        if (input_.ConsumeBool())
            return input_.PickValueInArray(special);
        return std::bit_cast<double>(input_.ConsumeIntegral<std::uint64_t>());
    }

    Value value(Node& node, int depth)
    {
        switch (input_.ConsumeIntegralInRange<int>(0, 10)) {
        case 0:
            node.kind = Node::Kind::null;
            return Value();
        case 1:
            node.kind = Node::Kind::boolean;
            node.boolean = input_.ConsumeBool();
            return Value(node.boolean);
        case 2:
            node.kind = Node::Kind::int64;
            node.i = input_.ConsumeIntegral<std::int64_t>();
            return Value(node.i);
        case 3:
            node.kind = Node::Kind::uint64;
            node.u = input_.ConsumeIntegral<std::uint64_t>();
            return Value(node.u);
        case 4:
            node.kind = Node::Kind::float32;
            node.f = std::bit_cast<float>(input_.ConsumeIntegral<std::uint32_t>());
            return Value(node.f);
        case 5:
        case 6:
            node.kind = Node::Kind::float64;
            node.d = interestingDouble();
            return Value(node.d);
        case 7:
        case 8: {
            node.kind = Node::Kind::string;
            node.text = input_.ConsumeRandomLengthString(256);
            return Value(std::string_view(keep(node.text)));
        }
        case 9: {
            node.kind = Node::Kind::group;
            if (depth >= MaxGeneratedDepth || input_.ConsumeIntegralInRange<int>(0, 15) == 0)
                return chain(node, depth);
            groups_.push_back(fields(node.members, depth + 1));
            return Value::group(groups_.back().data(), groups_.back().size());
        }
        default: {
            // An nlohmann value: an array of scalars, or an object, with raw (maybe invalid) text.
            node.kind = Node::Kind::json;
            json j = input_.ConsumeBool() ? json::array() : json::object();
            const std::size_t count = input_.ConsumeIntegralInRange<std::size_t>(0, 4);
            for (std::size_t k = 0; k < count; ++k) {
                json item;
                switch (input_.ConsumeIntegralInRange<int>(0, 3)) {
                case 0:
                    item = input_.ConsumeRandomLengthString(32);
                    break;
                case 1:
                    item = interestingDouble();
                    break;
                case 2:
                    item = input_.ConsumeIntegral<std::int64_t>();
                    break;
                default:
                    item = input_.ConsumeIntegral<std::uint64_t>();
                    break;
                }
                if (j.is_array())
                    j.push_back(std::move(item));
                else
                    j[input_.ConsumeRandomLengthString(16)] = std::move(item);
            }
            node.value = j;
            jsons_.push_back(std::move(j)); // node may move (its vector grows); this may not
            return Value(jsons_.back());
        }
        }
    }

    // A chain of single-member groups, up to past the depth limit (W9) for a few bytes of input.
    Value chain(Node& node, int depth)
    {
        const int links = input_.ConsumeIntegralInRange<int>(1, 80);
        node.kind = Node::Kind::group;
        Node* current = &node;
        std::vector<Node*> path;
        for (int k = 0; k < links; ++k) {
            path.push_back(current);
            current->kind = Node::Kind::group;
            current->members.emplace_back();
            current = &current->members.back();
            current->key = "d";
        }
        current->kind = Node::Kind::float64;
        current->d = 1.5;
        // Innermost first: each group views the next one's Field.
        Value inner(current->d);
        for (auto it = path.rbegin(); it != path.rend(); ++it) {
            groups_.push_back({ Field { "d", inner } });
            inner = Value::group(groups_.back().data(), 1);
        }
        (void)depth;
        return inner;
    }

    static constexpr int MaxGeneratedDepth = 12;
    FuzzedDataProvider& input_;
    std::deque<std::string> strings_;
    std::deque<std::vector<Field>> groups_;
    std::deque<json> jsons_;
};

// Levels a value adds below its key (0 for a scalar, 1 for an empty group).
int levels(const json& j)
{
    if (!j.is_structured())
        return 0;
    int deepest = 0;
    for (const json& item : j)
        deepest = std::max(deepest, levels(item));
    return deepest + 1;
}

int levels(const Node& node)
{
    if (node.kind == Node::Kind::json)
        return levels(node.value);
    if (node.kind != Node::Kind::group)
        return 0;
    int deepest = 0;
    for (const Node& member : node.members)
        deepest = std::max(deepest, levels(member));
    return deepest + 1;
}

int levels(const std::vector<Node>& members)
{
    int deepest = 0;
    for (const Node& member : members)
        deepest = std::max(deepest, levels(member));
    return deepest;
}

bool sameDouble(double expected, const json& parsed)
{
    if (std::isnan(expected))
        return parsed == "NaN";
    if (std::isinf(expected))
        return parsed == (expected > 0 ? "Infinity" : "-Infinity");
    // Always float-looking ("1.0"), so nlohmann reads a float; bit-identical, -0.0 included.
    return parsed.is_number_float()
        && std::bit_cast<std::uint64_t>(parsed.get<double>())
        == std::bit_cast<std::uint64_t>(expected);
}

bool sameInteger(const json& expected, const json& parsed)
{
    if (expected.is_number_unsigned()
        || (expected.is_number_integer() && expected.get<std::int64_t>() >= 0)) {
        return parsed.is_number_unsigned()
            && parsed.get<std::uint64_t>() == expected.get<std::uint64_t>();
    }
    return parsed.is_number_integer() && !parsed.is_number_unsigned()
        && parsed.get<std::int64_t>() == expected.get<std::int64_t>();
}

bool sameJson(const json& expected, const json& parsed);

bool sameMembers(
    const std::vector<std::pair<std::string, const json*>>& expected, const json& parsed)
{
    if (!parsed.is_object())
        return false;
    std::map<std::string, const json*> last; // duplicate keys: the last one wins
    for (const auto& [key, value] : expected)
        last[replaceInvalidUtf8(key)] = value;
    if (last.size() != parsed.size())
        return false;
    for (const auto& [key, value] : last) {
        const auto it = parsed.find(key);
        if (it == parsed.end() || !sameJson(*value, *it))
            return false;
    }
    return true;
}

bool sameJson(const json& expected, const json& parsed)
{
    switch (expected.type()) {
    case json::value_t::null:
        return parsed.is_null();
    case json::value_t::boolean:
        return parsed == expected;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
        return sameInteger(expected, parsed);
    case json::value_t::number_float:
        return sameDouble(expected.get<double>(), parsed);
    case json::value_t::string:
        return parsed.is_string()
            && parsed.get_ref<const std::string&>()
            == replaceInvalidUtf8(expected.get_ref<const std::string&>());
    case json::value_t::array: {
        if (!parsed.is_array() || parsed.size() != expected.size())
            return false;
        for (std::size_t k = 0; k < expected.size(); ++k) {
            if (!sameJson(expected[k], parsed[k]))
                return false;
        }
        return true;
    }
    case json::value_t::object: {
        std::vector<std::pair<std::string, const json*>> members;
        for (auto it = expected.begin(); it != expected.end(); ++it)
            members.emplace_back(it.key(), &it.value());
        return sameMembers(members, parsed);
    }
    default:
        return false;
    }
}

bool sameNode(const Node& node, const json& parsed);

bool sameNodes(const std::vector<Node>& nodes, const json& parsed)
{
    if (!parsed.is_object())
        return false;
    std::map<std::string, const Node*> last; // duplicate keys: the last one wins
    for (const Node& node : nodes)
        last[replaceInvalidUtf8(node.key)] = &node;
    if (last.size() != parsed.size())
        return false;
    for (const auto& [key, node] : last) {
        const auto it = parsed.find(key);
        if (it == parsed.end() || !sameNode(*node, *it))
            return false;
    }
    return true;
}

bool sameNode(const Node& node, const json& parsed)
{
    switch (node.kind) {
    case Node::Kind::null:
        return parsed.is_null();
    case Node::Kind::boolean:
        return parsed.is_boolean() && parsed.get<bool>() == node.boolean;
    case Node::Kind::int64:
        return sameInteger(json(node.i), parsed);
    case Node::Kind::uint64:
        return sameInteger(json(node.u), parsed);
    case Node::Kind::float32:
        if (!std::isfinite(node.f))
            return sameDouble(double(node.f), parsed);
        // Float digits: the parsed double rounds back to the same float.
        return parsed.is_number_float()
            && std::bit_cast<std::uint32_t>(static_cast<float>(parsed.get<double>()))
            == std::bit_cast<std::uint32_t>(node.f);
    case Node::Kind::float64:
        return sameDouble(node.d, parsed);
    case Node::Kind::string:
        return parsed.is_string()
            && parsed.get_ref<const std::string&>() == replaceInvalidUtf8(node.text);
    case Node::Kind::group:
        return sameNodes(node.members, parsed);
    case Node::Kind::json:
        return sameJson(node.value, parsed);
    }
    return false;
}

enum class Hook
{
    stepBegin,
    stepEnd,
    epochBegin,
    epochEnd,
    error,
    record
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    FuzzedDataProvider input(bytes, size);
    telemetry::LoggerOptions options;
    options.non_finite = telemetry::NonFinite::strict;
    options.sequence_numbers = input.ConsumeBool();
    options.max_depth = input.ConsumeBool() ? input.ConsumeIntegralInRange<std::size_t>(2, 70) : 64;
    options.clock = std::make_shared<telemetry::ManualClock>(
        1.7e9 + input.ConsumeIntegralInRange<int>(0, 1 << 20) / 1024.0);
    options.error_handler = [](const telemetry::LoggerError&) {};
    telemetry::MemoryLogger logger(options);

    const auto hook = static_cast<Hook>(input.ConsumeIntegralInRange<int>(0, 5));
    const auto number = input.ConsumeIntegral<std::int64_t>();
    const std::string tag = input.ConsumeRandomLengthString(64);
    const std::string message = input.ConsumeRandomLengthString(128);

    PayloadBuilder builder(input);
    std::vector<Node> nodes;
    const std::vector<Field> fields = builder.fields(nodes, 1);
    const telemetry::Context context(fields);

    // The payload sits at level 1 for record() and in "context" (level 2) for the other hooks.
    const bool inContext = hook != Hook::record;
    const int depth = levels(nodes) + (inContext ? 2 : 1);
    bool reserved = false;
    if (!inContext) {
        for (const Node& node : nodes)
            reserved = reserved || node.key == "ts" || node.key == "tag" || node.key == "seq"
                || node.key == "run" || node.key == "run_id";
    }
    // record() refuses a top-level "step" or "epoch" that is not a finite number (W27), as the
    // viewer would call that line malformed.
    const auto finiteNumber = [](const Node& n) {
        switch (n.kind) {
        case Node::Kind::int64:
        case Node::Kind::uint64:
            return true;
        case Node::Kind::float32:
            return std::isfinite(n.f);
        case Node::Kind::float64:
            return std::isfinite(n.d);
        case Node::Kind::json:
            return n.value.is_number_integer() || n.value.is_number_unsigned()
                || (n.value.is_number_float() && std::isfinite(n.value.get<double>()));
        default:
            return false;
        }
    };
    bool badPosition = false;
    if (!inContext) {
        for (const Node& node : nodes)
            badPosition =
                badPosition || ((node.key == "step" || node.key == "epoch") && !finiteNumber(node));
    }
    const bool rejected = reserved || badPosition || depth > int(options.max_depth);

    switch (hook) {
    case Hook::stepBegin:
        logger.on_step_begin(number, context);
        break;
    case Hook::stepEnd:
        logger.on_step_end(number, context);
        break;
    case Hook::epochBegin:
        logger.on_epoch_begin(number, context);
        break;
    case Hook::epochEnd:
        logger.on_epoch_end(number, context);
        break;
    case Hook::error:
        logger.on_error(std::runtime_error(message), context);
        break;
    case Hook::record:
        logger.record(tag, context);
        break;
    }

    const std::vector<std::string> lines = logger.lines();
    FUZZ_CHECK(lines.size() == (rejected ? 0U : 1U));
    FUZZ_CHECK(logger.rejected() == (rejected ? 1U : 0U));
    if (rejected)
        return 0;

    // One record, one physical line: no raw line breaks, no raw control characters, U+2028/2029
    // escaped.
    const std::string& line = lines.front();
    for (const char c : line)
        FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7F);
    FUZZ_CHECK(line.find("\xE2\x80\xA8") == std::string::npos);
    FUZZ_CHECK(line.find("\xE2\x80\xA9") == std::string::npos);

    // Strict JSON, stable through dump and parse (nlohmann's own fuzzers: s1 == s2).
    json parsed;
    try {
        parsed = json::parse(line);
    } catch (const json::exception& e) {
        std::fprintf(stderr, "strict parse failed: %s\nline: %s\n", e.what(), line.c_str());
        FUZZ_CHECK(!"strict parse");
    }
    const std::string s1 = parsed.dump();
    const std::string s2 = json::parse(s1).dump();
    FUZZ_CHECK(s1 == s2);

    // The values read back are the values logged.
    FUZZ_CHECK(parsed.is_object());
    FUZZ_CHECK(parsed.contains("ts") && parsed["ts"].is_number());
    FUZZ_CHECK(parsed.contains("tag") && parsed["tag"].is_string());
    if (options.sequence_numbers)
        FUZZ_CHECK(parsed.contains("seq") && parsed["seq"] == 0);
    if (inContext) {
        static const char* const tags[] = { "step_begin", "step_end", "epoch_begin", "epoch_end",
            "error" };
        FUZZ_CHECK(parsed["tag"] == tags[static_cast<int>(hook)]);
        if (hook == Hook::error) {
            FUZZ_CHECK(parsed.contains("type") && parsed["type"].is_string());
            // what() stops at the first NUL.
            FUZZ_CHECK(parsed.contains("message")
                && parsed["message"] == replaceInvalidUtf8(message.c_str()));
        } else {
            const char* counter =
                hook == Hook::stepBegin || hook == Hook::stepEnd ? "step" : "epoch";
            FUZZ_CHECK(sameInteger(json(number), parsed[counter]));
        }
        if (parsed.contains("context"))
            FUZZ_CHECK(sameNodes(nodes, parsed["context"]));
        else
            FUZZ_CHECK(nodes.empty());
    } else {
        FUZZ_CHECK(parsed["tag"] == replaceInvalidUtf8(tag));
        json payload = parsed;
        payload.erase("ts");
        payload.erase("tag");
        payload.erase("seq");
        FUZZ_CHECK(sameNodes(nodes, payload));
    }
    return 0;
}
