#pragma once

#include "run.hpp"

#include <QHash>
#include <QList>
#include <QMap>
#include <QSet>
#include <QString>
#include <QStringList>

#include <vector>

namespace viewer {

// The tags and series keys of the open runs with their totals (records per tag, NaN/Inf points
// per key), kept up to date run by run: a live batch costs the tags and series of the runs it
// touched, not every open run's. A run's tags and series only grow while its id lives (the
// Workspace gives a re-read file new run ids), so each run is remembered by what it had.
class SeriesCatalogue
{
public:
    struct Metric
    {
        QString key; // "step_end/metrics/acc"
        QString tag; // "step_end"
        QString path; // "metrics/acc"
        quint64 nonFinite = 0; // NaN and +/-Inf points over every run that has the key
    };
    // What changed since the last takeChanges().
    struct Changes
    {
        QList<Metric> metrics; // new keys, and keys whose totals changed, in the order they did
        QStringList removedKeys; // no open run has them any more
        bool keysChanged = false; // a key appeared or went
        bool tagsChanged = false;
    };

    // The run is new or grew: O(its tags + its series).
    void updateRun(int runId, const Run& run);
    void removeRun(int runId);
    Changes takeChanges();

    const QMap<QString, quint64>& tagCounts() const
    {
        return m_tagCounts;
    }
    int metricCount() const
    {
        return int(m_metrics.size());
    }

private:
    struct RunEntry
    {
        QStringList tags;
        std::vector<quint64> tagCounts;
        QStringList keys; // parallel to the run's series
        std::vector<quint64> nonFinite;
    };
    struct MetricEntry
    {
        Metric metric;
        int runs = 0;
    };
    void addToTag(const QString& tag, qint64 delta, int runs);
    void markChanged(const QString& key);

    QHash<int, RunEntry> m_runs;
    QHash<QString, MetricEntry> m_metrics;
    QMap<QString, quint64> m_tagCounts;
    QHash<QString, int> m_tagRuns;
    QSet<QString> m_changed;
    QStringList m_changedOrder; // m_changed in order (a run's series in file order)
    QSet<QString> m_removed;
    bool m_keysChanged = false;
    bool m_tagsChanged = false;
};

} // namespace viewer
