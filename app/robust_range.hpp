#pragma once

#include "decimator.hpp"

#include <cstddef>
#include <vector>

namespace viewer {

class MinMaxPyramid;

// The y-range a chart shows for the visible points (DecimatedSeries::visible): either every finite
// value, from the min/max pyramid, or, for charts that opt in, a robust range that ignores rare
// outliers (a loss spike of 1e6 must not flatten the rest of the curve into a line; the spike is
// still drawn, clipped at the edge). Pure functions; any thread. NaN and +/-Inf never count.
class RobustRange
{
public:
    struct Options
    {
        double lowerQuantile = 0.001; // 0.1th percentile
        double upperQuantile = 0.999; // 99.9th percentile
        double padding = 0.05; // fraction of the span added above and below
        // Above this many visible points, a sample of them: every 2^k-th point by absolute index
        // (2^k the smallest stride that fits), so the sample, and the range, stay put while the
        // view pans (only a sampled point crossing an edge changes it) instead of flickering.
        std::size_t maxSample = 1u << 17;
    };

    // Finite min and max over the ranges, O(log n) per range; then padded. False when no value
    // in the ranges is finite.
    static bool finiteRange(const std::vector<double>& y, const MinMaxPyramid& pyramid,
        const std::vector<IndexRange>& ranges, double padding, double& min, double& max);

    // The [lowerQuantile, upperQuantile] quantiles of the finite values over the ranges, linearly
    // interpolated between order statistics (numpy's default), then padded. O(m) expected time
    // for m = min(points, maxSample) (nth_element on a copy). Example: 1000 values 1..1000 and
    // quantiles 0.001/0.999 give 1.999 .. 999.001 before padding.
    static bool quantileRange(const std::vector<double>& y, const std::vector<IndexRange>& ranges,
        const Options& options, double& min, double& max);

    // Widens [min, max] by padding * span on each side; an empty span (a flat curve) by
    // padding * max(|min|, 1), so that a flat line sits in the middle of the plot.
    static void pad(double& min, double& max, double padding);
};

} // namespace viewer
