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
        connect(m_workspace, &Workspace::runRemoved, this, [this](int runId) {
            m_groupNameOf.remove(runId);
            m_groupOf.remove(runId);
        });
    }
    pushColors();
}

void RunComparison::setGroupBy(const QString& field)
{
    if (field == m_groups.field())
        return;
    m_groups.setField(field);
    m_groupNameOf.clear();
    m_groupOf.clear();
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
        if (g.id >= 0)
            m_groupOf.insert(id, g.id);
        else
            m_groupOf.remove(id);
        changes.insert(id, { g.id, g.label, QColor() });
    }
    if (changes.isEmpty() && !runIds.isEmpty())
        return;
    // A band is drawn in its first member's colour: give the members of each group the band's.
    QHash<int, ChartGrid::RunGroup> all;
    for (const GroupInfo& g : groups()) {
        for (int id : g.members)
            all.insert(id, { g.id, g.label, g.color });
    }
    for (auto it = changes.begin(); it != changes.end(); ++it) {
        if (!all.contains(it.key()))
            all.insert(it.key(), it.value());
    }
    m_grid->setRunGroups(all);
    if (!changes.isEmpty())
        emit changed();
}

QList<RunComparison::GroupInfo> RunComparison::groups() const
{
    QList<GroupInfo> out;
    if (!m_groups.isActive() || !m_workspace)
        return out;
    QHash<int, int> index; // group id -> position in out
    for (int id : m_workspace->runIds()) {
        const auto g = m_groupOf.constFind(id);
        if (g == m_groupOf.cend())
            continue;
        auto at = index.constFind(*g);
        if (at == index.cend()) {
            at = index.insert(*g, static_cast<int>(out.size()));
            out.push_back({ *g, m_groupNameOf.value(id), QColor(), {} });
        }
        out[*at].members.push_back(id);
    }
    for (GroupInfo& g : out) {
        const Rgb first = m_table->colorOf(g.members.front());
        bool shared = m_table->hasColor(g.members.front());
        for (int id : g.members)
            shared = shared && m_table->colorOf(id) == first;
        g.color = QColor::fromRgb(shared ? first : m_groupColors.categorical(g.label));
    }
    return out;
}

void RunComparison::pushColors(const QList<int>& runIds)
{
    if (!m_workspace || !m_grid)
        return;
    QHash<int, QColor> colors;
    for (int id : runIds.isEmpty() ? m_workspace->runIds() : runIds) {
        // Not in the table yet: coloured when it is. (0 is a colour: black, slot 12.)
        if (m_table->hasColor(id))
            colors.insert(id, QColor::fromRgb(m_table->colorOf(id)));
    }
    m_grid->setRunColors(colors);
    if (m_groups.isActive())
        regroup({}); // band colours follow their members'
    emit changed();
}

} // namespace viewer
