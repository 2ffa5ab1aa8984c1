#pragma once

// Runs built by hand for the window's model tests (no file, no Workspace).

#include "run.hpp"

#include <QString>

#include <cmath>
#include <limits>

namespace viewer::fixtures {

inline int tagIndex(Run& run, const QString& tag)
{
    int i = int(run.tags.indexOf(tag));
    if (i < 0) {
        run.tags << tag;
        run.tagCounts.push_back(0);
        i = int(run.tags.size()) - 1;
    }
    return i;
}

inline std::uint32_t addRecord(Run& run, const QString& tag, double ts, double step,
    double epoch = std::numeric_limits<double>::quiet_NaN())
{
    const int t = tagIndex(run, tag);
    ++run.tagCounts[std::size_t(t)];
    return run.records.append(ts, step, epoch, run.records.size() * 100, std::uint16_t(t));
}

inline Series& series(Run& run, const QString& tag, const QString& path)
{
    const QString key = tag + QLatin1Char('/') + path;
    int i = run.findSeries(key);
    if (i < 0) {
        run.series.emplace_back(tag, path);
        i = int(run.series.size()) - 1;
        run.seriesByKey.insert(key, i);
    }
    return run.series[std::size_t(i)];
}

inline void addError(Run& run, std::uint32_t record, const QString& type, const QString& message)
{
    RunEvent e;
    e.kind = RunEvent::Kind::Error;
    e.record = record;
    e.time = run.records.time(record);
    e.step = run.records.step(record);
    e.epoch = run.records.epoch(record);
    e.type = type;
    e.message = message;
    run.events.push_back(e);
}

inline void addEpochEvent(Run& run, std::uint32_t record, RunEvent::Kind kind, double epoch)
{
    RunEvent e;
    e.kind = kind;
    e.record = record;
    e.time = run.records.time(record);
    e.step = run.records.step(record);
    e.epoch = epoch;
    run.events.push_back(e);
}

// A small training run: `steps` step_end records with loss and metrics/acc (a NaN at nanStep),
// an error at errorStep, epoch begin/end events every `perEpoch` steps.
inline Run makeRun(const QString& name, int steps = 40, int perEpoch = 10, int nanStep = -1,
    int errorStep = -1, const QString& errorMessage = QStringLiteral("boom"))
{
    Run run;
    run.id = name;
    run.displayName = name;
    run.sourcePath = QStringLiteral("/tmp/") + name + QStringLiteral(".jsonl");
    double ts = 1732800000.0;
    for (int s = 0; s < steps; ++s) {
        const double epoch = s / perEpoch;
        if (s % perEpoch == 0)
            addEpochEvent(run, addRecord(run, QStringLiteral("epoch_begin"), ts, s, epoch),
                RunEvent::Kind::EpochBegin, epoch);
        ts += 0.5;
        const std::uint32_t r = addRecord(run, QStringLiteral("step_end"), ts, s, epoch);
        series(run, QStringLiteral("step_end"), QStringLiteral("loss"))
            .append(s == nanStep ? std::numeric_limits<double>::quiet_NaN() : 2.0 / (1 + s), r);
        series(run, QStringLiteral("step_end"), QStringLiteral("metrics/acc")).append(s / 100.0, r);
        if (s == errorStep) {
            ts += 0.1;
            addError(run, addRecord(run, QStringLiteral("error"), ts, std::nan("")),
                QStringLiteral("RuntimeError"), errorMessage);
        }
        if (s % perEpoch == perEpoch - 1) {
            ts += 0.2;
            const std::uint32_t e =
                addRecord(run, QStringLiteral("epoch_end"), ts, std::nan(""), epoch);
            series(run, QStringLiteral("epoch_end"), QStringLiteral("val_loss"))
                .append(1.0 / (1 + epoch), e);
            addEpochEvent(run, e, RunEvent::Kind::EpochEnd, epoch);
        }
    }
    return run;
}

} // namespace viewer::fixtures
