#include "record_table.hpp"

#include "spare_capacity.hpp"

#include <cmath>

namespace viewer {

std::uint32_t RecordTable::append(
    double ts, double step, double epoch, std::uint64_t offset, std::uint16_t tag)
{
    const bool first = m_time.empty();
    // A missing or backwards ts holds the clock still, so that time x stays non-decreasing.
    double time = ts;
    if (!first && !(ts >= m_time.back()))
        time = m_time.back();
    else if (first && !std::isfinite(ts))
        time = 0.0;
    // Before the first step (run_begin, the first epoch_begin) x is 0, where training starts, so
    // those records' points are drawn rather than lost at an undefined x.
    if (std::isnan(m_firstLoggedStep) && !std::isnan(step))
        m_firstLoggedStep = step;
    if (std::isnan(step))
        step = first ? 0.0 : m_step.back();
    if (std::isnan(epoch))
        epoch = first ? 0.0 : m_epoch.back();
    m_time.push_back(time);
    m_step.push_back(step);
    m_epoch.append(epoch);
    m_offsetLow.push_back(static_cast<std::uint32_t>(offset));
    m_offsetHigh.append(static_cast<std::uint32_t>(offset >> 32));
    m_tag.push_back(tag);
    return static_cast<std::uint32_t>(m_time.size() - 1);
}

void RecordTable::reserve(std::size_t n)
{
    m_time.reserve(n);
    m_step.reserve(n);
    m_offsetLow.reserve(n);
    m_tag.reserve(n);
}

void RecordTable::finishAppending()
{
    dropSpareCapacity(m_time);
    dropSpareCapacity(m_step);
    dropSpareCapacity(m_offsetLow);
    m_epoch.shrinkToFit();
    m_offsetHigh.shrinkToFit();
    dropSpareCapacity(m_tag);
}

RecordTable::XColumn RecordTable::xColumn(XAxisMode mode) const
{
    switch (mode) {
    case XAxisMode::Step:
        return { m_step.data(), 0.0 };
    case XAxisMode::GlobalStep:
        m_globalStep.update(m_step, m_firstLoggedStep);
        return { m_globalStep.data(m_step), 0.0 };
    case XAxisMode::Epoch:
        m_globalStep.update(m_step, m_firstLoggedStep);
        m_fractionalEpoch.update(m_globalStep.data(m_step), m_epoch);
        return { m_fractionalEpoch.data(), 0.0 };
    case XAxisMode::Wall:
        return { m_time.data(), 0.0 };
    case XAxisMode::Relative:
        return { m_time.data(), firstTime() };
    case XAxisMode::Sequence:
        break;
    }
    return {};
}

double RecordTable::x(XAxisMode mode, std::uint32_t r) const
{
    const XColumn column = xColumn(mode);
    return column.values ? column.values[r] - column.offset : static_cast<double>(r);
}

bool RecordTable::stepCounterRestarts() const
{
    m_globalStep.update(m_step, m_firstLoggedStep);
    return m_globalStep.counterRestarts() > 0;
}

std::size_t RecordTable::bytesUsed() const
{
    return (m_time.capacity() + m_step.capacity()) * sizeof(double) + m_epoch.bytesUsed()
        + m_offsetLow.capacity() * sizeof(std::uint32_t) + m_offsetHigh.bytesUsed()
        + m_tag.capacity() * sizeof(std::uint16_t) + m_globalStep.bytesUsed()
        + m_fractionalEpoch.bytesUsed();
}

} // namespace viewer
