#pragma once

#include <QHash>
#include <QList>
#include <QWidget>

#include <functional>

class QCheckBox;
class QComboBox;
class QTimer;

namespace viewer {

class ChartGrid;
class RunComparison;
class RunLegend;
class RunsTableModel;
class Workspace;

// The strip above the charts for comparing runs (issue 12): "Group by" and "Colour by" combos
// (run, host, rank, folder, file and the runs table's run_begin fields) and the window's one
// legend (RunLegend) with the colour bar. The per-chart Qt legends are turned off. The legend
// lists the runs in the runs table's order (its sort puts the best first), hidden ones in place;
// names elided in the middle by RunNames so the part that differs stays. GUI thread.
class CompareBar : public QWidget
{
    Q_OBJECT
public:
    struct Hooks
    {
        std::function<bool(int runId)> isVisible;
        std::function<void(int runId, bool visible)> setVisible;
        std::function<void(int runId)> showOnly;
    };
    CompareBar(Workspace* workspace, RunsTableModel* table, ChartGrid* grid,
        RunComparison* comparison, Hooks hooks, QWidget* parent = nullptr);

    static constexpr int MaxLegendEntries = 120; // candidates; those that fit are drawn
    static constexpr int MaxNameChars = 28;

    RunLegend* legend() const
    {
        return m_legend;
    }
    QComboBox* groupCombo() const
    {
        return m_group;
    }
    QComboBox* colorCombo() const
    {
        return m_color;
    }
    QCheckBox* membersCheck() const
    {
        return m_members;
    }
    // The "members" check as the options say (no signal).
    void setMembersShown(bool on);
    // Rebuilds the legend and the combos' lists now (else coalesced, ~5 per second).
    void refreshNow();
    void scheduleRefresh();

signals:
    void groupByPicked(const QString& field); // the user chose a "Group by" field in the combo
    void membersShownPicked(bool on); // the user (un)checked "members" (faint under the band)

private:
    void refreshChoices();
    void refreshLegend();

    Workspace* m_workspace;
    RunsTableModel* m_table;
    ChartGrid* m_grid;
    RunComparison* m_comparison;
    Hooks m_hooks;
    static constexpr int NoSolo = -1000000; // legend ids are run ids (>= 0) or -2 - group
    int m_soloId = NoSolo; // the legend entry a double-click showed alone, while it is so
    QHash<int, QList<int>> m_groupMembers; // legend id of a group entry (-2 - group) -> its runs
    QComboBox* m_group = nullptr;
    QComboBox* m_color = nullptr;
    QCheckBox* m_members = nullptr;
    RunLegend* m_legend = nullptr;
    QTimer* m_timer = nullptr;
};

} // namespace viewer
