#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace viewer {

// Smoothing of a series' full-resolution values (never of decimated points, so a curve does not
// change with zoom or with the length of the run). Output is parallel to the input: one value per
// point, a NaN/+Inf/-Inf point stays where it is, unchanged, and never leaks into its neighbours.
// Pure functions over values; any thread. Both restart at segment starts (a resumed run does not
// inherit the tail of the attempt it replaces) and both can follow a growing series.
class Smoothing
{
public:
    static constexpr double MaxEmaWeight = 0.999;

    // TensorBoard's debiased exponential moving average, over the finite points of a segment:
    //   last = last * w + (1 - w) * y;   smoothed = last / (1 - w^n)   (n: points taken so far)
    // w is clamped to [0, MaxEmaWeight]; w = 0 returns the values. While every finite value of
    // the segment so far is the same, that value is returned exactly (TensorBoard special-cases
    // constant series the same way, so that rounding does not draw a wobble).
    // Example, w = 0.5, y = 1, NaN, 3: 1, NaN, (0.25 + 1.5) / 0.75 = 2.3333.
    //
    // One departure from TensorBoard: an extreme outlier is not carried. A value whose distance d
    // from the smoothed line so far exceeds OutlierFactor x the line's spread (the debiased EMA,
    // same weight, of the distances of the values taken; at least 1e-3 x |line|) is returned
    // as it is, like a NaN, and left out of the average. TensorBoard's EMA 0.6 holds one 9.5e307
    // at the top of the plot for ~1,400 points, and EMA 0.99 carries a 1e6 loss spike over
    // thousands: the curve the user came to read disappears, while the spike itself is still
    // drawn (as its own point, clipped at the edge by the y range). Checked from the second
    // taken value on; a line whose level and spread are both 0 takes every value. When
    // LevelShiftPoints such values come in a row, the level has moved (a divergence, a schedule
    // step), not spiked: the average starts again from the last of them.
    static constexpr double OutlierFactor = 1000.0;
    static constexpr int LevelShiftPoints = 3;
    struct EmaState
    {
        double last = 0.0;
        double weightPower = 1.0; // w^n
        double first = 0.0; // the segment's first finite value, while it is constant
        std::size_t count = 0; // n
        bool constant = true;
        double spreadLast = 0.0; // EMA of |y - smoothed| over the taken values after the first
        double spreadPower = 1.0; // w^(n - 1)
        int outliersInRow = 0;
        std::size_t nextSegment = 0; // index into segmentStarts of the next restart
    };
    // Smooths y[out.size(), y.size()) and appends it to out: call again after the series grew.
    // state and out belong together; start both empty (and again when the weight changes).
    static void appendEma(const std::vector<double>& y, double weight, EmaState& state,
        std::vector<double>& out, const std::vector<std::uint32_t>& segmentStarts = {});
    static std::vector<double> ema(const std::vector<double>& y, double weight,
        const std::vector<std::uint32_t>& segmentStarts = {});

    // Centered moving average over `window` points (clamped to >= 1): point i averages the
    // finite values of y[i - (window-1)/2, i + window/2] inside its segment; near the ends the
    // window is cut short. Example, window 3, y = 1, 2, NaN, 4: 1.5, 1.5, NaN, 4.
    static std::vector<double> movingAverage(const std::vector<double>& y, int window,
        const std::vector<std::uint32_t>& segmentStarts = {});
    // After y grew: recomputes the tail of out whose windows reach the new points (the last
    // window/2 old ones) and appends the rest. O(window + new points). Returns the first index
    // of out that was rewritten.
    static std::size_t updateMovingAverage(const std::vector<double>& y, int window,
        std::vector<double>& out, const std::vector<std::uint32_t>& segmentStarts = {});
};

} // namespace viewer
