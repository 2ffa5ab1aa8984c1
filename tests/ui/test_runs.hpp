#pragma once

// Runs built by hand for the chart tests: the engine's data model filled directly, so that each
// test states exactly the points, restarts and events it draws.

#include "run.hpp"

#include <cmath>
#include <limits>

namespace viewer::test {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr double Inf = std::numeric_limits<double>::infinity();

inline std::uint16_t tagIndex(Run& run, const QString& tag)
{
    qsizetype i = run.tags.indexOf(tag);
    if (i < 0) {
        run.tags.push_back(tag);
        run.tagCounts.push_back(0);
        i = run.tags.size() - 1;
    }
    ++run.tagCounts[static_cast<std::size_t>(i)];
    return static_cast<std::uint16_t>(i);
}

inline std::uint32_t addRecord(Run& run, double step, double ts, double epoch = 0.0,
    const QString& tag = QStringLiteral("step_end"))
{
    return run.records.append(ts, step, epoch, run.records.size() * 100, tagIndex(run, tag));
}

inline Series& seriesOf(Run& run, const QString& key)
{
    const int i = run.findSeries(key);
    if (i >= 0)
        return run.series[static_cast<std::size_t>(i)];
    const qsizetype slash = key.indexOf(QLatin1Char('/'));
    run.series.emplace_back(key.left(slash), key.mid(slash + 1));
    run.seriesByKey.insert(key, static_cast<int>(run.series.size() - 1));
    return run.series.back();
}

// An event of `kind` at record `r` (its time, and `step`) appended to the run's events; the caller
// fills in what else that kind carries.
inline RunEvent& addEvent(Run& run, RunEvent::Kind kind, std::uint32_t r, double step)
{
    RunEvent ev;
    ev.kind = kind;
    ev.record = r;
    ev.time = run.records.time(r);
    ev.step = step;
    run.events.push_back(ev);
    return run.events.back();
}

// One record at `step` (ts = 1000 + step / 10, epoch = step / epochLength) holding `value` for
// each key. restart: the step went backwards here.
inline std::uint32_t addStep(Run& run, double step, const QList<QPair<QString, double>>& values,
    bool restart = false, double epochLength = 100.0)
{
    const std::uint32_t r =
        addRecord(run, step, 1000.0 + step / 10.0, std::floor(step / epochLength));
    for (const auto& [key, value] : values)
        seriesOf(run, key).append(value, r, restart);
    if (restart)
        addEvent(run, RunEvent::Kind::Restart, r, step);
    return r;
}

inline void addError(Run& run, double step, const QString& type, const QString& message)
{
    const std::uint32_t r =
        addRecord(run, step, 1000.0 + step / 10.0, 0.0, QStringLiteral("error"));
    RunEvent& ev = addEvent(run, RunEvent::Kind::Error, r, step);
    ev.type = type;
    ev.message = message;
}

inline void addEpochBegin(Run& run, double step, double epoch)
{
    const std::uint32_t r =
        addRecord(run, step, 1000.0 + step / 10.0, epoch, QStringLiteral("epoch_begin"));
    addEvent(run, RunEvent::Kind::EpochBegin, r, step).epoch = epoch;
}

// A run with `n` steps 0..n-1 of `key` whose value is f(step).
template <class F> Run makeRun(const QString& name, const QString& key, int n, F f)
{
    Run run;
    run.id = name;
    run.displayName = name;
    run.sourcePath = name + QStringLiteral(".jsonl");
    for (int i = 0; i < n; ++i)
        addStep(run, i, { { key, f(i) } });
    return run;
}

} // namespace viewer::test
