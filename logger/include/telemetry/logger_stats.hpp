#pragma once
// LoggerStats: counters of a logger since it was created, readable from any thread at any time.

#include <cstdint>

namespace telemetry {

struct LoggerStats
{
    std::uint64_t records = 0; // accepted by a logging call (run_begin included)
    std::uint64_t written = 0; // complete lines in the file
    std::uint64_t rejected = 0; // refused: reserved key, too deep, too large, not serializable
    std::uint64_t dropped = 0; // lost to the buffer bound, the queue bound or a closed logger
    std::uint64_t write_errors = 0; // failed open/write calls (each retried later)
    std::uint64_t fsync_failures = 0; // durable mode: failed fsync calls (possible data loss)
    std::uint64_t bytes_written = 0;
    std::uint64_t flushes = 0; // successful write batches
};

} // namespace telemetry
