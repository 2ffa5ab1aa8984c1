#pragma once

#include "x_axis_mode.hpp"

namespace viewer {

// Which of the engine's smoothings (app/smoothing.hpp) a chart draws, on full-resolution values.
enum class SmoothingKind
{
    None,
    Ema, // debiased exponential moving average; param: weight 0..0.999
    MovingAverage, // centered; param: window in points
};

// How runs that belong together (the per-rank files of one run, repeated seeds) are drawn.
enum class GroupMode
{
    Overlay, // every run its own line
    MeanBand, // one mean line per group with a translucent min/max band
};

// The view settings of one MetricChart. ChartGrid holds the global ones and hands them to every
// chart; a chart's context menu may override its own copy until the next global change.
struct ChartOptions
{
    XAxisMode xMode = XAxisMode::Step;
    SmoothingKind smoothing = SmoothingKind::None;
    double smoothingParam = 0.6; // EMA weight 0..0.999, or moving-average window in points
    bool logX = false;
    bool logY = false;
    bool ignoreOutliers = false;
    GroupMode groupMode = GroupMode::Overlay;

    bool operator==(const ChartOptions&) const = default;
};

} // namespace viewer
