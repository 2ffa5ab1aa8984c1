#pragma once
// SigpipeBlock: keeps a write(2) to a pipe or FIFO whose reader is gone from killing the process.
// For its lifetime SIGPIPE is blocked for the calling thread only; a SIGPIPE that the writes in
// that scope raised is then consumed, and the thread's signal mask is restored. The write itself
// fails with EPIPE, which the logger treats like any write error (reported, counted, retried).
// Async-signal-safe on Linux (only sigpending, pthread_sigmask and sigtimedwait, which are plain
// system calls there), so the crash path uses it too.
//
// Why this and not the alternatives: send(MSG_NOSIGNAL) only works on sockets, and the log is a
// file, a pipe or a FIFO; SO_NOSIGPIPE / F_SETNOSIGPIPE do not exist on Linux; ignoring SIGPIPE
// process-wide would change the trainer's own behaviour behind its back (its own writes to a
// closed stdout would stop killing it). Blocking around the write is what git and libcurl do.
// The one trade-off: a SIGPIPE sent to the process by someone else during the write, while none
// was pending before, is consumed with ours.

#include <cerrno>
#include <csignal>
#include <ctime>
#include <pthread.h>

namespace telemetry::detail {

class SigpipeBlock
{
public:
    // `active` false: does nothing (regular files and terminals never raise SIGPIPE, and their
    // writes should not pay three system calls each).
    explicit SigpipeBlock(bool active) noexcept
    {
        if (!active) {
            return;
        }
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        sigset_t pending;
        sigemptyset(&pending);
        was_pending_ = ::sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
        blocked_ = ::pthread_sigmask(SIG_BLOCK, &pipe_, &previous_) == 0;
    }
    ~SigpipeBlock()
    {
        if (!blocked_) {
            return;
        }
        const int saved_errno = errno;
        sigset_t pending;
        sigemptyset(&pending);
        if (!was_pending_ && ::sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
            // Ours: consume it before unblocking, so it is never delivered.
            const timespec no_wait { 0, 0 };
            while (::sigtimedwait(&pipe_, nullptr, &no_wait) < 0 && errno == EINTR) { }
        }
        ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
        errno = saved_errno;
    }
    SigpipeBlock(const SigpipeBlock&) = delete;
    SigpipeBlock& operator=(const SigpipeBlock&) = delete;
    SigpipeBlock(SigpipeBlock&&) = delete;
    SigpipeBlock& operator=(SigpipeBlock&&) = delete;

private:
    sigset_t pipe_ {};
    sigset_t previous_ {};
    bool was_pending_ = false;
    bool blocked_ = false;
};

} // namespace telemetry::detail
