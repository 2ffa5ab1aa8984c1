#include "steady_range.hpp"

#include "axis_ticks.hpp"

#include <cmath>

namespace viewer {

namespace {

bool isRange(const SteadyRange::Range& r)
{
    return std::isfinite(r.first) && std::isfinite(r.second) && r.second > r.first;
}

} // namespace

SteadyRange::Range SteadyRange::followX(const Range& shown, const Range& before, const Range& now)
{
    if (!isRange(shown) || !isRange(before) || !isRange(now))
        return now;
    const bool grewRight = now.first == before.first && now.second >= before.second;
    if (!grewRight || now.first != shown.first)
        return now;
    const double span = now.second - now.first;
    if (now.second <= shown.second)
        return span >= MinFill * (shown.second - shown.first) ? shown : now;
    const double step = AxisTicks::niceStep(span / 20.0);
    if (!(step > 0) || !std::isfinite(step))
        return now;
    const double right = std::ceil((now.second + Room * span) / step) * step;
    if (!std::isfinite(right) || !(right > now.second))
        return now;
    return { now.first, right };
}

SteadyRange::Range SteadyRange::followY(const Range& shown, const Range& fresh)
{
    if (!isRange(shown) || !isRange(fresh))
        return fresh;
    const double span = fresh.second - fresh.first;
    const double lo = fresh.first < shown.first ? fresh.first - Headroom * span : shown.first;
    const double hi = fresh.second > shown.second ? fresh.second + Headroom * span : shown.second;
    if (!(span >= MinFill * (hi - lo)) || !std::isfinite(lo) || !std::isfinite(hi))
        return fresh;
    return { lo, hi };
}

} // namespace viewer
