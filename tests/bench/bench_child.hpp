#pragma once
// Benchmarks that measure in a child process, so that its wall time and peak RSS are its own:
// either the real viewer (beside `--summary`, issue 15), or this executable run again with other
// arguments for one scenario (it prints one line "ok N1 N2 ..." or "incomplete ..."). One way to
// run a child for both, and for the fault suites: faults::runMeasured
// (tests/faults/measured_child.hpp).

#include "bench_stats.hpp"
#include "measured_child.hpp"

#include <QByteArray>
#include <QCoreApplication>
#include <QFileInfo>
#include <QList>
#include <QString>
#include <QStringList>

#include <cstdio>
#include <limits>
#include <vector>

namespace bench {

struct ChildFigures
{
    double seconds = 0.0; // medians over the repeats
    double peakMiB = 0.0;
    int exitCode = 0; // the last non-zero status of any repeat (-1: killed or not started)
    int repeats = 0; // how many ran
};

// Medians of `repeats` runs; stops early after a run slower than stopAfterSeconds (a slow case is
// measured once rather than not at all).
inline ChildFigures medianOfChild(const QString& program, const QStringList& arguments, int repeats,
    double stopAfterSeconds = std::numeric_limits<double>::infinity())
{
    // Every repeat parses: no re-open cache (read or written) in the children.
    qputenv("TELEMETRY_VIEWER_NO_CACHE", "1");
    std::vector<double> seconds;
    std::vector<double> peaks;
    ChildFigures f;
    for (int i = 0; i < repeats; ++i) {
        const faults::MeasuredRun r = faults::runMeasured(program, arguments, -1);
        seconds.push_back(r.seconds);
        peaks.push_back(static_cast<double>(r.peakRssKiB) / 1024.0);
        if (!r.finished || r.exitCode != 0)
            f.exitCode = r.exitCode;
        if (r.seconds > stopAfterSeconds)
            break;
    }
    f.seconds = median(seconds);
    f.peakMiB = median(peaks);
    f.repeats = static_cast<int>(seconds.size());
    return f;
}

// This executable run with `arguments`: its numbers after the first word of its output, empty when
// it failed or did not end within timeoutMs (then its stderr is passed on, to say why).
inline std::vector<double> runSelfAsChild(const QStringList& arguments, int timeoutMs)
{
    const faults::MeasuredRun run =
        faults::runMeasured(QCoreApplication::applicationFilePath(), arguments, timeoutMs);
    if (!run.finished || run.exitCode != 0) {
        std::fputs(run.err.constData(), stderr);
        return {};
    }
    const QList<QByteArray> fields = run.out.trimmed().split(' ');
    std::vector<double> numbers;
    for (qsizetype i = 1; i < fields.size(); ++i)
        numbers.push_back(fields[i].toDouble());
    return numbers;
}

// The i-th number of every row that has one.
inline std::vector<double> column(const std::vector<std::vector<double>>& rows, std::size_t i)
{
    std::vector<double> values;
    for (const std::vector<double>& row : rows) {
        if (i < row.size())
            values.push_back(row[i]);
    }
    return values;
}

// The telemetry-viewer the benchmarks measure: TELEMETRY_BIN_DIR, or ../bin beside this benchmark.
// Empty, and said on stderr, when there is none.
inline QString viewerBinary()
{
    const QString binDir = qEnvironmentVariable(
        "TELEMETRY_BIN_DIR", QCoreApplication::applicationDirPath() + QStringLiteral("/../bin"));
    const QString viewer = binDir + QStringLiteral("/telemetry-viewer");
    if (QFileInfo(viewer).isExecutable())
        return viewer;
    std::fprintf(stderr, "no viewer at %s (set TELEMETRY_BIN_DIR)\n", qPrintable(viewer));
    return {};
}

} // namespace bench
