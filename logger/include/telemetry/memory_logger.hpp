#pragma once
// MemoryLogger: keeps records in memory for tests and debugging, formatted exactly as
// TelemetryLogger formats them (same options, no run_begin, no file). Thread-safe: any thread may
// read a snapshot while others log.

#include <telemetry/callback.hpp>
#include <telemetry/logger_error.hpp>
#include <telemetry/logger_options.hpp>

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace telemetry {

class MemoryLogger : public Callback
{
public:
    // Uses the formatting options (clock, non_finite, static_fields, sequence_numbers,
    // run_on_every_record, run_id, max_depth, max_record_bytes, error_handler); the file options
    // do not apply.
    explicit MemoryLogger(LoggerOptions options = {});
    ~MemoryLogger() override;

    MemoryLogger(const MemoryLogger&) = delete;
    MemoryLogger& operator=(const MemoryLogger&) = delete;
    MemoryLogger(MemoryLogger&&) = delete;
    MemoryLogger& operator=(MemoryLogger&&) = delete;

    void on_step_begin(std::int64_t step, Context context = {}) override;
    void on_step_end(std::int64_t step, Context context = {}) override;
    void on_epoch_begin(std::int64_t epoch, Context context = {}) override;
    void on_epoch_end(std::int64_t epoch, Context context = {}) override;
    void on_error(const std::exception& error, Context context = {}) override;
    void record(std::string_view tag, Context payload = {});

    // Records as JSON values; non-finite numbers stay NaN/±inf doubles, integers stay exact.
    std::vector<nlohmann::json> records() const;
    // The lines TelemetryLogger would write for the same calls (without the '\n').
    std::vector<std::string> lines() const;
    std::size_t size() const;
    std::size_t rejected() const;
    std::optional<LoggerError> last_error() const;
    void clear();

    class Impl;

private:
    std::unique_ptr<Impl> impl_;
};

} // namespace telemetry
