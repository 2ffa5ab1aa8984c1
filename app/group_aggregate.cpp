#include "group_aggregate.hpp"

#include <algorithm>
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

void GroupAggregate::replaceFrom(double cut, const std::vector<SeriesAggregation::Curve>& tails)
{
    const auto k = static_cast<std::size_t>(std::lower_bound(x.begin(), x.end(), cut) - x.begin());
    SeriesAggregation::Result result = SeriesAggregation::aggregate(tails);
    auto replace = [k](auto& kept, auto& tail) {
        kept.resize(k);
        kept.insert(kept.end(), tail.begin(), tail.end());
    };
    replace(x, result.x);
    replace(mean, result.mean);
    replace(min, result.min);
    replace(max, result.max);
    replace(count, result.count);
    meanPyramid.changedFrom(mean, k);
    minPyramid.changedFrom(min, k);
    maxPyramid.changedFrom(max, k);
    auto nonFiniteFrom = [k](const std::vector<double>& y, std::vector<std::uint32_t>& out) {
        out.erase(
            std::lower_bound(out.begin(), out.end(), static_cast<std::uint32_t>(k)), out.end());
        for (std::size_t i = k; i < y.size(); ++i) {
            if (!std::isfinite(y[i]))
                out.push_back(static_cast<std::uint32_t>(i));
        }
    };
    nonFiniteFrom(mean, meanNonFinite);
    nonFiniteFrom(min, minNonFinite);
    nonFiniteFrom(max, maxNonFinite);
}

} // namespace viewer
