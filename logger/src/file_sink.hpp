#pragma once
// FileSink: the log file as a file descriptor opened with O_APPEND. Writes loop over short writes
// and EINTR so a batch of whole lines lands with as few write(2) calls as the kernel allows (one,
// normally). Not thread-safe: the logger's output lock guards it. fd() and c_path() may be read
// from the crash handler while that lock is held.

#include <cstddef>
#include <filesystem>
#include <string>

namespace telemetry::detail {

struct WriteResult
{
    std::size_t written = 0;
    int error = 0; // errno of the call that stopped the loop, 0 when everything was written
};

class FileSink
{
public:
    explicit FileSink(std::filesystem::path path);
    ~FileSink();
    FileSink(const FileSink&) = delete;
    FileSink& operator=(const FileSink&) = delete;
    FileSink(FileSink&&) = delete;
    FileSink& operator=(FileSink&&) = delete;

    bool is_open() const noexcept
    {
        return fd_ >= 0;
    }
    int fd() const noexcept
    {
        return fd_;
    }
    const char* c_path() const noexcept
    {
        return native_.c_str();
    }
    // A pipe, FIFO or socket: a write after its reader is gone raises SIGPIPE (see SigpipeBlock).
    bool is_pipe() const noexcept
    {
        return is_pipe_;
    }

    // Creates missing parent folders and opens for appending, never blocking (a FIFO without a
    // reader fails with ENXIO). Returns 0 or an errno, with a sentence for people in `message`.
    int open(std::string& message);
    WriteResult write(const char* data, std::size_t size) noexcept;
    // fsync(2); returns 0 or an errno.
    int sync() noexcept;
    // close(2); returns 0 or an errno (the descriptor is released either way).
    int close() noexcept;
    // True when the open file has no name any more (deleted, or its folder removed).
    bool unlinked() const noexcept;
    // True when the open file is a regular file whose last byte is not '\n': an earlier writer
    // was cut off mid-line, and the next record must not be glued to that fragment.
    bool ends_mid_line() const noexcept;

    // Async-signal-safe write loop on any descriptor. Raises SIGPIPE on a pipe without a reader:
    // callers writing to a pipe hold a SigpipeBlock (write() does).
    static WriteResult write_all(int fd, const char* data, std::size_t size) noexcept;

private:
    bool last_byte_stays_unfinished(int reader) const noexcept;

    std::filesystem::path path_;
    std::string native_;
    int fd_ = -1;
    bool is_pipe_ = false;
};

} // namespace telemetry::detail
