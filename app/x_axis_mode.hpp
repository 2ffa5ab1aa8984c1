#pragma once

namespace viewer {

// What the x axis of a chart shows. Every mode is non-decreasing in record order within a run
// except Step, which is non-decreasing within a segment (a restart starts a new segment).
enum class XAxisMode
{
    Step, // the record's step; records without one (epoch_end, custom tags) use the last step seen
    Epoch, // the epoch the record belongs to
    Wall, // ts, UNIX seconds (made non-decreasing: a clock stepping back holds x still)
    Relative, // seconds since the run's first record
    Sequence, // the record's index in its run (for trainers whose steps repeat within an epoch)
};

} // namespace viewer
