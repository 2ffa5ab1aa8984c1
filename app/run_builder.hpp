#pragma once

#include "append_summary.hpp"
#include "parsed_chunk.hpp"
#include "run.hpp"

#include <QString>

#include <cstdint>
#include <memory>
#include <vector>

namespace viewer {

class RunCacheFile;

// Merges the ParsedChunks of one source (a file, or standard input), in file order, into Runs.
// Lives on one thread (the one that owns the runs); not thread-safe. Chunks may be cut anywhere
// between lines: appending one chunk or many gives the same runs.
//
// Rules (see the README's "Reading records"):
// - Runs: a run_begin record starts a new run (its fields become Run::info, its "run" the id).
//   Without run_begin, an epoch_begin whose epoch is <= the run's first epoch, after the run saw a
//   higher epoch begin or that epoch end, starts a new run (a rerun appended to the same file).
//   Names: "<file name>" for the first run, "<file name> #2", "#3"... for later ones.
// - x: a record without a step takes the last step seen (epoch_end/val_loss sits at the step where
//   the epoch ended); a Flat record without a step-like field takes its index in the run.
// - Segments: a point whose record's step is below the previous point's of the same series starts
//   a new segment (Series::append(restart)). A Restart event marks a step record (step_begin,
//   step_end, flat) whose step went back while its epoch did not move on (a resume from a
//   checkpoint); steps that start over with a new epoch (per-epoch counters), or go back to the
//   step the last Restart went back to (repeated passes over the same steps), only segment.
// - Derived series (tag "derived"): step_duration, seconds from a step_begin to the step_end of
//   the same step, at the step_end; records_per_second, one point per elapsed second of ts (at the
//   second's last record; a 0 after a silence of more than a second).
// - Limits: at most maxSeries series and maxTags tags per run; beyond, points are dropped,
//   counted in Run::droppedPoints and named once in Run::warnings.
class RunBuilder
{
public:
    static constexpr std::size_t DefaultMaxSeries = 10000;
    static constexpr std::size_t DefaultMaxTags = 1000;

    // sourcePath: the file's path as opened ("-" for standard input), for Run::sourcePath and
    // the runs' names.
    explicit RunBuilder(QString sourcePath);
    ~RunBuilder();
    RunBuilder(const RunBuilder&) = delete;
    RunBuilder& operator=(const RunBuilder&) = delete;

    void setLimits(std::size_t maxSeries, std::size_t maxTags);
    // For a bulk load: the size of the whole file. Once a run has a few megabytes, its arrays are
    // reserved for the rest of the file from the density seen so far, instead of doubling (each
    // doubling copies everything and touches fresh pages). Spare room is given back by
    // Series::finishAppending / RecordTable::finishAppending.
    void expectFileSize(std::uint64_t bytes);

    // Merges the next chunk of the file (chunks must come in file order, without gaps).
    AppendSummary append(const ParsedChunk& chunk);
    // A line the line assembler discarded (e.g. over-long), in file order with the chunks.
    AppendSummary addMalformed(std::uint64_t line, std::uint64_t offset, QString reason);
    // Forgets every run: the file was truncated or replaced and is read again from the start.
    void reset();
    // Frees a run the user closed; its names stay, so that later runs are still named apart.
    // When it is the last run (the one a followed file is still appending to), what keeps
    // arriving for it is dropped, yet the run rules still see it: a run that starts later is
    // found, and named, as if nothing had been closed.
    void discardRun(int index);

    const QString& sourcePath() const;
    // Runs in file order. A Run's address is stable until reset() or destruction.
    int runCount() const;
    const Run& run(int index) const;
    Run& run(int index);
    // Blank lines seen before the first run (afterwards they are counted in the current run).
    std::uint64_t pendingBlankLines() const;
    // Lines merged so far (records, malformed and blank): the next chunk's firstLine - 1.
    std::uint64_t linesSeen() const;

private:
    friend class RunCacheFile; // saves and restores every field (run_cache_file.cpp)
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace viewer
