// example-trainer: simulates a training run through telemetry::TelemetryLogger, for demos, the
// viewer's tests and benchmarks. Epochs of steps, a decaying noisy loss with rare spikes and NaNs,
// a warmup + cosine lr schedule, nested metric groups, eval metrics at each epoch end and exactly
// one reported error. Its settings (--lr, --batch-size, --optimizer, --seed, ...) go into run_begin
// as the run's config and shape the curves, so a sweep gives runs that rank differently.
// Deterministic for a given set of options (apart from the timestamps).

#include <telemetry/logger.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

namespace {

constexpr const char* usage = R"(usage: example-trainer [options]
  --out PATH            output file (default runs/example.jsonl); parent folders are created
  --epochs E            number of epochs (default 1)
  --steps N             steps per epoch (default 1000); each step writes step_begin + step_end
  --rate R              records per second, 0 = as fast as possible (default 0)
  --seed S              random seed (default 1): the noise and the luck of the initialisation
  --lr LR               peak learning rate (default 3e-4); each optimizer has a best lr, and the
                        further from it (in decades) the slower and noisier the run
  --batch-size B        batch size (default 32): bigger is less noisy, but past 256 ends higher
  --optimizer NAME      sgd, adam or adamw (default adamw; best lr: sgd 0.1, adam/adamw 1e-3)
  --diverge-at STEP     from this global step on the loss explodes and turns NaN (default -1:
                        never; a run only diverges when asked to)
  --run-id ID           the run id written in run_begin (default: generated)
  --flush-interval N    logger flush_interval (default 1: every record reaches the file at once)
  --async               logger async mode (formatting and I/O off the training thread)
  --durable             fsync after every write
  --strict              strict JSON: NaN/Infinity written as strings
  --rank R              adds the static field "rank" to every record
  (lr, batch size, optimizer, seed, epochs and steps go into run_begin as "config")
  --error-at STEP       global step of the one simulated error (default: the middle of the run,
                        -1: none)
  --nan-every K         a NaN loss every K steps (default 997, 0: never)
  --crash-handler       enable the logger's fatal-signal handler
  --quiet               no summary on stderr

A 1,000,000-record file: example-trainer --out big.jsonl --steps 500000 --rate 0 --async
)";

std::atomic<bool> stop_requested { false };

void request_stop(int)
{
    stop_requested.store(true);
}

struct Options
{
    std::string out = "runs/example.jsonl";
    long long epochs = 1;
    long long steps = 1000;
    double rate = 0;
    unsigned long long seed = 1;
    double lr = 3e-4;
    long long batch_size = 32;
    std::string optimizer = "adamw";
    long long diverge_at = -1;
    std::string run_id;
    long long flush_interval = 1;
    bool async = false;
    bool durable = false;
    bool strict = false;
    long long rank = -1;
    long long error_at = -2; // -2: the middle of the run
    long long nan_every = 997;
    bool crash_handler = false;
    bool quiet = false;
};

[[noreturn]] void fail(const std::string& message)
{
    std::fprintf(stderr, "example-trainer: %s\n\n%s", message.c_str(), usage);
    std::exit(2);
}

long long to_integer(std::string_view option, const char* text)
{
    char* end = nullptr;
    errno = 0;
    const long long value = std::strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0') {
        fail("invalid number for " + std::string(option) + ": '" + text + "'");
    }
    return value;
}

double to_double(std::string_view option, const char* text)
{
    char* end = nullptr;
    const double value = std::strtod(text, &end);
    if (end == text || *end != '\0' || !std::isfinite(value) || value < 0) {
        fail("invalid value for " + std::string(option) + ": '" + text + "'");
    }
    return value;
}

Options parse(int argc, char** argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&]() -> const char* {
            if (i + 1 >= argc) {
                fail("missing value for " + std::string(arg));
            }
            return argv[++i];
        };
        if (arg == "-h" || arg == "--help") {
            std::fputs(usage, stdout);
            std::exit(0);
        } else if (arg == "--out") {
            o.out = value();
        } else if (arg == "--epochs") {
            o.epochs = to_integer(arg, value());
        } else if (arg == "--steps") {
            o.steps = to_integer(arg, value());
        } else if (arg == "--rate") {
            o.rate = to_double(arg, value());
        } else if (arg == "--seed") {
            o.seed = static_cast<unsigned long long>(to_integer(arg, value()));
        } else if (arg == "--lr") {
            o.lr = to_double(arg, value());
        } else if (arg == "--batch-size") {
            o.batch_size = to_integer(arg, value());
        } else if (arg == "--optimizer") {
            o.optimizer = value();
        } else if (arg == "--diverge-at") {
            o.diverge_at = to_integer(arg, value());
        } else if (arg == "--run-id") {
            o.run_id = value();
        } else if (arg == "--flush-interval") {
            o.flush_interval = to_integer(arg, value());
        } else if (arg == "--async") {
            o.async = true;
        } else if (arg == "--durable") {
            o.durable = true;
        } else if (arg == "--strict") {
            o.strict = true;
        } else if (arg == "--rank") {
            o.rank = to_integer(arg, value());
        } else if (arg == "--error-at") {
            o.error_at = to_integer(arg, value());
        } else if (arg == "--nan-every") {
            o.nan_every = to_integer(arg, value());
        } else if (arg == "--crash-handler") {
            o.crash_handler = true;
        } else if (arg == "--quiet") {
            o.quiet = true;
        } else {
            fail("unknown option '" + std::string(arg) + "'");
        }
    }
    if (o.epochs < 1 || o.steps < 1 || o.flush_interval < 1) {
        fail("--epochs, --steps and --flush-interval must be at least 1");
    }
    if (!(o.lr > 0) || o.batch_size < 1) {
        fail("--lr must be above 0 and --batch-size at least 1");
    }
    if (o.optimizer != "sgd" && o.optimizer != "adam" && o.optimizer != "adamw") {
        fail("unknown optimizer '" + o.optimizer + "' (sgd, adam or adamw)");
    }
    if (o.diverge_at < -1) {
        fail("--diverge-at must be a step, or -1 for never");
    }
    if (o.error_at == -2) {
        o.error_at = o.epochs * o.steps / 2;
    }
    return o;
}

// Holds the pace of --rate records per second (absolute deadlines: no drift).
class Pacer
{
public:
    explicit Pacer(double rate)
        : rate_(rate)
        , start_(std::chrono::steady_clock::now())
    {
    }
    void wait_for_record(long long index) const
    {
        if (rate_ <= 0) {
            return;
        }
        const auto due = start_
            + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                std::chrono::duration<double>(static_cast<double>(index) / rate_));
        if (std::chrono::steady_clock::now() < due) {
            std::this_thread::sleep_until(due);
        }
    }

private:
    double rate_;
    std::chrono::steady_clock::time_point start_;
};

// Warmup over the first 5% of the run, then cosine decay to a tenth of the peak.
double learning_rate(double peak, long long step, long long total)
{
    const double warmup = std::max(1.0, 0.05 * static_cast<double>(total));
    const auto t = static_cast<double>(step);
    if (t < warmup) {
        return peak * (t + 1) / warmup;
    }
    const double progress = std::min(1.0, (t - warmup) / std::max(1.0, total - warmup));
    return peak * (0.1 + 0.9 * 0.5 * (1 + std::cos(3.141592653589793 * progress)));
}

// How the settings shape the run. Each optimizer has a best peak lr; every decade away from it
// slows convergence and raises the loss the run ends at, and a too high lr is noisier as well.
// Big batches are less noisy but, past 256, end a little higher; the seed draws the noise and
// the luck of the initialisation. Nothing here diverges: only --diverge-at does.
struct Dynamics
{
    double speed; // 1 at the best lr, towards 0 far from it: the loss decays as exp(-t*speed/tau)
    double floor; // the loss the run converges to
    double start; // the loss at step 0
    double noise; // relative step-to-step noise of the loss
};

Dynamics dynamics(const Options& o, std::mt19937_64& random)
{
    const double best_lr = o.optimizer == "sgd" ? 0.1 : 1e-3;
    const double decades = std::log10(o.lr / best_lr);
    double speed = 1 / (1 + 1.5 * decades * decades);
    if (o.optimizer == "sgd") {
        speed *= 0.75;
    }
    const auto batch = static_cast<double>(o.batch_size);
    double floor = 0.05 + 0.25 * (1 - speed);
    if (o.optimizer == "adam") {
        floor += 0.01; // no decoupled weight decay
    }
    if (batch > 256) {
        floor += 0.02 * std::log2(batch / 256);
    }
    std::normal_distribution<double> luck(0.0, 1.0);
    const double init = luck(random);
    const double noise = 0.08 * std::sqrt(32 / batch) * (1 + 2 * std::max(0.0, decades));
    return { speed, floor * (1 + 0.03 * init), 2.3 * (1 + 0.05 * init), noise };
}

// From chance (0.1) towards a ceiling that a higher loss floor lowers.
double accuracy(const Dynamics& run, double t, double tau)
{
    const double ceiling = 0.99 - 1.5 * (run.floor - 0.05);
    return 0.1 + (ceiling - 0.1) * (1 - std::exp(-t / (tau / 2)));
}

nlohmann::json config_of(const Options& o)
{
    return { { "lr", o.lr }, { "batch_size", o.batch_size }, { "optimizer", o.optimizer },
        { "seed", o.seed }, { "epochs", o.epochs }, { "steps_per_epoch", o.steps },
        { "schedule",
            { { "name", "warmup_cosine" }, { "warmup", 0.05 }, { "final_lr_ratio", 0.1 } } } };
}

} // namespace

int main(int argc, char** argv)
{
    const Options o = parse(argc, argv);
    std::signal(SIGINT, &request_stop);
    std::signal(SIGTERM, &request_stop);

    telemetry::LoggerOptions options;
    options.flush_interval = static_cast<std::size_t>(o.flush_interval);
    options.async = o.async;
    options.durable = o.durable;
    options.non_finite = o.strict ? telemetry::NonFinite::strict : telemetry::NonFinite::python;
    options.crash_handler = o.crash_handler;
    if (o.rank >= 0) {
        options.static_fields = { { "rank", o.rank } };
    }
    options.config = config_of(o);
    options.run_id = o.run_id;
    telemetry::TelemetryLogger log(o.out, options);

    std::mt19937_64 random(o.seed);
    std::normal_distribution<double> noise(0.0, 1.0);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);

    const long long total = o.epochs * o.steps;
    const Dynamics run = dynamics(o, random);
    const double tau = std::max(1.0, static_cast<double>(total) / 4) / run.speed;
    // Past --diverge-at the loss grows e-fold every 20 steps, and is NaN from 200 steps on.
    constexpr long long steps_to_nan = 200;
    auto diverged_for = [&](long long step) {
        return o.diverge_at >= 0 ? step - o.diverge_at : -1;
    };
    const Pacer pacer(o.rate);
    const auto started = std::chrono::steady_clock::now();
    long long emitted = 1; // run_begin
    long long step = 0;
    for (long long epoch = 0; epoch < o.epochs && !stop_requested.load(); ++epoch) {
        pacer.wait_for_record(emitted++);
        log.on_epoch_begin(epoch, { { "lr", learning_rate(o.lr, step, total) } });
        double loss_sum = 0;
        long long loss_count = 0;
        for (long long i = 0; i < o.steps && !stop_requested.load(); ++i, ++step) {
            const auto t = static_cast<double>(step);
            const double lr = learning_rate(o.lr, step, total);
            const double decay = std::exp(-t / tau);
            double loss =
                (run.floor + (run.start - run.floor) * decay) * std::exp(run.noise * noise(random));
            if (uniform(random) < 0.002) {
                loss *= 3 + 2 * uniform(random); // a spike: the viewer must never hide it
            }
            if (o.nan_every > 0 && step % o.nan_every == o.nan_every - 1) {
                loss = std::numeric_limits<double>::quiet_NaN();
            }
            double acc = std::clamp(accuracy(run, t, tau) + 0.02 * noise(random), 0.0, 1.0);
            double grad_norm = 0.5 + 5 * std::exp(-t / (tau / 2)) + 0.3 * std::abs(noise(random));
            if (const long long k = diverged_for(step); k >= 0) {
                const double growth = std::exp(static_cast<double>(k) / 20);
                loss = k < steps_to_nan ? loss * growth : std::numeric_limits<double>::quiet_NaN();
                grad_norm =
                    k < steps_to_nan ? grad_norm * growth : std::numeric_limits<double>::infinity();
                acc = 0.1 + (acc - 0.1) * std::exp(-static_cast<double>(k) / 50); // chance level
            }
            const double reg = 0.01 + 0.04 * decay;

            pacer.wait_for_record(emitted++);
            log.on_step_begin(step);
            pacer.wait_for_record(emitted++);
            // float: what a GPU trainer reports (and short to print); lr stays a double.
            log.on_step_end(step,
                { { "loss", static_cast<float>(loss) }, { "lr", lr },
                    { "metrics",
                        { { "acc", static_cast<float>(acc) },
                            { "grad_norm", static_cast<float>(grad_norm) } } },
                    { "loss_parts",
                        { { "ce", static_cast<float>(loss - reg) },
                            { "reg", static_cast<float>(reg) } } } });
            if (std::isfinite(loss)) {
                loss_sum += loss;
                ++loss_count;
            }
            if (step == o.error_at) {
                try {
                    throw std::runtime_error(
                        "CUDA out of memory (simulated): tried to allocate 2.00 GiB");
                } catch (const std::exception& error) {
                    pacer.wait_for_record(emitted++);
                    log.on_error(error, { { "step", step }, { "epoch", epoch } });
                }
            }
        }
        const double train_loss = loss_count > 0 ? loss_sum / static_cast<double>(loss_count)
                                                 : std::numeric_limits<double>::quiet_NaN();
        double val_loss = train_loss * (1.05 + 0.05 * std::abs(noise(random)));
        double val_acc = std::clamp(
            accuracy(run, static_cast<double>(step), tau) - 0.02 + 0.005 * noise(random), 0.0, 1.0);
        if (const long long k = diverged_for(step - 1); k >= 0) {
            val_loss = k < steps_to_nan ? val_loss * std::exp(static_cast<double>(k) / 20)
                                        : std::numeric_limits<double>::quiet_NaN();
            val_acc = 0.1 + (val_acc - 0.1) * std::exp(-static_cast<double>(k) / 50);
        }
        pacer.wait_for_record(emitted++);
        log.on_epoch_end(epoch,
            { { "val_loss", val_loss }, { "val_acc", val_acc }, { "train_loss", train_loss } });
    }
    const bool flushed = log.close();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const telemetry::LoggerStats stats = log.stats();
    if (!o.quiet) {
        std::fprintf(stderr,
            "example-trainer: wrote %llu records (%.1f MB) to %s in %.2f s (%.0f "
            "records/s)\n",
            static_cast<unsigned long long>(stats.written),
            static_cast<double>(stats.bytes_written) / 1e6, o.out.c_str(), seconds,
            static_cast<double>(stats.written) / std::max(seconds, 1e-9));
    }
    if (!flushed) {
        const auto error = log.last_error();
        std::fprintf(stderr, "example-trainer: not every record reached the file: %s\n",
            error ? error->message.c_str() : "unknown error");
        return 1;
    }
    return 0;
}
