#include "fractional_epoch_column.hpp"

#include <algorithm>
#include <cmath>

namespace viewer {

void FractionalEpochColumn::update(const double* global, const RunLengthColumn<double>& epochs)
{
    const std::size_t n = epochs.size();
    if (n < m_values.size()) // a table that shrank is a new table
        *this = FractionalEpochColumn();
    if (n == m_values.size())
        return;
    m_values.resize(n);
    // A stretch is consecutive records of an equal epoch: the column's runs, joined where they
    // compare equal (0.0 and -0.0) or are both NaN.
    auto same = [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); };
    std::size_t begin = m_openStart;
    std::size_t k = epochs.runOf(begin);
    for (;;) {
        const double epoch = epochs.runValue(k);
        std::size_t next = k + 1;
        while (next < epochs.runCount() && same(epochs.runValue(next), epoch))
            ++next;
        if (next < epochs.runCount()) { // a closed stretch: its own span
            const std::size_t end = epochs.runStart(next);
            fill(global, epoch, begin, end, NaN, &m_closedSpan);
            begin = end;
            k = next;
            continue;
        }
        double span = NaN;
        fill(global, epoch, begin, n, m_closedSpan, &span);
        break;
    }
    m_openStart = begin;
}

void FractionalEpochColumn::fill(const double* global, double epoch, std::size_t begin,
    std::size_t end, double expectedSpan, double* span)
{
    double lo = global[begin];
    double hi = global[begin];
    for (std::size_t r = begin; r < end; ++r) {
        lo = std::min(lo, global[r]);
        hi = std::max(hi, global[r]);
    }
    *span = hi - lo;
    double width = *span;
    if (expectedSpan > width)
        width = expectedSpan;
    const bool spread =
        std::isfinite(epoch) && epoch == std::floor(epoch) && std::isfinite(width) && width > 0;
    // The largest double below e + 1 (for huge epochs, e itself): x never reaches the next epoch.
    const double below = std::max(epoch, std::nextafter(epoch + 1.0, epoch));
    for (std::size_t r = begin; r < end; ++r) {
        if (!spread) {
            m_values[r] = epoch;
            continue;
        }
        const double x = epoch + (global[r] - lo) / (width + 1.0);
        m_values[r] = std::min(x, below);
    }
}

} // namespace viewer
