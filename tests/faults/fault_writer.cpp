// fault-writer: a TelemetryLogger in its own process, driven line by line on stdin, so that the
// fault suites can put a real writer process into states the example trainer cannot reach on cue
// (a full file system, a path that becomes writable, a line torn by SIGKILL). Every command gets
// exactly one reply line on stdout; the logger's own error reports go to stderr as usual.
//
//   log N          logs N step_end records (steps continue)           -> logged N
//   flush          TelemetryLogger::flush()                           -> flush 1|0
//   stats          the logger's counters                              -> stats records=.. ...
//   fill PATH      writes zeros to PATH until the file system is full -> filled BYTES
//   unfill PATH    removes PATH                                       -> unfilled
//   torn B         appends the first B bytes of the next step_end line with one raw write(2),
//                  as a writer killed inside write(2) leaves it        -> torn LINE
//   copy DEST      copies the log file to DEST (out of a private mount) -> copied 1|0
//   close          TelemetryLogger::close()                           -> close 1|0
//   kill           raise(SIGKILL)                                     -> (none)
//
// Options: --out PATH, --flush-interval N, --async, --max-record-bytes B, --max-buffer-bytes B.

#include <telemetry/logger.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

std::string stepEndLine(long long step)
{
    return "{\"ts\":1700000000.5,\"tag\":\"step_end\",\"step\":" + std::to_string(step)
        + ",\"context\":{\"loss\":0.5}}";
}

// Fills the file system holding `path` to the last byte (smaller and smaller writes), so that
// the next write anywhere on it fails with ENOSPC.
long long fill(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return -1;
    }
    const std::vector<char> zeros(std::size_t { 1 } << 16, '\0');
    long long total = 0;
    for (std::size_t chunk = zeros.size(); chunk > 0;) {
        const ssize_t n = ::write(fd, zeros.data(), chunk);
        if (n > 0) {
            total += n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            chunk /= 2;
        }
    }
    ::close(fd);
    return total;
}

bool appendRaw(const std::string& path, const std::string& bytes)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    const bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
    ::close(fd);
    return ok;
}

bool copyFile(const std::string& from, const std::string& to)
{
    std::ifstream in(from, std::ios::binary);
    std::ofstream out(to, std::ios::binary | std::ios::trunc);
    out << in.rdbuf();
    return in.good() && out.good();
}

std::size_t toSize(const char* text)
{
    return static_cast<std::size_t>(std::strtoull(text, nullptr, 10));
}

} // namespace

int main(int argc, char** argv)
{
    std::string out = "fault.jsonl";
    telemetry::LoggerOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool hasValue = i + 1 < argc;
        if (arg == "--out" && hasValue) {
            out = argv[++i];
        } else if (arg == "--flush-interval" && hasValue) {
            options.flush_interval = std::max<std::size_t>(1, toSize(argv[++i]));
        } else if (arg == "--async") {
            options.async = true;
        } else if (arg == "--max-record-bytes" && hasValue) {
            options.max_record_bytes = toSize(argv[++i]);
        } else if (arg == "--max-buffer-bytes" && hasValue) {
            options.max_buffer_bytes = toSize(argv[++i]);
        } else {
            std::fprintf(stderr, "fault-writer: bad argument '%s'\n", arg.c_str());
            return 2;
        }
    }

    telemetry::TelemetryLogger log(out, options);
    long long step = 0;
    std::string line;
    while (std::getline(std::cin, line)) {
        std::istringstream command(line);
        std::string verb;
        std::string argument;
        command >> verb;
        std::getline(command >> std::ws, argument);
        if (verb == "log") {
            const long long n = std::atoll(argument.c_str());
            for (long long i = 0; i < n; ++i, ++step) {
                log.on_step_end(step, { { "loss", 0.5 } });
            }
            std::cout << "logged " << n << std::endl;
        } else if (verb == "flush") {
            std::cout << "flush " << log.flush() << std::endl;
        } else if (verb == "stats") {
            const telemetry::LoggerStats s = log.stats();
            const auto error = log.last_error();
            std::cout << "stats records=" << s.records << " written=" << s.written
                      << " dropped=" << s.dropped << " write_errors=" << s.write_errors
                      << " errno=" << (error ? error->error_number : 0) << std::endl;
        } else if (verb == "fill") {
            std::cout << "filled " << fill(argument) << std::endl;
        } else if (verb == "unfill") {
            ::unlink(argument.c_str());
            std::cout << "unfilled" << std::endl;
        } else if (verb == "torn") {
            log.flush(); // the fragment goes after every record logged so far
            const std::string full = stepEndLine(step++);
            const std::size_t bytes = std::min(full.size(), toSize(argument.c_str()));
            appendRaw(out, full.substr(0, bytes));
            std::cout << "torn " << full << std::endl;
        } else if (verb == "copy") {
            std::cout << "copied " << copyFile(out, argument) << std::endl;
        } else if (verb == "close") {
            std::cout << "close " << log.close() << std::endl;
        } else if (verb == "kill") {
            std::raise(SIGKILL);
        } else {
            std::cout << "unknown " << verb << std::endl;
        }
    }
    return 0;
}
