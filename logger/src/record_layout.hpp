#pragma once
// The binary form of a captured record, shared by RecordCapture (writer), RecordView (reader)
// and JsonEncoder. A logging call only copies its values into this form; formatting as JSON
// happens later (on the writer thread in async mode). Native byte order, unaligned fields:
//
//   record  := u32 size | u8 flags | u64 seq | f64 ts | u32 tag_len | tag | item*
//   item    := u8 op | u32 key_len | key | operand       (key_len is 0 inside arrays)
//            | u8 op_end                                 (closes the innermost object/array)
//   operand := nothing (null/true/false/object/array) | i64 | u64 | f32 | f64 | u32 len | bytes

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace telemetry::detail {

enum Op : std::uint8_t
{
    op_null = 1,
    op_true,
    op_false,
    op_int,
    op_uint,
    op_float,
    op_double,
    op_string,
    op_object,
    op_array,
    op_end
};

enum RecordFlag : std::uint8_t
{
    flag_urgent = 1 // error / epoch_end: write at once
};

inline constexpr std::size_t header_size = 4 + 1 + 8 + 8 + 4; // before the tag bytes

template <class T> inline T load(const char* p) noexcept
{
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

template <class T> inline char* store(char* p, T v) noexcept
{
    std::memcpy(p, &v, sizeof v);
    return p + sizeof v;
}

} // namespace telemetry::detail
