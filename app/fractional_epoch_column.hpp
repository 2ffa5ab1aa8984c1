#pragma once

#include "run_length_column.hpp"

#include <cstddef>
#include <limits>
#include <vector>

namespace viewer {

// The fractional epoch of each record of a run: its epoch plus its position within that epoch,
// always in [e, e+1), so that `--x epoch` spreads an epoch's steps instead of stacking them on
// one vertical line. The position comes from the global step (GlobalStepColumn):
//   x = e + (g - first g of the stretch) / (last g - first g + 1)
// over each stretch of consecutive records with the same epoch (an epoch resumed later in the
// run is a stretch of its own). Example: epoch 2 holding global steps 120..179 puts step 150 at
// 2.5 and its epoch_end (at the last step) at 2.983. A stretch whose steps do not vary (epoch-only
// logs) stays at e; an epoch that is not a whole number is kept as logged.
// While a run grows, its last stretch is measured against the longer of itself and the stretch
// before it (so live points keep their place while an epoch fills the way the last one did), and
// recomputed when it closes. Built on the thread that owns the run.
class FractionalEpochColumn
{
public:
    // Brings the column up to epochs.size() records; global: the global step of each of them.
    void update(const double* global, const RunLengthColumn<double>& epochs);
    const double* data() const
    {
        return m_values.data();
    }
    std::size_t bytesUsed() const
    {
        return m_values.capacity() * sizeof(double);
    }

private:
    static constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

    // Fills [begin, end), one stretch; expectedSpan: at least this span (NaN: its own).
    void fill(const double* global, double epoch, std::size_t begin, std::size_t end,
        double expectedSpan, double* span);

    std::vector<double> m_values;
    std::size_t m_openStart = 0; // first record of the last stretch (still growing)
    double m_closedSpan = NaN; // global-step span of the stretch before it
};

} // namespace viewer
