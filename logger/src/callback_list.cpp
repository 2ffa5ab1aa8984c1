#include <telemetry/callback_list.hpp>

#include <utility>

namespace telemetry {

CallbackList::CallbackList(std::initializer_list<std::shared_ptr<Callback>> callbacks)
{
    for (const auto& callback : callbacks) {
        add(callback);
    }
}

void CallbackList::add(std::shared_ptr<Callback> callback)
{
    if (callback) {
        callbacks_.push_back(std::move(callback));
    }
}

void CallbackList::add(Callback& callback)
{
    callbacks_.emplace_back(std::shared_ptr<Callback>(), &callback); // aliasing: not owned
}

template <class Hook> void CallbackList::for_each(Hook&& hook)
{
    std::exception_ptr first;
    for (const auto& callback : callbacks_) {
        try {
            hook(*callback);
        } catch (...) {
            if (!first) {
                first = std::current_exception();
            }
        }
    }
    if (first) {
        std::rethrow_exception(first);
    }
}

void CallbackList::on_step_begin(std::int64_t step, Context context)
{
    for_each([&](Callback& c) { c.on_step_begin(step, context); });
}

void CallbackList::on_step_end(std::int64_t step, Context context)
{
    for_each([&](Callback& c) { c.on_step_end(step, context); });
}

void CallbackList::on_epoch_begin(std::int64_t epoch, Context context)
{
    for_each([&](Callback& c) { c.on_epoch_begin(epoch, context); });
}

void CallbackList::on_epoch_end(std::int64_t epoch, Context context)
{
    for_each([&](Callback& c) { c.on_epoch_end(epoch, context); });
}

void CallbackList::on_error(const std::exception& error, Context context)
{
    for_each([&](Callback& c) { c.on_error(error, context); });
}

} // namespace telemetry
