#pragma once
// The loggers the fatal-signal handler writes for, and the buffers it writes with. Registration
// is lock-free (a fixed array of atomic slots) because the handler reads it from a signal handler.

#include <cstddef>

namespace telemetry::detail {

// Something that can write its crash report from a signal handler (async-signal-safe only).
class CrashReporter
{
public:
    virtual void write_crash_report(
        int signal, const char* name, const char* description) noexcept = 0;

protected:
    CrashReporter() = default;
    CrashReporter(const CrashReporter&) = default;
    CrashReporter& operator=(const CrashReporter&) = default;
    ~CrashReporter() = default;
};

// False when every slot is taken (64 loggers).
bool register_for_crash(CrashReporter* reporter) noexcept;
// Returns once no handler can still be using the reporter.
void unregister_for_crash(CrashReporter* reporter) noexcept;

// Pre-allocated: the handler never allocates.
char* crash_output_buffer() noexcept;
std::size_t crash_output_buffer_size() noexcept;
char* crash_scratch_buffer() noexcept;
std::size_t crash_scratch_buffer_size() noexcept;

} // namespace telemetry::detail
