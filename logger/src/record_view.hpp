#pragma once
// RecordView: reads one captured record (record_layout.hpp) without copying. Async-signal-safe.

#include "record_layout.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace telemetry::detail {

class RecordView
{
public:
    explicit RecordView(const char* record) noexcept
        : p_(record)
    {
    }

    std::size_t size() const noexcept
    {
        return load<std::uint32_t>(p_);
    }
    bool urgent() const noexcept
    {
        return (load<std::uint8_t>(p_ + 4) & flag_urgent) != 0;
    }
    std::uint64_t seq() const noexcept
    {
        return load<std::uint64_t>(p_ + 5);
    }
    double ts() const noexcept
    {
        return load<double>(p_ + 13);
    }
    std::string_view tag() const noexcept
    {
        return { p_ + header_size, load<std::uint32_t>(p_ + 21) };
    }
    const char* items_begin() const noexcept
    {
        return p_ + header_size + load<std::uint32_t>(p_ + 21);
    }
    const char* items_end() const noexcept
    {
        return p_ + size();
    }

private:
    const char* p_;
};

// One item of a record; `operand` points at the value bytes (see record_layout.hpp).
struct Item
{
    Op op;
    std::string_view key;
    const char* operand;
};

// Reads the item at p and returns the position of the next one.
inline const char* read_item(const char* p, Item& item) noexcept
{
    item.op = static_cast<Op>(load<std::uint8_t>(p));
    if (item.op == op_end) {
        item.key = {};
        item.operand = p + 1;
        return p + 1;
    }
    const auto key_size = load<std::uint32_t>(p + 1);
    item.key = { p + 5, key_size };
    item.operand = p + 5 + key_size;
    switch (item.op) {
    case op_int:
    case op_uint:
    case op_double:
        return item.operand + 8;
    case op_float:
        return item.operand + 4;
    case op_string:
        return item.operand + 4 + load<std::uint32_t>(item.operand);
    default:
        return item.operand;
    }
}

} // namespace telemetry::detail
