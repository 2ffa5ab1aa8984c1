#include "distinct_names.hpp"

#include <QList>

namespace viewer {

bool DistinctNames::set(int runId, const QString& name)
{
    const auto it = m_names.constFind(runId);
    if (it != m_names.cend() && *it == name)
        return false;
    m_names.insert(runId, name);
    m_dirty = true;
    return true;
}

void DistinctNames::remove(int runId)
{
    if (m_names.remove(runId) > 0)
        m_dirty = true;
}

void DistinctNames::clear()
{
    m_names.clear();
    m_parts.clear();
    m_dirty = false;
}

RunNames::Part DistinctNames::partOf(int runId) const
{
    if (m_dirty)
        recompute();
    return m_parts.value(runId, RunNames::Part { 0, m_names.value(runId).size() });
}

QString DistinctNames::elided(int runId, int maxChars) const
{
    return RunNames::elideKeeping(m_names.value(runId), partOf(runId), maxChars);
}

void DistinctNames::recompute() const
{
    QList<int> ids;
    QStringList names;
    ids.reserve(m_names.size());
    names.reserve(m_names.size());
    for (auto it = m_names.cbegin(); it != m_names.cend(); ++it) {
        ids << it.key();
        names << it.value();
    }
    const std::vector<RunNames::Part> parts = RunNames::differingParts(names);
    m_parts.clear();
    m_parts.reserve(ids.size());
    for (qsizetype i = 0; i < ids.size(); ++i)
        m_parts.insert(ids[i], parts[static_cast<std::size_t>(i)]);
    m_dirty = false;
}

} // namespace viewer
