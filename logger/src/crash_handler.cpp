#include "crash_registry.hpp"

#include <telemetry/crash_handler.hpp>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <signal.h>

namespace telemetry {

namespace {

struct FatalSignal
{
    int number;
    const char* name;
    const char* description;
};

constexpr FatalSignal fatal_signals[] = {
    { SIGSEGV, "SIGSEGV", "Segmentation fault" },
    { SIGABRT, "SIGABRT", "Aborted" },
    { SIGBUS, "SIGBUS", "Bus error" },
    { SIGFPE, "SIGFPE", "Floating point exception" },
    { SIGILL, "SIGILL", "Illegal instruction" },
};
constexpr std::size_t signal_count = sizeof fatal_signals / sizeof fatal_signals[0];
constexpr std::size_t max_loggers = 64;

struct sigaction previous_actions[signal_count];
std::atomic<bool> installed { false };
std::mutex install_mutex;

std::atomic<detail::CrashReporter*> loggers[max_loggers];
std::atomic<int> handlers_running { 0 };
std::atomic<bool> reporting { false };

// Pre-allocated: the handler never allocates.
alignas(64) char output_buffer[std::size_t { 64 } << 10];
alignas(64) char scratch_buffer[std::size_t { 32 } << 10];
constexpr std::size_t alternate_stack_size = std::size_t { 64 } << 10;
char* alternate_stack = nullptr;

void pause_briefly() noexcept
{
    timespec pause { 0, 1000000 };
    ::nanosleep(&pause, nullptr);
}

void restore(int number) noexcept
{
    for (std::size_t i = 0; i < signal_count; ++i) {
        if (fatal_signals[i].number == number) {
            ::sigaction(number, &previous_actions[i], nullptr);
        }
    }
}

void on_fatal_signal(int number, siginfo_t* info, void*)
{
    const FatalSignal* fatal = &fatal_signals[0];
    for (const FatalSignal& s : fatal_signals) {
        if (s.number == number) {
            fatal = &s;
        }
    }
    // Another thread is already reporting a crash: it will end the process. Wait for it, then
    // carry on with this signal's own report.
    while (reporting.exchange(true, std::memory_order_acq_rel)) {
        pause_briefly();
    }
    handlers_running.fetch_add(1, std::memory_order_acq_rel);
    for (auto& slot : loggers) {
        if (detail::CrashReporter* logger = slot.load(std::memory_order_acquire)) {
            logger->write_crash_report(number, fatal->name, fatal->description);
        }
    }
    handlers_running.fetch_sub(1, std::memory_order_acq_rel);
    reporting.store(false, std::memory_order_release);

    // Die as the process would have without us: the previous disposition, then the signal again.
    // A fault raised by the kernel (si_code > 0) recurs when the faulting instruction re-runs;
    // a signal sent by raise(), abort() or kill() must be sent again.
    restore(number);
    if (info == nullptr || info->si_code <= 0) {
        ::raise(number);
    }
}

} // namespace

void install_crash_handler()
{
    std::lock_guard lock(install_mutex);
    if (installed.load()) {
        return;
    }
    if (alternate_stack == nullptr) {
        alternate_stack = static_cast<char*>(std::malloc(alternate_stack_size));
        if (alternate_stack != nullptr) {
            stack_t stack {};
            stack.ss_sp = alternate_stack;
            stack.ss_size = alternate_stack_size;
            ::sigaltstack(&stack, nullptr);
        }
    }
    for (std::size_t i = 0; i < signal_count; ++i) {
        struct sigaction action
        {
        };
        action.sa_sigaction = &on_fatal_signal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_SIGINFO | SA_ONSTACK;
        ::sigaction(fatal_signals[i].number, &action, &previous_actions[i]);
    }
    installed.store(true);
}

void uninstall_crash_handler()
{
    std::lock_guard lock(install_mutex);
    if (!installed.load()) {
        return;
    }
    for (std::size_t i = 0; i < signal_count; ++i) {
        ::sigaction(fatal_signals[i].number, &previous_actions[i], nullptr);
    }
    installed.store(false);
}

bool crash_handler_installed() noexcept
{
    return installed.load();
}

namespace detail {

bool register_for_crash(CrashReporter* reporter) noexcept
{
    for (auto& slot : loggers) {
        CrashReporter* expected = nullptr;
        if (slot.compare_exchange_strong(expected, reporter)) {
            return true;
        }
    }
    return false;
}

void unregister_for_crash(CrashReporter* reporter) noexcept
{
    for (auto& slot : loggers) {
        CrashReporter* expected = reporter;
        slot.compare_exchange_strong(expected, nullptr);
    }
    // A handler that already picked this reporter up must finish before it goes away.
    while (handlers_running.load(std::memory_order_acquire) != 0) {
        pause_briefly();
    }
}

char* crash_output_buffer() noexcept
{
    return output_buffer;
}

std::size_t crash_output_buffer_size() noexcept
{
    return sizeof output_buffer;
}

char* crash_scratch_buffer() noexcept
{
    return scratch_buffer;
}

std::size_t crash_scratch_buffer_size() noexcept
{
    return sizeof scratch_buffer;
}

} // namespace detail
} // namespace telemetry
