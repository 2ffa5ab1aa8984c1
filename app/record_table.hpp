#pragma once

#include "fractional_epoch_column.hpp"
#include "global_step_column.hpp"
#include "run_length_column.hpp"
#include "x_axis_mode.hpp"

#include <cstdint>
#include <limits>
#include <vector>

namespace viewer {

class RunCacheFile;

// One row per record of a run, columnar, shared by every point the record produced: the x value
// of each axis mode and where the record's line starts in its file (for the raw JSON view).
// Columns an x mode reads as an array (time, step) are arrays of doubles; the epoch and the
// offset's high 32 bits change rarely and are stored as runs: 22 bytes per record, not 34.
class RecordTable
{
public:
    static constexpr std::uint16_t NoTag = 0xffff;

    // ts: NaN when the record had none (it then takes the previous record's time).
    // step, epoch: NaN when unknown (then the last one seen in the run is used, 0 before any).
    std::uint32_t append(
        double ts, double step, double epoch, std::uint64_t offset, std::uint16_t tag);
    void reserve(std::size_t n);
    // Returns spare capacity after a bulk load.
    void finishAppending();

    std::size_t size() const
    {
        return m_time.size();
    }
    double time(std::uint32_t r) const
    {
        return m_time[r];
    }
    double step(std::uint32_t r) const
    {
        return m_step[r];
    }
    double epoch(std::uint32_t r) const
    {
        return m_epoch.at(r);
    }
    std::uint64_t offset(std::uint32_t r) const
    {
        return (std::uint64_t(m_offsetHigh.at(r)) << 32) | m_offsetLow[r];
    }
    std::uint16_t tag(std::uint32_t r) const
    {
        return m_tag[r];
    }
    double firstTime() const
    {
        return m_time.empty() ? 0.0 : m_time.front();
    }

    // Per-record x values of a mode, for the decimator: x of record r is column[r] - offset;
    // nullptr for Sequence (x is r itself). GlobalStep and Epoch are computed here on first use
    // and brought up to date on each call after appends (so call on the thread that owns the
    // run); like every column, the pointer is valid until the next append.
    struct XColumn
    {
        const double* values = nullptr;
        double offset = 0.0;
    };
    XColumn xColumn(XAxisMode mode) const;
    // x of record r in a mode: the one function every caller (chart, CSV export, events) uses.
    double x(XAxisMode mode, std::uint32_t r) const;
    // Whether the step counter starts again from the run's first step (or 0) somewhere: a
    // trainer counting steps per epoch or per pass, whose natural x is XAxisMode::GlobalStep.
    bool stepCounterRestarts() const;
    // The first step a record carried (NaN while none did).
    double firstLoggedStep() const
    {
        return m_firstLoggedStep;
    }

    std::size_t bytesUsed() const;

private:
    friend class RunCacheFile; // saves and restores every field (run_cache_file.cpp)
    std::vector<double> m_time; // non-decreasing
    std::vector<double> m_step;
    RunLengthColumn<double> m_epoch;
    std::vector<std::uint32_t> m_offsetLow;
    RunLengthColumn<std::uint32_t> m_offsetHigh;
    std::vector<std::uint16_t> m_tag;
    double m_firstLoggedStep = std::numeric_limits<double>::quiet_NaN();
    mutable GlobalStepColumn m_globalStep; // on demand, see xColumn()
    mutable FractionalEpochColumn m_fractionalEpoch;
};

} // namespace viewer
