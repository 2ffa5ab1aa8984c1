#include "series_catalogue.hpp"

namespace viewer {

namespace {

quint64 nonFiniteOf(const Series& s)
{
    return quint64(s.nanCount()) + quint64(s.posInfCount()) + quint64(s.negInfCount());
}

} // namespace

void SeriesCatalogue::addToTag(const QString& tag, qint64 delta, int runs)
{
    int& refs = m_tagRuns[tag];
    refs += runs;
    if (refs <= 0) {
        m_tagRuns.remove(tag);
        m_tagCounts.remove(tag);
    } else {
        quint64& count = m_tagCounts[tag];
        count = quint64(qint64(count) + delta);
    }
    m_tagsChanged = true;
}

void SeriesCatalogue::markChanged(const QString& key)
{
    if (!m_changed.contains(key)) {
        m_changed.insert(key);
        m_changedOrder << key;
    }
}

void SeriesCatalogue::updateRun(int runId, const Run& run)
{
    RunEntry& entry = m_runs[runId];
    for (qsizetype t = 0; t < run.tags.size(); ++t) {
        const quint64 count =
            std::size_t(t) < run.tagCounts.size() ? run.tagCounts[std::size_t(t)] : 0;
        if (t >= entry.tags.size()) {
            entry.tags << run.tags.at(t);
            entry.tagCounts.push_back(count);
            addToTag(run.tags.at(t), qint64(count), 1);
        } else if (count != entry.tagCounts[std::size_t(t)]) {
            addToTag(entry.tags.at(t), qint64(count) - qint64(entry.tagCounts[std::size_t(t)]), 0);
            entry.tagCounts[std::size_t(t)] = count;
        }
    }
    for (std::size_t i = 0; i < run.series.size(); ++i) {
        const Series& s = run.series[i];
        const quint64 nonFinite = nonFiniteOf(s);
        if (qsizetype(i) >= entry.keys.size()) {
            const QString key = s.key();
            entry.keys << key;
            entry.nonFinite.push_back(nonFinite);
            MetricEntry& metric = m_metrics[key];
            if (metric.runs++ == 0) {
                metric.metric = { key, s.tag(), s.path(), 0 };
                m_removed.remove(key);
                m_keysChanged = true;
            }
            metric.metric.nonFinite += nonFinite;
            markChanged(key);
        } else if (nonFinite != entry.nonFinite[i]) {
            m_metrics[entry.keys.at(qsizetype(i))].metric.nonFinite +=
                nonFinite - entry.nonFinite[i];
            entry.nonFinite[i] = nonFinite;
            markChanged(entry.keys.at(qsizetype(i)));
        }
    }
}

void SeriesCatalogue::removeRun(int runId)
{
    const auto it = m_runs.find(runId);
    if (it == m_runs.end())
        return;
    const RunEntry entry = std::move(it.value()); // taken out before the entry is erased
    m_runs.erase(it);
    for (qsizetype t = 0; t < entry.tags.size(); ++t)
        addToTag(entry.tags.at(t), -qint64(entry.tagCounts[std::size_t(t)]), -1);
    for (qsizetype i = 0; i < entry.keys.size(); ++i) {
        const QString& key = entry.keys.at(i);
        const auto metric = m_metrics.find(key);
        if (metric == m_metrics.end())
            continue;
        metric->metric.nonFinite -= entry.nonFinite[std::size_t(i)];
        if (--metric->runs > 0) {
            markChanged(key);
            continue;
        }
        m_metrics.erase(metric);
        m_changed.remove(key);
        m_removed.insert(key);
        m_keysChanged = true;
    }
}

SeriesCatalogue::Changes SeriesCatalogue::takeChanges()
{
    Changes changes;
    changes.metrics.reserve(m_changed.size());
    for (const QString& key : std::as_const(m_changedOrder)) {
        const auto metric = m_metrics.constFind(key);
        if (metric != m_metrics.cend() && m_changed.remove(key)) // once, if listed twice
            changes.metrics << metric->metric;
    }
    changes.removedKeys = QStringList(m_removed.cbegin(), m_removed.cend());
    changes.keysChanged = m_keysChanged;
    changes.tagsChanged = m_tagsChanged;
    m_changed.clear();
    m_changedOrder.clear();
    m_removed.clear();
    m_keysChanged = false;
    m_tagsChanged = false;
    return changes;
}

} // namespace viewer
