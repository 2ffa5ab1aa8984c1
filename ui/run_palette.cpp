#include "run_palette.hpp"

#include "run_colors.hpp"

#include <array>
#include <cmath>

namespace viewer {

QColor RunPalette::color(int runId)
{
    auto it = m_colors.find(runId);
    if (it == m_colors.end())
        it = m_colors.insert(runId, nthColor(m_next++));
    return *it;
}

QColor RunPalette::peek(int runId) const
{
    return m_colors.value(runId, nthColor(m_next));
}

void RunPalette::setColor(int runId, const QColor& color)
{
    m_colors.insert(runId, color);
}

QColor RunPalette::nthColor(int n)
{
    // The matplotlib/Tableau sequence without its red (#d62728), which marks errors and NaN: the
    // first ten of the engine's qualitative palette (RunColors), so charts and table agree.
    constexpr int TableauColors = 10;
    if (n >= 0 && n < TableauColors)
        return QColor::fromRgb(RunColors::qualitative(n));
    // Golden-angle steps spread any number of hues; hues within 25 degrees of red are pushed out.
    double hue = std::fmod(37.0 + 137.50776 * n, 360.0);
    if (hue < 25.0)
        hue += 25.0;
    else if (hue > 335.0)
        hue -= 25.0;
    const int saturation = 150 + (n * 37) % 90;
    const int value = 150 + (n * 53) % 80;
    return QColor::fromHsv(static_cast<int>(hue), saturation, value);
}

} // namespace viewer
