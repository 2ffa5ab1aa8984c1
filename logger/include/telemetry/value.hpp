#pragma once
// Value and Field: the non-owning vocabulary of a record's payload, cheap to build in a hot loop.
// A Value only views its data (strings, nested groups, nlohmann values) for the duration of the
// logging call it is passed to; every logger copies what it keeps before that call returns.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <type_traits>

namespace telemetry {

struct Field;

namespace detail {
template <class T>
inline constexpr bool is_char_v =
    std::is_same_v<T,
        char> || std::is_same_v<T, wchar_t> || std::is_same_v<T, char16_t> || std::is_same_v<T, char32_t>;
template <class T>
inline constexpr bool is_signed_int_v =
    std::is_integral_v<T>&& std::is_signed_v<T> && !is_char_v<T>;
template <class T>
inline constexpr bool is_unsigned_int_v =
    std::is_integral_v<T>&& std::is_unsigned_v<T> && !is_char_v<T> && !std::is_same_v<T, bool>;
} // namespace detail

// One payload value. Numbers keep their kind: integers are written as exact integer tokens,
// a float is written with the shortest digits of the float (0.1f -> 0.1), a double with the
// shortest digits that read back bit-identical. A nested group `{{"acc", 0.9}}` becomes a JSON
// object, i.e. the metric series `group/acc` in the viewer.
class Value
{
public:
    enum class Type : std::uint8_t
    {
        null,
        boolean,
        int64,
        uint64,
        float32,
        float64,
        string,
        group,
        json
    };

    Value() noexcept
    {
        u_.i = 0;
    }
    Value(std::nullptr_t) noexcept
        : Value()
    {
    }
    Value(bool v) noexcept
        : type_(Type::boolean)
    {
        u_.b = v;
    }
    template <class T, std::enable_if_t<detail::is_signed_int_v<T>, int> = 0>
    Value(T v) noexcept
        : type_(Type::int64)
    {
        u_.i = static_cast<std::int64_t>(v);
    }
    template <class T, std::enable_if_t<detail::is_unsigned_int_v<T>, int> = 0>
    Value(T v) noexcept
        : type_(Type::uint64)
    {
        u_.u = static_cast<std::uint64_t>(v);
    }
    // A plain `char` is ambiguous (a number or a one-letter string?): spell it out instead.
    Value(char) = delete;
    Value(float v) noexcept
        : type_(Type::float32)
    {
        u_.f = v;
    }
    Value(double v) noexcept
        : type_(Type::float64)
    {
        u_.d = v;
    }
    Value(long double v) noexcept
        : Value(static_cast<double>(v))
    {
    }
    // A null pointer is written as null, not as an empty string.
    Value(const char* s) noexcept
    {
        if (s != nullptr) {
            type_ = Type::string;
            u_.s = { s, std::char_traits<char>::length(s) };
        } else {
            u_.i = 0;
        }
    }
    Value(std::string_view s) noexcept
        : type_(Type::string)
    {
        u_.s = { s.data(), s.size() };
    }
    Value(const std::string& s) noexcept
        : Value(std::string_view(s))
    {
    }
    // A nested metric group: {"metrics", {{"acc", 0.9}, {"grad_norm", 1.2}}}.
    Value(std::initializer_list<Field> group) noexcept;
    // Any nlohmann value (arrays, objects, ...), viewed, not copied.
    Value(const nlohmann::json& json) noexcept
        : type_(Type::json)
    {
        u_.j = &json;
    }

    // A group over fields that live elsewhere (e.g. a std::vector<Field> built at run time).
    static Value group(const Field* fields, std::size_t count) noexcept
    {
        Value v;
        v.type_ = Type::group;
        v.u_.g = { fields, count };
        return v;
    }

    Type type() const noexcept
    {
        return type_;
    }
    bool as_bool() const noexcept
    {
        return u_.b;
    }
    std::int64_t as_int64() const noexcept
    {
        return u_.i;
    }
    std::uint64_t as_uint64() const noexcept
    {
        return u_.u;
    }
    float as_float() const noexcept
    {
        return u_.f;
    }
    double as_double() const noexcept
    {
        return u_.d;
    }
    std::string_view as_string() const noexcept
    {
        return { u_.s.data, u_.s.size };
    }
    const Field* group_data() const noexcept
    {
        return u_.g.data;
    }
    std::size_t group_size() const noexcept
    {
        return u_.g.size;
    }
    const nlohmann::json& as_json() const noexcept
    {
        return *u_.j;
    }

private:
    struct Chars
    {
        const char* data;
        std::size_t size;
    };
    struct Fields
    {
        const Field* data;
        std::size_t size;
    };
    union {
        bool b;
        std::int64_t i;
        std::uint64_t u;
        float f;
        double d;
        Chars s;
        Fields g;
        const nlohmann::json* j;
    } u_;
    Type type_ = Type::null;
};

// A key and its value. Keys are written escaped and as given: duplicates are not merged (a JSON
// reader keeps the last one).
struct Field
{
    std::string_view key;
    Value value;
};

inline Value::Value(std::initializer_list<Field> group) noexcept
    : type_(Type::group)
{
    u_.g = { group.begin(), group.size() };
}

} // namespace telemetry
