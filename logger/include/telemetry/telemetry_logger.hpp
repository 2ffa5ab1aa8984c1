#pragma once
// TelemetryLogger: the seed's JSONL logger in C++. Appends one JSON object per line to a file:
// {"ts":1732800000.05,"tag":"step_end","step":3,"context":{"loss":0.42}}, opening with a
// run_begin record. Thread-safe; logging calls never throw and never write a torn line mid-file.
// Failures are reported through LoggerOptions::error_handler, last_error() and stats().

#include <telemetry/callback.hpp>
#include <telemetry/logger_error.hpp>
#include <telemetry/logger_options.hpp>
#include <telemetry/logger_stats.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace telemetry {

class TelemetryLogger : public Callback
{
public:
    // The seed's signature: flush after `flush_interval` records (at least 1) or 5 s.
    explicit TelemetryLogger(
        std::filesystem::path path = "telemetry.jsonl", std::size_t flush_interval = 1);
    // Throws std::invalid_argument for invalid options (reserved static field names, max_depth
    // above 1000). A file that cannot be opened (a FIFO without a reader included: the open
    // never blocks) and a config that cannot be written do not throw: see last_error().
    TelemetryLogger(std::filesystem::path path, LoggerOptions options);
    // Writes everything still buffered (and fsyncs in durable mode).
    ~TelemetryLogger() override;

    TelemetryLogger(const TelemetryLogger&) = delete;
    TelemetryLogger& operator=(const TelemetryLogger&) = delete;
    TelemetryLogger(TelemetryLogger&&) = delete;
    TelemetryLogger& operator=(TelemetryLogger&&) = delete;

    // {"ts":…,"tag":"step_begin","step":N} (+ "context" when not empty)
    void on_step_begin(std::int64_t step, Context context = {}) override;
    // {"ts":…,"tag":"step_end","step":N,"context":{…}}
    void on_step_end(std::int64_t step, Context context = {}) override;
    // {"ts":…,"tag":"epoch_begin","epoch":N} (+ "context" when not empty)
    void on_epoch_begin(std::int64_t epoch, Context context = {}) override;
    // {"ts":…,"tag":"epoch_end","epoch":N,"context":{…}}, written before the call returns.
    void on_epoch_end(std::int64_t epoch, Context context = {}) override;
    // {"ts":…,"tag":"error","type":"std::runtime_error","message":"…"} (+ "context" when not
    // empty), written before the call returns.
    void on_error(const std::exception& error, Context context = {}) override;

    // A record with a custom tag: {"ts":…,"tag":tag, payload fields…}. Payload keys must not be
    // reserved names or static field names (the record is rejected otherwise). Tags "error" and
    // "epoch_end" are written at once like their hooks.
    void record(std::string_view tag, Context payload = {});

    // Writes every record logged so far. Returns true when all of them are in the file and, in
    // durable mode, no fsync failed since the previous flush().
    bool flush();
    // flush() and close the file. Later logging calls drop their records (counted).
    bool close();

    const std::filesystem::path& path() const noexcept;
    const std::string& run_id() const noexcept;
    std::optional<LoggerError> last_error() const;
    LoggerStats stats() const;

    class Impl;

private:
    std::unique_ptr<Impl> impl_;
};

} // namespace telemetry
