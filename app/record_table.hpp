#pragma once

#include "x_axis_mode.hpp"

#include <cstdint>
#include <vector>

namespace viewer {

// One row per record of a run, columnar, shared by every point the record produced: the x value
// of each axis mode and where the record's line starts in its file (for the raw JSON view).
class RecordTable
{
public:
    static constexpr std::uint16_t NoTag = 0xffff;

    // ts: NaN when the record had none (it then takes the previous record's time).
    // step, epoch: NaN when unknown (then the last one seen in the run is used, 0 before any).
    std::uint32_t append(double ts, double step, double epoch, std::uint64_t offset,
                         std::uint16_t tag);
    void reserve(std::size_t n);
    // Returns spare capacity after a bulk load.
    void finishAppending();

    std::size_t size() const { return m_time.size(); }
    double time(std::uint32_t r) const { return m_time[r]; }
    double step(std::uint32_t r) const { return m_step[r]; }
    double epoch(std::uint32_t r) const { return m_epoch[r]; }
    std::uint64_t offset(std::uint32_t r) const { return m_offset[r]; }
    std::uint16_t tag(std::uint32_t r) const { return m_tag[r]; }
    double firstTime() const { return m_time.empty() ? 0.0 : m_time.front(); }

    // Per-record x values of a mode, for the decimator: x of record r is column[r] - offset;
    // nullptr for Sequence (x is r itself).
    struct XColumn
    {
        const double* values = nullptr;
        double offset = 0.0;
    };
    XColumn xColumn(XAxisMode mode) const;
    double x(XAxisMode mode, std::uint32_t r) const;

    std::size_t bytesUsed() const;

private:
    std::vector<double> m_time; // non-decreasing
    std::vector<double> m_step;
    std::vector<double> m_epoch;
    std::vector<std::uint64_t> m_offset;
    std::vector<std::uint16_t> m_tag;
};

} // namespace viewer
