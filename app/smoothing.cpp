#include "smoothing.hpp"

#include <algorithm>
#include <cmath>

namespace viewer {

namespace {

// A running sum that values can leave again, with Neumaier's compensation: a window sliding over
// millions of points must not drift away from the sum of what it holds.
class WindowSum
{
public:
    void add(double v)
    {
        accumulate(v);
    }
    void remove(double v)
    {
        accumulate(-v);
    }
    double value() const
    {
        return m_sum + m_compensation;
    }

private:
    void accumulate(double v)
    {
        const double t = m_sum + v;
        if (std::abs(m_sum) >= std::abs(v))
            m_compensation += (m_sum - t) + v;
        else
            m_compensation += (v - t) + m_sum;
        m_sum = t;
    }
    double m_sum = 0.0;
    double m_compensation = 0.0;
};

// Moving average of the points [from, segment end) of every segment reaching past `from`,
// appended to out (which holds exactly `from` values).
void fillMovingAverage(const std::vector<double>& y, int window,
    const std::vector<std::uint32_t>& segmentStarts, std::size_t from, std::vector<double>& out)
{
    const std::size_t n = y.size();
    const auto before = static_cast<std::size_t>(std::max(window, 1) - 1) / 2;
    const auto after = static_cast<std::size_t>(std::max(window, 1)) / 2;
    std::size_t segmentStart = 0;
    std::size_t k = 0;
    while (segmentStart < n) {
        // The segment holding segmentStart ends at the next start beyond it.
        while (k < segmentStarts.size() && segmentStarts[k] <= segmentStart)
            ++k;
        const std::size_t segmentEnd =
            k < segmentStarts.size() ? std::min<std::size_t>(segmentStarts[k], n) : n;
        if (segmentEnd > from) {
            const std::size_t begin = std::max(segmentStart, from);
            // Window of point i: [lo, hi) = [max(s, i - before), min(e, i + after + 1)).
            std::size_t lo = begin - std::min(before, begin - segmentStart);
            std::size_t hi = lo;
            WindowSum sum;
            std::size_t count = 0;
            for (std::size_t i = begin; i < segmentEnd; ++i) {
                const std::size_t wantLo = i - std::min(before, i - segmentStart);
                const std::size_t wantHi = std::min(segmentEnd, i + after + 1);
                for (; hi < wantHi; ++hi) {
                    if (std::isfinite(y[hi])) {
                        sum.add(y[hi]);
                        ++count;
                    }
                }
                for (; lo < wantLo; ++lo) {
                    if (std::isfinite(y[lo])) {
                        sum.remove(y[lo]);
                        --count;
                    }
                }
                out.push_back(std::isfinite(y[i]) ? sum.value() / double(count) : y[i]);
            }
        }
        segmentStart = segmentEnd;
    }
}

// The smoothed value of the points taken so far (count > 0).
double emaValue(const Smoothing::EmaState& state)
{
    return state.constant ? state.first : state.last / (1.0 - state.weightPower);
}

// See Smoothing::OutlierFactor. The spread is known from the second taken value on (count >= 2);
// before that, and for a line at 0 with no spread, nothing is an outlier.
bool isOutlier(const Smoothing::EmaState& state, double line, double distance, double w)
{
    if (state.count < 2 || w <= 0.0)
        return false;
    const double spread = state.spreadLast / (1.0 - state.spreadPower);
    const double scale = std::max(spread, 1e-3 * std::abs(line));
    return scale > 0.0 && !(distance <= Smoothing::OutlierFactor * scale);
}

} // namespace

void Smoothing::appendEma(const std::vector<double>& y, double weight, EmaState& state,
    std::vector<double>& out, const std::vector<std::uint32_t>& segmentStarts)
{
    const double w = std::isfinite(weight) ? std::clamp(weight, 0.0, MaxEmaWeight) : 0.0;
    // Grown geometrically: reserving exactly y.size() on every call of a live series would move
    // the whole curve per appended batch (work growing with the store, issue 11 item 6).
    if (out.capacity() < y.size())
        out.reserve(std::max(y.size(), out.capacity() + out.capacity() / 2));
    for (std::size_t i = out.size(); i < y.size(); ++i) {
        while (state.nextSegment < segmentStarts.size() && segmentStarts[state.nextSegment] <= i) {
            if (segmentStarts[state.nextSegment] == i)
                state = EmaState { .nextSegment = state.nextSegment };
            ++state.nextSegment;
        }
        const double v = y[i];
        if (!std::isfinite(v)) {
            out.push_back(v);
            continue;
        }
        if (state.count > 0) {
            const double line = emaValue(state);
            const double distance = std::abs(v - line);
            if (isOutlier(state, line, distance, w)) {
                if (++state.outliersInRow < LevelShiftPoints) {
                    out.push_back(v);
                    continue;
                }
                state = EmaState { .nextSegment = state.nextSegment };
            } else {
                state.outliersInRow = 0;
                state.spreadLast = state.spreadLast * w + (1.0 - w) * distance;
                state.spreadPower *= w;
            }
        }
        state.last = state.last * w + (1.0 - w) * v;
        state.weightPower *= w;
        ++state.count;
        if (state.count == 1)
            state.first = v;
        else if (v != state.first)
            state.constant = false;
        out.push_back(emaValue(state));
    }
}

std::vector<double> Smoothing::ema(
    const std::vector<double>& y, double weight, const std::vector<std::uint32_t>& segmentStarts)
{
    std::vector<double> out;
    EmaState state;
    appendEma(y, weight, state, out, segmentStarts);
    return out;
}

std::vector<double> Smoothing::movingAverage(
    const std::vector<double>& y, int window, const std::vector<std::uint32_t>& segmentStarts)
{
    std::vector<double> out;
    out.reserve(y.size());
    fillMovingAverage(y, window, segmentStarts, 0, out);
    return out;
}

std::size_t Smoothing::updateMovingAverage(const std::vector<double>& y, int window,
    std::vector<double>& out, const std::vector<std::uint32_t>& segmentStarts)
{
    if (out.size() > y.size())
        out.clear(); // not the same series any more: start over
    const auto after = static_cast<std::size_t>(std::max(window, 1)) / 2;
    const std::size_t from = out.size() - std::min(after, out.size());
    out.resize(from);
    fillMovingAverage(y, window, segmentStarts, from, out);
    return from;
}

} // namespace viewer
