#include "group_aggregate.hpp"

#include <cmath>

namespace viewer {

namespace {

void collectNonFinite(const std::vector<double>& y, std::vector<std::uint32_t>& out)
{
    out.clear();
    for (std::size_t i = 0; i < y.size(); ++i) {
        if (!std::isfinite(y[i]))
            out.push_back(static_cast<std::uint32_t>(i));
    }
}

} // namespace

void GroupAggregate::rebuild(const std::vector<SeriesAggregation::Curve>& inputs)
{
    SeriesAggregation::Result result = SeriesAggregation::aggregate(inputs);
    x = std::move(result.x);
    mean = std::move(result.mean);
    min = std::move(result.min);
    max = std::move(result.max);
    count = std::move(result.count);
    meanPyramid.rebuild(mean);
    minPyramid.rebuild(min);
    maxPyramid.rebuild(max);
    collectNonFinite(mean, meanNonFinite);
    collectNonFinite(min, minNonFinite);
    collectNonFinite(max, maxNonFinite);
}

} // namespace viewer
