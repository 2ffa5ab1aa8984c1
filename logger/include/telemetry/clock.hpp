#pragma once
// Clock: where a logger reads time. `wall()` stamps records (`ts`, UNIX seconds like Python's
// time.time()); `steady()` drives flush deadlines, so a wall clock stepping backwards never stalls
// or rushes flushing. Implementations must be callable from any thread.

#include <chrono>

namespace telemetry {

class Clock
{
public:
    Clock() = default;
    Clock(const Clock&) = delete;
    Clock& operator=(const Clock&) = delete;
    virtual ~Clock();

    virtual double wall() const noexcept = 0;
    virtual std::chrono::nanoseconds steady() const noexcept = 0;
};

} // namespace telemetry
