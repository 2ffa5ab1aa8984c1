#pragma once

#include <QStringList>

#include <vector>

namespace viewer {

// Where an axis puts its labelled ticks, and their labels, for any range a double can hold.
// Linear: multiples of a nice step (1, 2 or 5 x 10^k; durations: 1, 2, 5, 10, 15, 30 s, 1, 2, 5,
// 10, 15, 30 min, 1, 2, 3, 6, 12 h, 1, 2, 5 x 10^k days). Labels are always distinct: with as
// many digits as the step needs, and when that is more than MaxDigits significant digits, as an
// offset plus a short difference ("5e-05 + 2e-12": the range [5e-05, 5e-05 + 1e-11] otherwise
// reads "5e-05" seven times). Logarithmic: see logarithmic(). Pure functions; any thread.
class AxisTicks
{
public:
    enum class Style
    {
        Plain, // "0.25", "1200", "1e-07"
        Si, // counts: from 10,000 up with a suffix: "250k", "1.2M"
        Duration, // seconds: "45 s", "1h 30m", "2d 3h"
    };
    static constexpr int MaxDigits = 6;

    struct Ticks
    {
        std::vector<double> values; // ascending
        QStringList labels; // one per value, distinct
    };

    // Ticks inside [lo, hi] (either order), at most max(maxTicks, 2) of them; one tick when
    // lo == hi; none when either is not finite.
    static Ticks linear(double lo, double hi, int maxTicks, Style style = Style::Plain);
    // The step linear() uses: the smallest nice step not below `raw`.
    static double niceStep(double raw, Style style = Style::Plain);

    // A true log axis (ticks at their own log10): over 2.5 decades powers of ten (every 2nd, 5th,
    // ... decade when they would crowd), up to 2.5 also 2 and 5 x 10^k, up to one every digit,
    // as long as they fit; a range too narrow for two of those: evenly spaced values. Never
    // overflows: [1e-300, 1.8e308] has ticks. Empty unless 0 < lo < hi, both finite.
    // Example: 0.001 to 0.05, 8 ticks at most: 0.001 0.002 0.005 0.01 0.02 0.05.
    static Ticks logarithmic(double lo, double hi, int maxTicks);

    // Distinct labels for ascending values `step` apart (the offset notation when needed).
    static QStringList labels(const std::vector<double>& values, double step, Style style);
};

} // namespace viewer
