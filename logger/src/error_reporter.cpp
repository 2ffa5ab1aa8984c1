#include "error_reporter.hpp"

#include <cstdio>
#include <utility>

namespace telemetry {

const char* to_string(LoggerError::Kind kind) noexcept
{
    switch (kind) {
    case LoggerError::Kind::open:
        return "open";
    case LoggerError::Kind::write:
        return "write";
    case LoggerError::Kind::fsync:
        return "fsync";
    case LoggerError::Kind::close:
        return "close";
    case LoggerError::Kind::rejected:
        return "rejected";
    case LoggerError::Kind::dropped:
        return "dropped";
    case LoggerError::Kind::reopened:
        return "reopened";
    }
    return "unknown";
}

namespace detail {

ErrorReporter::ErrorReporter(Handler handler, std::chrono::nanoseconds interval)
    : handler_(std::move(handler))
    , interval_(interval)
{
}

void ErrorReporter::report(LoggerError error, std::chrono::nanoseconds now)
{
    std::lock_guard lock(mutex_);
    last_ = error;
    if (have_reported_ && error.kind == reported_kind_ && error.error_number == reported_errno_
        && now - reported_at_ < interval_) {
        ++suppressed_;
        return;
    }
    have_reported_ = true;
    reported_kind_ = error.kind;
    reported_errno_ = error.error_number;
    reported_at_ = now;
    error.suppressed = std::exchange(suppressed_, 0);
    pending_.push_back(std::move(error));
    pending_flag_.store(true, std::memory_order_release);
}

void ErrorReporter::deliver_pending() noexcept
{
    std::vector<LoggerError> batch;
    {
        std::lock_guard lock(mutex_);
        batch.swap(pending_);
        pending_flag_.store(false, std::memory_order_release);
    }
    for (const LoggerError& error : batch) {
        try {
            if (handler_) {
                handler_(error);
            } else if (error.suppressed != 0) {
                std::fprintf(stderr, "telemetry_logger: %s (%llu similar reports suppressed)\n",
                    error.message.c_str(), static_cast<unsigned long long>(error.suppressed));
            } else {
                std::fprintf(stderr, "telemetry_logger: %s\n", error.message.c_str());
            }
        } catch (...) {
            // A throwing handler must not take the training loop down with it.
        }
    }
}

std::optional<LoggerError> ErrorReporter::last_error() const
{
    std::lock_guard lock(mutex_);
    return last_;
}

void ErrorReporter::reset_after_fork() noexcept
{
    pending_.clear();
    pending_flag_.store(false, std::memory_order_relaxed);
}

} // namespace detail
} // namespace telemetry
