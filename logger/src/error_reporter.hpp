#pragma once
// ErrorReporter: collects a logger's failures and hands them to the user's handler (or stderr)
// outside the logger's own locks, rate-limited: a repeat of the same kind and errno within the
// interval is counted in the next report's `suppressed` instead. report() may be called with any
// lock held; deliver() must be called with none of the logger's locks held.

#include <telemetry/logger_error.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

namespace telemetry::detail {

class ErrorReporter
{
public:
    using Handler = std::function<void(const LoggerError&)>;

    ErrorReporter(Handler handler, std::chrono::nanoseconds interval);

    void report(LoggerError error, std::chrono::nanoseconds now);
    void deliver() noexcept
    {
        if (pending_flag_.load(std::memory_order_acquire)) {
            deliver_pending();
        }
    }
    std::optional<LoggerError> last_error() const;

    // Fork support: the child must not inherit a lock held by another thread of the parent.
    void lock() noexcept
    {
        mutex_.lock();
    }
    void unlock() noexcept
    {
        mutex_.unlock();
    }
    void reset_after_fork() noexcept;

private:
    void deliver_pending() noexcept;

    Handler handler_;
    std::chrono::nanoseconds interval_;
    mutable std::mutex mutex_;
    std::vector<LoggerError> pending_;
    std::atomic<bool> pending_flag_ { false };
    std::optional<LoggerError> last_;
    bool have_reported_ = false;
    LoggerError::Kind reported_kind_ = LoggerError::Kind::write;
    int reported_errno_ = 0;
    std::chrono::nanoseconds reported_at_ {};
    std::uint64_t suppressed_ = 0;
};

} // namespace telemetry::detail
