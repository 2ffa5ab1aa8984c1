#pragma once
// SystemClock: the default Clock, std::chrono::system_clock for `ts` and steady_clock for
// deadlines.

#include <telemetry/clock.hpp>

namespace telemetry {

class SystemClock final : public Clock
{
public:
    double wall() const noexcept override;
    std::chrono::nanoseconds steady() const noexcept override;
};

} // namespace telemetry
