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

// fork() with live loggers: every logger is flushed before the fork and its lock held across it;
// the child starts with no worker and a fresh file state.

namespace telemetry {

namespace {

// --- fork support: every live logger, flushed before fork() and reset in the child ---

std::mutex& fork_mutex()
{
    static auto* mutex = new std::mutex; // never destroyed: loggers may outlive static teardown
    return *mutex;
}

std::vector<TelemetryLogger::Impl*>& fork_list()
{
    static auto* list = new std::vector<TelemetryLogger::Impl*>;
    return *list;
}

void prepare_fork()
{
    fork_mutex().lock();
    for (TelemetryLogger::Impl* logger : fork_list()) {
        logger->prepare_fork();
    }
}

void after_fork_parent()
{
    for (TelemetryLogger::Impl* logger : fork_list()) {
        logger->after_fork_parent();
    }
    fork_mutex().unlock();
}

void after_fork_child()
{
    for (TelemetryLogger::Impl* logger : fork_list()) {
        logger->after_fork_child();
    }
    fork_mutex().unlock();
}

} // namespace

namespace detail {

void register_for_fork(TelemetryLogger::Impl* logger)
{
    static std::once_flag once;
    std::call_once(
        once, [] { ::pthread_atfork(&prepare_fork, &after_fork_parent, &after_fork_child); });
    std::lock_guard lock(fork_mutex());
    fork_list().push_back(logger);
}

void unregister_for_fork(TelemetryLogger::Impl* logger) noexcept
{
    std::lock_guard lock(fork_mutex());
    auto& list = fork_list();
    list.erase(std::remove(list.begin(), list.end(), logger), list.end());
}

} // namespace detail

void TelemetryLogger::Impl::prepare_fork() noexcept
{
    // Write what is buffered now, so that the child has nothing of the parent's to re-emit.
    // (Records logged by other threads meanwhile stay with the parent; the child drops them.)
    // Whatever cannot be written (or formatted, out of memory) stays with the parent.
    io_mutex_.lock();
    if (async_) {
        try {
            drain(true, true); // takes mutex_ only to swap the queue
        } catch (...) {
        }
        mutex_.lock();
    } else {
        mutex_.lock();
        try {
            write_out(format_.now_steady(), out_.size(), true);
        } catch (...) {
        }
    }
    reporter_.lock();
}

void TelemetryLogger::Impl::after_fork_parent() noexcept
{
    reporter_.unlock();
    mutex_.unlock();
    io_mutex_.unlock();
}

void TelemetryLogger::Impl::after_fork_child() noexcept
{
    // The parent writes its own records; the child starts empty, without the parent's threads.
    staging_.clear();
    draining_.clear();
    out_.clear();
    staged_records_ = 0;
    written_ = 0;
    line_start_ = 0;
    unflushed_records_ = 0;
    dropped_unreported_ = 0;
    queue_waiters_ = 0;
    queue_dropped_ = 0;
    worker_idle_ = false;
    reporter_.reset_after_fork();
    (void)worker_.release(); // that thread does not exist here: never join or destroy it
    async_ = false;
    flush_interval_ = 1;
    stop_ = true;
    // The parent's worker may have been waiting on these; glibc would wait for it to leave
    // before destroying them. Fresh ones (the old storage is simply reused).
    new (&wake_worker_) std::condition_variable();
    new (&queue_space_) std::condition_variable();
    reporter_.unlock();
    mutex_.unlock();
    io_mutex_.unlock();
}

} // namespace telemetry
