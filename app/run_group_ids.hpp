#pragma once

#include <QHash>
#include <QString>

namespace viewer {

struct Run;

// "Group by FIELD" for the charts (issue 12): one int per distinct runGroupKey of the field, the
// id that CurveRun::group and ChartGrid::setRunGroup take, and a label naming the group's band.
// Ids stay while the field stays, so a run added later joins its group's band. Widget-free.
class RunGroupIds
{
public:
    struct Group
    {
        int id = -1;
        QString label; // plain text: "job-a", "optimizer=adamw", "(no optimizer)"
    };

    // "" = no field: groupOf() gives id -1 (the caller keeps its default grouping).
    void setField(const QString& field);
    const QString& field() const
    {
        return m_field;
    }
    bool isActive() const
    {
        return !m_field.isEmpty();
    }
    Group groupOf(const Run& run);
    static QString labelOf(const QString& field, const QString& key);

private:
    QString m_field;
    QHash<QString, int> m_ids;
};

} // namespace viewer
