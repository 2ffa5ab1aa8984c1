#pragma once

#include <QString>

namespace viewer {

struct Run;

// What a run is doing, as the runs table tells it (worst first when several apply):
//   crashed  — an `error` record: an exception, or the record our logger's crash handler writes
//              on a fatal signal ({"tag":"error","type":"SIGSEGV",...,"signal":11});
//   diverged — a NaN or ±Inf in a watched metric (the result columns' series);
//   live     — its file is followed and records arrived within the quiet time;
//   quiet    — followed, but nothing arrived for the quiet time, and it has not finished;
//   finished — its file was read to its end (not followed), a later run started in the same file,
//              or its last event is an epoch_end and nothing arrived for the quiet time.
enum class RunState
{
    Live,
    Quiet,
    Finished,
    Diverged,
    Crashed,
};

// The facts about a run that are not in the Run itself.
struct RunStateInput
{
    bool followed = false; // its source is being followed
    bool laterRunInFile = false; // another run started after it in the same file
    bool recentRecords = false; // records arrived within the quiet time
    bool nonFiniteWatched = false; // NaN/Inf in a watched metric
};

RunState classifyRun(const Run& run, const RunStateInput& input);
QString runStateName(RunState state); // "live", "quiet", "finished", "diverged", "crashed"

} // namespace viewer
