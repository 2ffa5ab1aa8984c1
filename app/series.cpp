#include "series.hpp"

#include "spare_capacity.hpp"

#include <cmath>

namespace viewer {

Series::Series(QString tag, QString path)
    : m_tag(std::move(tag))
    , m_path(std::move(path))
{
}

void Series::append(double value, std::uint32_t record, bool restart)
{
    const auto index = static_cast<std::uint32_t>(m_values.size());
    if (restart && index > 0)
        m_segmentStarts.push_back(index);
    m_values.push_back(value);
    m_records.push_back(record);
    if (std::isfinite(value)) {
        if (!(value >= m_min))
            m_min = value;
        if (!(value <= m_max))
            m_max = value;
        return;
    }
    m_nonFinite.push_back(index);
    if (std::isnan(value))
        ++m_nanCount;
    else if (value > 0)
        ++m_posInfCount;
    else
        ++m_negInfCount;
}

void Series::reserve(std::size_t n)
{
    m_values.reserve(n);
    m_records.reserve(n);
}

const MinMaxPyramid& Series::pyramid() const
{
    if (m_pyramid.size() != m_values.size()) {
        if (m_pyramid.size() == 0)
            m_pyramid.rebuild(m_values);
        else
            m_pyramid.appended(m_values);
    }
    return m_pyramid;
}

void Series::finishAppending()
{
    dropSpareCapacity(m_values);
    dropSpareCapacity(m_records);
    pyramid();
}

std::size_t Series::bytesUsed() const
{
    return sizeof(Series) + m_values.capacity() * sizeof(double)
        + m_records.capacity() * sizeof(std::uint32_t)
        + (m_segmentStarts.capacity() + m_nonFinite.capacity()) * sizeof(std::uint32_t)
        + m_pyramid.bytesUsed() + (m_tag.capacity() + m_path.capacity()) * sizeof(QChar);
}

} // namespace viewer
