// bench_logger: what a logging call costs the training thread, and how many records per second
// reach a file, for telemetry::TelemetryLogger (async and sync) beside, in the same run, a plain
// nlohmann build-and-dump-per-record writer and the seed's Python logger (when python3 exists).
// Targets (issue 2): median <= 200 ns per on_step_end in async mode, >= 1,000,000 records/s.

#include <telemetry/logger.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr int timed_calls = 1000000;
constexpr int sustained_records = 2000000;
constexpr int python_calls = 200000;
constexpr int python_sustained = 200000;

struct Metrics
{
    double loss;
    double lr;
    double acc;
};

Metrics metrics_of(int i)
{
    return { 1.0 / (i + 1), 1e-3 * (1 + i % 7), i * 1e-6 };
}

double process_cpu_seconds()
{
    timespec t {};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

struct Result
{
    std::string name;
    double median_ns = 0;
    double p99_ns = 0;
    double records_per_s = 0; // to a disk-backed file, wall clock: what a trainer sees
    double cpu_ns_per_record = 0; // all threads: what it costs whatever else runs on the machine
    double memory_records_per_s = 0; // to a tmpfs file (/dev/shm): the writer without the disk
};

// How many records/s reach a file in `dir`, and the CPU time they cost (all threads).
template <class Write>
void sustained(const fs::path& dir, int records, Write&& write, double& records_per_s,
    double* cpu_ns_per_record)
{
    const auto start = Clock::now();
    const double cpu_start = process_cpu_seconds();
    write(dir / "sustained.jsonl", records);
    records_per_s = records / std::chrono::duration<double>(Clock::now() - start).count();
    if (cpu_ns_per_record != nullptr) {
        *cpu_ns_per_record = (process_cpu_seconds() - cpu_start) * 1e9 / records;
    }
    fs::remove(dir / "sustained.jsonl");
}

// The two reads of a steady clock around a call cost something themselves: measured once,
// subtracted from every figure.
double timer_overhead_ns()
{
    std::vector<long long> d(200000);
    for (auto& x : d) {
        const auto a = Clock::now();
        const auto b = Clock::now();
        x = (b - a).count();
    }
    std::nth_element(d.begin(), d.begin() + d.size() / 2, d.end());
    return static_cast<double>(d[d.size() / 2]);
}

void percentiles(std::vector<long long>& d, double overhead, Result& r)
{
    std::sort(d.begin(), d.end());
    r.median_ns = std::max(0.0, static_cast<double>(d[d.size() / 2]) - overhead);
    r.p99_ns = std::max(0.0, static_cast<double>(d[d.size() * 99 / 100]) - overhead);
}

// The plain way: build an nlohmann object per record, dump it, write every 100 records.
class NlohmannWriter
{
public:
    explicit NlohmannWriter(const fs::path& path)
        : fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644))
    {
    }
    ~NlohmannWriter()
    {
        flush();
        ::close(fd_);
    }
    void on_step_end(long long step, const Metrics& m)
    {
        nlohmann::ordered_json record; // ordered: ts, tag, payload like the seed
        record["ts"] =
            std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        record["tag"] = "step_end";
        record["step"] = step;
        record["context"] = { { "loss", m.loss }, { "lr", m.lr }, { "acc", m.acc } };
        buffer_ += record.dump();
        buffer_ += '\n';
        if (++pending_ >= 100) {
            flush();
        }
    }
    void flush()
    {
        std::size_t done = 0;
        while (done < buffer_.size()) {
            const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
            if (n <= 0) {
                break;
            }
            done += static_cast<std::size_t>(n);
        }
        buffer_.clear();
        pending_ = 0;
    }

private:
    int fd_;
    std::string buffer_;
    int pending_ = 0;
};

telemetry::LoggerOptions ours(bool async)
{
    telemetry::LoggerOptions options;
    options.async = async;
    options.flush_interval = 100;
    return options;
}

Result measure_ours(const fs::path& dir, const fs::path& memory_dir, bool async, double overhead)
{
    Result r;
    r.name = async ? "telemetry_logger, async" : "telemetry_logger, sync";
    std::vector<long long> d(timed_calls);
    {
        telemetry::TelemetryLogger log(dir / "calls.jsonl", ours(async));
        for (int i = 0; i < timed_calls; ++i) {
            const Metrics m = metrics_of(i);
            const auto a = Clock::now();
            log.on_step_end(i, { { "loss", m.loss }, { "lr", m.lr }, { "acc", m.acc } });
            const auto b = Clock::now();
            d[static_cast<std::size_t>(i)] = (b - a).count();
        }
    }
    percentiles(d, overhead, r);
    fs::remove(dir / "calls.jsonl");

    auto write = [async](const fs::path& path, int records) {
        telemetry::TelemetryLogger log(path, ours(async));
        for (int i = 0; i < records; ++i) {
            const Metrics m = metrics_of(i);
            log.on_step_end(i, { { "loss", m.loss }, { "lr", m.lr }, { "acc", m.acc } });
        }
        if (!log.close()) {
            std::fprintf(stderr, "bench_logger: the logger did not write everything\n");
        }
    };
    sustained(dir, sustained_records, write, r.records_per_s, &r.cpu_ns_per_record);
    if (!memory_dir.empty()) {
        sustained(memory_dir, sustained_records, write, r.memory_records_per_s, nullptr);
    }
    return r;
}

Result measure_nlohmann(const fs::path& dir, const fs::path& memory_dir, double overhead)
{
    Result r;
    r.name = "nlohmann build+dump per record";
    std::vector<long long> d(timed_calls);
    {
        NlohmannWriter writer(dir / "nlohmann_calls.jsonl");
        for (int i = 0; i < timed_calls; ++i) {
            const Metrics m = metrics_of(i);
            const auto a = Clock::now();
            writer.on_step_end(i, m);
            const auto b = Clock::now();
            d[static_cast<std::size_t>(i)] = (b - a).count();
        }
    }
    percentiles(d, overhead, r);
    fs::remove(dir / "nlohmann_calls.jsonl");
    auto write = [](const fs::path& path, int records) {
        NlohmannWriter writer(path);
        for (int i = 0; i < records; ++i) {
            writer.on_step_end(i, metrics_of(i));
        }
    };
    sustained(dir, sustained_records, write, r.records_per_s, &r.cpu_ns_per_record);
    if (!memory_dir.empty()) {
        sustained(memory_dir, sustained_records, write, r.memory_records_per_s, nullptr);
    }
    return r;
}

std::optional<Result> measure_python_seed(const fs::path& dir, const fs::path& memory_dir)
{
    if (std::system("command -v python3 >/dev/null 2>&1") != 0) {
        return std::nullopt;
    }
    const std::string command = "python3 '" TELEMETRY_BENCH_SOURCE_DIR "/seed_logger_peer.py' '"
        + dir.string() + "' " + std::to_string(python_calls) + " "
        + std::to_string(python_sustained)
        + (memory_dir.empty() ? std::string() : " '" + memory_dir.string() + "'");
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) {
        return std::nullopt;
    }
    std::string output;
    char chunk[512];
    while (std::fgets(chunk, sizeof chunk, pipe) != nullptr) {
        output += chunk;
    }
    if (::pclose(pipe) != 0) {
        std::fprintf(stderr, "bench_logger: the Python peer failed\n");
        return std::nullopt;
    }
    const auto json = nlohmann::json::parse(output, nullptr, false);
    if (json.is_discarded()) {
        return std::nullopt;
    }
    Result r;
    r.name = "python seed (flush_interval 100)";
    r.median_ns = json["median_ns"].get<double>();
    r.p99_ns = json["p99_ns"].get<double>();
    r.records_per_s = json["records_per_s"].get<double>();
    r.cpu_ns_per_record = json["cpu_ns_per_record"].get<double>();
    r.memory_records_per_s = json.value("memory_records_per_s", 0.0);
    return r;
}

fs::path make_temporary_dir(const char* parent)
{
    std::string pattern = std::string(parent) + "/bench_logger.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
        return {};
    }
    return pattern;
}

} // namespace

int main()
{
    const fs::path dir = make_temporary_dir("/tmp");
    if (dir.empty()) {
        std::perror("bench_logger: mkdtemp in /tmp");
        return 1;
    }
    const fs::path memory_dir = make_temporary_dir("/dev/shm"); // empty when there is no tmpfs
    const double overhead = timer_overhead_ns();

    std::vector<Result> results;
    results.push_back(measure_ours(dir, memory_dir, true, overhead));
    results.push_back(measure_ours(dir, memory_dir, false, overhead));
    results.push_back(measure_nlohmann(dir, memory_dir, overhead));
    const auto python = measure_python_seed(dir, memory_dir);
    if (python) {
        results.push_back(*python);
    }
    fs::remove_all(dir);
    if (!memory_dir.empty()) {
        fs::remove_all(memory_dir);
    }

    const Result& base = results.front();
    double load[1] = { 0 };
    ::getloadavg(load, 1);
    std::printf(
        "on_step_end(step, {loss, lr, acc}), flush_interval 100 everywhere.\n"
        "Caller-thread cost per call: %d calls (Python %d), timer overhead %.0f ns subtracted.\n"
        "Sustained: %d records (Python %d) as fast as possible until all are in the file, to\n"
        "/tmp (disk) and /dev/shm (tmpfs: the writer without the disk); wall-clock records/s.\n"
        "CPU ns/record: all threads of the process, disk run. %u CPUs, load average %.1f at the "
        "end.\n\n",
        timed_calls, python_calls, overhead, sustained_records, python_sustained,
        std::thread::hardware_concurrency(), load[0]);
    std::printf("%-34s %8s %8s %11s %11s %9s %9s %9s\n", "writer", "median", "p99", "records/s",
        "records/s", "CPU ns/", "median", "disk r/s");
    std::printf("%-34s %8s %8s %11s %11s %9s %9s %9s\n", "", "ns", "ns", "disk", "tmpfs", "record",
        "vs ours", "vs ours");
    for (const Result& r : results) {
        std::printf("%-34s %8.0f %8.0f %11.0f %11.0f %9.0f %8.1fx %8.2fx\n", r.name.c_str(),
            r.median_ns, r.p99_ns, r.records_per_s, r.memory_records_per_s, r.cpu_ns_per_record,
            r.median_ns / std::max(base.median_ns, 1.0), r.records_per_s / base.records_per_s);
    }
    if (!python) {
        std::printf("(python3 not found: the seed's logger was not measured)\n");
    }
    const double best_rate = std::max(base.records_per_s, base.memory_records_per_s);
    std::printf("\ntarget median <= 200 ns per call (async): %s (%.0f ns)\n",
        base.median_ns <= 200 ? "met" : "MISSED", base.median_ns);
    std::printf(
        "target >= 1,000,000 records/s sustained (async): %s (%.0f to disk, %.0f to tmpfs)\n",
        best_rate >= 1e6 ? "met" : "MISSED", base.records_per_s, base.memory_records_per_s);
    return 0;
}
