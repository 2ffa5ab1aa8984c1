#include "record_format.hpp"

#include <telemetry/system_clock.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cxxabi.h>
#include <memory>
#include <stdexcept>
#include <typeinfo>

namespace telemetry::detail {

namespace {

constexpr std::string_view payload_reserved[] = { "ts", "tag", "seq", "run", "run_id" };
// "step" and "epoch" too: the hooks write their own, and a second one on the same line would
// overwrite it (a JSON reader keeps the last).
constexpr std::string_view static_reserved[] = { "ts", "tag", "seq", "run", "run_id", "host", "pid",
    "start_time", "logger", "step", "epoch" };

// The viewer places a record at its "step" and "epoch", and a line whose step or epoch is present
// but not a number is malformed there (README, "How files are read"); NaN and the infinities place
// nothing either. So record() refuses them rather than write a line the viewer rejects.
bool is_position_key(std::string_view key) noexcept
{
    return key == "step" || key == "epoch";
}

bool is_finite_number(const nlohmann::json& value) noexcept
{
    return value.is_number_integer() || value.is_number_unsigned()
        || (value.is_number_float() && std::isfinite(value.get<double>()));
}

bool is_finite_number(const Value& value) noexcept
{
    switch (value.type()) {
    case Value::Type::int64:
    case Value::Type::uint64:
        return true;
    case Value::Type::float32:
        return std::isfinite(value.as_float());
    case Value::Type::float64:
        return std::isfinite(value.as_double());
    case Value::Type::json:
        return is_finite_number(value.as_json());
    default:
        return false;
    }
}

// The first "step" or "epoch" of a payload that is not a finite number.
Rejection check_positions(const Context& payload)
{
    if (payload.kind() == Context::Kind::json) {
        const nlohmann::json* object = payload.json();
        if (object == nullptr || !object->is_object()) {
            return {}; // add_fields reports a payload that is not an object
        }
        for (auto it = object->begin(); it != object->end(); ++it) {
            if (is_position_key(it.key()) && !is_finite_number(it.value())) {
                return { Rejection::bad_position, it.key() };
            }
        }
        return {};
    }
    for (const Field& field : payload) {
        if (is_position_key(field.key) && !is_finite_number(field.value)) {
            return { Rejection::bad_position, field.key };
        }
    }
    return {};
}

// Formats JSON members as ,"key":value pairs through the same encoder as records.
std::string format_members(const nlohmann::json& object, std::size_t max_depth, NonFinite policy)
{
    ByteBuffer ops;
    RecordCapture capture(ops, max_depth);
    if (Rejection r = capture.add_fields(Context(object), nullptr)) {
        throw std::invalid_argument("telemetry: static field '" + std::string(r.key)
            + "' cannot be written (too deep or not serializable)");
    }
    ByteBuffer text;
    write_items(text, ops.data(), ops.data() + ops.size(), policy);
    return { text.data(), text.size() };
}

} // namespace

RecordFormat::RecordFormat(const LoggerOptions& options, std::string run_id)
    : clock_(options.clock)
    , run_id_(std::move(run_id))
    , max_depth_(options.max_depth)
    , max_record_bytes_(options.max_record_bytes)
    , run_on_every_record_(options.run_on_every_record)
{
    if (max_depth_ < 2 || max_depth_ > 1000) {
        throw std::invalid_argument("telemetry: max_depth must be between 2 and 1000");
    }
    if (max_record_bytes_ < 256) {
        throw std::invalid_argument("telemetry: max_record_bytes must be at least 256");
    }
    if (!options.static_fields.is_object() && !options.static_fields.is_null()) {
        throw std::invalid_argument("telemetry: static_fields must be a JSON object");
    }
    nlohmann::json fields =
        options.static_fields.is_null() ? nlohmann::json::object() : options.static_fields;
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        const std::string& key = it.key();
        if (std::find(std::begin(static_reserved), std::end(static_reserved), key)
            != std::end(static_reserved)) {
            throw std::invalid_argument("telemetry: static field name '" + key + "' is reserved");
        }
        if (key == "config" && !options.config.is_null()) {
            throw std::invalid_argument(
                "telemetry: static field 'config' clashes with LoggerOptions::config");
        }
        static_keys_.push_back(key);
    }
    static_fields_ = fields;
    if (run_on_every_record_) {
        fields["run"] = run_id_;
        static_fields_["run"] = run_id_;
    }
    static_fragment_ = format_members(fields, max_depth_, options.non_finite);
    encoder_.non_finite = options.non_finite;
    encoder_.sequence_numbers = options.sequence_numbers;
    encoder_.static_fields = static_fragment_.data();
    encoder_.static_fields_size = static_fragment_.size();
}

double RecordFormat::now_wall() const noexcept
{
    if (clock_ == nullptr) {
        return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
    return clock_->wall();
}

std::chrono::nanoseconds RecordFormat::now_steady() const noexcept
{
    if (clock_ == nullptr) {
        return std::chrono::steady_clock::now().time_since_epoch();
    }
    return clock_->steady();
}

bool RecordFormat::contains(std::string_view key) const noexcept
{
    if (std::find(std::begin(payload_reserved), std::end(payload_reserved), key)
        != std::end(payload_reserved)) {
        return true;
    }
    return std::find(static_keys_.begin(), static_keys_.end(), key) != static_keys_.end();
}

Rejection RecordFormat::capture(RecordCapture& capture, const Event& event) const
{
    const Context empty;
    const Context& context = event.context != nullptr ? *event.context : empty;
    switch (event.kind) {
    case Event::step_begin:
    case Event::epoch_begin:
        capture.add_int(event.kind == Event::step_begin ? "step" : "epoch", event.number);
        if (!context.empty()) {
            return capture.add_object("context", context);
        }
        return {};
    case Event::step_end:
    case Event::epoch_end:
        capture.add_int(event.kind == Event::step_end ? "step" : "epoch", event.number);
        return capture.add_object("context", context);
    case Event::error:
        capture.add_string("type", event.type);
        capture.add_string("message", event.message);
        if (!context.empty()) {
            return capture.add_object("context", context);
        }
        return {};
    case Event::custom:
        if (Rejection r = check_positions(context)) {
            return r;
        }
        return capture.add_fields(context, this);
    }
    return {};
}

std::string RecordFormat::describe(
    const Rejection& rejection, std::string_view tag, std::size_t max_depth)
{
    std::string what = "record '" + std::string(tag) + "' rejected: ";
    switch (rejection.reason) {
    case Rejection::too_deep:
        return what + "nested deeper than max_depth (" + std::to_string(max_depth) + ") at key '"
            + std::string(rejection.key.substr(0, 200)) + "'";
    case Rejection::not_object:
        return what + "the context or payload is JSON but not an object";
    case Rejection::unsupported_type:
        return what + "value of key '" + std::string(rejection.key.substr(0, 200))
            + "' cannot be written as JSON (binary or discarded)";
    case Rejection::reserved_key:
        return what + "payload key '" + std::string(rejection.key.substr(0, 200))
            + "' is reserved (ts, tag, seq, run, run_id or a static field)";
    case Rejection::bad_position:
        return what + "\"" + std::string(rejection.key)
            + "\" is not a finite number (the viewer would read the line as malformed)";
    case Rejection::none:
        break;
    }
    return what + "unknown reason";
}

std::string type_name(const std::exception& error)
{
    const char* mangled = typeid(error).name();
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> readable(
        abi::__cxa_demangle(mangled, nullptr, nullptr, &status), &std::free);
    return status == 0 && readable ? std::string(readable.get()) : std::string(mangled);
}

} // namespace telemetry::detail
