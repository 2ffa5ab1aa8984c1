#include "announce_pacer.hpp"

#include <algorithm>

namespace viewer {

void AnnouncePacer::announced(double nowMs, double cpuMs)
{
    m_announced = true;
    m_lastMs = nowMs;
    m_lastCpuMs = cpuMs;
    m_mergeCpuMs = 0.0;
}

double AnnouncePacer::waitMs(double nowMs, double cpuMs) const
{
    if (!m_announced)
        return 0.0;
    const double viewsCpu = std::max(0.0, cpuMs - m_lastCpuMs - m_mergeCpuMs);
    const double due = m_lastMs + std::min(viewsCpu / ViewShare, MaxDelayMs);
    const double wait = due - nowMs;
    return wait < MinWaitMs ? 0.0 : wait;
}

} // namespace viewer
