#include "decimator.hpp"

#include "exact_floor.hpp"
#include "min_max_pyramid.hpp"
#include "series.hpp"

#include <algorithm>

namespace viewer {

void DecimatedSeries::clear()
{
    points.clear();
    indices.clear();
    pieceStarts.clear();
    nanX.clear();
    posInfX.clear();
    negInfX.clear();
    visible.clear();
}

namespace {

// x of a point index, and prefetches for the two dependent loads behind it (the kept points are
// scattered over the arrays: resolving their x is otherwise a chain of cache misses).
struct XFromArray
{
    const double* x;
    double operator()(std::size_t i) const
    {
        return x[i];
    }
    void prefetchFirst(std::size_t i) const
    {
        __builtin_prefetch(x + i);
    }
    void prefetchSecond(std::size_t) const { }
};

struct XFromRecords
{
    const StridedIndexColumn* records;
    const double* column;
    double offset;
    double operator()(std::size_t i) const
    {
        return column[(*records)[i]] - offset;
    }
    void prefetchFirst(std::size_t i) const
    {
        __builtin_prefetch(records->blockOf(i));
    }
    void prefetchSecond(std::size_t i) const
    {
        __builtin_prefetch(column + (*records)[i]);
    }
};

struct XFromSequence
{
    const StridedIndexColumn* records;
    double operator()(std::size_t i) const
    {
        return static_cast<double>((*records)[i]);
    }
    void prefetchFirst(std::size_t i) const
    {
        __builtin_prefetch(records->blockOf(i));
    }
    void prefetchSecond(std::size_t) const { }
};

// One decimation of one source. XOf gives the x of a point index.
template <class XOf> class Pass
{
public:
    Pass(
        const Decimator::Source& source, const PixelColumns& columns, DecimatedSeries& out, XOf xOf)
        : m_y(*source.values)
        , m_pyramid(*source.pyramid)
        , m_nonFinite(source.nonFinite ? *source.nonFinite : m_none)
        , m_out(out)
        , m_xOf(xOf)
        , m_logX(columns.logX)
        , m_a(PixelColumns::axisValue(columns.x0, columns.logX))
        , m_span(PixelColumns::axisValue(columns.x1, columns.logX) - m_a)
        , m_width(columns.width)
    {
    }

    void segment(std::size_t s, std::size_t e);
    void resolveX();

private:
    // Same arithmetic, in the same order, as PixelColumns::position().
    double position(std::size_t i) const
    {
        return (PixelColumns::axisValue(m_xOf(i), m_logX) - m_a) / m_span * m_width;
    }
    std::size_t search(std::size_t lo, std::size_t hi, std::size_t guess, double c) const;
    void column(std::size_t a, std::size_t b, bool visible);
    void run(std::size_t a, std::size_t b, bool joinsRight);
    void band(std::size_t a, std::size_t b);
    void markers(std::size_t a, std::size_t b, std::size_t k0, std::size_t k1);
    void keep(std::size_t i, double value);
    void breakLine()
    {
        m_open = false;
    }
    void resolve(const std::vector<std::uint32_t>& indices, std::vector<double>& xs) const;
    void dropNonFiniteX();

    const std::vector<double>& m_y;
    const MinMaxPyramid& m_pyramid;
    const std::vector<std::uint32_t> m_none;
    const std::vector<std::uint32_t>& m_nonFinite;
    DecimatedSeries& m_out;
    XOf m_xOf;
    bool m_logX;
    double m_a;
    double m_span;
    int m_width;
    bool m_open = false;
    std::vector<std::size_t> m_bounds; // column starts of the segment being decimated, then its end
    std::size_t m_prefetched = 0; // next index into m_nonFinite to prefetch around
    // Marker point indices; their x is looked up with the points' in resolveX().
    std::vector<std::uint32_t> m_nan;
    std::vector<std::uint32_t> m_posInf;
    std::vector<std::uint32_t> m_negInf;
};

// First index in [lo, hi) whose position is >= c (hi if none); a NaN position counts as < c.
// Positions are non-decreasing on [lo, hi). Gallops out from `guess` (the previous column's width
// ahead): O(log |answer - guess|) probes, a handful when points are spread evenly in x.
template <class XOf>
std::size_t Pass<XOf>::search(std::size_t lo, std::size_t hi, std::size_t guess, double c) const
{
    if (lo >= hi)
        return hi;
    guess = std::clamp(guess, lo, hi);
    std::size_t left = lo;
    std::size_t right = hi;
    if (guess < hi && !(position(guess) >= c)) {
        left = guess + 1;
        for (std::size_t step = 1;; step *= 2) {
            const std::size_t probe = guess + step;
            if (probe >= hi)
                break;
            if (position(probe) >= c) {
                right = probe;
                break;
            }
            left = probe + 1;
        }
    } else {
        right = guess;
        for (std::size_t step = 1;; step *= 2) {
            if (right - lo < step)
                break;
            const std::size_t probe = right - step;
            if (!(position(probe) >= c)) {
                left = probe + 1;
                break;
            }
            right = probe;
        }
    }
    while (left < right) {
        const std::size_t mid = left + (right - left) / 2;
        if (position(mid) >= c)
            right = mid;
        else
            left = mid + 1;
    }
    return left;
}

template <class XOf> void Pass<XOf>::segment(std::size_t s, std::size_t e)
{
    breakLine();
    const double width = m_width;
    const std::size_t va = search(s, e, s, 0.0);
    // Visible: 0 <= position <= width (x1 itself is in the last column).
    const std::size_t vb = search(va, e, va, std::nextafter(width, HUGE_VAL));
    const bool hasLeft = va > s && std::isfinite(position(va - 1));
    const bool hasRight = vb < e && std::isfinite(position(vb));
    if (va == vb) {
        // Nothing inside, but two neighbours on either side still draw a line across the plot.
        if (hasLeft && hasRight && std::isfinite(m_y[va - 1]) && std::isfinite(m_y[vb])) {
            keep(va - 1, m_y[va - 1]);
            keep(vb, m_y[vb]);
        }
        breakLine();
        return;
    }
    m_out.visible.push_back({ static_cast<std::uint32_t>(va), static_cast<std::uint32_t>(vb) });
    if (hasLeft)
        column(va - 1, va, false);
    // Column bounds first (x only), then the columns: knowing the bounds ahead lets the pyramid
    // prefetch what the next columns read, so their cache misses overlap.
    // Columns only go right: with x as the contract says this changes nothing, and x breaking it
    // (going back, NaN) still costs at most one pass per column.
    m_bounds.clear();
    std::size_t guessWidth = 1;
    double previous = -1.0;
    for (std::size_t i = va; i < vb;) {
        double c = exactFloor(position(i));
        if (!(c > previous))
            c = previous + 1.0;
        // The last column takes the rest.
        const std::size_t j = c >= width - 1.0 ? vb : search(i + 1, vb, i + guessWidth, c + 1.0);
        m_bounds.push_back(i);
        guessWidth = j - i;
        previous = c;
        i = j;
    }
    m_bounds.push_back(vb);
    constexpr std::size_t Ahead = 4;
    m_prefetched = static_cast<std::size_t>(
        std::lower_bound(m_nonFinite.begin(), m_nonFinite.end(), va) - m_nonFinite.begin());
    for (std::size_t k = 0; k + 1 < m_bounds.size(); ++k) {
        if (k + Ahead < m_bounds.size()) {
            const std::size_t ahead = m_bounds[k + Ahead];
            // Only for a column that run() reads through the pyramid (more than 8 points).
            if (k + Ahead + 1 >= m_bounds.size() || m_bounds[k + Ahead + 1] - ahead > 8)
                m_pyramid.prefetch(m_y, ahead);
            // A few line breaks per column at most: a NaN stretch of millions is not walked.
            for (int budget = 16;
                 m_prefetched < m_nonFinite.size() && m_nonFinite[m_prefetched] < ahead;
                 ++m_prefetched) {
                if (budget-- == 0) {
                    m_prefetched = static_cast<std::size_t>(
                        std::lower_bound(m_nonFinite.begin() + std::ptrdiff_t(m_prefetched),
                            m_nonFinite.end(), ahead)
                        - m_nonFinite.begin());
                    break;
                }
                m_pyramid.prefetch(m_y, m_nonFinite[m_prefetched]);
            }
        }
        column(m_bounds[k], m_bounds[k + 1], true);
    }
    if (hasRight)
        column(vb, vb + 1, false);
    breakLine();
}

// Points [a, b) of one pixel column: M4 of each run of finite values between the non-finite ones.
template <class XOf> void Pass<XOf>::column(std::size_t a, std::size_t b, bool visible)
{
    const auto k0 = static_cast<std::size_t>(
        std::lower_bound(m_nonFinite.begin(), m_nonFinite.end(), a) - m_nonFinite.begin());
    const auto k1 = static_cast<std::size_t>(
        std::lower_bound(
            m_nonFinite.begin() + static_cast<std::ptrdiff_t>(k0), m_nonFinite.end(), b)
        - m_nonFinite.begin());
    if (k0 == k1) {
        run(a, b, true);
        return;
    }
    const std::size_t firstBreak = m_nonFinite[k0];
    const std::size_t lastBreak = m_nonFinite[k1 - 1];
    run(a, firstBreak, false);
    breakLine();
    if (k1 - k0 - 1 <= Decimator::MaxExactBreaks) {
        for (std::size_t k = k0; k + 1 < k1; ++k) {
            run(m_nonFinite[k] + 1, m_nonFinite[k + 1], false);
            breakLine();
        }
    } else {
        band(firstBreak + 1, lastBreak);
    }
    run(lastBreak + 1, b, true);
    if (visible)
        markers(a, b, k0, k1);
}

// A run of finite values [a, b): its min and max, plus its first point when the line comes into
// it from the left (the open piece) and its last when the line goes on to the next column. An
// end that joins nothing is not needed: inside one column every segment is vertical, so the run
// covers the rows from its min to its max whichever way it wanders between them.
template <class XOf> void Pass<XOf>::run(std::size_t a, std::size_t b, bool joinsRight)
{
    if (a >= b)
        return;
    const bool joinsLeft = m_open;
    std::size_t minAt = a;
    std::size_t maxAt = a;
    double min = m_y[a];
    double max = min;
    if (b - a <= 8) {
        for (std::size_t i = a + 1; i < b; ++i) {
            if (m_y[i] < min) {
                min = m_y[i];
                minAt = i;
            }
            if (m_y[i] > max) {
                max = m_y[i];
                maxAt = i;
            }
        }
    } else {
        MinMaxPyramid::Extremes ext;
        m_pyramid.extremes(m_y, a, b, ext);
        // The values of min and max are known: no load of y at their (scattered) indices.
        min = ext.min;
        max = ext.max;
        minAt = ext.minIndex;
        maxAt = ext.maxIndex;
    }
    const bool minFirst = minAt < maxAt;
    const std::size_t at[4] = { a, minFirst ? minAt : maxAt, minFirst ? maxAt : minAt, b - 1 };
    const double value[4] = { m_y[a], minFirst ? min : max, minFirst ? max : min, m_y[b - 1] };
    const bool wanted[4] = { joinsLeft, true, true, joinsRight };
    std::size_t last = MinMaxPyramid::NotFound;
    for (int k = 0; k < 4; ++k) {
        if (wanted[k] && at[k] != last) {
            keep(at[k], value[k]);
            last = at[k];
        }
    }
}

// Many runs between many breaks in one column: one vertical piece from their min to their max.
template <class XOf> void Pass<XOf>::band(std::size_t a, std::size_t b)
{
    MinMaxPyramid::Extremes ext;
    if (!m_pyramid.extremes(m_y, a, b, ext))
        return;
    const bool minFirst = ext.minIndex <= ext.maxIndex;
    keep(minFirst ? ext.minIndex : ext.maxIndex, minFirst ? ext.min : ext.max);
    if (ext.minIndex != ext.maxIndex)
        keep(minFirst ? ext.maxIndex : ext.minIndex, minFirst ? ext.max : ext.min);
    breakLine();
}

template <class XOf>
void Pass<XOf>::markers(std::size_t a, std::size_t b, std::size_t k0, std::size_t k1)
{
    unsigned found = 0;
    const auto add = [&](std::size_t i, unsigned kind) {
        found |= kind;
        const auto index = static_cast<std::uint32_t>(i);
        if (kind == MinMaxPyramid::NaNKind)
            m_nan.push_back(index);
        else if (kind == MinMaxPyramid::PosInfKind)
            m_posInf.push_back(index);
        else
            m_negInf.push_back(index);
    };
    if (k1 - k0 <= 4 * Decimator::MaxExactBreaks) {
        for (std::size_t k = k0; k < k1 && found != MinMaxPyramid::AnyNonFinite; ++k) {
            const unsigned kind = MinMaxPyramid::kindOf(m_y[m_nonFinite[k]]);
            if (!(found & kind))
                add(m_nonFinite[k], kind);
        }
        return;
    }
    // Dense breaks: the pyramid's per-block kinds find the first of each without a scan.
    for (unsigned kind :
        { MinMaxPyramid::NaNKind, MinMaxPyramid::PosInfKind, MinMaxPyramid::NegInfKind }) {
        const std::size_t i = m_pyramid.findNonFinite(m_y, a, b, kind);
        if (i != MinMaxPyramid::NotFound)
            add(i, kind);
    }
}

template <class XOf> void Pass<XOf>::keep(std::size_t i, double value)
{
    if (!m_open) {
        m_out.pieceStarts.push_back(static_cast<std::uint32_t>(m_out.points.size()));
        m_open = true;
    }
    // x is filled in by resolveX(), in one prefetched sweep.
    m_out.points.emplace_back(0.0, value);
    m_out.indices.push_back(static_cast<std::uint32_t>(i));
}

template <class XOf> void Pass<XOf>::resolveX()
{
    const std::vector<std::uint32_t>& indices = m_out.indices;
    const std::size_t n = indices.size();
    constexpr std::size_t Ahead = 16;
    for (std::size_t k = 0; k < n; ++k) {
        if (k + 2 * Ahead < n)
            m_xOf.prefetchFirst(indices[k + 2 * Ahead]);
        if (k + Ahead < n)
            m_xOf.prefetchSecond(indices[k + Ahead]);
        m_out.points[k].setX(m_xOf(indices[k]));
    }
    dropNonFiniteX();
    resolve(m_nan, m_out.nanX);
    resolve(m_posInf, m_out.posInfX);
    resolve(m_negInf, m_out.negInfX);
}

// Only x that breaks the contract (NaN or infinite inside a segment's visible part) lands here:
// such a point has no place on the axis and a painter must not see it.
template <class XOf> void Pass<XOf>::dropNonFiniteX()
{
    auto& points = m_out.points;
    if (std::all_of(
            points.begin(), points.end(), [](const QPointF& p) { return std::isfinite(p.x()); }))
        return;
    std::vector<std::uint32_t> starts;
    std::size_t kept = 0;
    for (std::size_t k = 0; k < m_out.pieceCount(); ++k) {
        const std::size_t start = kept;
        for (std::size_t i = m_out.pieceStarts[k]; i < m_out.pieceEnd(k); ++i) {
            if (!std::isfinite(points[i].x()))
                continue;
            points[kept] = points[i];
            m_out.indices[kept] = m_out.indices[i];
            ++kept;
        }
        if (kept > start)
            starts.push_back(static_cast<std::uint32_t>(start));
    }
    points.resize(kept);
    m_out.indices.resize(kept);
    m_out.pieceStarts = std::move(starts);
}

template <class XOf>
void Pass<XOf>::resolve(const std::vector<std::uint32_t>& indices, std::vector<double>& xs) const
{
    xs.clear();
    xs.reserve(indices.size());
    for (std::uint32_t i : indices) {
        const double x = m_xOf(i);
        if (std::isfinite(x))
            xs.push_back(x);
    }
}

template <class XOf>
void decimateWith(
    const Decimator::Source& source, const PixelColumns& columns, DecimatedSeries& out, XOf xOf)
{
    Pass<XOf> pass(source, columns, out, xOf);
    const std::size_t n = source.values->size();
    // At most 4 points per column, and a few around breaks: room for them up front rather
    // than a dozen doublings of every curve's arrays.
    const std::size_t expected = std::min(n, 4 * std::size_t(columns.width) + 8);
    out.points.reserve(expected);
    out.indices.reserve(expected);
    std::size_t start = 0;
    if (source.segmentStarts) {
        for (std::uint32_t next : *source.segmentStarts) {
            if (next <= start || next >= n)
                continue;
            pass.segment(start, next);
            start = next;
        }
    }
    pass.segment(start, n);
    pass.resolveX();
    // Points kept until the next decimation go without the growth slack (with 1,000 runs per
    // chart the slack was a fifth of the window's memory); points freed as soon as they are
    // drawn are not worth the copy.
    if (!source.trim)
        return;
    const auto trim = [](auto& v) {
        if (v.capacity() > v.size() + v.size() / 8 + 64)
            v.shrink_to_fit();
    };
    trim(out.points);
    trim(out.indices);
}

} // namespace

void Decimator::decimate(const Source& source, const PixelColumns& columns, DecimatedSeries& out)
{
    out.clear();
    if (!source.values || !source.pyramid || source.values->empty() || !columns.isValid())
        return;
    if (source.pyramid->size() != source.values->size())
        return; // a pyramid of another array would return wrong extremes
    if (source.x) {
        decimateWith(source, columns, out, XFromArray { source.x });
    } else if (!source.records || source.records->size() < source.values->size()) {
        return;
    } else if (source.xColumn.values) {
        decimateWith(source, columns, out,
            XFromRecords { source.records, source.xColumn.values, source.xColumn.offset });
    } else {
        decimateWith(source, columns, out, XFromSequence { source.records });
    }
}

void Decimator::decimate(const Series& series, const RecordTable::XColumn& x,
    const PixelColumns& columns, DecimatedSeries& out, bool breakAtSegments)
{
    Source source;
    source.values = &series.values();
    source.pyramid = &series.pyramid();
    source.records = &series.records();
    source.xColumn = x;
    source.segmentStarts = breakAtSegments ? &series.segmentStarts() : nullptr;
    source.nonFinite = &series.nonFinite();
    decimate(source, columns, out);
}

void Decimator::decimate(const std::vector<double>& x, const std::vector<double>& y,
    const PixelColumns& columns, DecimatedSeries& out,
    const std::vector<std::uint32_t>& segmentStarts)
{
    out.clear();
    if (x.size() != y.size())
        return;
    MinMaxPyramid pyramid;
    pyramid.rebuild(y);
    std::vector<std::uint32_t> nonFinite;
    for (std::size_t i = 0; i < y.size(); ++i) {
        if (!std::isfinite(y[i]))
            nonFinite.push_back(static_cast<std::uint32_t>(i));
    }
    Source source;
    source.values = &y;
    source.pyramid = &pyramid;
    source.x = x.data();
    source.segmentStarts = &segmentStarts;
    source.nonFinite = &nonFinite;
    decimate(source, columns, out);
}

} // namespace viewer
