#pragma once
// The Callback hooks of a logger class, each turned into the detail::Event its Impl captures.
// TelemetryLogger and MemoryLogger differ only in where a captured record goes (a file, memory),
// so both define their hooks with this one macro rather than two copies of the same six bodies.

#include "record_format.hpp"

#include <exception>
#include <string>

namespace telemetry::detail {

// The error type's name, or "std::exception" when naming it fails (the hook never throws).
inline std::string error_type_name(const std::exception& error) noexcept
{
    try {
        return type_name(error);
    } catch (...) {
        return "std::exception";
    }
}

} // namespace telemetry::detail

// Defines Class::on_step_begin ... Class::record, each submitting to impl_ (Class::Impl::submit).
#define TELEMETRY_DEFINE_EVENT_HOOKS(Class)                                                        \
    void Class::on_step_begin(std::int64_t step, Context context)                                  \
    {                                                                                              \
        impl_->submit({ detail::Event::step_begin, "step_begin", step, {}, {}, &context });        \
    }                                                                                              \
    void Class::on_step_end(std::int64_t step, Context context)                                    \
    {                                                                                              \
        impl_->submit({ detail::Event::step_end, "step_end", step, {}, {}, &context });            \
    }                                                                                              \
    void Class::on_epoch_begin(std::int64_t epoch, Context context)                                \
    {                                                                                              \
        impl_->submit({ detail::Event::epoch_begin, "epoch_begin", epoch, {}, {}, &context });     \
    }                                                                                              \
    void Class::on_epoch_end(std::int64_t epoch, Context context)                                  \
    {                                                                                              \
        impl_->submit({ detail::Event::epoch_end, "epoch_end", epoch, {}, {}, &context });         \
    }                                                                                              \
    void Class::on_error(const std::exception& error, Context context)                             \
    {                                                                                              \
        const std::string type = detail::error_type_name(error);                                   \
        impl_->submit({ detail::Event::error, "error", 0, type, error.what(), &context });         \
    }                                                                                              \
    void Class::record(std::string_view tag, Context payload)                                      \
    {                                                                                              \
        impl_->submit({ detail::Event::custom, tag, 0, {}, {}, &payload });                        \
    }
