#pragma once

#include <cstddef>
#include <limits>
#include <vector>

namespace viewer {

// The global step of each record of a run: its step, counted on across the step counter's
// restarts, so that a run whose trainer counts steps per epoch (or per pass) reads in order.
// Worked example (steps 0..2 per pass, a resume from a checkpoint at step 1 in the third pass):
//   step   0 1 2 | 0 1 2 | 0 1 2 1 2 | 0
//   global 0 1 2 | 3 4 5 | 6 7 8 7 8 | 9
// A step going back to the run's first logged step (or to 0) is a counter restart: the count goes
// on one stride (the smallest step increment seen, 1 at first) after the highest global step so
// far. A step going back anywhere else is a resume: it keeps its logged step (plus the current
// pass' offset), and the series draws it as its own segment, as in Step mode. Built incrementally
// from RecordTable's step column on the thread that owns the run; costs no memory while the counter
// has never restarted (the column is then the step column itself).
class GlobalStepColumn
{
public:
    // Brings the column up to steps.size() records. firstStep: the run's first logged step, NaN
    // while there is none.
    void update(const std::vector<double>& steps, double firstStep);
    // The values for the records seen by the last update().
    const double* data(const std::vector<double>& steps) const
    {
        return m_values.empty() ? steps.data() : m_values.data();
    }
    // Counter restarts seen so far (0: the global step is the step).
    std::size_t counterRestarts() const
    {
        return m_restarts;
    }
    std::size_t bytesUsed() const
    {
        return m_values.capacity() * sizeof(double);
    }

private:
    static constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

    std::vector<double> m_values; // empty while equal to the step column (no restart yet)
    std::size_t m_done = 0; // records computed
    double m_offset = 0.0; // global = step + m_offset within the current pass
    double m_lastStep = NaN;
    double m_maxGlobal = NaN;
    double m_stride = NaN; // smallest step increment seen
    std::size_t m_restarts = 0;
};

} // namespace viewer
