#pragma once

#include "x_axis_mode.hpp"

#include <QString>

#include <cstddef>

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
    // False while the user has not chosen an x mode (no --x, menu, or remembered choice): a chart
    // then shows Step as GlobalStep when a shown run's step counter restarts (issue 13: the
    // Python logger counts steps per epoch, and Step overlays every epoch on 0..59).
    bool xModeChosen = false;
    // --x METRIC: x is this metric of each chart's own tag ("tokens": step_end/loss against
    // step_end/tokens; MetricXColumn), or a full key ("step_end/tokens") that any run holds, for
    // every chart; "" uses xMode. Set for a session (the command line), never remembered.
    QString xMetric;
    SmoothingKind smoothing = SmoothingKind::None;
    double smoothingParam = 0.6; // EMA weight 0..0.999, or moving-average window in points
    // False while the user has not chosen a smoothing (first run, no --smoothing): a chart of a
    // step_end series with more than DefaultSmoothingMinPoints points in a shown run then draws
    // TensorBoard's EMA 0.6, others none (README, "Readable by default").
    bool smoothingChosen = false;
    static constexpr std::size_t DefaultSmoothingMinPoints = 500;
    static constexpr double DefaultEmaWeight = 0.6;
    bool logX = false;
    bool logY = false;
    bool ignoreOutliers = true; // as TensorBoard: one spike must not flatten a chart (YRange)
    GroupMode groupMode = GroupMode::Overlay;
    // MeanBand: each group's member runs are drawn too, thin and faint under the band (issue 12).
    bool groupMembersFaint = false;

    bool operator==(const ChartOptions&) const = default;
};

} // namespace viewer
