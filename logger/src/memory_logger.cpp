#include "byte_buffer.hpp"
#include "error_reporter.hpp"
#include "event_hooks.hpp"
#include "json_encoder.hpp"
#include "record_capture.hpp"
#include "record_format.hpp"
#include "record_view.hpp"

#include <telemetry/memory_logger.hpp>

#include <mutex>

namespace telemetry {

namespace {

// Rebuilds the JSON value of a captured record; numbers keep their exact kind and value.
nlohmann::json to_json(
    const detail::RecordView& record, const nlohmann::json& static_fields, bool sequence_numbers)
{
    nlohmann::json root = nlohmann::json::object();
    root["ts"] = record.ts();
    root["tag"] = std::string(record.tag());
    std::vector<nlohmann::json*> stack { &root };
    detail::Item item {};
    const char* p = record.items_begin();
    const char* end = record.items_end();
    while (p < end) {
        p = detail::read_item(p, item);
        nlohmann::json& parent = *stack.back();
        if (item.op == detail::op_end) {
            stack.pop_back();
            continue;
        }
        nlohmann::json value;
        switch (item.op) {
        case detail::op_null:
            break;
        case detail::op_true:
            value = true;
            break;
        case detail::op_false:
            value = false;
            break;
        case detail::op_int:
            value = detail::load<std::int64_t>(item.operand);
            break;
        case detail::op_uint:
            value = detail::load<std::uint64_t>(item.operand);
            break;
        case detail::op_float:
            value = static_cast<double>(detail::load<float>(item.operand));
            break;
        case detail::op_double:
            value = detail::load<double>(item.operand);
            break;
        case detail::op_string:
            value = std::string(item.operand + 4, detail::load<std::uint32_t>(item.operand));
            break;
        case detail::op_object:
            value = nlohmann::json::object();
            break;
        case detail::op_array:
            value = nlohmann::json::array();
            break;
        default:
            break;
        }
        nlohmann::json* slot = nullptr;
        if (parent.is_array()) {
            parent.push_back(std::move(value));
            slot = &parent.back();
        } else {
            slot = &(parent[std::string(item.key)] = std::move(value));
        }
        if (item.op == detail::op_object || item.op == detail::op_array) {
            stack.push_back(slot);
        }
    }
    if (sequence_numbers) {
        root["seq"] = record.seq();
    }
    for (auto it = static_fields.begin(); it != static_fields.end(); ++it) {
        root[it.key()] = it.value();
    }
    return root;
}

LoggerError rejection_error(std::string message)
{
    LoggerError error;
    error.kind = LoggerError::Kind::rejected;
    error.message = std::move(message);
    return error;
}

} // namespace

class MemoryLogger::Impl
{
public:
    explicit Impl(const LoggerOptions& options)
        : format_(options, options.run_id.empty() ? std::string("memory") : options.run_id)
        , reporter_(options.error_handler, options.error_report_interval)
    {
    }

    void submit(const detail::Event& event) noexcept
    {
        try {
            const double ts = format_.now_wall();
            std::lock_guard lock(mutex_);
            const std::size_t start = records_.size();
            detail::RecordCapture capture(records_, format_.max_depth());
            capture.begin(ts, next_seq_, event.tag, event.urgent());
            if (detail::Rejection rejection = format_.capture(capture, event)) {
                capture.abort();
                ++rejected_;
                reporter_.report(rejection_error(detail::RecordFormat::describe(
                                     rejection, event.tag, format_.max_depth())),
                    format_.now_steady());
            } else {
                capture.finish();
                detail::CountingOut counter(scratch_, sizeof scratch_);
                detail::write_record(
                    counter, detail::RecordView(records_.data() + start), format_.encoder());
                if (counter.count() > format_.max_record_bytes()) {
                    records_.truncate(start);
                    ++rejected_;
                    reporter_.report(
                        rejection_error("record '" + std::string(event.tag.substr(0, 200))
                            + "' rejected: its line of " + std::to_string(counter.count())
                            + " bytes exceeds max_record_bytes ("
                            + std::to_string(format_.max_record_bytes()) + ")"),
                        format_.now_steady());
                } else {
                    offsets_.push_back(start);
                    ++next_seq_;
                }
            }
        } catch (...) {
            // Out of memory: the record is lost; a memory logger has nowhere else to say so.
        }
        reporter_.deliver();
    }

    template <class Visit> void for_each(Visit&& visit) const
    {
        std::lock_guard lock(mutex_);
        for (std::size_t offset : offsets_) {
            visit(detail::RecordView(records_.data() + offset));
        }
    }

    detail::RecordFormat format_;
    detail::ErrorReporter reporter_;
    mutable std::mutex mutex_;
    detail::ByteBuffer records_;
    std::vector<std::size_t> offsets_;
    std::uint64_t next_seq_ = 0;
    std::size_t rejected_ = 0;
    char scratch_[detail::max_reserve + 64];
};

// By value like TelemetryLogger's constructor (one signature for both loggers in the public API).
MemoryLogger::MemoryLogger(LoggerOptions options) // NOLINT(performance-unnecessary-value-param)
    : impl_(std::make_unique<Impl>(options))
{
}

MemoryLogger::~MemoryLogger() = default;

TELEMETRY_DEFINE_EVENT_HOOKS(MemoryLogger)

std::vector<nlohmann::json> MemoryLogger::records() const
{
    std::vector<nlohmann::json> result;
    impl_->for_each([&](const detail::RecordView& record) {
        result.push_back(to_json(
            record, impl_->format_.static_fields(), impl_->format_.encoder().sequence_numbers));
    });
    return result;
}

std::vector<std::string> MemoryLogger::lines() const
{
    std::vector<std::string> result;
    detail::ByteBuffer line;
    impl_->for_each([&](const detail::RecordView& record) {
        line.clear();
        detail::write_record(line, record, impl_->format_.encoder());
        result.emplace_back(line.data(), line.size() - 1);
    });
    return result;
}

std::size_t MemoryLogger::size() const
{
    std::lock_guard lock(impl_->mutex_);
    return impl_->offsets_.size();
}

std::size_t MemoryLogger::rejected() const
{
    std::lock_guard lock(impl_->mutex_);
    return impl_->rejected_;
}

std::optional<LoggerError> MemoryLogger::last_error() const
{
    return impl_->reporter_.last_error();
}

void MemoryLogger::clear()
{
    std::lock_guard lock(impl_->mutex_);
    impl_->records_.clear();
    impl_->offsets_.clear();
}

} // namespace telemetry
