#pragma once
// FdOutput: a JsonEncoder output that streams into a file descriptor through a fixed buffer,
// for the crash path: no allocation, only write(2). Not thread-safe.

#include "file_sink.hpp"

#include <cstddef>

namespace telemetry::detail {

class FdOutput
{
public:
    FdOutput(int fd, char* buffer, std::size_t capacity) noexcept
        : fd_(fd)
        , buffer_(buffer)
        , capacity_(capacity)
    {
    }
    // n never exceeds the encoder's max_reserve, which is below capacity.
    char* reserve(std::size_t n) noexcept
    {
        if (capacity_ - used_ < n) {
            flush();
        }
        return buffer_ + used_;
    }
    void commit(char* end) noexcept
    {
        used_ = static_cast<std::size_t>(end - buffer_);
    }
    void flush() noexcept
    {
        if (used_ != 0) {
            FileSink::write_all(fd_, buffer_, used_);
            used_ = 0;
        }
    }

private:
    int fd_;
    char* buffer_;
    std::size_t capacity_;
    std::size_t used_ = 0;
};

} // namespace telemetry::detail
