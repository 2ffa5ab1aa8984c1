#pragma once
// SigpipeBlock: keeps a write(2) to a pipe or FIFO whose reader is gone from killing the process.
// For its lifetime SIGPIPE is blocked for the calling thread only; a SIGPIPE that a write in that
// scope raised (it reported EPIPE) is consumed, then the thread's signal mask is restored. The
// write fails with EPIPE, which the logger treats like any write error (reported, counted,
// retried). Async-signal-safe on Linux (pthread_sigmask, sigpending and sigtimedwait are plain
// system calls there), so the crash path uses it too.
//
// Why this and not the alternatives: send(MSG_NOSIGNAL) only works on sockets, and the log is a
// file, a pipe or a FIFO; SO_NOSIGPIPE / F_SETNOSIGPIPE do not exist on Linux; ignoring SIGPIPE
// process-wide would change the trainer's own behaviour behind its back (its own writes to a
// closed stdout would stop killing it). Blocking around the write, and consuming the SIGPIPE only
// after an EPIPE, is what PostgreSQL's libpq does (pq_block_sigpipe / pq_reset_sigpipe); libpq
// also checks sigpending first, which we skip when SIGPIPE was not blocked before: a pending
// SIGPIPE that was not blocked would already have been delivered.
// Cost: two system calls per write batch on a pipe (none on a regular file), and none at all on
// the logger's own worker thread, which blocks SIGPIPE for its whole life
// (block_sigpipe_for_this_thread). Trade-off: a SIGPIPE sent to the process by someone else
// during a failed write is consumed with ours.

#include <cerrno>
#include <csignal>
#include <ctime>
#include <pthread.h>

namespace telemetry::detail {

// Set on threads the logger owns, which block SIGPIPE once for good.
inline thread_local bool sigpipe_blocked_for_thread = false;

// For the logger's worker thread: it never wants SIGPIPE, and its writes then skip the mask calls.
inline void block_sigpipe_for_this_thread() noexcept
{
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    sigpipe_blocked_for_thread = ::pthread_sigmask(SIG_BLOCK, &pipe, nullptr) == 0;
}

class SigpipeBlock
{
public:
    // `active` false: does nothing (regular files and terminals never raise SIGPIPE, and their
    // writes should not pay for system calls they do not need).
    explicit SigpipeBlock(bool active) noexcept
    {
        if (!active) {
            return;
        }
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        if (sigpipe_blocked_for_thread) {
            consume_ = true;
            return;
        }
        if (::pthread_sigmask(SIG_BLOCK, &pipe_, &previous_) != 0) {
            return;
        }
        restore_ = true;
        // A thread that blocks SIGPIPE itself keeps what it gets, as it would from its own writes:
        // a SIGPIPE pending there may be older than our write.
        consume_ = sigismember(&previous_, SIGPIPE) == 0;
    }
    ~SigpipeBlock()
    {
        if (!consume_ && !restore_) {
            return;
        }
        const int saved_errno = errno;
        if (consume_ && raised_) {
            sigset_t pending;
            sigemptyset(&pending);
            if (::sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
                const timespec no_wait { 0, 0 };
                while (::sigtimedwait(&pipe_, nullptr, &no_wait) < 0 && errno == EINTR) { }
            }
        }
        if (restore_) {
            ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
        }
        errno = saved_errno;
    }
    SigpipeBlock(const SigpipeBlock&) = delete;
    SigpipeBlock& operator=(const SigpipeBlock&) = delete;
    SigpipeBlock(SigpipeBlock&&) = delete;
    SigpipeBlock& operator=(SigpipeBlock&&) = delete;

    // Tells the outcome of a write in this scope: EPIPE means a SIGPIPE is pending to consume.
    void after_write(int error) noexcept
    {
        raised_ = raised_ || error == EPIPE;
    }
    // For callers that cannot see each write's outcome (the crash path): check on exit anyway.
    void check_on_exit() noexcept
    {
        raised_ = true;
    }

private:
    sigset_t pipe_ {};
    sigset_t previous_ {};
    bool restore_ = false; // the mask was changed here and is restored on exit
    bool consume_ = false; // a SIGPIPE pending on exit was raised in this scope
    bool raised_ = false;
};

} // namespace telemetry::detail
