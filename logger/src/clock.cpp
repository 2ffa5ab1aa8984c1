#include <telemetry/clock.hpp>
#include <telemetry/manual_clock.hpp>
#include <telemetry/system_clock.hpp>

namespace telemetry {

Clock::~Clock() = default;

double SystemClock::wall() const noexcept
{
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::chrono::nanoseconds SystemClock::steady() const noexcept
{
    return std::chrono::steady_clock::now().time_since_epoch();
}

ManualClock::ManualClock(double wall_seconds) noexcept
    : wall_(wall_seconds)
{
}

double ManualClock::wall() const noexcept
{
    return wall_.load();
}

std::chrono::nanoseconds ManualClock::steady() const noexcept
{
    return std::chrono::nanoseconds(steady_ns_.load());
}

void ManualClock::advance(std::chrono::nanoseconds step) noexcept
{
    steady_ns_.fetch_add(step.count());
    double current = wall_.load();
    while (!wall_.compare_exchange_weak(
        current, current + std::chrono::duration<double>(step).count())) { }
}

void ManualClock::set_wall(double wall_seconds) noexcept
{
    wall_.store(wall_seconds);
}

} // namespace telemetry
