#pragma once

#include "min_max_pyramid.hpp"
#include "series_aggregation.hpp"

#include <cstdint>
#include <vector>

namespace viewer {

// The mean, min and max of a group of runs on a common x (SeriesAggregation), each with the
// min/max pyramid and the list of non-finite indices the decimator reads, so that the band is
// redrawn at any zoom in O(width log n). Rebuilt whole when a member changes.
struct GroupAggregate
{
    std::vector<double> x;
    std::vector<double> mean;
    std::vector<double> min;
    std::vector<double> max;
    std::vector<std::uint32_t> count;
    MinMaxPyramid meanPyramid;
    MinMaxPyramid minPyramid;
    MinMaxPyramid maxPyramid;
    std::vector<std::uint32_t> meanNonFinite;
    std::vector<std::uint32_t> minNonFinite;
    std::vector<std::uint32_t> maxNonFinite;

    void rebuild(const std::vector<SeriesAggregation::Curve>& inputs);
    // Keeps the entries with x < cut and replaces the rest by the aggregate of `tails` (every
    // member's points with x >= cut): O(tail) for a live group whose members only append.
    void replaceFrom(double cut, const std::vector<SeriesAggregation::Curve>& tails);
    bool empty() const
    {
        return x.empty();
    }
};

} // namespace viewer
