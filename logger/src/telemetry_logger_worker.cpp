#include "event_hooks.hpp"
#include "fd_output.hpp"
#include "json_encoder.hpp"
#include "record_capture.hpp"
#include "record_view.hpp"
#include "sigpipe_block.hpp"
#include "telemetry_logger_impl.hpp"

#include <telemetry/crash_handler.hpp>
#include <telemetry/system_clock.hpp>
#include <telemetry/version.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <new>
#include <pthread.h>
#include <random>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

// A TelemetryLogger's flush worker (a joined thread waiting on a condition variable, sync and
// async modes), and flush, close and stats.

namespace telemetry {

using detail::bump;
using detail::errno_text;
using std::chrono::nanoseconds;
using namespace std::chrono_literals;

template <class Predicate>
void TelemetryLogger::Impl::wait_until(
    std::unique_lock<std::mutex>& lock, nanoseconds deadline, Predicate predicate)
{
    for (;;) {
        if (predicate()) {
            return;
        }
        const nanoseconds now = format_.now_steady();
        if (now >= deadline) {
            return;
        }
        nanoseconds wait = deadline - now;
        if (!system_clock_) {
            // An injected clock does not move with real time: poll it.
            wait = std::min<nanoseconds>(wait, 10ms);
        }
        wake_worker_.wait_for(lock, wait);
    }
}

void TelemetryLogger::Impl::run_worker()
{
    // Our own thread: a pipe's reader gone must never kill the process from here, and blocking
    // SIGPIPE once spares the worker's writes the per-write mask calls (see SigpipeBlock).
    detail::block_sigpipe_for_this_thread();
    std::unique_lock lock(mutex_);
    if (async_) {
        run_async_worker(lock);
    } else {
        run_sync_worker(lock);
    }
}

void TelemetryLogger::Impl::run_sync_worker(std::unique_lock<std::mutex>& lock)
{
    while (!stop_) {
        if (written_ == out_.size()) {
            worker_idle_ = true;
            wake_worker_.wait(lock, [&] { return stop_ || written_ != out_.size(); });
            worker_idle_ = false;
            continue;
        }
        const nanoseconds deadline = failing_ ? retry_after_ : last_flush_ + flush_period_;
        const nanoseconds now = format_.now_steady();
        if (now >= deadline) {
            try {
                write_out(now, out_.size(), false);
            } catch (...) {
                retry_after_ = now + retry_interval_;
            }
            lock.unlock();
            reporter_.deliver();
            lock.lock();
            continue;
        }
        wait_until(lock, deadline, [&] { return stop_ || written_ == out_.size(); });
    }
}

void TelemetryLogger::Impl::run_async_worker(std::unique_lock<std::mutex>& lock)
{
    std::optional<nanoseconds> io_deadline;
    const std::size_t high_water = options_.async_queue_bytes / 2;
    // Real time, whatever the clock: the window only lets a batch of records gather.
    auto batch_window = [&] {
        wake_worker_.wait_for(
            lock, async_latency_, [&] { return stop_ || staging_.size() >= high_water; });
    };
    while (!stop_) {
        if (staged_records_ == 0) {
            worker_idle_ = true;
            if (io_deadline) {
                wait_until(lock, *io_deadline, [&] { return stop_ || staged_records_ > 0; });
            } else {
                wake_worker_.wait(lock, [&] { return stop_ || staged_records_ > 0; });
            }
            worker_idle_ = false;
            if (stop_) {
                break;
            }
            const bool deadline_passed = io_deadline && format_.now_steady() >= *io_deadline;
            if (staged_records_ == 0 && !deadline_passed) {
                continue;
            }
            if (!deadline_passed) {
                batch_window();
            }
        } else {
            batch_window();
        }
        if (stop_) {
            break;
        }
        lock.unlock();
        {
            std::lock_guard io_lock(io_mutex_);
            try {
                drain(false, false);
            } catch (...) {
                // Out of memory while formatting: the batch is lost, and counted below.
                bump(dropped_);
            }
            io_deadline = next_deadline();
        }
        reporter_.deliver();
        lock.lock();
    }
}

// --- flush, close, stats ----------------------------------------------------------------------

bool TelemetryLogger::Impl::flush() noexcept
{
    bool ok = false;
    try {
        if (async_) {
            std::lock_guard io_lock(io_mutex_);
            ok = drain(true, true);
            ok = !std::exchange(fsync_failed_, false) && ok;
        } else {
            std::lock_guard lock(mutex_);
            write_out(format_.now_steady(), out_.size(), true);
            ok = written_ == out_.size();
            ok = !std::exchange(fsync_failed_, false) && ok;
        }
    } catch (...) {
        ok = false;
    }
    reporter_.deliver();
    return ok;
}

bool TelemetryLogger::Impl::close() noexcept
{
    {
        std::lock_guard lock(mutex_);
        if (closed_) {
            return close_ok_;
        }
        closed_ = true;
        stop_ = true;
    }
    wake_worker_.notify_all();
    queue_space_.notify_all();
    if (worker_ && worker_->joinable()) {
        worker_->join();
    }
    bool ok = flush();
    {
        std::lock_guard io_lock(io_mutex_);
        std::lock_guard lock(mutex_);
        sink_closed_ = true;
        if (const int error = sink_.close()) {
            ok = false;
            report(LoggerError::Kind::close, error,
                "closing '" + path_.string() + "' failed: " + errno_text(error));
        }
    }
    reporter_.deliver();
    std::lock_guard lock(mutex_);
    close_ok_ = ok;
    return ok;
}

LoggerStats TelemetryLogger::Impl::stats() const noexcept
{
    LoggerStats s;
    s.records = records_.load(std::memory_order_relaxed);
    s.written = written_records_.load(std::memory_order_relaxed);
    s.rejected = rejected_.load(std::memory_order_relaxed);
    s.dropped = dropped_.load(std::memory_order_relaxed);
    s.write_errors = write_errors_.load(std::memory_order_relaxed);
    s.fsync_failures = fsync_failures_.load(std::memory_order_relaxed);
    s.bytes_written = bytes_written_.load(std::memory_order_relaxed);
    s.flushes = flushes_.load(std::memory_order_relaxed);
    return s;
}

} // namespace telemetry
