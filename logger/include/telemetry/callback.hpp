#pragma once
// Callback: the training-loop hooks of the seed (qmlhc.callbacks.telemetry), every one a no-op by
// default so a subclass overrides only what it needs. Implementations shipped here never throw
// from a hook; CallbackList fans one event out to several callbacks.

#include <telemetry/context.hpp>

#include <cstdint>
#include <exception>

namespace telemetry {

class Callback
{
public:
    Callback() = default;
    Callback(const Callback&) = default;
    Callback& operator=(const Callback&) = default;
    Callback(Callback&&) = default;
    Callback& operator=(Callback&&) = default;
    virtual ~Callback();

    virtual void on_step_begin(std::int64_t step, Context context = {});
    virtual void on_step_end(std::int64_t step, Context context = {});
    virtual void on_epoch_begin(std::int64_t epoch, Context context = {});
    virtual void on_epoch_end(std::int64_t epoch, Context context = {});
    virtual void on_error(const std::exception& error, Context context = {});
};

} // namespace telemetry
