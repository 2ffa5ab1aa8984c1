#include "event_hooks.hpp"
#include "fd_output.hpp"
#include "json_encoder.hpp"
#include "record_capture.hpp"
#include "record_view.hpp"
#include "sigpipe_block.hpp"
#include "telemetry_logger_impl.hpp"

#include <telemetry/crash_handler.hpp>
#include <telemetry/system_clock.hpp>
#include <telemetry/version.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <new>
#include <pthread.h>
#include <random>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

// The API and the logging calls: a TelemetryLogger, its Impl's set-up and run_begin record, and
// how a call reaches the output (sync: formatted and written here; async: captured for the
// worker). The output is telemetry_logger_output.cpp, the worker telemetry_logger_worker.cpp,
// fork and crash telemetry_logger_fork.cpp and telemetry_logger_crash.cpp.

namespace telemetry {

using detail::bump;

namespace {

using std::chrono::nanoseconds;

std::uint64_t mix(std::uint64_t x) noexcept
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

std::string utc_time(double wall, bool compact)
{
    const auto seconds = static_cast<std::time_t>(std::floor(wall));
    const auto micros = static_cast<int>((wall - std::floor(wall)) * 1e6);
    std::tm tm {};
    gmtime_r(&seconds, &tm);
    char text[64];
    std::size_t n =
        std::strftime(text, sizeof text, compact ? "%Y%m%dT%H%M%SZ" : "%Y-%m-%dT%H:%M:%S", &tm);
    if (!compact) {
        n += static_cast<std::size_t>(
            std::snprintf(text + n, sizeof text - n, ".%06dZ", std::clamp(micros, 0, 999999)));
    }
    return { text, n };
}

// Time, then 48 random bits: sortable by start, unique across processes and hosts.
std::string make_run_id()
{
    std::uint64_t seed =
        static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
    seed ^= static_cast<std::uint64_t>(::getpid()) << 32;
    try {
        std::random_device device;
        seed ^= (static_cast<std::uint64_t>(device()) << 32) ^ device();
    } catch (...) {
        // No entropy source: time and pid still make a collision unlikely.
    }
    char random[16];
    std::snprintf(random, sizeof random, "%012llx",
        static_cast<unsigned long long>(mix(seed) & 0xffffffffffffULL));
    const double wall =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    return utc_time(wall, true) + "-" + random;
}

std::string host_name()
{
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) {
        return "unknown";
    }
    return name;
}

LoggerOptions with_interval(std::size_t flush_interval)
{
    LoggerOptions options;
    options.flush_interval = flush_interval;
    return options;
}

} // namespace

TelemetryLogger::Impl::Impl(std::filesystem::path path, LoggerOptions options)
    : path_(std::move(path))
    , options_(std::move(options))
    , format_(options_, options_.run_id.empty() ? make_run_id() : options_.run_id)
    , reporter_(options_.error_handler, options_.error_report_interval)
    , sink_(path_)
    , system_clock_(options_.clock == nullptr
          || dynamic_cast<const SystemClock*>(options_.clock.get()) != nullptr)
    , async_(options_.async)
    , flush_interval_(std::max<std::size_t>(1, options_.flush_interval))
    , flush_period_(options_.flush_period)
    , retry_interval_(options_.retry_interval)
    , async_latency_(options_.async_latency)
    , max_buffer_bytes_(std::max(options_.max_buffer_bytes, options_.max_record_bytes))
{
    if (options_.async_queue_bytes < 4096) {
        throw std::invalid_argument("telemetry: async_queue_bytes must be at least 4096");
    }
    const nanoseconds now = format_.now_steady();
    last_flush_ = now;
    last_link_check_ = now;
    out_.ensure_capacity(std::size_t { 64 } << 10);
    if (async_) {
        const std::size_t initial = std::min<std::size_t>(options_.async_queue_bytes, 1 << 20);
        staging_.ensure_capacity(initial);
        draining_.ensure_capacity(initial);
    }
    // run_begin goes first and at once, so the file exists and names its run from the start.
    run_begin_ = run_begin_line();
    out_.append(run_begin_.data(), run_begin_.size());
    unflushed_records_ = 1;
    next_seq_ = 1;
    records_.store(1, std::memory_order_relaxed);
    write_out(now, out_.size(), true);
    detail::register_for_fork(this);
    if (options_.crash_handler) {
        install_crash_handler();
        crash_registered_ = detail::register_for_crash(this);
        if (!crash_registered_) {
            report(LoggerError::Kind::open, 0,
                "crash handler: 64 loggers are registered already; '" + path_.string()
                    + "' is not covered");
        }
    }
    try {
        worker_ = std::make_unique<std::thread>([this] { run_worker(); });
    } catch (...) {
        if (crash_registered_) {
            detail::unregister_for_crash(this);
        }
        detail::unregister_for_fork(this);
        throw;
    }
    reporter_.deliver();
}

TelemetryLogger::Impl::~Impl()
{
    if (crash_registered_) {
        detail::unregister_for_crash(this);
    }
    detail::unregister_for_fork(this);
    close();
}

std::string TelemetryLogger::Impl::run_begin_line()
{
    const double wall = format_.now_wall();
    const std::string host = host_name();
    const std::string start = utc_time(wall, false);
    auto format_line = [&](bool with_config, detail::Rejection& rejection) {
        detail::ByteBuffer ops;
        detail::RecordCapture capture(ops, format_.max_depth());
        capture.begin(wall, 0, "run_begin", false);
        if (!format_.run_on_every_record()) {
            capture.add_string("run", format_.run_id());
        }
        capture.add_string("host", host);
        capture.add_int("pid", static_cast<std::int64_t>(::getpid()));
        capture.add_string("start_time", start);
        capture.add_string("logger", "telemetry_logger " TELEMETRY_LOGGER_VERSION);
        if (with_config) {
            rejection = capture.add_json("config", options_.config);
            if (rejection) {
                return std::string();
            }
        }
        capture.finish();
        detail::ByteBuffer line;
        detail::write_record(line, detail::RecordView(ops.data()), format_.encoder());
        return std::string(line.data(), line.size());
    };
    detail::Rejection rejection;
    const nlohmann::json& config = options_.config;
    if (config.is_null()) {
        return format_line(false, rejection);
    }
    // A config that cannot be written costs the run its config, never its run_begin (nor an
    // exception in the trainer's face): the reason goes to the error handler.
    std::string problem;
    std::string line;
    if (!config.is_object()) {
        problem = std::string("it is a JSON ") + config.type_name() + ", not an object";
    } else {
        line = format_line(true, rejection);
        if (rejection.reason == detail::Rejection::too_deep) {
            problem = "nested deeper than max_depth (" + std::to_string(format_.max_depth())
                + ") at key '" + std::string(rejection.key.substr(0, 200)) + "'";
        } else if (rejection) {
            problem = "the value of key '" + std::string(rejection.key.substr(0, 200))
                + "' cannot be written as JSON (binary or discarded)";
        } else if (line.size() > format_.max_record_bytes()) {
            problem = "its run_begin line of " + std::to_string(line.size())
                + " bytes exceeds max_record_bytes (" + std::to_string(format_.max_record_bytes())
                + ")";
        } else {
            return line;
        }
    }
    bump(rejected_);
    report(LoggerError::Kind::rejected, 0,
        "config rejected: " + problem + "; run_begin is written without it");
    return format_line(false, rejection);
}

void TelemetryLogger::Impl::report(LoggerError::Kind kind, int error_number, std::string message)
{
    try {
        LoggerError error;
        error.kind = kind;
        error.error_number = error_number;
        error.path = path_.string();
        error.message = std::move(message);
        reporter_.report(std::move(error), format_.now_steady());
    } catch (...) {
        // Out of memory while reporting: the counters still tell.
    }
}

// --- logging calls ----------------------------------------------------------------------------

void TelemetryLogger::Impl::submit(const detail::Event& event) noexcept
{
    if (crashing_.load(std::memory_order_relaxed)) {
        return; // the crash handler is writing this logger's last records
    }
    try {
        if (async_) {
            submit_async(event);
        } else {
            submit_sync(event);
        }
    } catch (...) {
        bump(dropped_);
        report(LoggerError::Kind::dropped, ENOMEM,
            "record '" + std::string(event.tag) + "' dropped: out of memory");
    }
    reporter_.deliver();
}

bool TelemetryLogger::Impl::capture(
    detail::ByteBuffer& buffer, const detail::Event& event, double ts)
{
    detail::RecordCapture capture(buffer, format_.max_depth());
    capture.begin(ts, next_seq_, event.tag, event.urgent());
    if (detail::Rejection rejection = format_.capture(capture, event)) {
        capture.abort();
        bump(rejected_);
        report(LoggerError::Kind::rejected, 0,
            detail::RecordFormat::describe(rejection, event.tag, format_.max_depth()));
        return false;
    }
    capture.finish();
    ++next_seq_;
    // Only ever modified under mutex_: a plain store avoids a locked instruction per record.
    records_.store(records_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    return true;
}

void TelemetryLogger::Impl::drop_after_close(const detail::Event& event)
{
    bump(dropped_);
    report(LoggerError::Kind::dropped, 0,
        "record '" + std::string(event.tag) + "' dropped: the logger is closed");
}

void TelemetryLogger::Impl::submit_sync(const detail::Event& event)
{
    const double ts = format_.now_wall();
    std::unique_lock lock(mutex_);
    if (closed_) {
        drop_after_close(event);
        return;
    }
    scratch_.clear();
    if (!capture(scratch_, event, ts)) {
        return;
    }
    const nanoseconds now = format_.now_steady();
    append_line(detail::RecordView(scratch_.data()), now);
    if (event.urgent() || flush_due(now)) {
        write_out(now, out_.size(), event.urgent());
    }
    if (written_ != out_.size() && worker_idle_) {
        wake_worker_.notify_one();
    }
}

void TelemetryLogger::Impl::submit_async(const detail::Event& event)
{
    const double ts = format_.now_wall();
    std::unique_lock lock(mutex_);
    if (closed_) {
        drop_after_close(event);
        return;
    }
    if (staging_.size() >= options_.async_queue_bytes) {
        const bool on_worker = worker_ && std::this_thread::get_id() == worker_->get_id();
        if (options_.overflow == OverflowPolicy::drop || on_worker) {
            bump(dropped_);
            ++queue_dropped_;
            report(LoggerError::Kind::dropped, 0,
                "record '" + std::string(event.tag) + "' dropped: the async queue is full ("
                    + std::to_string(options_.async_queue_bytes) + " bytes)");
            return;
        }
        ++queue_waiters_;
        wake_worker_.notify_one();
        queue_space_.wait(
            lock, [&] { return staging_.size() < options_.async_queue_bytes || stop_; });
        --queue_waiters_;
        if (closed_) {
            bump(dropped_);
            return;
        }
    }
    if (!capture(staging_, event, ts)) {
        return;
    }
    ++staged_records_;
    const bool wake =
        (staged_records_ == 1 && worker_idle_) || staging_.size() >= options_.async_queue_bytes / 2;
    lock.unlock();
    if (wake) {
        wake_worker_.notify_one();
    }
    if (event.urgent()) {
        std::lock_guard io_lock(io_mutex_);
        drain(false, true);
    }
}

// --- TelemetryLogger --------------------------------------------------------------------------

TelemetryLogger::TelemetryLogger(std::filesystem::path path, std::size_t flush_interval)
    : TelemetryLogger(std::move(path), with_interval(flush_interval))
{
}

TelemetryLogger::TelemetryLogger(std::filesystem::path path, LoggerOptions options)
    : impl_(std::make_unique<Impl>(std::move(path), std::move(options)))
{
}

TelemetryLogger::~TelemetryLogger() = default;

TELEMETRY_DEFINE_EVENT_HOOKS(TelemetryLogger)

bool TelemetryLogger::flush()
{
    return impl_->flush();
}

bool TelemetryLogger::close()
{
    return impl_->close();
}

const std::filesystem::path& TelemetryLogger::path() const noexcept
{
    return impl_->path_;
}

const std::string& TelemetryLogger::run_id() const noexcept
{
    return impl_->format_.run_id();
}

std::optional<LoggerError> TelemetryLogger::last_error() const
{
    return impl_->reporter_.last_error();
}

LoggerStats TelemetryLogger::stats() const
{
    return impl_->stats();
}

} // namespace telemetry
