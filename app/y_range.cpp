#include "y_range.hpp"

#include "min_max_pyramid.hpp"
#include "robust_range.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace viewer {

namespace {

constexpr double Inf = std::numeric_limits<double>::infinity();
constexpr double Max = std::numeric_limits<double>::max();
// The log range's floor and ceiling, in decades: 1e-300 keeps pow() and the axis' own
// arithmetic away from denormals; log10(DBL_MAX) = 308.25.
constexpr double LogFloor = -300.0;
const double LogCeiling = std::log10(Max);

// q in [0, 1] of values[b, e), linearly interpolated between order statistics (numpy's default).
// Reorders the slice. O(e - b) expected.
double quantile(std::vector<double>& values, std::size_t b, std::size_t e, double q)
{
    const std::size_t n = e - b;
    const double position = std::clamp(q, 0.0, 1.0) * double(n - 1);
    const auto k = static_cast<std::size_t>(position);
    const double fraction = position - double(k);
    const auto first = values.begin() + static_cast<std::ptrdiff_t>(b);
    const auto last = values.begin() + static_cast<std::ptrdiff_t>(e);
    std::nth_element(first, first + static_cast<std::ptrdiff_t>(k), last);
    const double below = first[static_cast<std::ptrdiff_t>(k)];
    if (fraction == 0.0 || k + 1 >= n)
        return below;
    const double above = *std::min_element(first + static_cast<std::ptrdiff_t>(k) + 1, last);
    return below + fraction * (above - below);
}

// The robust range of the parts' values (log10 of the positive ones on a log axis), unpadded.
bool robustRange(const std::vector<YRange::Part>& parts, bool log, double& lo, double& hi)
{
    std::size_t total = 0;
    for (const YRange::Part& part : parts) {
        for (const IndexRange& r : part.inside)
            total += std::min<std::size_t>(r.last, part.y->size())
                - std::min<std::size_t>(r.first, r.last);
    }
    const std::size_t cap = std::max<std::size_t>(RobustRange::Options {}.maxSample, 1);
    std::size_t stride = 1;
    while (total / stride > cap)
        stride *= 2;

    std::vector<double> pool; // the values that set the fence (raw ones for a smoothed line)
    std::vector<double> drawn; // the drawn value at the same point (NaN: none)
    pool.reserve(std::min(total, cap) + parts.size() * 2);
    drawn.reserve(pool.capacity());
    std::vector<std::pair<std::size_t, std::size_t>> slices; // each part's [begin, end) in pool
    std::vector<std::size_t> sliceParts; // the part of each slice
    for (std::size_t p = 0; p < parts.size(); ++p) {
        const YRange::Part& part = parts[p];
        const std::size_t begin = pool.size();
        const std::vector<double>& y = *part.y;
        const std::vector<double>& fenceY =
            part.raw && part.raw->size() == y.size() ? *part.raw : y;
        const auto usable = [log](double v) { return std::isfinite(v) && (!log || v > 0); };
        for (const IndexRange& r : part.inside) {
            const std::size_t last = std::min<std::size_t>(r.last, y.size());
            // Positions fixed in absolute index: the range stays put while the view pans.
            for (std::size_t i = (r.first + stride - 1) / stride * stride; i < last; i += stride) {
                const double v = fenceY[i];
                if (!usable(v))
                    continue;
                pool.push_back(log ? std::log10(v) : v);
                const double d = y[i];
                drawn.push_back(usable(d) ? (log ? std::log10(d) : d)
                                          : std::numeric_limits<double>::quiet_NaN());
            }
        }
        if (pool.size() > begin) {
            slices.emplace_back(begin, pool.size());
            sliceParts.push_back(p);
        }
    }
    // The newest point of each curve (the last one inside [x0, x1]: a followed run's newest sits
    // at x1) is the one the user watches: it always counts, unless its curve diverged.
    std::vector<double> newest(parts.size(), std::numeric_limits<double>::quiet_NaN());
    std::vector<double> rawNewest(parts.size(), std::numeric_limits<double>::quiet_NaN());
    for (std::size_t p = 0; p < parts.size(); ++p) {
        const YRange::Part& part = parts[p];
        if (part.inside.empty())
            continue;
        const std::size_t last = std::min<std::size_t>(part.inside.back().last, part.y->size());
        if (last == 0 || last <= part.inside.back().first)
            continue;
        const double v = (*part.y)[last - 1];
        if (std::isfinite(v) && (!log || v > 0))
            newest[p] = log ? std::log10(v) : v;
        // A smoothed line's newest value counts as far as its raw newest value reaches.
        if (part.raw && part.raw->size() == part.y->size()) {
            const double r = (*part.raw)[last - 1];
            if (!(std::isfinite(r) && (!log || r > 0)))
                newest[p] = std::numeric_limits<double>::quiet_NaN();
            else
                rawNewest[p] = log ? std::log10(r) : r;
        }
    }
    if (pool.empty())
        return false;

    // Diverged curves: a median far from the others'. The spread is the larger of the medians'
    // own spread (median absolute deviation) and a typical curve's interquartile range, so that
    // a sweep whose runs differ as sweeps do, or whose curves are flat, flags nothing.
    std::vector<char> diverged(slices.size(), 0);
    if (slices.size() >= 3) {
        std::vector<double> medians;
        std::vector<double> spreads;
        std::vector<double> work = pool; // quantile() reorders; pool stays parallel to drawn
        for (const auto& [b, e] : slices) {
            const double q1 = quantile(work, b, e, 0.25);
            const double q3 = quantile(work, b, e, 0.75);
            medians.push_back(quantile(work, b, e, 0.5));
            spreads.push_back(q3 - q1);
        }
        work = medians;
        const double center = quantile(work, 0, work.size(), 0.5);
        for (std::size_t i = 0; i < work.size(); ++i)
            work[i] = std::abs(medians[i] - center);
        const double mad = quantile(work, 0, work.size(), 0.5);
        const double typical = quantile(spreads, 0, spreads.size(), 0.5);
        const double spread = std::max({ mad, typical, std::abs(center) * 1e-9 });
        std::size_t flagged = 0;
        for (std::size_t i = 0; i < medians.size(); ++i) {
            if (std::abs(medians[i] - center) > YRange::DivergedSpread * spread) {
                diverged[i] = 1;
                ++flagged;
            }
        }
        if (flagged * 2 >= medians.size())
            std::fill(diverged.begin(), diverged.end(), 0);
    }
    std::vector<double> kept;
    kept.reserve(pool.size());
    for (std::size_t i = 0; i < slices.size(); ++i) {
        if (!diverged[i])
            kept.insert(kept.end(), pool.begin() + static_cast<std::ptrdiff_t>(slices[i].first),
                pool.begin() + static_cast<std::ptrdiff_t>(slices[i].second));
    }
    const double qa = quantile(kept, 0, kept.size(), YRange::LowerQuantile);
    const double qb = quantile(kept, 0, kept.size(), YRange::UpperQuantile);
    // Halves first: qb - qa of two values near +/-DBL_MAX would overflow.
    const double width = (qb / 2 - qa / 2) * 2 * YRange::FenceFactor;
    const double fenceLo = qa - width;
    const double fenceHi = qb + width;
    lo = Inf;
    hi = -Inf;
    for (std::size_t i = 0; i < slices.size(); ++i) {
        if (diverged[i])
            continue;
        for (std::size_t j = slices[i].first; j < slices[i].second; ++j) {
            const double v = drawn[j];
            if (v >= fenceLo && v <= fenceHi) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        }
    }
    for (std::size_t i = 0; i < slices.size(); ++i) {
        const double v = newest[sliceParts[i]];
        const double r = rawNewest[sliceParts[i]];
        if (!std::isnan(r) && !(v >= std::min(fenceLo, r) && v <= std::max(fenceHi, r)))
            continue;
        if (!diverged[i] && !std::isnan(v)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    }
    return lo <= hi;
}

} // namespace

std::pair<double, double> YRange::automatic(
    const std::vector<Part>& parts, double x0, double x1, const Options& options)
{
    const bool log = options.logY;
    double lo = Inf;
    double hi = -Inf;
    if (options.ignoreOutliers) {
        // log: lo and hi are decades here.
        if (!robustRange(parts, log, lo, hi)) {
            lo = Inf;
            hi = -Inf;
        }
    } else {
        for (const Part& part : parts) {
            double a = 0;
            double b = 0;
            if (!log) {
                if (RobustRange::finiteRange(*part.y, *part.pyramid, part.inside, 0.0, a, b)) {
                    lo = std::min(lo, a);
                    hi = std::max(hi, b);
                }
                continue;
            }
            // A log axis shows values > 0 only: the smallest positive one is among the decimated
            // points (each column keeps its min, and its first and last point).
            if (!part.decimated)
                continue;
            for (const QPointF& p : *part.decimated) {
                if (p.x() < x0 || p.x() > x1 || !(p.y() > 0) || !std::isfinite(p.y()))
                    continue;
                lo = std::min(lo, std::log10(p.y()));
                hi = std::max(hi, std::log10(p.y()));
            }
        }
    }
    if (!(lo <= hi)) {
        lo = log ? -1.0 : 0.0;
        hi = log ? 1.0 : 1.0;
    }
    if (log) {
        const double span = hi - lo;
        const double pad = span > 0 ? span * 0.04 : 0.3;
        lo = std::clamp(lo - pad, LogFloor, LogCeiling - 1.0);
        hi = std::clamp(hi + pad, std::nextafter(lo, Inf), LogCeiling);
        return { std::pow(10.0, lo), std::min(std::pow(10.0, hi), Max) };
    }
    const double span = hi / 2 - lo / 2; // half the span: never overflows
    const double by = span > 0 ? span * 2 * 0.05 : std::max(std::abs(lo), 1.0) * 0.05;
    lo = std::max(lo - by, -Max);
    hi = std::min(hi + by, Max);
    if (!(hi > lo)) // a flat line at +/-DBL_MAX
        lo = hi / 2;
    return { lo, hi };
}

} // namespace viewer
