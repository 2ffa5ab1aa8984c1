#pragma once

#include "chart_options.hpp"
#include "min_max_pyramid.hpp"
#include "smoothing.hpp"

#include <cstdint>
#include <vector>

namespace viewer {

class Series;

// The smoothed curve of a series' first size() points, computed off the GUI thread. A Series is
// only ever read on the GUI thread (it may grow, and so move, at any moment), so the GUI thread
// copies its values in slices (copyStep: about a millisecond each, between other events), then
// run() computes on a worker and the whole result is handed back as a value. The result equals
// Smoothing::ema / Smoothing::movingAverage of those points; emaState() continues it.
class SmoothingJob
{
public:
    // generation: the requester's counter when asked; a result of an older one is stale.
    SmoothingJob(std::uint64_t generation, SmoothingKind kind, double param, const Series& series);

    // GUI thread: copies up to maxValues more points of `series` (the same one, possibly grown
    // since); true once all size() points are copied.
    bool copyStep(const Series& series, std::size_t maxValues);
    // Any one thread, after the copy: computes the curve and its min/max pyramid, frees the copy.
    void run();

    std::uint64_t generation() const
    {
        return m_generation;
    }
    std::size_t size() const
    {
        return m_size;
    }
    // After run(), to be moved out by the requester (GUI thread).
    std::vector<double>& smoothed()
    {
        return m_smoothed;
    }
    MinMaxPyramid& pyramid()
    {
        return m_pyramid;
    }
    const Smoothing::EmaState& emaState() const
    {
        return m_ema;
    }

private:
    std::uint64_t m_generation;
    SmoothingKind m_kind;
    double m_param;
    std::size_t m_size;
    std::vector<double> m_values; // the snapshot
    std::vector<std::uint32_t> m_segmentStarts; // those below m_size
    std::vector<double> m_smoothed;
    Smoothing::EmaState m_ema;
    MinMaxPyramid m_pyramid;
};

} // namespace viewer
