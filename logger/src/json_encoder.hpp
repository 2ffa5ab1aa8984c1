#pragma once
// JsonEncoder: formats captured records as JSON lines. Async-signal-safe (no allocation beyond
// what the output asks for, no locale, no locks) so the crash handler formats with it too.
//
// An Out provides `char* reserve(std::size_t n)` (room for n bytes at the end) and
// `void commit(char* end)`. No single reserve asks for more than max_reserve bytes.
//
// Numbers: integers as exact tokens; floats and doubles with the shortest digits that read back
// bit-identical (std::to_chars), always with a '.' or an exponent so that they read back as
// floats (1.0, -0.0, 1e+300). Non-finite: NaN / Infinity / -Infinity (Python) or the strings
// "NaN" / "Infinity" / "-Infinity" (strict).
// Strings: '"', '\\', control characters, DEL, U+2028 and U+2029 escaped; other UTF-8 written
// as is; invalid UTF-8 replaced by U+FFFD, one per maximal invalid subpart (as Python's
// errors="replace" and WHATWG do): "\xC0\xAF" -> two U+FFFD, truncated "\xE2\x82" -> one.

#include "record_view.hpp"

#include <telemetry/logger_options.hpp>

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace telemetry::detail {

struct EncoderConfig
{
    NonFinite non_finite = NonFinite::python;
    bool sequence_numbers = false;
    // Pre-formatted static fields, each with its leading comma: ,"rank":0,"run":"x"
    const char* static_fields = nullptr;
    std::size_t static_fields_size = 0;
};

inline constexpr std::size_t string_chunk = 4096;
inline constexpr std::size_t max_reserve = string_chunk * 6 + 128;
inline constexpr std::size_t max_nesting = 1024;

// The number to_chars wrote in [p, end) with ".0" added when it has neither '.' nor an exponent
// (3.0 is written "3"), so that it reads back as a float, not an integer; returns the new end.
inline char* with_fraction(char* p, char* end) noexcept
{
    for (char* q = p; q != end; ++q) {
        if (*q == '.' || *q == 'e') {
            return end;
        }
    }
    end[0] = '.';
    end[1] = '0';
    return end + 2;
}

// Writes a finite or non-finite double into p (at least 32 bytes); returns the end.
inline char* format_double(char* p, double v, NonFinite policy) noexcept
{
    const bool quoted = policy == NonFinite::strict;
    auto word = [&](const char* w, std::size_t n) {
        if (quoted) {
            *p++ = '"';
        }
        std::memcpy(p, w, n);
        p += n;
        if (quoted) {
            *p++ = '"';
        }
        return p;
    };
    if (std::isnan(v)) {
        return word("NaN", 3);
    }
    if (std::isinf(v)) {
        return v > 0 ? word("Infinity", 8) : word("-Infinity", 9);
    }
    return with_fraction(p, std::to_chars(p, p + 32, v).ptr);
}

inline char* format_float(char* p, float v, NonFinite policy) noexcept
{
    if (!std::isfinite(v)) {
        return format_double(p, static_cast<double>(v), policy);
    }
    return with_fraction(p, std::to_chars(p, p + 32, v).ptr);
}

// Length of the UTF-8 sequence at s (n > 0 bytes available) when valid, or of its maximal
// invalid subpart (at least 1) when not.
inline std::size_t utf8_sequence(const unsigned char* s, std::size_t n, bool& valid) noexcept
{
    const unsigned char c = s[0];
    std::size_t trail = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        trail = 1;
    } else if (c == 0xE0) {
        trail = 2;
        lo = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
        trail = 2;
    } else if (c == 0xED) {
        trail = 2;
        hi = 0x9F; // no UTF-16 surrogates (CESU-8)
    } else if (c == 0xF0) {
        trail = 3;
        lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
        trail = 3;
    } else if (c == 0xF4) {
        trail = 3;
        hi = 0x8F;
    } else {
        valid = false;
        return 1;
    }
    for (std::size_t i = 1; i <= trail; ++i) {
        if (i >= n || s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xBF)) {
            valid = false;
            return i;
        }
    }
    valid = true;
    return trail + 1;
}

inline char* escape_byte(char* o, unsigned char c) noexcept
{
    static constexpr char hex[] = "0123456789abcdef";
    *o++ = '\\';
    switch (c) {
    case '"':
        *o++ = '"';
        return o;
    case '\\':
        *o++ = '\\';
        return o;
    case '\b':
        *o++ = 'b';
        return o;
    case '\f':
        *o++ = 'f';
        return o;
    case '\n':
        *o++ = 'n';
        return o;
    case '\r':
        *o++ = 'r';
        return o;
    case '\t':
        *o++ = 't';
        return o;
    default:
        break;
    }
    *o++ = 'u';
    *o++ = '0';
    *o++ = '0';
    *o++ = hex[c >> 4];
    *o++ = hex[c & 15];
    return o;
}

// Escapes s[i, stop) into o (room for 6 bytes per input byte, plus 18: a multi-byte sequence may
// run 3 bytes past stop). Returns the output end; i ends at or just past stop.
struct PlainBytes
{
    bool plain[256] = {};
    constexpr PlainBytes()
    {
        for (int c = 0x20; c < 0x7F; ++c) {
            plain[c] = c != '"' && c != '\\';
        }
    }
};
inline constexpr PlainBytes plain_bytes {};

inline char* escape_run(
    char* o, const unsigned char* s, std::size_t& i, std::size_t stop, std::size_t size) noexcept
{
    while (i < stop) {
        const unsigned char c = s[i];
        if (plain_bytes.plain[c]) {
            *o++ = static_cast<char>(c);
            ++i;
        } else if (c < 0x80) {
            o = escape_byte(o, c);
            ++i;
        } else {
            bool valid = false;
            const std::size_t n = utf8_sequence(s + i, size - i, valid);
            if (!valid) {
                std::memcpy(o, "\xEF\xBF\xBD", 3);
                o += 3;
            } else if (n == 3 && c == 0xE2 && s[i + 1] == 0x80
                && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)) {
                // U+2028 / U+2029 end lines in JavaScript and some editors.
                std::memcpy(o, s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
                o += 6;
            } else {
                std::memcpy(o, s + i, n);
                o += n;
            }
            i += n;
        }
    }
    return o;
}

// Writes "…" for a string of at most string_chunk bytes into o, which has room for
// short_string_room(size) bytes.
inline constexpr std::size_t short_string_room(std::size_t size) noexcept
{
    return size * 6 + 20;
}

inline char* write_short_string(char* o, const char* data, std::size_t size) noexcept
{
    const auto* s = reinterpret_cast<const unsigned char*>(data);
    *o++ = '"';
    // Keys and tags are short and plain almost always: check without branching, copy at once.
    bool plain = true;
    for (std::size_t k = 0; k < size; ++k) {
        plain &= plain_bytes.plain[s[k]];
    }
    if (plain) {
        std::memcpy(o, s, size);
        o += size;
    } else {
        std::size_t i = 0;
        o = escape_run(o, s, i, size, size);
    }
    *o++ = '"';
    return o;
}

template <class Out> void write_string(Out& out, const char* data, std::size_t size)
{
    if (size <= string_chunk) {
        out.commit(write_short_string(out.reserve(short_string_room(size)), data, size));
        return;
    }
    const auto* s = reinterpret_cast<const unsigned char*>(data);
    char* o = out.reserve(1);
    *o++ = '"';
    out.commit(o);
    std::size_t i = 0;
    while (i < size) {
        const std::size_t stop = size - i > string_chunk ? i + string_chunk : size;
        o = out.reserve((stop - i) * 6 + 20);
        o = escape_run(o, s, i, stop, size);
        out.commit(o);
    }
    o = out.reserve(1);
    *o++ = '"';
    out.commit(o);
}

template <class Out> void write_raw(Out& out, const char* data, std::size_t size)
{
    while (size > 0) {
        const std::size_t n = size > string_chunk ? string_chunk : size;
        char* o = out.reserve(n);
        std::memcpy(o, data, n);
        out.commit(o + n);
        data += n;
        size -= n;
    }
}

// Writes the items [p, end) of a record's body as members of the record object, each preceded
// by a comma (the record object is already open and holds ts and tag).
template <class Out> void write_items(Out& out, const char* p, const char* end, NonFinite policy)
{
    std::uint64_t array_bits[max_nesting / 64] = {};
    std::size_t level = 0; // 0: the record object
    bool comma = true;
    auto in_array = [&] { return (array_bits[level / 64] >> (level % 64)) & 1U; };
    Item item {};
    while (p < end) {
        p = read_item(p, item);
        if (item.op == op_end) {
            char* o = out.reserve(1);
            *o++ = in_array() ? ']' : '}';
            out.commit(o);
            array_bits[level / 64] &= ~(std::uint64_t { 1 } << (level % 64));
            --level;
            comma = true;
            continue;
        }
        const bool keyed = !in_array();
        char* o = nullptr;
        // One reservation for the comma, the key, the colon and a scalar, in the common case.
        if (!keyed || item.key.size() <= string_chunk) {
            o = out.reserve(1 + short_string_room(keyed ? item.key.size() : 0) + 1 + 48);
            if (comma) {
                *o++ = ',';
            }
            if (keyed) {
                o = write_short_string(o, item.key.data(), item.key.size());
                *o++ = ':';
            }
        } else {
            o = out.reserve(1);
            if (comma) {
                *o++ = ',';
            }
            out.commit(o);
            write_string(out, item.key.data(), item.key.size());
            o = out.reserve(49);
            *o++ = ':';
        }
        comma = true;
        switch (item.op) {
        case op_null:
            std::memcpy(o, "null", 4);
            o += 4;
            break;
        case op_true:
            std::memcpy(o, "true", 4);
            o += 4;
            break;
        case op_false:
            std::memcpy(o, "false", 5);
            o += 5;
            break;
        case op_int:
            o = std::to_chars(o, o + 24, load<std::int64_t>(item.operand)).ptr;
            break;
        case op_uint:
            o = std::to_chars(o, o + 24, load<std::uint64_t>(item.operand)).ptr;
            break;
        case op_float:
            o = format_float(o, load<float>(item.operand), policy);
            break;
        case op_double:
            o = format_double(o, load<double>(item.operand), policy);
            break;
        case op_string:
            out.commit(o);
            write_string(out, item.operand + 4, load<std::uint32_t>(item.operand));
            continue;
        case op_object:
        case op_array:
            *o++ = item.op == op_array ? '[' : '{';
            ++level;
            if (item.op == op_array) {
                array_bits[level / 64] |= std::uint64_t { 1 } << (level % 64);
            }
            comma = false;
            break;
        default:
            break;
        }
        out.commit(o);
    }
}

// The `ts` field: UNIX seconds with microsecond precision, like Python's time.time() (a double
// near 1.7e9 carries nothing finer), trailing zeros trimmed: 1732800000.051234, 1700000000.5,
// 1700000000.0. Two integer conversions instead of a shortest-digits search.
inline char* format_timestamp(char* p, double ts, NonFinite policy) noexcept
{
    if (!(ts >= 0 && ts < 1e11)) {
        return format_double(p, ts, policy);
    }
    auto seconds = static_cast<std::int64_t>(ts);
    // ts >= 0 here, so + 0.5 rounds to nearest (and costs no libm call per record).
    const double fraction = (ts - static_cast<double>(seconds)) * 1e6;
    auto micros = static_cast<std::int64_t>(fraction + 0.5); // NOLINT(bugprone-incorrect-roundings)
    if (micros >= 1000000) {
        ++seconds;
        micros -= 1000000;
    }
    p = std::to_chars(p, p + 16, seconds).ptr;
    *p++ = '.';
    char digits[6];
    for (int i = 5; i >= 0; --i) {
        digits[i] = static_cast<char>('0' + micros % 10);
        micros /= 10;
    }
    int n = 6;
    while (n > 1 && digits[n - 1] == '0') {
        --n;
    }
    std::memcpy(p, digits, static_cast<std::size_t>(n));
    return p + n;
}

// {"ts":…,"tag":…,<items>,"seq":…,<static fields>}\n
template <class Out>
void write_record(Out& out, const RecordView& record, const EncoderConfig& config)
{
    char* o = out.reserve(48);
    std::memcpy(o, "{\"ts\":", 6);
    o = format_timestamp(o + 6, record.ts(), config.non_finite);
    std::memcpy(o, ",\"tag\":", 7);
    out.commit(o + 7);
    const std::string_view tag = record.tag();
    write_string(out, tag.data(), tag.size());
    write_items(out, record.items_begin(), record.items_end(), config.non_finite);
    if (config.sequence_numbers) {
        o = out.reserve(32);
        std::memcpy(o, ",\"seq\":", 7);
        out.commit(std::to_chars(o + 7, o + 32, record.seq()).ptr);
    }
    write_raw(out, config.static_fields, config.static_fields_size);
    o = out.reserve(2);
    o[0] = '}';
    o[1] = '\n';
    out.commit(o + 2);
}

// An Out that only counts, for checking a size before writing (the crash path).
class CountingOut
{
public:
    CountingOut(char* scratch, std::size_t scratch_size) noexcept
        : scratch_(scratch)
        , scratch_size_(scratch_size)
    {
    }
    char* reserve(std::size_t n) noexcept
    {
        (void)n; // callers never ask for more than max_reserve <= scratch_size_
        return scratch_;
    }
    void commit(char* end) noexcept
    {
        count_ += static_cast<std::size_t>(end - scratch_);
    }
    std::size_t count() const noexcept
    {
        return count_;
    }
    std::size_t scratch_size() const noexcept
    {
        return scratch_size_;
    }

private:
    char* scratch_;
    std::size_t scratch_size_;
    std::size_t count_ = 0;
};

} // namespace telemetry::detail
