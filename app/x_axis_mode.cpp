#include "x_axis_mode.hpp"

#include <QCoreApplication>

#include <array>

namespace viewer {

namespace {

constexpr std::array<XAxisModeText, 6> Texts { {
    { XAxisMode::Step, "step", QT_TRANSLATE_NOOP("XAxisMode", "Step"), "step", "step" },
    { XAxisMode::GlobalStep, "global", QT_TRANSLATE_NOOP("XAxisMode", "Global step"),
        "global step (restarts of the step counter joined)", "global_step" },
    { XAxisMode::Epoch, "epoch", QT_TRANSLATE_NOOP("XAxisMode", "Epoch"), "epoch", "epoch" },
    { XAxisMode::Wall, "wall", QT_TRANSLATE_NOOP("XAxisMode", "Wall clock"), "wall clock",
        "wall_time" },
    { XAxisMode::Relative, "relative", QT_TRANSLATE_NOOP("XAxisMode", "Relative time"),
        "relative time (s)", "relative_time" },
    { XAxisMode::Sequence, "seq", QT_TRANSLATE_NOOP("XAxisMode", "Record sequence"),
        "record # in run (every tag)", "record" },
} };

} // namespace

std::span<const XAxisModeText> xAxisModeTexts()
{
    return Texts;
}

const XAxisModeText& xAxisModeText(XAxisMode mode)
{
    for (const XAxisModeText& t : Texts) {
        if (t.mode == mode)
            return t;
    }
    return Texts.front();
}

std::optional<XAxisMode> xAxisModeFromName(const QString& name)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("sequence"))
        return XAxisMode::Sequence;
    if (n == QLatin1String("global_step"))
        return XAxisMode::GlobalStep;
    for (const XAxisModeText& t : Texts) {
        if (n == QLatin1String(t.name))
            return t.mode;
    }
    return std::nullopt;
}

QString xAxisModeName(XAxisMode mode)
{
    return QLatin1String(xAxisModeText(mode).name);
}

QString xAxisModeLabel(XAxisMode mode)
{
    return QCoreApplication::translate("XAxisMode", xAxisModeText(mode).label);
}

QString xAxisTitle(XAxisMode mode)
{
    return QLatin1String(xAxisModeText(mode).axisTitle);
}

QString xAxisCsvHeader(XAxisMode mode)
{
    return QLatin1String(xAxisModeText(mode).csvHeader);
}

} // namespace viewer
