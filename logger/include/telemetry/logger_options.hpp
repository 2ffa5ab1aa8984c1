#pragma once
// LoggerOptions: every knob of TelemetryLogger (and the formatting subset that MemoryLogger uses).
// The defaults are the seed's behaviour plus what it should have done; see logger/README.md.

#include <telemetry/clock.hpp>
#include <telemetry/logger_error.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace telemetry {

// How NaN and infinities are written.
enum class NonFinite
{
    // Python's json.dumps tokens NaN, Infinity, -Infinity: Python reads them back as floats, but
    // they are not JSON (strict parsers refuse the line).
    python,
    // Strict JSON: the strings "NaN", "Infinity", "-Infinity". The three stay distinguishable
    // from each other and from null, and every line parses with any JSON parser.
    strict
};

// What a caller does in async mode when the queue to the writer thread is full.
enum class OverflowPolicy
{
    block, // wait for the writer thread (lossless; the training thread slows down to disk speed)
    drop // drop the record and count it in stats().dropped
};

struct LoggerOptions
{
    // Write after this many buffered records (at least 1; 1 writes every record at once).
    std::size_t flush_interval = 1;
    // ... or when this much time passed since the last write. A worker thread enforces it, so a
    // quiet run still reaches the file (the seed only checked when the next record came).
    std::chrono::milliseconds flush_period { 5000 };

    // Async mode: a logging call only copies its record into a queue (no formatting, no I/O);
    // a writer thread formats and writes. `error` and `epoch_end` are still written before the
    // call returns, like explicit flush().
    bool async = false;
    // Async mode: the longest a record waits in the queue before the writer thread formats it.
    std::chrono::milliseconds async_latency { 10 };
    // Async mode: queue bound in bytes of captured records (~100 bytes per step record).
    std::size_t async_queue_bytes = std::size_t { 8 } << 20;
    OverflowPolicy overflow = OverflowPolicy::block;

    // fsync after every write batch. A failed fsync is reported as possible data loss
    // (LoggerError::Kind::fsync) and makes the next flush() return false, even if a later fsync
    // succeeds: those bytes are never retried into "success".
    bool durable = false;

    NonFinite non_finite = NonFinite::python;

    // Records nested deeper than this are rejected (the record object is level 1, `context` is
    // level 2, `context.metrics` level 3). At most 1000.
    std::size_t max_depth = 64;
    // A record whose line is longer than this is rejected (never split, never truncated).
    std::size_t max_record_bytes = std::size_t { 4 } << 20;
    // Bound of the unwritten bytes kept while the file cannot be written; records past it are
    // dropped and counted, and a `records_dropped` record says so once writing works again.
    // Raised to max_record_bytes if smaller.
    std::size_t max_buffer_bytes = std::size_t { 64 } << 20;

    // Adds "seq": 0, 1, 2, ... to every record, in file order (survives a wall clock going back).
    bool sequence_numbers = false;
    // Adds the run id as "run" to every record, not only to run_begin.
    bool run_on_every_record = false;
    // The run id written in run_begin; empty: a unique one is generated.
    std::string run_id;
    // Fields added to every record after its payload, e.g. {{"rank", 3}}. Keys must not be
    // reserved (ts, tag, seq, run, run_id, host, pid, start_time, logger, step, epoch): the
    // constructor throws std::invalid_argument otherwise. For a run's settings, see `config`.
    nlohmann::json static_fields = nlohmann::json::object();
    // The run's settings (hyperparameters), written once, into the run_begin record only, as
    // "config": {...}: e.g. {{"lr", 3e-4}, {"optimizer", {{"name", "adamw"}}}}. Any JSON object,
    // nested objects and arrays allowed. Null (the default): no "config" field. Anything that
    // cannot be written (not an object, too deep, binary, a run_begin line over max_record_bytes)
    // is reported (LoggerError::Kind::rejected, counted in stats().rejected) and run_begin is
    // written without it; the constructor does not throw for it. A static field named "config"
    // beside a config makes the constructor throw std::invalid_argument.
    nlohmann::json config;

    // Time source; null means SystemClock.
    std::shared_ptr<const Clock> clock;

    // Receives every failure (called from the logging or writer thread, outside the logger's
    // locks; it may log). Null: a line on stderr. Both are rate-limited: a repeat of the same kind
    // of failure within error_report_interval is counted in `suppressed` instead.
    std::function<void(const LoggerError&)> error_handler;
    std::chrono::milliseconds error_report_interval { 1000 };
    // After a failed open or write, automatic flushes wait this long before trying again
    // (explicit flush() always tries).
    std::chrono::milliseconds retry_interval { 250 };

    // Registers the logger with the fatal-signal handler (installing it if needed): on SIGSEGV,
    // SIGABRT, SIGBUS, SIGFPE or SIGILL the buffered records and an `error` record naming the
    // signal are written before the process dies. See crash_handler.hpp.
    bool crash_handler = false;
};

} // namespace telemetry
