#include "robust_range.hpp"

#include "min_max_pyramid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace viewer {

void RobustRange::pad(double& min, double& max, double padding)
{
    if (!(padding > 0.0))
        return;
    const double span = max - min;
    const double by = span > 0.0 ? span * padding : std::max(std::abs(min), 1.0) * padding;
    min -= by;
    max += by;
}

bool RobustRange::finiteRange(const std::vector<double>& y, const MinMaxPyramid& pyramid,
    const std::vector<IndexRange>& ranges, double padding, double& min, double& max)
{
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (const IndexRange& r : ranges) {
        double a = 0.0;
        double b = 0.0;
        if (pyramid.range(y, r.first, r.last, a, b)) {
            lo = std::min(lo, a);
            hi = std::max(hi, b);
        }
    }
    if (lo > hi)
        return false;
    min = lo;
    max = hi;
    pad(min, max, padding);
    return true;
}

bool RobustRange::quantileRange(const std::vector<double>& y, const std::vector<IndexRange>& ranges,
    const Options& options, double& min, double& max)
{
    std::size_t total = 0;
    for (const IndexRange& r : ranges)
        total += std::min<std::size_t>(r.last, y.size()) - std::min<std::size_t>(r.first, r.last);
    const std::size_t cap = std::max<std::size_t>(options.maxSample, 1);
    std::size_t stride = 1;
    while (total / stride > cap)
        stride *= 2;

    std::vector<double> sample;
    sample.reserve(std::min(total, cap) + ranges.size());
    for (const IndexRange& r : ranges) {
        const std::size_t last = std::min<std::size_t>(r.last, y.size());
        // First multiple of the stride at or after r.first: positions fixed in absolute index.
        for (std::size_t i = (r.first + stride - 1) / stride * stride; i < last; i += stride) {
            if (std::isfinite(y[i]))
                sample.push_back(y[i]);
        }
    }
    if (sample.empty())
        return false;

    const auto quantile = [&](double q) {
        const double position = std::clamp(q, 0.0, 1.0) * double(sample.size() - 1);
        const auto k = static_cast<std::size_t>(position);
        const double fraction = position - double(k);
        std::nth_element(
            sample.begin(), sample.begin() + static_cast<std::ptrdiff_t>(k), sample.end());
        const double below = sample[k];
        if (fraction == 0.0 || k + 1 >= sample.size())
            return below;
        // After nth_element everything past k is >= sample[k]: its least is the next statistic.
        const double above =
            *std::min_element(sample.begin() + static_cast<std::ptrdiff_t>(k) + 1, sample.end());
        return below + fraction * (above - below);
    };
    double lo = quantile(options.lowerQuantile);
    double hi = quantile(options.upperQuantile);
    if (lo > hi)
        std::swap(lo, hi);
    min = lo;
    max = hi;
    pad(min, max, options.padding);
    return true;
}

} // namespace viewer
