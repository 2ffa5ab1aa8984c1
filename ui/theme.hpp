#pragma once

#include <QPalette>
#include <QString>

#include <optional>

namespace viewer {

// The application's color theme. System follows the desktop (the style's own palette); Light and
// Dark use the Fusion style with a fixed palette, so both look the same on every desktop and the
// charts (which follow QPalette) match. GUI thread.
enum class Theme
{
    System,
    Light,
    Dark,
};

QString themeName(Theme theme); // "system", "light", "dark" (settings)
std::optional<Theme> themeFromName(const QString& name);
QPalette themePalette(Theme theme); // System: the current style's standard palette
// Applies to the running QApplication; remembers the desktop's style for going back to System.
void applyTheme(Theme theme);

} // namespace viewer
