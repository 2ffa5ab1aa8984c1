#pragma once
// ManualClock: a Clock that only moves when told to, for tests of time-based flushing.
// Thread-safe: a test thread advances it while the logger's flush worker reads it. A logger given a
// clock other than SystemClock re-reads it every 10 ms while a deadline is pending.

#include <telemetry/clock.hpp>

#include <atomic>
#include <cstdint>

namespace telemetry {

class ManualClock final : public Clock
{
public:
    explicit ManualClock(double wall_seconds = 1.7e9) noexcept;

    double wall() const noexcept override;
    std::chrono::nanoseconds steady() const noexcept override;

    // Moves both clocks forward.
    void advance(std::chrono::nanoseconds step) noexcept;
    // Sets the wall clock only (it may go backwards, as after an NTP step); steady time is
    // unchanged.
    void set_wall(double wall_seconds) noexcept;

private:
    std::atomic<double> wall_;
    std::atomic<std::int64_t> steady_ns_ { 0 };
};

} // namespace telemetry
