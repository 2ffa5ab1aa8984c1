#include "file_sink.hpp"

#include <telemetry/detail/io_hooks.hpp>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace telemetry::detail {

namespace {

ssize_t real_write(int fd, const void* data, std::size_t size)
{
    return ::write(fd, data, size);
}

int real_fsync(int fd)
{
    return ::fsync(fd);
}

constexpr IoHooks real_hooks { &real_write, &real_fsync };
std::atomic<const IoHooks*> current_hooks { &real_hooks };

} // namespace

void set_io_hooks(const IoHooks* hooks) noexcept
{
    current_hooks.store(hooks != nullptr ? hooks : &real_hooks, std::memory_order_release);
}

const IoHooks& io_hooks() noexcept
{
    return *current_hooks.load(std::memory_order_acquire);
}

FileSink::FileSink(std::filesystem::path path)
    : path_(std::move(path))
    , native_(path_.native())
{
}

FileSink::~FileSink()
{
    close();
}

int FileSink::open(std::string& message)
{
    if (fd_ >= 0) {
        return 0;
    }
    const std::filesystem::path parent = path_.parent_path();
    if (!parent.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(parent, ec);
        if (ec) {
            message = "cannot create folder '" + parent.string() + "': " + ec.message();
            return ec.value() != 0 ? ec.value() : EIO;
        }
    }
    const int fd = ::open(native_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        const int err = errno;
        message = "cannot open '" + native_ + "' for appending: " + std::strerror(err);
        return err;
    }
    struct stat st
    {
    };
    if (::fstat(fd, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)
        && !S_ISFIFO(st.st_mode)) {
        ::close(fd);
        message = "cannot log to '" + native_ + "': not a regular file";
        return EINVAL;
    }
    fd_ = fd;
    return 0;
}

WriteResult FileSink::write_all(int fd, const char* data, std::size_t size) noexcept
{
    WriteResult result;
    const IoHooks& hooks = io_hooks();
    while (result.written < size) {
        const ssize_t n = hooks.write(fd, data + result.written, size - result.written);
        if (n > 0) {
            result.written += static_cast<std::size_t>(n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            result.error = n < 0 ? errno : EIO;
            break;
        }
    }
    return result;
}

WriteResult FileSink::write(const char* data, std::size_t size) noexcept
{
    if (fd_ < 0) {
        return { 0, EBADF };
    }
    return write_all(fd_, data, size);
}

int FileSink::sync() noexcept
{
    if (fd_ < 0) {
        return EBADF;
    }
    const IoHooks& hooks = io_hooks();
    // EINTR is the only retry: after EIO the kernel may have dropped the dirty pages, and a
    // second fsync succeeding would say nothing about them (PostgreSQL's "fsyncgate").
    int r = 0;
    do {
        r = hooks.fsync(fd_);
    } while (r != 0 && errno == EINTR);
    return r == 0 ? 0 : errno;
}

int FileSink::close() noexcept
{
    if (fd_ < 0) {
        return 0;
    }
    const int r = ::close(fd_);
    fd_ = -1;
    // Linux releases the descriptor even when close fails (EINTR included): never retry it.
    return r == 0 ? 0 : errno;
}

bool FileSink::ends_mid_line() const noexcept
{
    struct stat st
    {
    };
    if (fd_ < 0 || ::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
        return false;
    }
    // The log descriptor is write-only: read the last byte through a second one, of the same file.
    const int reader = ::open(native_.c_str(), O_RDONLY | O_CLOEXEC);
    if (reader < 0) {
        return false;
    }
    struct stat same
    {
    };
    char last = '\n';
    const bool mid_line = ::fstat(reader, &same) == 0 && same.st_ino == st.st_ino
        && same.st_dev == st.st_dev && ::pread(reader, &last, 1, st.st_size - 1) == 1
        && last != '\n';
    ::close(reader);
    return mid_line;
}

bool FileSink::unlinked() const noexcept
{
    struct stat st
    {
    };
    return fd_ >= 0 && ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 0;
}

} // namespace telemetry::detail
