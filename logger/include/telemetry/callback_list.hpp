#pragma once
// CallbackList: fans every hook out to several callbacks, in the order they were added.
// Add callbacks before the training loop starts: add() is not synchronised with the hooks, which
// are as thread-safe as the callbacks they reach. If a callback throws, the others still receive
// the event and the first exception is rethrown afterwards.

#include <telemetry/callback.hpp>

#include <cstddef>
#include <memory>
#include <vector>

namespace telemetry {

class CallbackList final : public Callback
{
public:
    CallbackList() = default;
    CallbackList(std::initializer_list<std::shared_ptr<Callback>> callbacks);

    // Shares ownership of the callback.
    void add(std::shared_ptr<Callback> callback);
    // Does not own the callback: it must outlive this list.
    void add(Callback& callback);
    std::size_t size() const noexcept
    {
        return callbacks_.size();
    }

    void on_step_begin(std::int64_t step, Context context = {}) override;
    void on_step_end(std::int64_t step, Context context = {}) override;
    void on_epoch_begin(std::int64_t epoch, Context context = {}) override;
    void on_epoch_end(std::int64_t epoch, Context context = {}) override;
    void on_error(const std::exception& error, Context context = {}) override;

private:
    template <class Hook> void for_each(Hook&& hook);

    std::vector<std::shared_ptr<Callback>> callbacks_;
};

} // namespace telemetry
