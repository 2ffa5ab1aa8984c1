#pragma once

#include "record_table.hpp"
#include "series.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>
#include <vector>

namespace viewer::SeriesX {

// x of point i of a series through one x mode of its run.
inline double pointX(const Series& s, const RecordTable::XColumn& column, std::size_t i)
{
    const std::uint32_t r = s.records()[i];
    return column.values ? column.values[r] - column.offset : static_cast<double>(r);
}

// [begin, end) point ranges of a series' segments (a restart starts a new one).
inline std::vector<std::pair<std::size_t, std::size_t>> segmentsOf(const Series& s)
{
    std::vector<std::pair<std::size_t, std::size_t>> out;
    std::size_t begin = 0;
    for (std::uint32_t start : s.segmentStarts()) {
        if (start > begin && start <= s.size())
            out.emplace_back(begin, start);
        begin = std::max<std::size_t>(begin, start);
    }
    if (begin < s.size())
        out.emplace_back(begin, s.size());
    return out;
}

// First index in [b, e) whose x is >= x (x is non-decreasing within a segment; a NaN x, a record
// before any step, sorts first).
template <class XOf> std::size_t lowerBound(std::size_t b, std::size_t e, double x, const XOf& xOf)
{
    while (b < e) {
        const std::size_t mid = b + (e - b) / 2;
        if (!(xOf(mid) >= x))
            b = mid + 1;
        else
            e = mid;
    }
    return b;
}

// The x extent of a segment of increasing x; positiveOnly: only x > 0 counts (log axes).
template <class XOf>
bool segmentExtent(
    std::size_t b, std::size_t e, const XOf& xOf, bool positiveOnly, double& lo, double& hi)
{
    if (b >= e)
        return false;
    std::size_t first = positiveOnly
        ? lowerBound(b, e, std::nextafter(0.0, 1.0), xOf)
        : lowerBound(b, e, -std::numeric_limits<double>::infinity(), xOf);
    while (first < e && !std::isfinite(xOf(first)))
        ++first;
    if (first >= e)
        return false;
    std::size_t last = e - 1;
    while (last > first && !std::isfinite(xOf(last)))
        --last;
    lo = xOf(first);
    hi = xOf(last);
    return std::isfinite(lo) && std::isfinite(hi);
}

} // namespace viewer::SeriesX
