#include "run_comparison.hpp"

#include "chart_grid.hpp"
#include "run.hpp"
#include "runs_table_model.hpp"
#include "workspace.hpp"

#include <QColor>

namespace viewer {

RunComparison::RunComparison(
    Workspace* workspace, RunsTableModel* table, ChartGrid* grid, QObject* parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_table(table)
    , m_grid(grid)
{
    connect(m_table, &RunsTableModel::colorsChanged, this, &RunComparison::pushColors);
    if (m_workspace) {
        // After the grid's own connections (it was made first): the run is in the grid by now.
        connect(m_workspace, &Workspace::runAdded, this, [this](int runId) { regroup({ runId }); });
        // run_begin (and so the key) comes with the run's first records.
        connect(m_workspace, &Workspace::runsAppended, this, &RunComparison::regroup);
        connect(m_workspace, &Workspace::runRemoved, this,
            [this](int runId) { m_groupNameOf.remove(runId); });
    }
    pushColors();
}

void RunComparison::setGroupBy(const QString& field)
{
    if (field == m_groups.field())
        return;
    m_groups.setField(field);
    m_groupNameOf.clear();
    regroup({});
    emit changed();
}

void RunComparison::setColorBy(const QString& field)
{
    if (field == m_table->colorBy())
        return;
    m_table->setColorBy(field); // emits colorsChanged -> pushColors
}

QString RunComparison::colorBy() const
{
    return m_table->colorBy();
}

QStringList RunComparison::fieldChoices() const
{
    QStringList out { QStringLiteral("run"), QStringLiteral("host"), QStringLiteral("rank"),
        QStringLiteral("folder"), QStringLiteral("file") };
    for (int c = RunsTableModel::FixedColumnCount; c < m_table->columnCount(); ++c) {
        const QString name = m_table->columnName(c);
        // Result columns (epoch_end/val_acc:last) are not fields to group by.
        if (name.isEmpty() || name.contains(QLatin1Char(':')) || out.contains(name))
            continue;
        out << name;
    }
    return out;
}

void RunComparison::regroup(const QList<int>& runIds)
{
    if (!m_workspace || !m_grid)
        return;
    const QList<int> ids = runIds.isEmpty() ? m_workspace->runIds() : runIds;
    QHash<int, ChartGrid::RunGroup> changes;
    for (int id : ids) {
        const Run* run = m_workspace->run(id);
        if (!run)
            continue;
        const RunGroupIds::Group g = m_groups.groupOf(*run); // id -1 when not grouping by a field
        const auto known = m_groupNameOf.constFind(id);
        if (!runIds.isEmpty() && known != m_groupNameOf.cend() && *known == g.label)
            continue; // appended records of a run already in its group: O(1)
        m_groupNameOf.insert(id, g.label);
        changes.insert(id, { g.id, g.label });
    }
    if (!changes.isEmpty() || runIds.isEmpty())
        m_grid->setRunGroups(changes);
}

void RunComparison::pushColors()
{
    if (!m_workspace || !m_grid)
        return;
    QHash<int, QColor> colors;
    for (int id : m_workspace->runIds()) {
        if (const Rgb rgb = m_table->colorOf(id)) // 0: not in the table yet, coloured when it is
            colors.insert(id, QColor::fromRgb(rgb));
    }
    m_grid->setRunColors(colors);
    emit changed();
}

} // namespace viewer
