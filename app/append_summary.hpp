#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace viewer {

// What one RunBuilder::append() (or addMalformed()) changed, for live notifications: everything
// at or after these indices is new. A plain value; indices refer to RunBuilder::run(run).
// Only the last run of a source ever grows, so this usually names one run (two when a chunk
// starts a new run).
struct AppendSummary
{
    struct SeriesChange
    {
        int series = -1; // index into Run::series
        std::size_t firstPoint = 0; // 0 for a series created by this append
    };

    struct RunChange
    {
        int run = -1; // index into the builder's runs
        bool added = false; // the run was created by this append
        bool infoChanged = false; // id, names or info were set (a run_begin record)
        std::uint32_t firstRecord = 0; // Run::records rows [firstRecord, size) are new
        int firstTag = 0; // Run::tags [firstTag, size) are new
        int firstSeries = 0; // Run::series [firstSeries, size) are new
        std::size_t firstEvent = 0; // Run::events [firstEvent, size) are new
        std::size_t firstMalformed = 0; // Run::malformed [firstMalformed, size) are new
        bool warningsChanged = false;
        std::vector<SeriesChange> series; // every series that got points, ascending index
    };

    std::vector<RunChange> runs; // ascending run index
    std::uint64_t records = 0; // records appended
    std::uint64_t discarded = 0; // records of a run the user closed (RunBuilder::discardRun)
    std::uint64_t points = 0; // points appended (derived series included)
    std::uint64_t malformed = 0; // malformed lines added
    std::uint64_t blankLines = 0;

    bool isEmpty() const
    {
        return runs.empty() && blankLines == 0;
    }
};

} // namespace viewer
