#pragma once
// TelemetryLogger::Impl: the state behind a TelemetryLogger, shared with the crash handler and
// the fork handlers.
//
// Locks, always taken in this order: io_mutex_ (async mode: the formatted output and the file)
// then mutex_ (the queue, the worker's flags; in sync mode also the output and the file) then the
// reporter's own lock. Sync mode: a logging call formats and writes under mutex_. Async mode: a
// logging call only captures its record into staging_ under mutex_; the worker (or flush())
// takes io_mutex_, swaps staging_ out and formats and writes the batch.

#include "byte_buffer.hpp"
#include "crash_registry.hpp"
#include "error_reporter.hpp"
#include "file_sink.hpp"
#include "record_format.hpp"

#include <telemetry/telemetry_logger.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace telemetry {

class TelemetryLogger::Impl final : public detail::CrashReporter
{
public:
    Impl(std::filesystem::path path, LoggerOptions options);
    ~Impl();
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    Impl(Impl&&) = delete;
    Impl& operator=(Impl&&) = delete;

    void submit(const detail::Event& event) noexcept;
    bool flush() noexcept;
    bool close() noexcept;
    LoggerStats stats() const noexcept;

    // Fork handlers (pthread_atfork), called for every live logger.
    void prepare_fork() noexcept;
    void after_fork_parent() noexcept;
    void after_fork_child() noexcept;

    // Async-signal-safe: writes the buffered lines and records plus an error record naming the
    // signal. Uses try-locks with a bounded wait; never blocks indefinitely.
    void write_crash_report(
        int signal, const char* name, const char* description) noexcept override;

    const std::filesystem::path path_;
    const LoggerOptions options_;
    detail::RecordFormat format_;
    detail::ErrorReporter reporter_;

private:
    using ns = std::chrono::nanoseconds;

    void submit_sync(const detail::Event& event);
    void submit_async(const detail::Event& event);
    // Captures the event into `buffer`; false (and counted, reported) when rejected.
    bool capture(detail::ByteBuffer& buffer, const detail::Event& event, double ts);

    // --- with the output lock held (mutex_ in sync mode, io_mutex_ in async mode) ---
    void append_line(const detail::RecordView& record, ns now);
    // Writes [written_, limit) of out_. True when all of it reached the file.
    bool write_out(ns now, std::size_t limit, bool explicit_flush);
    bool write_out_once(ns now, std::size_t limit, bool explicit_flush);
    bool flush_due(ns now) const noexcept;
    std::optional<ns> next_deadline() const noexcept;
    void compact() noexcept;
    bool ensure_open(ns now);
    void reopen_if_deleted(ns now);
    void append_dropped_notice(ns now);
    // Async: takes the queued records, formats them, writes when due (or when `force`).
    bool drain(bool force, bool explicit_flush);
    bool format_batch(detail::ByteBuffer& batch, ns now);
    // The run_begin record, with LoggerOptions::config when it can be written (else reported).
    std::string run_begin_line();

    void run_worker();
    void run_sync_worker(std::unique_lock<std::mutex>& lock);
    void run_async_worker(std::unique_lock<std::mutex>& lock);
    template <class Predicate>
    void wait_until(std::unique_lock<std::mutex>& lock, ns deadline, Predicate predicate);

    void report(LoggerError::Kind kind, int error_number, std::string message);

    // A record logged after close(): counted and reported, never written. Under mutex_.
    void drop_after_close(const detail::Event& event);

    detail::FileSink sink_;
    const bool system_clock_;
    bool async_;
    std::size_t flush_interval_;
    const ns flush_period_;
    const ns retry_interval_;
    const ns async_latency_;
    const std::size_t max_buffer_bytes_;
    std::string run_begin_; // set once in the constructor, after the counters exist

    std::mutex io_mutex_;

    // --- guarded by mutex_ ---
    std::mutex mutex_;
    std::condition_variable wake_worker_;
    std::condition_variable queue_space_;
    detail::ByteBuffer staging_; // async: captured records not yet taken by the writer
    std::size_t staged_records_ = 0;
    std::size_t queue_waiters_ = 0;
    std::uint64_t queue_dropped_ = 0; // async, OverflowPolicy::drop: not yet in dropped_unreported_
    std::uint64_t next_seq_ = 0;
    bool worker_idle_ = false; // waiting with nothing queued: a new record must notify
    bool stop_ = false;
    bool closed_ = false;
    bool close_ok_ = false;
    detail::ByteBuffer scratch_; // sync: the record being formatted

    // --- guarded by the output lock ---
    detail::ByteBuffer draining_; // async: the batch being formatted
    detail::ByteBuffer out_; // formatted lines; [0, written_) are in the file
    std::size_t written_ = 0;
    std::size_t line_start_ = 0; // start of the line written_ is in (== written_ between lines)
    std::size_t unflushed_records_ = 0;
    ns last_flush_ {};
    ns retry_after_ {};
    ns last_link_check_ {};
    bool failing_ = false;
    bool needs_newline_ = false; // the file ended mid-line when opened (see FileSink)
    bool sink_closed_ = false;
    bool fsync_failed_ = false; // since the previous explicit flush()
    std::uint64_t dropped_unreported_ = 0; // since the last records_dropped record
    std::string drop_reason_; // why the last of them was dropped

    // --- statistics, readable without locks ---
    std::atomic<std::uint64_t> records_ { 0 };
    std::atomic<std::uint64_t> written_records_ { 0 };
    std::atomic<std::uint64_t> rejected_ { 0 };
    std::atomic<std::uint64_t> dropped_ { 0 };
    std::atomic<std::uint64_t> write_errors_ { 0 };
    std::atomic<std::uint64_t> fsync_failures_ { 0 };
    std::atomic<std::uint64_t> bytes_written_ { 0 };
    std::atomic<std::uint64_t> flushes_ { 0 };

    std::unique_ptr<std::thread> worker_;
    bool crash_registered_ = false;
    std::atomic<bool> crashing_ { false }; // set by the crash handler: logging calls return at once
};

namespace detail {
// Every live logger, for the fork handlers (telemetry_logger_fork.cpp).
void register_for_fork(TelemetryLogger::Impl* logger);
void unregister_for_fork(TelemetryLogger::Impl* logger) noexcept;

// The counters of LoggerStats are statistics, never synchronisation: relaxed.
inline void bump(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) noexcept
{
    counter.fetch_add(n, std::memory_order_relaxed);
}

inline std::string errno_text(int error_number)
{
    return std::strerror(error_number);
}
} // namespace detail

} // namespace telemetry
