#include <telemetry/callback.hpp>

namespace telemetry {

Callback::~Callback() = default;

void Callback::on_step_begin(std::int64_t, Context) { }

void Callback::on_step_end(std::int64_t, Context) { }

void Callback::on_epoch_begin(std::int64_t, Context) { }

void Callback::on_epoch_end(std::int64_t, Context) { }

void Callback::on_error(const std::exception&, Context) { }

} // namespace telemetry
