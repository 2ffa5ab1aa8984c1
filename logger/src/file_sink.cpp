#include "file_sink.hpp"

#include "sigpipe_block.hpp"

#include <telemetry/detail/io_hooks.hpp>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <time.h>
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
    // O_NONBLOCK for the open only: opening a FIFO that no process reads would otherwise block
    // the trainer (in the logger's constructor) until a reader comes, maybe forever. Non-blocking,
    // it fails at once with ENXIO, which is reported and retried like any open failure.
    const int fd =
        ::open(native_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0644);
    if (fd < 0) {
        const int err = errno;
        struct stat st
        {
        };
        if (err == ENXIO && ::stat(native_.c_str(), &st) == 0 && S_ISFIFO(st.st_mode)) {
            message = "cannot open FIFO '" + native_
                + "': no process has it open for reading (records are kept and the open retried)";
        } else {
            message = "cannot open '" + native_ + "' for appending: " + std::strerror(err);
        }
        return err;
    }
    struct stat st
    {
    };
    if (::fstat(fd, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)
        && !S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode)) {
        ::close(fd);
        message = "cannot log to '" + native_ + "': not a regular file";
        return EINVAL;
    }
    // Writes block again once open: a slow reader of a pipe slows the logger down (back-pressure,
    // like a slow disk) rather than losing records to EAGAIN.
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
        const int err = errno;
        ::close(fd);
        message = "cannot open '" + native_ + "' for appending: " + std::strerror(err);
        return err;
    }
    fd_ = fd;
    is_pipe_ = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
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
    SigpipeBlock no_sigpipe(is_pipe_); // a reader gone means EPIPE, never a dead trainer
    const WriteResult result = write_all(fd_, data, size);
    no_sigpipe.after_write(result.error);
    return result;
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
    is_pipe_ = false;
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
    bool mid_line = false;
    if (::fstat(reader, &same) == 0 && same.st_ino == st.st_ino && same.st_dev == st.st_dev) {
        mid_line = last_byte_stays_unfinished(reader);
    }
    ::close(reader);
    return mid_line;
}

bool FileSink::last_byte_stays_unfinished(int reader) const noexcept
{
    // A live writer's batch lands in the page cache page by page and the size grows with each
    // page, so a last byte read now can sit inside a line that write(2) is about to finish (four
    // trainers appending to one file hit this: a newline of ours made a blank line). A crashed
    // writer's fragment holds still: believe it only once the size stopped moving for a while
    // longer than a preempted write takes. That costs 20 ms once, when a fragment is there.
    constexpr int max_looks = 10;
    constexpr long settle_ns = 20'000'000;
    off_t size = -1;
    for (int look = 0; look < max_looks; ++look) {
        struct stat st
        {
        };
        char last = '\n';
        if (::fstat(fd_, &st) != 0 || st.st_size == 0
            || ::pread(reader, &last, 1, st.st_size - 1) != 1 || last == '\n') {
            return false;
        }
        if (st.st_size == size) {
            return true;
        }
        size = st.st_size;
        if (io_hooks().settle_pause != nullptr) {
            io_hooks().settle_pause(settle_ns);
        } else {
            const timespec pause { 0, settle_ns };
            ::nanosleep(&pause, nullptr);
        }
    }
    return true; // still growing mid-line after 200 ms: a writer that never ends its lines
}

bool FileSink::unlinked() const noexcept
{
    struct stat st
    {
    };
    return fd_ >= 0 && ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 0;
}

} // namespace telemetry::detail
