#pragma once
// LoggerError: one failure of a logger, as reported to the error handler and by last_error().
// Logging calls never throw; this is how a failure reaches the trainer instead.

#include <cstdint>
#include <string>

namespace telemetry {

struct LoggerError
{
    enum class Kind
    {
        open, // the file (or its folder) could not be created or opened
        write, // write(2) failed: the unwritten records stay buffered and are retried
        fsync, // durable mode: fsync failed, records written since the last good fsync may be lost
        close, // close(2) failed
        rejected, // a record was refused (see the README's rules); the rest are written
        dropped, // the buffer bound was reached: the record was dropped and counted
        reopened // the file was deleted while open and has been created again
    };

    Kind kind = Kind::write;
    int error_number = 0; // errno of the failed call, 0 for rejected records
    std::string path;
    std::string message; // a complete sentence for people, e.g. "write failed: No space left ..."
    std::uint64_t suppressed = 0; // reports swallowed by rate limiting since the previous one
};

const char* to_string(LoggerError::Kind kind) noexcept;

} // namespace telemetry
