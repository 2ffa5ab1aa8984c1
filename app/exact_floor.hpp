#pragma once

namespace viewer {

// std::floor, exactly, for every double (NaN and the infinities included), in a few instructions
// where it can be: without SSE4.1 (Debian's x86-64 baseline) std::floor is a library-style
// sequence of a dozen, and mapping a chart of 5,000 runs floors tens of millions of positions.
inline double exactFloor(double v)
{
    // Inside +-2^52 an int64 holds the whole part exactly; outside, v is already whole (or NaN,
    // which fails the test and is returned as it is, as std::floor returns it).
    constexpr double Whole = 4503599627370496.0; // 2^52
    if (!(v > -Whole && v < Whole))
        return v;
    const auto truncated = static_cast<double>(static_cast<long long>(v));
    return truncated > v ? truncated - 1.0 : truncated;
}

} // namespace viewer
