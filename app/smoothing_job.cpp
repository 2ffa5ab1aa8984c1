#include "smoothing_job.hpp"

#include "series.hpp"

#include <algorithm>
#include <cmath>

namespace viewer {

SmoothingJob::SmoothingJob(
    std::uint64_t generation, SmoothingKind kind, double param, const Series& series)
    : m_generation(generation)
    , m_kind(kind)
    , m_param(param)
    , m_size(series.size())
{
    for (std::uint32_t start : series.segmentStarts()) {
        if (start < m_size)
            m_segmentStarts.push_back(start);
    }
    m_values.reserve(m_size);
}

bool SmoothingJob::copyStep(const Series& series, std::size_t maxValues)
{
    const std::size_t from = m_values.size();
    const std::size_t to = std::min(m_size, from + maxValues);
    const std::vector<double>& values = series.values();
    m_values.insert(m_values.end(), values.begin() + static_cast<std::ptrdiff_t>(from),
        values.begin() + static_cast<std::ptrdiff_t>(to));
    return m_values.size() == m_size;
}

void SmoothingJob::run()
{
    switch (m_kind) {
    case SmoothingKind::None:
        break;
    case SmoothingKind::Ema:
        Smoothing::appendEma(m_values, m_param, m_ema, m_smoothed, m_segmentStarts);
        break;
    case SmoothingKind::MovingAverage:
        m_smoothed = Smoothing::movingAverage(
            m_values, std::max(1, static_cast<int>(std::lround(m_param))), m_segmentStarts);
        break;
    }
    m_pyramid.rebuild(m_smoothed);
    m_values = {};
}

} // namespace viewer
