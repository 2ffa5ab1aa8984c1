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

// The output of a TelemetryLogger, under the output lock: lines appended to the buffer, the file
// opened, reopened when deleted or replaced, written (partial writes, full disks, dropped-record
// notices) and drained.

namespace telemetry {

using detail::bump;
using detail::errno_text;
using std::chrono::nanoseconds;

namespace {

using namespace std::chrono_literals;

constexpr nanoseconds link_check_period = 1s;

} // namespace

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

} // namespace telemetry
