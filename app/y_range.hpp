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
//   there), and it is the point the user watches: it always counts. Per curve: a run's raw values
//   (a smoothed line lies inside them) or a group's min and max.
// - Linear axis: the finite min and max of those values (min/max pyramid, O(log n) per segment),
//   or, with "ignore outliers", their 0.1 % and 99.9 % quantiles (RobustRange); then 5 % padding.
// - Log axis: the smallest positive and the largest value among the decimated points (each pixel
//   column keeps its min, first and last), then 4 % of the decades as padding.
// - Nothing to show: 0..1 (log: 0.1..10). NaN and +/-Inf never count (they are markers).
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
    };
    struct Options
    {
        bool logY = false;
        bool ignoreOutliers = false;
    };

    // [first, last) index ranges of the points with x0 <= x <= x1, one per segment that has any.
    // segments: [begin, end) point ranges in which x is non-decreasing (a NaN x sorts first).
    // O(log n) per segment.
    template <class XOf>
    static std::vector<IndexRange> pointsInside(
        const std::vector<std::pair<std::size_t, std::size_t>>& segments, const XOf& xOf,
        double x0, double x1);

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
