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

namespace telemetry {

namespace {

using std::chrono::nanoseconds;
using namespace std::chrono_literals;

constexpr nanoseconds link_check_period = 1s;

void bump(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) noexcept
{
    counter.fetch_add(n, std::memory_order_relaxed);
}

std::string errno_text(int error_number)
{
    return std::strerror(error_number);
}

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

// --- fork support: every live logger, flushed before fork() and reset in the child ---

std::mutex& fork_mutex()
{
    static auto* mutex = new std::mutex; // never destroyed: loggers may outlive static teardown
    return *mutex;
}

std::vector<TelemetryLogger::Impl*>& fork_list()
{
    static auto* list = new std::vector<TelemetryLogger::Impl*>;
    return *list;
}

void prepare_fork()
{
    fork_mutex().lock();
    for (TelemetryLogger::Impl* logger : fork_list()) {
        logger->prepare_fork();
    }
}

void after_fork_parent()
{
    for (TelemetryLogger::Impl* logger : fork_list()) {
        logger->after_fork_parent();
    }
    fork_mutex().unlock();
}

void after_fork_child()
{
    for (TelemetryLogger::Impl* logger : fork_list()) {
        logger->after_fork_child();
    }
    fork_mutex().unlock();
}

// A lock for the crash path: try for up to 200 ms, then give up (the holder may be the crashed
// thread itself). Other threads stop logging once crashing_ is set, so a held lock is soon free.
bool try_lock_for(std::mutex& mutex) noexcept
{
    for (int i = 0; i < 4000; ++i) {
        if (mutex.try_lock()) {
            return true;
        }
        timespec pause { 0, 50000 };
        ::nanosleep(&pause, nullptr);
    }
    return false;
}

} // namespace

namespace detail {

void register_for_fork(TelemetryLogger::Impl* logger)
{
    static std::once_flag once;
    std::call_once(
        once, [] { ::pthread_atfork(&prepare_fork, &after_fork_parent, &after_fork_child); });
    std::lock_guard lock(fork_mutex());
    fork_list().push_back(logger);
}

void unregister_for_fork(TelemetryLogger::Impl* logger) noexcept
{
    std::lock_guard lock(fork_mutex());
    auto& list = fork_list();
    list.erase(std::remove(list.begin(), list.end(), logger), list.end());
}

} // namespace detail

// ----------------------------------------------------------------------------------------------

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

void TelemetryLogger::Impl::submit_sync(const detail::Event& event)
{
    const double ts = format_.now_wall();
    std::unique_lock lock(mutex_);
    if (closed_) {
        bump(dropped_);
        report(LoggerError::Kind::dropped, 0,
            "record '" + std::string(event.tag) + "' dropped: the logger is closed");
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
        bump(dropped_);
        report(LoggerError::Kind::dropped, 0,
            "record '" + std::string(event.tag) + "' dropped: the logger is closed");
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

// --- output (under the output lock) -----------------------------------------------------------

void TelemetryLogger::Impl::compact() noexcept
{
    if (written_ == out_.size()) {
        out_.clear();
        written_ = 0;
        line_start_ = 0;
    } else if (line_start_ >= (std::size_t { 1 } << 20) && line_start_ * 2 >= out_.size()) {
        out_.erase_front(line_start_);
        written_ -= line_start_;
        line_start_ = 0;
    }
}

void TelemetryLogger::Impl::append_line(const detail::RecordView& record, nanoseconds now)
{
    compact();
    const std::size_t mark = out_.size();
    detail::write_record(out_, record, format_.encoder());
    const std::size_t length = out_.size() - mark;
    if (length > format_.max_record_bytes()) {
        out_.truncate(mark);
        bump(rejected_);
        report(LoggerError::Kind::rejected, 0,
            "record '" + std::string(record.tag().substr(0, 200)) + "' rejected: its line of "
                + std::to_string(length) + " bytes exceeds max_record_bytes ("
                + std::to_string(format_.max_record_bytes()) + ")");
        return;
    }
    if (mark - written_ + length > max_buffer_bytes_) {
        // Make room by writing the older lines, if the file takes them.
        if (written_ < mark) {
            write_out(now, mark, false);
        }
        if (mark - written_ + length > max_buffer_bytes_) {
            out_.truncate(mark);
            bump(dropped_);
            ++dropped_unreported_;
            drop_reason_ = "the unwritten buffer reached max_buffer_bytes ("
                + std::to_string(max_buffer_bytes_) + ") while '" + path_.string()
                + "' could not be written";
            report(LoggerError::Kind::dropped, 0,
                "record '" + std::string(record.tag().substr(0, 200))
                    + "' dropped: " + drop_reason_);
            return;
        }
    }
    ++unflushed_records_;
}

bool TelemetryLogger::Impl::flush_due(nanoseconds now) const noexcept
{
    return unflushed_records_ >= flush_interval_
        || (unflushed_records_ > 0 && now - last_flush_ >= flush_period_);
}

std::optional<nanoseconds> TelemetryLogger::Impl::next_deadline() const noexcept
{
    if (written_ == out_.size()) {
        return std::nullopt;
    }
    return failing_ ? retry_after_ : last_flush_ + flush_period_;
}

bool TelemetryLogger::Impl::ensure_open(nanoseconds now)
{
    if (sink_.is_open()) {
        return true;
    }
    std::string message;
    if (const int error = sink_.open(message)) {
        failing_ = true;
        retry_after_ = now + retry_interval_;
        bump(write_errors_);
        report(LoggerError::Kind::open, error, message);
        return false;
    }
    last_link_check_ = now;
    // Another writer crashed mid-line: end its fragment before our first record.
    needs_newline_ = sink_.ends_mid_line();
    return true;
}

void TelemetryLogger::Impl::reopen_if_deleted(nanoseconds now)
{
    if (now - last_link_check_ < link_check_period) {
        return;
    }
    last_link_check_ = now;
    if (!sink_.unlinked()) {
        return;
    }
    sink_.close();
    if (!ensure_open(now)) {
        return;
    }
    report(LoggerError::Kind::reopened, 0,
        "'" + path_.string()
            + "' was deleted while open: created it again (records written to the deleted "
              "file in the last second are gone with it)");
    // The new file starts with the run's header, and a half-written line goes again whole.
    written_ = line_start_;
    detail::ByteBuffer rebuilt;
    rebuilt.ensure_capacity(out_.size() + run_begin_.size());
    rebuilt.append(out_.data(), written_);
    rebuilt.append(run_begin_.data(), run_begin_.size());
    rebuilt.append(out_.data() + written_, out_.size() - written_);
    out_.swap(rebuilt);
    ++unflushed_records_;
}

bool TelemetryLogger::Impl::write_out(nanoseconds now, std::size_t limit, bool insist)
{
    if (!write_out_once(now, limit, insist)) {
        return false;
    }
    if (dropped_unreported_ != 0 && written_ == out_.size()) {
        append_dropped_notice(now);
        return write_out_once(now, out_.size(), true);
    }
    return true;
}

bool TelemetryLogger::Impl::write_out_once(nanoseconds now, std::size_t limit, bool insist)
{
    if (written_ >= limit) {
        return true;
    }
    if (sink_closed_ || (failing_ && !insist && now < retry_after_) || !ensure_open(now)) {
        return false;
    }
    const std::size_t before = out_.size();
    reopen_if_deleted(now);
    limit += out_.size() - before;
    if (!sink_.is_open()) {
        return false;
    }
    if (needs_newline_) {
        const detail::WriteResult separator = sink_.write("\n", 1);
        if (separator.error != 0) {
            failing_ = true;
            retry_after_ = now + retry_interval_;
            bump(write_errors_);
            report(LoggerError::Kind::write, separator.error,
                "write to '" + path_.string() + "' failed: " + errno_text(separator.error));
            return false;
        }
        needs_newline_ = false;
    }
    const detail::WriteResult result = sink_.write(out_.data() + written_, limit - written_);
    if (result.written != 0) {
        const char* begin = out_.data() + written_;
        const char* end = begin + result.written;
        // Everything buffered went out: that is every unflushed record. Otherwise count lines.
        const std::size_t lines = end == out_.data() + out_.size()
            ? unflushed_records_
            : static_cast<std::size_t>(std::count(begin, end, '\n'));
        written_records_.fetch_add(lines, std::memory_order_relaxed);
        bytes_written_.fetch_add(result.written, std::memory_order_relaxed);
        unflushed_records_ -= std::min(lines, unflushed_records_);
        for (const char* p = end; p != begin; --p) {
            if (p[-1] == '\n') {
                line_start_ = static_cast<std::size_t>(p - out_.data());
                break;
            }
        }
        written_ += result.written;
    }
    if (result.error != 0) {
        failing_ = true;
        retry_after_ = now + retry_interval_;
        bump(write_errors_);
        report(LoggerError::Kind::write, result.error,
            "write to '" + path_.string() + "' failed: " + errno_text(result.error) + " ("
                + std::to_string(unflushed_records_) + " records kept for a retry)");
        return false;
    }
    failing_ = false;
    bump(flushes_);
    if (options_.durable) {
        if (const int error = sink_.sync()) {
            bump(fsync_failures_);
            fsync_failed_ = true;
            report(LoggerError::Kind::fsync, error,
                "fsync of '" + path_.string() + "' failed: " + errno_text(error)
                    + "; records written since the last successful fsync may be lost");
        }
    }
    if (limit == out_.size()) {
        last_flush_ = now;
    }
    if (written_ == out_.size()) {
        out_.clear();
        written_ = 0;
        line_start_ = 0;
    }
    return true;
}

void TelemetryLogger::Impl::append_dropped_notice(nanoseconds now)
{
    std::uint64_t seq = 0;
    if (async_) {
        std::lock_guard lock(mutex_); // the output lock is io_mutex_ here; seq is mutex_'s
        seq = next_seq_++;
    } else {
        seq = next_seq_++; // mutex_ is the output lock, already held
    }
    detail::ByteBuffer ops;
    detail::RecordCapture capture(ops, format_.max_depth());
    capture.begin(format_.now_wall(), seq, "records_dropped", false);
    capture.add_uint("count", dropped_unreported_);
    capture.add_string("reason", drop_reason_);
    capture.finish();
    dropped_unreported_ = 0;
    append_line(detail::RecordView(ops.data()), now);
}

bool TelemetryLogger::Impl::format_batch(detail::ByteBuffer& batch, nanoseconds now)
{
    bool urgent = false;
    const char* p = batch.data();
    const char* end = p + batch.size();
    while (p < end) {
        const detail::RecordView record(p);
        urgent = urgent || record.urgent();
        append_line(record, now);
        p += record.size();
    }
    batch.clear();
    if (batch.capacity() > 2 * options_.async_queue_bytes) {
        batch.shrink_to(options_.async_queue_bytes);
    }
    return urgent;
}

bool TelemetryLogger::Impl::drain(bool force, bool insist)
{
    {
        std::lock_guard lock(mutex_);
        draining_.swap(staging_);
        staged_records_ = 0;
        if (queue_waiters_ != 0) {
            queue_space_.notify_all();
        }
        if (queue_dropped_ != 0) {
            dropped_unreported_ += std::exchange(queue_dropped_, 0);
            drop_reason_ = "the async queue was full (async_queue_bytes "
                + std::to_string(options_.async_queue_bytes) + ", OverflowPolicy::drop)";
        }
    }
    const nanoseconds now = format_.now_steady();
    const bool urgent = format_batch(draining_, now);
    if (force || urgent || flush_due(now)) {
        write_out(now, out_.size(), force || urgent || insist);
    }
    return written_ == out_.size();
}

// --- the worker -------------------------------------------------------------------------------

template <class Predicate>
void TelemetryLogger::Impl::wait_until(
    std::unique_lock<std::mutex>& lock, nanoseconds deadline, Predicate predicate)
{
    for (;;) {
        if (predicate()) {
            return;
        }
        const nanoseconds now = format_.now_steady();
        if (now >= deadline) {
            return;
        }
        nanoseconds wait = deadline - now;
        if (!system_clock_) {
            // An injected clock does not move with real time: poll it.
            wait = std::min<nanoseconds>(wait, 10ms);
        }
        wake_worker_.wait_for(lock, wait);
    }
}

void TelemetryLogger::Impl::run_worker()
{
    // Our own thread: a pipe's reader gone must never kill the process from here, and blocking
    // SIGPIPE once spares the worker's writes the per-write mask calls (see SigpipeBlock).
    detail::block_sigpipe_for_this_thread();
    std::unique_lock lock(mutex_);
    if (async_) {
        run_async_worker(lock);
    } else {
        run_sync_worker(lock);
    }
}

void TelemetryLogger::Impl::run_sync_worker(std::unique_lock<std::mutex>& lock)
{
    while (!stop_) {
        if (written_ == out_.size()) {
            worker_idle_ = true;
            wake_worker_.wait(lock, [&] { return stop_ || written_ != out_.size(); });
            worker_idle_ = false;
            continue;
        }
        const nanoseconds deadline = failing_ ? retry_after_ : last_flush_ + flush_period_;
        const nanoseconds now = format_.now_steady();
        if (now >= deadline) {
            try {
                write_out(now, out_.size(), false);
            } catch (...) {
                retry_after_ = now + retry_interval_;
            }
            lock.unlock();
            reporter_.deliver();
            lock.lock();
            continue;
        }
        wait_until(lock, deadline, [&] { return stop_ || written_ == out_.size(); });
    }
}

void TelemetryLogger::Impl::run_async_worker(std::unique_lock<std::mutex>& lock)
{
    std::optional<nanoseconds> io_deadline;
    const std::size_t high_water = options_.async_queue_bytes / 2;
    // Real time, whatever the clock: the window only lets a batch of records gather.
    auto batch_window = [&] {
        wake_worker_.wait_for(
            lock, async_latency_, [&] { return stop_ || staging_.size() >= high_water; });
    };
    while (!stop_) {
        if (staged_records_ == 0) {
            worker_idle_ = true;
            if (io_deadline) {
                wait_until(lock, *io_deadline, [&] { return stop_ || staged_records_ > 0; });
            } else {
                wake_worker_.wait(lock, [&] { return stop_ || staged_records_ > 0; });
            }
            worker_idle_ = false;
            if (stop_) {
                break;
            }
            const bool deadline_passed = io_deadline && format_.now_steady() >= *io_deadline;
            if (staged_records_ == 0 && !deadline_passed) {
                continue;
            }
            if (!deadline_passed) {
                batch_window();
            }
        } else {
            batch_window();
        }
        if (stop_) {
            break;
        }
        lock.unlock();
        {
            std::lock_guard io_lock(io_mutex_);
            try {
                drain(false, false);
            } catch (...) {
                // Out of memory while formatting: the batch is lost, and counted below.
                bump(dropped_);
            }
            io_deadline = next_deadline();
        }
        reporter_.deliver();
        lock.lock();
    }
}

// --- flush, close, stats ----------------------------------------------------------------------

bool TelemetryLogger::Impl::flush() noexcept
{
    bool ok = false;
    try {
        if (async_) {
            std::lock_guard io_lock(io_mutex_);
            ok = drain(true, true);
            ok = !std::exchange(fsync_failed_, false) && ok;
        } else {
            std::lock_guard lock(mutex_);
            write_out(format_.now_steady(), out_.size(), true);
            ok = written_ == out_.size();
            ok = !std::exchange(fsync_failed_, false) && ok;
        }
    } catch (...) {
        ok = false;
    }
    reporter_.deliver();
    return ok;
}

bool TelemetryLogger::Impl::close() noexcept
{
    {
        std::lock_guard lock(mutex_);
        if (closed_) {
            return close_ok_;
        }
        closed_ = true;
        stop_ = true;
    }
    wake_worker_.notify_all();
    queue_space_.notify_all();
    if (worker_ && worker_->joinable()) {
        worker_->join();
    }
    bool ok = flush();
    {
        std::lock_guard io_lock(io_mutex_);
        std::lock_guard lock(mutex_);
        sink_closed_ = true;
        if (const int error = sink_.close()) {
            ok = false;
            report(LoggerError::Kind::close, error,
                "closing '" + path_.string() + "' failed: " + errno_text(error));
        }
    }
    reporter_.deliver();
    std::lock_guard lock(mutex_);
    close_ok_ = ok;
    return ok;
}

LoggerStats TelemetryLogger::Impl::stats() const noexcept
{
    LoggerStats s;
    s.records = records_.load(std::memory_order_relaxed);
    s.written = written_records_.load(std::memory_order_relaxed);
    s.rejected = rejected_.load(std::memory_order_relaxed);
    s.dropped = dropped_.load(std::memory_order_relaxed);
    s.write_errors = write_errors_.load(std::memory_order_relaxed);
    s.fsync_failures = fsync_failures_.load(std::memory_order_relaxed);
    s.bytes_written = bytes_written_.load(std::memory_order_relaxed);
    s.flushes = flushes_.load(std::memory_order_relaxed);
    return s;
}

// --- fork -------------------------------------------------------------------------------------

void TelemetryLogger::Impl::prepare_fork() noexcept
{
    // Write what is buffered now, so that the child has nothing of the parent's to re-emit.
    // (Records logged by other threads meanwhile stay with the parent; the child drops them.)
    // Whatever cannot be written (or formatted, out of memory) stays with the parent.
    io_mutex_.lock();
    if (async_) {
        try {
            drain(true, true); // takes mutex_ only to swap the queue
        } catch (...) {
        }
        mutex_.lock();
    } else {
        mutex_.lock();
        try {
            write_out(format_.now_steady(), out_.size(), true);
        } catch (...) {
        }
    }
    reporter_.lock();
}

void TelemetryLogger::Impl::after_fork_parent() noexcept
{
    reporter_.unlock();
    mutex_.unlock();
    io_mutex_.unlock();
}

void TelemetryLogger::Impl::after_fork_child() noexcept
{
    // The parent writes its own records; the child starts empty, without the parent's threads.
    staging_.clear();
    draining_.clear();
    out_.clear();
    staged_records_ = 0;
    written_ = 0;
    line_start_ = 0;
    unflushed_records_ = 0;
    dropped_unreported_ = 0;
    queue_waiters_ = 0;
    queue_dropped_ = 0;
    worker_idle_ = false;
    reporter_.reset_after_fork();
    (void)worker_.release(); // that thread does not exist here: never join or destroy it
    async_ = false;
    flush_interval_ = 1;
    stop_ = true;
    // The parent's worker may have been waiting on these; glibc would wait for it to leave
    // before destroying them. Fresh ones (the old storage is simply reused).
    new (&wake_worker_) std::condition_variable();
    new (&queue_space_) std::condition_variable();
    reporter_.unlock();
    mutex_.unlock();
    io_mutex_.unlock();
}

// --- crash ------------------------------------------------------------------------------------

void TelemetryLogger::Impl::write_crash_report(
    int signal, const char* name, const char* description) noexcept
{
    crashing_.store(true, std::memory_order_relaxed);
    const bool have_io = try_lock_for(io_mutex_);
    const bool have_state = try_lock_for(mutex_);
    const bool have_output = async_ ? have_io : have_state;
    int fd = sink_.fd();
    bool own_fd = false;
    if (fd < 0 && !sink_closed_) {
        // Non-blocking: a FIFO without a reader must not hang the dying process in open().
        fd = ::open(sink_.c_path(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0644);
        own_fd = fd >= 0;
    }
    struct stat st
    {
    };
    const bool is_pipe =
        fd >= 0 && ::fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
    // A pipe whose reader is gone: the process dies of its original signal, not of SIGPIPE.
    detail::SigpipeBlock no_sigpipe(is_pipe);
    no_sigpipe.check_on_exit(); // FdOutput's writes do not tell their errors
    if (fd >= 0) {
        detail::FdOutput out(fd, detail::crash_output_buffer(), detail::crash_output_buffer_size());
        if (have_output && !sink_closed_) {
            // Completes a half-written line first, if a failed write left one.
            detail::FileSink::write_all(fd, out_.data() + written_, out_.size() - written_);
            out_.clear();
            written_ = 0;
            line_start_ = 0;
            unflushed_records_ = 0;
            if (async_ && have_state) {
                const char* p = staging_.data();
                const char* end = p + staging_.size();
                while (p < end) {
                    const detail::RecordView record(p);
                    detail::CountingOut counter(
                        detail::crash_scratch_buffer(), detail::crash_scratch_buffer_size());
                    detail::write_record(counter, record, format_.encoder());
                    if (counter.count() <= format_.max_record_bytes()) {
                        detail::write_record(out, record, format_.encoder());
                    }
                    p += record.size();
                }
                staging_.clear();
                staged_records_ = 0;
            }
        }
        out.flush(); // the error record then goes out in one write(2)
        detail::write_raw(out, "{\"ts\":", 6);
        timespec now {};
        ::clock_gettime(CLOCK_REALTIME, &now);
        const double ts = static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
        auto literal = [&out](std::string_view text) {
            detail::write_raw(out, text.data(), text.size());
        };
        char* o = out.reserve(64);
        out.commit(detail::format_timestamp(o, ts, format_.encoder().non_finite));
        literal(",\"tag\":\"error\",\"type\":");
        detail::write_string(out, name, std::strlen(name));
        literal(",\"message\":");
        detail::write_string(out, description, std::strlen(description));
        literal(",\"signal\":");
        o = out.reserve(64);
        o = std::to_chars(o, o + 24, signal).ptr;
        if (format_.encoder().sequence_numbers && have_state) {
            std::memcpy(o, ",\"seq\":", 7);
            o = std::to_chars(o + 7, o + 32, next_seq_++).ptr;
        }
        out.commit(o);
        detail::write_raw(
            out, format_.encoder().static_fields, format_.encoder().static_fields_size);
        literal("}\n");
        out.flush();
        if (options_.durable) {
            ::fsync(fd);
        }
        if (own_fd) {
            ::close(fd);
        }
    }
    if (have_state) {
        mutex_.unlock();
    }
    if (have_io) {
        io_mutex_.unlock();
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
