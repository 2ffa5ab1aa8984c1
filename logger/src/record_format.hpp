#pragma once
// RecordFormat: what TelemetryLogger and MemoryLogger share between a hook call and a line: the
// validated options, the clock, the pre-formatted static fields, the reserved keys, and the
// mapping from a hook (Event) to a captured record. Immutable after construction, so any thread
// may use it without a lock.

#include "byte_buffer.hpp"
#include "json_encoder.hpp"
#include "record_capture.hpp"

#include <telemetry/clock.hpp>
#include <telemetry/context.hpp>
#include <telemetry/logger_options.hpp>

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace telemetry::detail {

// One hook call, before capture.
struct Event
{
    enum Kind
    {
        step_begin,
        step_end,
        epoch_begin,
        epoch_end,
        error,
        custom
    };
    Kind kind = custom;
    std::string_view tag;
    std::int64_t number = 0; // step or epoch
    std::string_view type; // error
    std::string_view message; // error
    const Context* context = nullptr;

    // error and epoch_end are what a person watching needs to see now.
    bool urgent() const noexcept
    {
        return kind == error || kind == epoch_end
            || (kind == custom && (tag == "error" || tag == "epoch_end"));
    }
};

class RecordFormat final : public ReservedKeys
{
public:
    // Throws std::invalid_argument for invalid options.
    explicit RecordFormat(const LoggerOptions& options, std::string run_id);

    const EncoderConfig& encoder() const noexcept
    {
        return encoder_;
    }
    std::size_t max_depth() const noexcept
    {
        return max_depth_;
    }
    std::size_t max_record_bytes() const noexcept
    {
        return max_record_bytes_;
    }
    const std::string& run_id() const noexcept
    {
        return run_id_;
    }
    bool run_on_every_record() const noexcept
    {
        return run_on_every_record_;
    }
    const nlohmann::json& static_fields() const noexcept
    {
        return static_fields_;
    }

    double now_wall() const noexcept;
    std::chrono::nanoseconds now_steady() const noexcept;
    // False for injected clocks: their deadlines are polled (they do not move with real time).
    bool uses_system_clock() const noexcept
    {
        return clock_ == nullptr;
    }

    // Payload keys that would overwrite the record's own fields or a static field.
    bool contains(std::string_view key) const noexcept override;

    // Captures the event's fields after begin(); the caller aborts the capture on a rejection.
    Rejection capture(RecordCapture& capture, const Event& event) const;
    // A sentence for the error handler.
    static std::string describe(
        const Rejection& rejection, std::string_view tag, std::size_t max_depth);

private:
    std::shared_ptr<const Clock> clock_;
    EncoderConfig encoder_;
    std::string static_fragment_;
    std::vector<std::string> static_keys_;
    nlohmann::json static_fields_;
    std::string run_id_;
    std::size_t max_depth_;
    std::size_t max_record_bytes_;
    bool run_on_every_record_;
};

// The readable name of an exception's dynamic type, e.g. "std::runtime_error".
std::string type_name(const std::exception& error);

} // namespace telemetry::detail
