#pragma once

#include "run_colors.hpp"
#include "run_group_ids.hpp"

#include <QColor>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QStringList>

namespace viewer {

class ChartGrid;
class RunsTableModel;
class Workspace;

// Carries "group by" and "colour by" (issue 12) from the runs table's engine to the charts:
// the group of every run (RunGroupIds, by runGroupKey of the field) to ChartGrid::setRunGroups,
// and the colour the RunsTableModel assigns (RunColors: a qualitative palette, or viridis for a
// numeric field) to ChartGrid::setRunColors. Runs added or given their run_begin later join their
// group and keep the colour their key had. GUI thread; no widget of its own.
class RunComparison : public QObject
{
    Q_OBJECT
public:
    RunComparison(
        Workspace* workspace, RunsTableModel* table, ChartGrid* grid, QObject* parent = nullptr);

    // "" = the default: grouped by the run's source (folder), coloured by run.
    void setGroupBy(const QString& field);
    QString groupBy() const
    {
        return m_groups.field();
    }
    void setColorBy(const QString& field);
    QString colorBy() const;

    // What the combos offer: run, host, rank, folder, file, then the run_begin fields of the
    // runs table (config.lr, ...), each once.
    QStringList fieldChoices() const;

    // The groups of the field (empty when not grouping by one), in the order first seen. A
    // band's colour is its members' when they share one, else a palette colour of its own.
    struct GroupInfo
    {
        int id = -1;
        QString label;
        QColor color;
        QList<int> members;
    };
    QList<GroupInfo> groups() const;

signals:
    void changed(); // fields, groups or colours changed: the legend and colour bar redraw

private:
    void regroup(const QList<int>& runIds); // empty: every run
    void pushColors(const QList<int>& runIds = {});

    QPointer<Workspace> m_workspace;
    RunsTableModel* m_table;
    QPointer<ChartGrid> m_grid;
    RunGroupIds m_groups;
    QHash<int, QString> m_groupNameOf; // the group label each run was given (-1 runs absent)
    QHash<int, int> m_groupOf; // run -> group id (grouping by a field only)
    mutable RunColors m_groupColors; // palette colours of group labels
};

} // namespace viewer
