#pragma once

#include <QStringList>

#include <vector>

namespace viewer {

// Where a true log axis puts its labelled ticks (positions are the values' own log10: nothing is
// linear near zero). Over 2.5 decades: powers of ten (every 2nd, 5th, ... decade when they would
// crowd). Up to 2.5 (two decades and margins): also 2 and 5 times a power of ten; up to one: every
// digit (1..9 x 10^k), as long as they fit. A range too narrow to hold two of those: evenly spaced
// values (0.31, 0.32, ...), still drawn at their log positions. Pure functions; any thread.
// Example: 0.001 to 0.05, 8 ticks at most: 0.001 0.002 0.005 0.01 0.02 0.05.
class LogTicks
{
public:
    // Ascending values in [lo, hi], at most max(maxTicks, 2); empty unless 0 < lo < hi.
    static std::vector<double> values(double lo, double hi, int maxTicks);
    // Short, distinct labels: "0.2", "5", "1e+06".
    static QStringList labels(const std::vector<double>& ticks);
};

} // namespace viewer
