// Decimation of 10 M points to 2,000 pixel columns for random visible ranges: the pyramid-backed
// M4 decimator beside the peer every plotting tool starts with, a full scan of the visible points
// computing first/min/max/last per column, measured in the same run on the same data. Also the
// memory the store spends per point. Target: <= 2 ms median for the decimator. Last, a followed
// run's centered moving average: the min/max lookup over it updated from the rewritten tail
// (MinMaxPyramid::changedFrom) beside rebuilding it whole per batch of points (what it did before).

#include "decimator.hpp"
#include "min_max_pyramid.hpp"
#include "record_table.hpp"
#include "series.hpp"
#include "smoothing.hpp"

#include <QString>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <vector>

using namespace viewer;

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double percentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    const auto i =
        static_cast<std::size_t>(std::min<double>(double(v.size() - 1), p * double(v.size())));
    return v[i];
}

// The straightforward M4: look at every visible point, keep first/min/max/last per column.
// x is found through the records like the decimator's (same memory traffic per point), NaN
// skipped. Returns the number of points kept so the work cannot be optimised away.
std::size_t fullScanM4(const Series& s, const RecordTable::XColumn& xc, const PixelColumns& cols,
    std::vector<QPointF>& out)
{
    out.clear();
    const auto& y = s.values();
    const auto& rec = s.records();
    const auto xOf = [&](std::size_t i) { return xc.values[rec[i]] - xc.offset; };
    const auto lower = [&](double x) {
        std::size_t lo = 0;
        std::size_t hi = y.size();
        while (lo < hi) {
            const std::size_t mid = lo + (hi - lo) / 2;
            if (xOf(mid) < x)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    };
    const std::size_t first = lower(cols.x0);
    const std::size_t last = lower(cols.x1);
    long column = -1;
    QPointF f;
    QPointF mn;
    QPointF mx;
    QPointF l;
    const auto flush = [&] {
        if (column >= 0) {
            out.push_back(f);
            out.push_back(mn);
            out.push_back(mx);
            out.push_back(l);
        }
    };
    for (std::size_t i = first; i < last; ++i) {
        const double v = y[i];
        if (!std::isfinite(v))
            continue;
        const double x = xOf(i);
        const auto c = static_cast<long>(cols.position(x));
        const QPointF p(x, v);
        if (c != column) {
            flush();
            column = c;
            f = mn = mx = p;
        }
        if (v < mn.y())
            mn = p;
        if (v > mx.y())
            mx = p;
        l = p;
    }
    flush();
    return out.size();
}

} // namespace

namespace {

struct Timing
{
    std::vector<double> ours;
    std::vector<double> peer;
    std::vector<double> whole;
    std::vector<double> peerWhole;
    double keptOurs = 0;
    double keptPeer = 0;
};

// Random visible ranges (two uniform random x, sorted: a third of the run visible on average),
// then the whole run repeatedly, for both the decimator and the peer.
Timing measure(
    const Series& series, const RecordTable::XColumn& xc, int trials, int width, unsigned seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    Timing t;
    DecimatedSeries out;
    std::vector<QPointF> peerOut;
    const double span = double(series.size() - 1);
    for (int k = 0; k < trials; ++k) {
        double x0 = u(rng) * span;
        double x1 = u(rng) * span;
        if (x1 < x0)
            std::swap(x0, x1);
        const PixelColumns cols { x0, x1, width, false };
        auto start = Clock::now();
        Decimator::decimate(series, xc, cols, out);
        t.ours.push_back(msSince(start));
        t.keptOurs += double(out.points.size()) / trials;
        start = Clock::now();
        t.keptPeer += double(fullScanM4(series, xc, cols, peerOut)) / trials;
        t.peer.push_back(msSince(start));
    }
    const char* reps = std::getenv("BENCH_WHOLE_REPS");
    const PixelColumns all { 0.0, span, width, false };
    for (int k = 0, n = reps ? std::atoi(reps) : 30; k < n; ++k) {
        auto start = Clock::now();
        Decimator::decimate(series, xc, all, out);
        t.whole.push_back(msSince(start));
        if (k < 10) {
            start = Clock::now();
            fullScanM4(series, xc, all, peerOut);
            t.peerWhole.push_back(msSince(start));
        }
    }
    return t;
}

} // namespace

int main(int argc, char** argv)
{
    const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
    const int trials = argc > 2 ? std::atoi(argv[2]) : 200;
    const int width = 2000;
    constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
    constexpr double Inf = std::numeric_limits<double>::infinity();

    // One run of n step_end records and two loss curves over it, both a random walk with a spike
    // every ~100k points: "typical" with some NaN (100 lone ones, three NaN stretches of a few
    // thousand points, 20 +/-Inf, and a NaN tail: the last 5% diverged) and "stress" with 0.1% of
    // the points NaN, scattered (10,000 line breaks in 10 M points: five per pixel column when the
    // whole run is visible).
    std::mt19937_64 rng(42);
    std::normal_distribution<double> g(0.0, 1.0);
    RecordTable records;
    Series typical(QStringLiteral("step_end"), QStringLiteral("loss"));
    Series stress(QStringLiteral("step_end"), QStringLiteral("noisy_loss"));
    records.reserve(n);
    stress.reserve(n);
    std::vector<std::size_t> nanRuns { n / 5, n / 2, 4 * n / 5 };
    double walk = 0.0;
    const auto buildStart = Clock::now();
    for (std::size_t i = 0; i < n; ++i) {
        walk += g(rng);
        double v = walk;
        if (rng() % 100000 == 0)
            v += 1000.0 * g(rng);
        const std::uint32_t r = records.append(double(i) * 0.01, double(i), 0.0, 0, 0);
        double t = v;
        if (rng() % (n / 100) == 0)
            t = NaN;
        else if (rng() % (n / 20) == 0)
            t = rng() % 2 ? Inf : -Inf;
        for (std::size_t start : nanRuns) {
            if (i >= start && i < start + 1000 + start % 4000)
                t = NaN;
        }
        if (i >= n - n / 20)
            t = NaN; // the loss diverged: the last 5% of the run is NaN
        typical.append(t, r);
        stress.append(rng() % 1000 == 0 ? NaN : v, r);
    }
    const double buildMs = msSince(buildStart);
    const RecordTable::XColumn xc = records.xColumn(XAxisMode::Step);

    const Timing a = measure(typical, xc, trials, width, 7);
    const Timing b = measure(stress, xc, trials, width, 7);

    std::printf("decimation: %zu points (random walk with spikes), %d columns, %d random visible "
                "ranges, then the whole run\n",
        n, width, trials);
    std::printf("  %-44s %10s %10s %12s\n", "", "median ms", "p99 ms", "points kept");
    const auto row = [](const char* name, const std::vector<double>& v, double kept) {
        std::printf(
            "  %-44s %10.3f %10.3f %12.0f\n", name, percentile(v, 0.5), percentile(v, 0.99), kept);
    };
    row("typical NaN: pyramid M4 (Decimator)", a.ours, a.keptOurs);
    row("typical NaN: full scan M4 (peer)", a.peer, a.keptPeer);
    row("typical NaN: pyramid M4, whole run visible", a.whole, 0);
    row("typical NaN: full scan M4, whole run visible", a.peerWhole, 0);
    row("0.1% NaN: pyramid M4 (Decimator)", b.ours, b.keptOurs);
    row("0.1% NaN: full scan M4 (peer)", b.peer, b.keptPeer);
    row("0.1% NaN: pyramid M4, whole run visible", b.whole, 0);
    row("0.1% NaN: full scan M4, whole run visible", b.peerWhole, 0);
    const double ratio = percentile(a.peer, 0.5) / percentile(a.ours, 0.5);
    std::printf("  speed-up over the full scan (median, typical): %.1fx; target <= 2 ms median: "
                "%s\n",
        ratio, percentile(a.ours, 0.5) <= 2.0 ? "met" : "MISSED");

    // Live moving average, window 100, batches of 100 points arriving on the stress series.
    {
        const std::vector<double>& all = stress.values();
        const std::size_t batch = 100;
        const std::size_t batches = 60;
        const int window = 100;
        std::vector<double> y(all.begin(), all.end() - long(batch * batches));
        std::vector<double> smoothed = Smoothing::movingAverage(y, window);
        MinMaxPyramid tail;
        MinMaxPyramid whole;
        tail.rebuild(smoothed);
        whole.rebuild(smoothed);
        std::vector<double> tailMs;
        std::vector<double> wholeMs;
        for (std::size_t k = 0; k < batches; ++k) {
            y.insert(y.end(), all.begin() + long(y.size()), all.begin() + long(y.size() + batch));
            const std::size_t rewritten = Smoothing::updateMovingAverage(y, window, smoothed);
            auto start = Clock::now();
            tail.changedFrom(smoothed, rewritten);
            tailMs.push_back(msSince(start));
            start = Clock::now();
            whole.rebuild(smoothed);
            wholeMs.push_back(msSince(start));
        }
        double a0 = 0, a1 = 0, b0 = 0, b1 = 0;
        tail.range(smoothed, 0, smoothed.size(), a0, a1);
        whole.range(smoothed, 0, smoothed.size(), b0, b1);
        std::printf("live moving average (window %d), %zu points, batches of %zu new points:\n",
            window, smoothed.size(), batch);
        row("min/max lookup: tail update (changedFrom)", tailMs, 0);
        row("min/max lookup: whole rebuild (peer)", wholeMs, 0);
        std::printf("  speed-up (median): %.0fx; same range: %s\n",
            percentile(wholeMs, 0.5) / std::max(1e-6, percentile(tailMs, 0.5)),
            a0 == b0 && a1 == b1 ? "yes" : "NO");
    }

    Series reserved(QStringLiteral("step_end"), QStringLiteral("loss"));
    reserved.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        reserved.append(typical.values()[i], typical.records()[i]);
    MinMaxPyramid exact;
    exact.rebuild(typical.values());
    std::printf("memory per stored point:\n");
    std::printf("  min/max pyramid, grown by append    %6.3f bytes\n",
        double(typical.pyramid().bytesUsed()) / double(n));
    std::printf("  min/max pyramid, rebuilt             %6.3f bytes\n",
        double(exact.bytesUsed()) / double(n));
    std::printf(
        "  Series, grown by append              %6.2f bytes (vector capacity slack included)\n",
        double(typical.bytesUsed()) / double(n));
    std::printf("  Series, reserved up front            %6.2f bytes\n",
        double(reserved.bytesUsed()) / double(n));
    std::printf("  RecordTable, per record (shared by all points of the record) %6.2f bytes\n",
        double(records.bytesUsed()) / double(n));
    std::printf("  append: %.1f M records/s (record table + two series with their pyramids)\n",
        double(n) / buildMs / 1000.0);
    return 0;
}
