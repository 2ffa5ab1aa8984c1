#include "compare_bar.hpp"

#include "chart_grid.hpp"
#include "run.hpp"
#include "run_comparison.hpp"
#include "run_legend.hpp"
#include "run_names.hpp"
#include "runs_table_model.hpp"
#include "workspace.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSet>
#include <QTimer>

namespace viewer {

namespace {

constexpr int RefreshMs = 200;

// Fills a combo with "" (the default, named) and the fields, keeping the current choice.
void fillCombo(QComboBox* combo, const QString& defaultLabel, const QStringList& fields,
    const QString& current)
{
    QStringList now;
    for (int i = 1; i < combo->count(); ++i)
        now << combo->itemData(i).toString();
    if (combo->count() > 0 && now == fields && combo->currentData().toString() == current)
        return;
    const QSignalBlocker block(combo);
    combo->clear();
    combo->addItem(defaultLabel, QString());
    for (const QString& f : fields)
        combo->addItem(f, f); // plain text: a combo item is never rich text
    int at = combo->findData(current);
    if (at < 0 && !current.isEmpty()) {
        combo->addItem(current, current); // asked for (--group-by) before any run has it
        at = combo->count() - 1;
    }
    combo->setCurrentIndex(std::max(at, 0));
}

} // namespace

CompareBar::CompareBar(Workspace* workspace, RunsTableModel* table, ChartGrid* grid,
    RunComparison* comparison, Hooks hooks, QWidget* parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_table(table)
    , m_grid(grid)
    , m_comparison(comparison)
    , m_hooks(std::move(hooks))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 2, 6, 2);
    layout->setSpacing(6);
    auto* groupLabel = new QLabel(tr("Group by"), this);
    m_group = new QComboBox(this);
    m_group->setObjectName(QStringLiteral("groupByCombo"));
    m_group->setToolTip(tr("Runs with the same value are drawn as one mean with a min/max band "
                           "(View > Mean + min/max)"));
    auto* colorLabel = new QLabel(tr("Colour by"), this);
    m_color = new QComboBox(this);
    m_color->setObjectName(QStringLiteral("colorByCombo"));
    m_color->setToolTip(tr("A numeric field uses a continuous colormap, any other a palette"));
    for (QComboBox* c : { m_group, m_color })
        c->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_legend = new RunLegend(this);
    auto* combos = new QVBoxLayout;
    combos->setSpacing(2);
    m_members = new QCheckBox(tr("members"), this);
    m_members->setObjectName(QStringLiteral("groupMembersCheck"));
    m_members->setToolTip(tr("Also draw each run of a group, thin and faint under its band"));
    connect(m_members, &QCheckBox::toggled, this, &CompareBar::membersShownPicked);
    auto* row1 = new QHBoxLayout;
    row1->addWidget(groupLabel);
    row1->addWidget(m_group);
    row1->addWidget(m_members);
    auto* row2 = new QHBoxLayout;
    row2->addWidget(colorLabel);
    row2->addWidget(m_color);
    combos->addLayout(row1);
    combos->addLayout(row2);
    layout->addLayout(combos);
    layout->addWidget(m_legend, 1);

    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    m_timer->setInterval(RefreshMs);
    connect(m_timer, &QTimer::timeout, this, &CompareBar::refreshNow);

    connect(m_group, &QComboBox::currentIndexChanged, this, [this] {
        m_comparison->setGroupBy(m_group->currentData().toString());
        emit groupByPicked(m_comparison->groupBy());
    });
    connect(m_color, &QComboBox::currentIndexChanged, this,
        [this] { m_comparison->setColorBy(m_color->currentData().toString()); });
    connect(m_comparison, &RunComparison::changed, this, &CompareBar::scheduleRefresh);
    connect(m_table, &QAbstractItemModel::layoutChanged, this, &CompareBar::scheduleRefresh);
    connect(m_table, &QAbstractItemModel::modelReset, this, &CompareBar::scheduleRefresh);
    connect(m_table, &QAbstractItemModel::rowsInserted, this, &CompareBar::scheduleRefresh);
    connect(m_table, &QAbstractItemModel::rowsRemoved, this, &CompareBar::scheduleRefresh);
    connect(m_table, &QAbstractItemModel::columnsInserted, this, &CompareBar::scheduleRefresh);
    connect(m_table, &QAbstractItemModel::dataChanged, this, &CompareBar::scheduleRefresh);

    // A group's entry stands for its members: highlighting its first highlights the band.
    connect(m_legend, &RunLegend::highlightRequested, this, [this](int id) {
        const QList<int> members = m_groupMembers.value(id);
        m_grid->setHighlightedRun(members.isEmpty() ? id : members.front());
    });
    connect(m_legend, &RunLegend::toggleRequested, this, [this](int id) {
        if (!m_hooks.isVisible || !m_hooks.setVisible)
            return;
        const QList<int> members = m_groupMembers.value(id, { id });
        bool anyShown = false;
        for (int runId : members)
            anyShown = anyShown || m_hooks.isVisible(runId);
        for (int runId : members)
            m_hooks.setVisible(runId, !anyShown);
        if (id != m_soloId)
            m_soloId = NoSolo; // the user changed the set: a double-click isolates again
        scheduleRefresh();
    });
    // Double-click shows only the entry; a double-click on the entry shown alone shows every run
    // again (the click that precedes a double-click has toggled it already: both end visible).
    connect(m_legend, &RunLegend::soloRequested, this, [this](int id) {
        const QList<int> members = m_groupMembers.value(id, { id });
        if (id == m_soloId) {
            m_soloId = NoSolo;
            if (m_hooks.setVisible && m_workspace) {
                for (int runId : m_workspace->runIds())
                    m_hooks.setVisible(runId, true);
            }
            scheduleRefresh();
            return;
        }
        m_soloId = id;
        if (m_hooks.showOnly)
            m_hooks.showOnly(members.front());
        if (m_hooks.setVisible) {
            for (int runId : members)
                m_hooks.setVisible(runId, true);
        }
        scheduleRefresh();
    });
    m_grid->setChartLegendsShown(false);
    refreshNow();
}

void CompareBar::setMembersShown(bool on)
{
    const QSignalBlocker block(m_members);
    m_members->setChecked(on);
}

void CompareBar::scheduleRefresh()
{
    if (!m_timer->isActive())
        m_timer->start();
}

void CompareBar::refreshNow()
{
    m_timer->stop();
    refreshChoices();
    refreshLegend();
}

void CompareBar::refreshChoices()
{
    const QStringList fields = m_comparison->fieldChoices();
    fillCombo(m_group, tr("folder (default)"), fields, m_comparison->groupBy());
    fillCombo(m_color, tr("run (default)"), fields, m_comparison->colorBy());
}

void CompareBar::refreshLegend()
{
    // The runs in the runs table's order (its sort puts the best first), then runs filtered out
    // of the table. Hidden runs keep their place, drawn hollow: an entry does not move away from
    // under the mouse that just hid it, so a second click (or double-click) there undoes it.
    // Only the first MaxLegendEntries are named: O(that) per refresh, not O(runs).
    QList<int> order;
    QSet<int> listed;
    const int total = m_workspace ? static_cast<int>(m_workspace->runIds().size()) : 0;
    auto take = [&](int id) {
        if (!listed.contains(id)) {
            listed.insert(id);
            order.push_back(id);
        }
    };
    for (int row = 0; row < m_table->rowCount() && order.size() < MaxLegendEntries; ++row)
        take(m_table->runIdAt(row));
    if (m_workspace) {
        for (int id : m_workspace->runIds()) {
            if (order.size() >= MaxLegendEntries)
                break;
            take(id);
        }
    }
    QStringList names;
    for (int id : std::as_const(order)) {
        const int row = m_table->rowOfRun(id);
        QString name = row >= 0
            ? m_table->data(m_table->index(row, RunsTableModel::NameColumn)).toString()
            : QString();
        if (name.isEmpty() && m_workspace) {
            const Run* run = m_workspace->run(id);
            name = run ? (run->displayName.isEmpty() ? run->id : run->displayName) : QString();
        }
        names << name;
    }
    names = RunNames::elideApart(names, MaxNameChars);
    QList<RunLegend::Entry> entries;
    // Grouped: the bands first, named by the field's value, in their colour.
    m_groupMembers.clear();
    if (m_grid->options().groupMode == GroupMode::MeanBand) {
        for (const RunComparison::GroupInfo& g : m_comparison->groups()) {
            const int id = -2 - g.id;
            m_groupMembers.insert(id, g.members);
            bool shown = false;
            for (int runId : g.members)
                shown = shown || (m_hooks.isVisible ? m_hooks.isVisible(runId) : true);
            entries.push_back({ id,
                RunNames::elideApart({ g.label }, MaxNameChars).value(0)
                    + QStringLiteral(" (%1)").arg(g.members.size()),
                g.color, shown });
        }
    }
    const int groupEntries = static_cast<int>(entries.size());
    for (int i = 0; i < order.size(); ++i) {
        const int id = order[i];
        entries.push_back({ id, names.value(i), m_grid->runColor(id),
            m_hooks.isVisible ? m_hooks.isVisible(id) : true });
    }
    m_legend->setEntries(std::move(entries), total + groupEntries);
    m_legend->setColorBar(m_comparison->colorBy(), m_table->colorRange());
}

} // namespace viewer
