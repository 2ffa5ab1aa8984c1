#pragma once

#include "record_table.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace viewer {

class Series;

// One curve from several: per distinct x, the mean, min and max over the curves that have a finite
// value at that x, and how many do (the per-rank files of one run, repeated seeds). Pure function;
// any thread. O(N log k) for N points in k curves.
//
// x is matched exactly: step 100 of one curve meets step 100 of another, 100.0000001 does not.
// That suits Step, Epoch and Sequence x; wall-clock times of different ranks practically never
// coincide, so aggregating over them gives count 1 everywhere (bin x first to compare in time).
// Within one curve x may go back (a resumed run repeats steps): its latest point at an x counts, as
// the resumed attempt supersedes the one it replaced; if that point is NaN/Inf the curve does not
// count there. An x where no curve has a finite value is kept with count 0 and NaN statistics, so
// the band shows a gap rather than joining across it. Points with NaN x are skipped.
class SeriesAggregation
{
public:
    // A curve as parallel arrays, or as a Series read through one x mode of its run.
    struct Curve
    {
        const std::vector<double>* x = nullptr;
        const std::vector<double>* y = nullptr;
        const Series* series = nullptr;
        RecordTable::XColumn xColumn; // with series: x of point i as Decimator::Source describes
    };
    static Curve fromArrays(const std::vector<double>& x, const std::vector<double>& y);
    static Curve fromSeries(const Series& series, const RecordTable::XColumn& xColumn);

    struct Result
    {
        std::vector<double> x; // distinct, ascending
        std::vector<double> mean; // NaN where count is 0
        std::vector<double> min;
        std::vector<double> max;
        std::vector<std::uint32_t> count; // curves with a finite value at x
        std::size_t size() const
        {
            return x.size();
        }
    };
    static Result aggregate(const std::vector<Curve>& curves);
};

} // namespace viewer
