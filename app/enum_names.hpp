#pragma once

// An enum's names where a name is data (settings values, JSON output, column names): one table
// of { value, name } per enum, read both ways, so that each spelling exists once.
//   constexpr EnumNames<Theme, 3> ThemeNames { { { Theme::System, "system" }, ... } };
//   nameOf(ThemeNames, Theme::Dark) is "dark"; valueOf(ThemeNames, "dark") is Theme::Dark.

#include <QString>

#include <array>
#include <cstddef>
#include <optional>
#include <utility>

namespace viewer {

template <class Enum, std::size_t N> using EnumNames = std::array<std::pair<Enum, const char*>, N>;

// The name of `value`; `fallback` when the table has none.
template <class Enum, std::size_t N>
QString nameOf(const EnumNames<Enum, N>& names, Enum value, const QString& fallback = {})
{
    for (const auto& [v, name] : names) {
        if (v == value)
            return QLatin1String(name);
    }
    return fallback;
}

// The value named `name` exactly; nullopt for a name not in the table.
template <class Enum, std::size_t N>
std::optional<Enum> valueOf(const EnumNames<Enum, N>& names, const QString& name)
{
    for (const auto& [v, text] : names) {
        if (name == QLatin1String(text))
            return v;
    }
    return std::nullopt;
}

} // namespace viewer
