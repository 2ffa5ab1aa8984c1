#include "global_step_column.hpp"

#include <cmath>

namespace viewer {

void GlobalStepColumn::update(const std::vector<double>& steps, double firstStep)
{
    if (steps.size() < m_done) // a table that shrank is a new table
        *this = GlobalStepColumn();
    for (std::size_t r = m_done; r < steps.size(); ++r) {
        const double step = steps[r];
        if (step < m_lastStep) {
            if (step == 0.0 || step == firstStep) {
                // Another pass over the same steps: continue after the highest count so far.
                if (m_values.empty())
                    m_values.assign(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(r));
                m_offset = m_maxGlobal + (std::isnan(m_stride) ? 1.0 : m_stride) - step;
                ++m_restarts;
            }
        } else if (step > m_lastStep && !(step - m_lastStep >= m_stride)) {
            m_stride = step - m_lastStep;
        }
        m_lastStep = step;
        const double global = step + m_offset;
        if (!(global <= m_maxGlobal))
            m_maxGlobal = global;
        if (!m_values.empty())
            m_values.push_back(global);
    }
    m_done = steps.size();
}

} // namespace viewer
