#pragma once

#include "decimator.hpp"

#include <QPointF>

#include <cstddef>
#include <utility>
#include <vector>

namespace viewer {

class MinMaxPyramid;

// How a chart's automatic y range is chosen: the one place that answers it.
//
// - What counts: the values of the points whose x lies in the shown x range [x0, x1], both ends
//   included. The newest point of a followed run sits exactly at x1 (the automatic x range ends
//   there), and it is the point the user watches: it always counts. Per curve: a run's drawn values
//   (its smoothed line when smoothing is on: the faint raw shadow may be clipped) or a group's min
//   and max. NaN and +/-Inf never count (they are markers); a log axis counts values > 0 only.
// - "Ignore outliers" (on by default, as in TensorBoard), computed over every visible curve
//   together, not per curve, so one diverged run cannot flatten 22 healthy ones:
//   1. each curve's finite values (log axis: log10 of the positive ones) are sampled (a common
//      stride, fixed in absolute index, at most RobustRange::Options::maxSample in all);
//   2. with 3 or more curves, a curve whose median lies more than DivergedSpread robust spreads
//      from the median of the medians is a diverged run (mostly ramp): it does not set the range
//      (it is still drawn, clipped at the edge with markers). Fewer than half of them only;
//   3. the 5 % and 95 % quantiles qa, qb of the pooled sample, and the fence
//      [qa - FenceFactor * (qb - qa), qb + FenceFactor * (qb - qa)]: the range is the least and
//      greatest pooled value inside the fence. A loss of 1e6 among values near 1, or one 9.5e307,
//      lies far outside and is dropped; the early part of a decaying loss curve mostly stays.
//   Without "ignore outliers": the finite min and max (min/max pyramid, O(log n) per segment; log
//   axis: the positive min and max among the decimated points, which keep each column's extremes).
// - Padding: 5 % of the span (log: 4 % of the decades). Never overflows: a range near +/-DBL_MAX
//   is clamped to finite doubles, a log range to [1e-300, DBL_MAX].
// - Nothing to show: 0..1 (log: 0.1..10).
// Pure functions; any thread.
class YRange
{
public:
    // One curve's share of the range.
    struct Part
    {
        const std::vector<double>* y = nullptr;
        const MinMaxPyramid* pyramid = nullptr; // describes all of *y
        std::vector<IndexRange> inside; // points with x in [x0, x1] (pointsInside)
        const std::vector<QPointF>* decimated = nullptr; // log axis: the drawn (x, y) points
        // A smoothed line: its raw values (same indices), which set the outlier fence. An EMA
        // carries one 9.5e307 over a thousand points: the smoothed values inside the fence of the
        // raw ones fit the plot, the rest is clipped at the edge.
        const std::vector<double>* raw = nullptr;
    };
    struct Options
    {
        bool logY = false;
        bool ignoreOutliers = true;
    };
    static constexpr double LowerQuantile = 0.05;
    static constexpr double UpperQuantile = 0.95;
    static constexpr double FenceFactor = 1.0;
    static constexpr double DivergedSpread = 10.0;

    // [first, last) index ranges of the points with x0 <= x <= x1, one per segment that has any.
    // segments: [begin, end) point ranges in which x is non-decreasing (a NaN x sorts first).
    // O(log n) per segment.
    template <class XOf>
    static std::vector<IndexRange> pointsInside(
        const std::vector<std::pair<std::size_t, std::size_t>>& segments, const XOf& xOf, double x0,
        double x1);

    // The automatic range [lo, hi] for the parts, padded.
    static std::pair<double, double> automatic(
        const std::vector<Part>& parts, double x0, double x1, const Options& options);
};

template <class XOf>
std::vector<IndexRange> YRange::pointsInside(
    const std::vector<std::pair<std::size_t, std::size_t>>& segments, const XOf& xOf, double x0,
    double x1)
{
    // First index in [b, e) whose x passes `after` (x is non-decreasing in a segment).
    auto partition = [&](std::size_t b, std::size_t e, auto after) {
        while (b < e) {
            const std::size_t mid = b + (e - b) / 2;
            if (after(xOf(mid)))
                e = mid;
            else
                b = mid + 1;
        }
        return b;
    };
    std::vector<IndexRange> out;
    for (const auto& [b, e] : segments) {
        const std::size_t first = partition(b, e, [x0](double x) { return x >= x0; });
        const std::size_t last = partition(first, e, [x1](double x) { return x > x1; });
        if (first < last)
            out.push_back({ static_cast<std::uint32_t>(first), static_cast<std::uint32_t>(last) });
    }
    return out;
}

} // namespace viewer
