#pragma once
// Live latency as the live benchmarks measure it: a writer stores the time it wrote step i in
// sentNs[i]; each step_end/loss point that reaches the workspace's store adds (arrival - sentNs[i])
// in ms. Shared by bench_live (a local file) and bench_remote (the same over ssh).

#include "bench_stats.hpp"
#include "run.hpp"
#include "workspace.hpp"

#include <QList>
#include <QObject>
#include <QString>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace bench {

// `sentNs` and `latencyMs` must outlive the workspace's runsAppended signals.
inline void recordArrivalLatency(viewer::Workspace& workspace,
    const std::vector<std::atomic<std::int64_t>>& sentNs, std::vector<double>& latencyMs)
{
    QObject::connect(&workspace, &viewer::Workspace::runsAppended,
        [&workspace, &sentNs, &latencyMs, seen = std::size_t(0)](const QList<int>& runIds) mutable {
            const std::int64_t now = nowNs();
            for (int id : runIds) {
                const viewer::Run* run = workspace.run(id);
                const int s = run->findSeries(QStringLiteral("step_end/loss"));
                if (s < 0)
                    continue;
                const viewer::Series& series = run->series[static_cast<std::size_t>(s)];
                for (; seen < series.size(); ++seen) {
                    const auto step =
                        static_cast<std::size_t>(run->records.step(series.records()[seen]));
                    if (step < sentNs.size())
                        latencyMs.push_back(static_cast<double>(now - sentNs[step].load()) / 1e6);
                }
            }
        });
}

} // namespace bench
