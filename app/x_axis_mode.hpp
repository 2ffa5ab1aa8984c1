#pragma once

#include <QString>

#include <optional>
#include <span>

namespace viewer {

// What the x axis of a chart shows. Every mode is non-decreasing in record order within a run
// except Step and GlobalStep, which are non-decreasing within a segment (a resume from a
// checkpoint starts a new segment).
enum class XAxisMode
{
    Step, // the record's step; records without one (epoch_end, custom tags) use the last step seen
    // The step, counted on across the step counter's restarts: when the step goes back to the
    // run's first step (or 0), at an epoch boundary or for another pass over the same steps, the
    // count continues after the highest step so far (GlobalStepColumn).
    GlobalStep,
    Epoch, // epoch + position within the epoch, in [e, e+1) (FractionalEpochColumn)
    Wall, // ts, UNIX seconds (made non-decreasing: a clock stepping back holds x still)
    Relative, // seconds since the run's first record
    Sequence, // the record's index in its run (for trainers whose steps repeat within an epoch)
};

// The one table of the words for each mode: the command line's name, the menu label, the axis
// title and the CSV column header. Any thread.
struct XAxisModeText
{
    XAxisMode mode;
    const char* name; // --x, settings: "global"
    const char* label; // menus: "Global step"
    const char* axisTitle; // under the x axis: "global step (counted across epochs)"
    const char* csvHeader; // --export-csv x column: "global_step"
};

// Every mode, in menu order.
std::span<const XAxisModeText> xAxisModeTexts();
const XAxisModeText& xAxisModeText(XAxisMode mode);
// "step", "global", "epoch", "wall", "relative", "seq" (also "sequence", "global_step"),
// case-insensitive; nullopt for anything else (a metric name, for --x).
std::optional<XAxisMode> xAxisModeFromName(const QString& name);
QString xAxisModeName(XAxisMode mode);
QString xAxisModeLabel(XAxisMode mode); // translated in the "XAxisMode" context
QString xAxisTitle(XAxisMode mode);
QString xAxisCsvHeader(XAxisMode mode);

} // namespace viewer
