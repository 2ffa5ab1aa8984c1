#pragma once

#include <QString>

namespace viewer {

// How the viewer writes numbers for people: the x of a point as it was logged, large counts with
// SI suffixes, durations in days, hours, minutes and seconds. Pure functions; any thread.
// Examples: logged(1712) "1712", logged(0.1) "0.1"; si(250000) "250k", si(1.2e6) "1.2M";
// duration(45) "45 s", duration(5000) "1h 23m", duration(183600) "2d 3h".
class NumberFormat
{
public:
    // Whole numbers as integers ("1712", "-3", "12345678901"), others as the shortest text that
    // reads back as the same double ("0.1", "1712.5", "1e-300"); "NaN", "+Inf", "-Inf".
    static QString logged(double v);

    // A table cell (steps, epochs): whole numbers below 1e15 as integers, others with 10
    // significant digits ("2.333333333", "1e+17", "inf"); NaN, a missing value, as an em dash.
    static QString cell(double v);

    // Magnitudes from 10,000 up with a suffix k, M, G, T, P, E and `precision` significant digits
    // at most, trailing zeros dropped ("250k", "1.2M", "12.3G"); smaller ones as logged().
    static QString si(double v, int precision = 3);

    // The two largest units that matter, rounded: "45 s", "1.25 s", "12m 5s", "1h 23m", "2d 3h",
    // "-1h"; under a minute, seconds with up to 3 decimals.
    static QString duration(double seconds);
    // Exact down to `resolution` seconds (a tick step): the units from the largest one down to
    // the largest unit not above the resolution, zero units left out: duration(5400, 1800)
    // "1h 30m", duration(90, 30) "1m 30s", duration(0.5, 0.25) "0.5 s".
    static QString duration(double seconds, double resolution);
};

} // namespace viewer
