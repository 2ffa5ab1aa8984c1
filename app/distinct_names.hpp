#pragma once

#include "run_names.hpp"

#include <QHash>
#include <QString>

namespace viewer {

// The names of a set of runs and, for each, the part where it differs from the names most like
// it (RunNames::differingParts), so that a view eliding a name to its width keeps that part:
// "sweep_lr=0.001,seed=1" and "..seed=2" never both become "sweep_lr=0.0…". Widget-free; GUI
// thread. Setting a name costs a hash look-up; the parts are computed again (O(n log n)) only
// when asked after a name changed, so a live batch that changes no name costs nothing more.
class DistinctNames
{
public:
    // False when the run already had this name.
    bool set(int runId, const QString& name);
    void remove(int runId);
    void clear();

    QString nameOf(int runId) const
    {
        return m_names.value(runId);
    }
    RunNames::Part partOf(int runId) const;
    // The name in at most maxChars characters, keeping its differing part.
    QString elided(int runId, int maxChars) const;

private:
    void recompute() const;

    QHash<int, QString> m_names;
    mutable QHash<int, RunNames::Part> m_parts; // valid while !m_dirty
    mutable bool m_dirty = false;
};

} // namespace viewer
