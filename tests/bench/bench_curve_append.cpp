// What the chart path costs the GUI thread per append batch as the store grows (issue 11 item 6):
// a run grows by batches of 100k points to 8 M; after each batch a chart's CurveModel does what a
// redraw does (dataChanged, update, x range, decimate for 1200 columns, y range). Printed: the
// thread's CPU time per batch (median of the batches around 1 M, 4 M and 8 M points) for each
// chart mode, beside the raw overlay in the same run. Work proportional to the batch is flat
// across the columns; work proportional to the store grows with them.
#include "curve_model.hpp"
#include "run.hpp"
#include "smoothed_curves.hpp"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <vector>

using namespace viewer;

namespace {

double cpuMs()
{
    timespec t {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

const QString Key = QStringLiteral("step_end/loss");

void startRun(Run& run, const QString& name)
{
    run.id = run.displayName = name;
    run.tags = { QStringLiteral("step_end") };
    run.tagCounts = { 0 };
    run.series.emplace_back(QStringLiteral("step_end"), QStringLiteral("loss"));
    run.seriesByKey.insert(Key, 0);
}

void appendBatch(Run& run, std::size_t n)
{
    Series& s = run.series.front();
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = run.records.size();
        const auto r = run.records.append(1.7e9 + double(i) * 0.01, double(i), 0.0, i * 100, 0);
        s.append(1.0 / (1.0 + double(i) * 1e-6) + 0.01 * std::sin(double(i)), r);
    }
    run.tagCounts[0] += n;
}

struct Mode
{
    const char* name;
    ChartOptions options;
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    constexpr std::size_t Batch = 100000;
    constexpr std::size_t Total = 8000000;
    const std::size_t marks[] = { 1000000, 4000000, 8000000 };

    std::vector<Mode> modes;
    modes.push_back({ "overlay, raw", {} });
    ChartOptions ema;
    ema.smoothing = SmoothingKind::Ema;
    ema.smoothingParam = 0.9;
    modes.push_back({ "overlay, EMA 0.9", ema });
    ChartOptions ma;
    ma.smoothing = SmoothingKind::MovingAverage;
    ma.smoothingParam = 101;
    modes.push_back({ "overlay, moving average 101", ma });
    ChartOptions band;
    band.groupMode = GroupMode::MeanBand;
    modes.push_back({ "mean band of 2 runs, raw", band });

    std::printf("CPU ms per 100k-point batch (dataChanged + update + decimate + y range)\n");
    std::printf("%-32s %10s %10s %10s\n", "chart", "at 1 M", "at 4 M", "at 8 M");
    for (const Mode& mode : modes) {
        Run a;
        Run b;
        startRun(a, QStringLiteral("a"));
        startRun(b, QStringLiteral("b"));
        CurveModel model(Key);
        model.setOptions(mode.options);
        model.setRuns({ { 1, &a, 0 }, { 2, &b, 0 } });
        std::vector<std::vector<double>> around(std::size(marks));
        for (std::size_t size = Batch; size <= Total; size += Batch) {
            appendBatch(a, Batch);
            appendBatch(b, Batch);
            const double t0 = cpuMs();
            model.dataChanged({ 1, 2 });
            model.update();
            const auto [x0, x1] = model.xRange();
            PixelColumns cols;
            cols.x0 = x0;
            cols.x1 = x1;
            cols.width = 1200;
            model.decimate(cols);
            const auto y = model.yRange(x0, x1);
            const double ms = cpuMs() - t0;
            (void)y;
            for (std::size_t m = 0; m < std::size(marks); ++m) {
                if (size + 5 * Batch > marks[m] && size <= marks[m])
                    around[m].push_back(ms);
            }
            // Results of smoothing jobs (long batches) come back through the event loop.
            QCoreApplication::processEvents();
        }
        std::printf("%-32s %10.2f %10.2f %10.2f\n", mode.name, median(around[0]), median(around[1]),
            median(around[2]));
    }
    return 0;
}
