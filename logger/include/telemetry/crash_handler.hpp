#pragma once
// The fatal-signal handler: on SIGSEGV, SIGABRT, SIGBUS, SIGFPE or SIGILL, every TelemetryLogger
// created with LoggerOptions::crash_handler writes what it has buffered plus one last record
// {"ts":…,"tag":"error","type":"SIGSEGV","message":"Segmentation fault","signal":11}, then the
// previous disposition of the signal is restored and the signal re-raised, so the process dies as
// it would have (exit status, core dump). Only async-signal-safe calls are used: no allocation,
// write(2) from pre-allocated buffers, and bounded try-locks instead of locks (a logger whose lock
// stays held, e.g. by the crashing thread itself, contributes only its error record).
// Best effort by nature; SIGKILL and power loss cannot be caught.

namespace telemetry {

// Installs the handler for the five signals (idempotent, thread-safe), with an alternate signal
// stack for the calling thread so that a stack overflow is reported too.
void install_crash_handler();
// Restores the dispositions that were in place before install_crash_handler().
void uninstall_crash_handler();
bool crash_handler_installed() noexcept;

} // namespace telemetry
