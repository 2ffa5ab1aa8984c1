#pragma once
// RecordCapture: copies one record's values into a ByteBuffer in the binary form of
// record_layout.hpp. This is all a logging call does in async mode, so the common cases are inline.
// Checks what can be checked without formatting: nesting depth, reserved keys, JSON value kinds.
// On a rejection the caller calls abort(), which leaves the buffer exactly as it was.

#include "byte_buffer.hpp"
#include "record_layout.hpp"

#include <telemetry/context.hpp>
#include <telemetry/value.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace telemetry::detail {

struct Rejection
{
    enum Reason
    {
        none,
        too_deep,
        not_object,
        unsupported_type,
        reserved_key,
        bad_position // record()'s "step" or "epoch" is not a finite number
    };
    Reason reason = none;
    std::string_view key; // the offending key (valid during the logging call only)

    explicit operator bool() const noexcept
    {
        return reason != none;
    }
};

// Top-level keys a payload may not use: the record's own fields and the static field names.
class ReservedKeys
{
public:
    virtual ~ReservedKeys() = default;
    virtual bool contains(std::string_view key) const noexcept = 0;
};

class RecordCapture
{
public:
    RecordCapture(ByteBuffer& buffer, std::size_t max_depth) noexcept
        : buffer_(buffer)
        , start_(buffer.size())
        , max_depth_(max_depth)
    {
    }

    void begin(double ts, std::uint64_t seq, std::string_view tag, bool urgent)
    {
        char* p = buffer_.reserve(header_size + tag.size());
        p = store<std::uint32_t>(p, 0); // patched by finish()
        p = store<std::uint8_t>(p, urgent ? flag_urgent : 0);
        p = store<std::uint64_t>(p, seq);
        p = store<double>(p, ts);
        p = store<std::uint32_t>(p, static_cast<std::uint32_t>(tag.size()));
        std::memcpy(p, tag.data(), tag.size());
        buffer_.commit(p + tag.size());
    }

    void add_null(std::string_view key)
    {
        key_item(op_null, key, 0);
    }
    void add_bool(std::string_view key, bool v)
    {
        key_item(v ? op_true : op_false, key, 0);
    }
    void add_int(std::string_view key, std::int64_t v)
    {
        store(key_item(op_int, key, 8), v);
    }
    void add_uint(std::string_view key, std::uint64_t v)
    {
        store(key_item(op_uint, key, 8), v);
    }
    void add_float(std::string_view key, float v)
    {
        store(key_item(op_float, key, 4), v);
    }
    void add_double(std::string_view key, double v)
    {
        store(key_item(op_double, key, 8), v);
    }
    void add_string(std::string_view key, std::string_view v)
    {
        char* p = key_item(op_string, key, 4 + v.size());
        p = store<std::uint32_t>(p, static_cast<std::uint32_t>(v.size()));
        if (!v.empty()) {
            std::memcpy(p, v.data(), v.size());
        }
    }

    // "key":{fields of the context} as a value inside the record object (level 2).
    Rejection add_object(std::string_view key, const Context& context);
    // The context's fields directly in the record object (record()'s payload).
    Rejection add_fields(const Context& context, const ReservedKeys* reserved);
    // Any value at record level.
    Rejection add_value(std::string_view key, const Value& value)
    {
        return value_item(key, value, 1);
    }
    Rejection add_json(std::string_view key, const nlohmann::json& value)
    {
        return json_item(key, value, 1);
    }

    // Completes the record: patches its size. Returns the record's size in bytes.
    std::size_t finish() noexcept
    {
        std::size_t size = buffer_.size() - start_;
        store<std::uint32_t>(buffer_.data() + start_, static_cast<std::uint32_t>(size));
        return size;
    }
    void abort() noexcept
    {
        buffer_.truncate(start_);
    }

private:
    // Writes op, key and room for `operand` bytes; returns where the operand goes.
    char* key_item(Op op, std::string_view key, std::size_t operand)
    {
        char* p = buffer_.reserve(1 + 4 + key.size() + operand);
        p = store<std::uint8_t>(p, op);
        p = store<std::uint32_t>(p, static_cast<std::uint32_t>(key.size()));
        if (!key.empty()) {
            std::memcpy(p, key.data(), key.size());
        }
        p += key.size();
        buffer_.commit(p + operand);
        return p;
    }
    void end_item()
    {
        char* p = buffer_.reserve(1);
        buffer_.commit(store<std::uint8_t>(p, op_end));
    }

    // `level`: nesting level of the container the item is written into (the record is 1).
    Rejection value_item(std::string_view key, const Value& value, std::size_t level);
    Rejection group_item(
        std::string_view key, const Field* fields, std::size_t count, std::size_t level);
    Rejection json_item(std::string_view key, const nlohmann::json& value, std::size_t level);
    Rejection json_members(
        const nlohmann::json& object, std::size_t level, const ReservedKeys* reserved);
    // A context given as JSON: must be an object (null counts as an empty one).
    Rejection json_context(std::string_view key, const nlohmann::json& value);

    ByteBuffer& buffer_;
    std::size_t start_;
    std::size_t max_depth_;
};

inline Rejection RecordCapture::value_item(
    std::string_view key, const Value& value, std::size_t level)
{
    switch (value.type()) {
    case Value::Type::null:
        add_null(key);
        return {};
    case Value::Type::boolean:
        add_bool(key, value.as_bool());
        return {};
    case Value::Type::int64:
        add_int(key, value.as_int64());
        return {};
    case Value::Type::uint64:
        add_uint(key, value.as_uint64());
        return {};
    case Value::Type::float32:
        add_float(key, value.as_float());
        return {};
    case Value::Type::float64:
        add_double(key, value.as_double());
        return {};
    case Value::Type::string:
        add_string(key, value.as_string());
        return {};
    case Value::Type::group:
        return group_item(key, value.group_data(), value.group_size(), level);
    case Value::Type::json:
        return json_item(key, value.as_json(), level);
    }
    return { Rejection::unsupported_type, key };
}

inline Rejection RecordCapture::group_item(
    std::string_view key, const Field* fields, std::size_t count, std::size_t level)
{
    if (level + 1 > max_depth_) {
        return { Rejection::too_deep, key };
    }
    key_item(op_object, key, 0);
    for (std::size_t i = 0; i < count; ++i) {
        if (Rejection r = value_item(fields[i].key, fields[i].value, level + 1)) {
            return r;
        }
    }
    end_item();
    return {};
}

inline Rejection RecordCapture::add_object(std::string_view key, const Context& context)
{
    if (context.kind() == Context::Kind::json) {
        return json_context(key, *context.json());
    }
    return group_item(key, context.begin(), context.size(), 1);
}

} // namespace telemetry::detail
