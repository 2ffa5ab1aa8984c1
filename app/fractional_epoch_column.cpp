#include "fractional_epoch_column.hpp"

#include <algorithm>
#include <cmath>

namespace viewer {

void FractionalEpochColumn::update(const double* global, const std::vector<double>& epochs)
{
    const std::size_t n = epochs.size();
    if (n < m_values.size()) // a table that shrank is a new table
        *this = FractionalEpochColumn();
    if (n == m_values.size())
        return;
    m_values.resize(n);
    std::size_t begin = m_openStart;
    for (std::size_t r = begin + 1; r <= n; ++r) {
        if (r < n
            && (epochs[r] == epochs[begin] || (std::isnan(epochs[r]) && std::isnan(epochs[begin]))))
            continue;
        if (r < n) { // a closed stretch: its own span
            fill(global, epochs[begin], begin, r, NaN, &m_closedSpan);
            begin = r;
        } else {
            double span = NaN;
            fill(global, epochs[begin], begin, n, m_closedSpan, &span);
        }
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
