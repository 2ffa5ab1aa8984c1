#pragma once
// Counts over everything a Workspace holds, shared by the workspace and source tests and the live
// benchmarks, so that every suite counts the same way and none keeps its own copy.

#include "run.hpp"
#include "workspace.hpp"

#include <QSignalSpy>
#include <QString>

#include <cstddef>

namespace viewer::test {

// Opens `path` and waits for its load to finish: the source's id, or -1 if it did not finish.
inline int openLoaded(Workspace& workspace, const QString& path, bool follow = true)
{
    QSignalSpy finished(&workspace, &Workspace::loadFinished);
    const int source = workspace.open(path, follow);
    return finished.wait(10000) ? source : -1;
}

// Points of one series (e.g. "step_end/loss") summed over every run.
inline std::size_t seriesPoints(const Workspace& workspace, const QString& key)
{
    std::size_t n = 0;
    for (int id : workspace.runIds()) {
        const Run* run = workspace.run(id);
        const int s = run->findSeries(key);
        if (s >= 0)
            n += run->series[static_cast<std::size_t>(s)].size();
    }
    return n;
}

inline std::size_t lossPoints(const Workspace& workspace)
{
    return seriesPoints(workspace, QStringLiteral("step_end/loss"));
}

inline std::size_t recordCount(const Workspace& workspace)
{
    std::size_t n = 0;
    for (int id : workspace.runIds())
        n += workspace.run(id)->records.size();
    return n;
}

// Malformed lines listed (the first 1,000 of each run) over every run.
inline std::size_t listedMalformed(const Workspace& workspace)
{
    std::size_t n = 0;
    for (int id : workspace.runIds())
        n += workspace.run(id)->malformed.size();
    return n;
}

} // namespace viewer::test
