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

// The crash report a TelemetryLogger writes from the crash handler: what is buffered, then a
// crash record, with locks taken only for a bounded time.

namespace telemetry {

namespace {

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

} // namespace telemetry
