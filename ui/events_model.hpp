#pragma once

#include "alert.hpp"
#include "distinct_names.hpp"
#include "run.hpp"
#include "titled_table_model.hpp"
#include "x_axis_mode.hpp"

#include <QColor>
#include <QHash>

#include <functional>
#include <vector>

namespace viewer {

// The events of the open runs, one row each: errors, epoch begin/end and restarts, with their
// time, step, type and message. GUI thread. Rows are appended as the runs grow (runAppended), in
// arrival order; a view sorts them (SortRole) and filters them (KindRole). XRole gives where the
// event sits on the charts' x axis in the current mode, for "double-click zooms to it".
//
// Runs are looked up by id on every use (never cached: the Workspace may move a Run when its
// file yields another run); a run the lookup no longer finds shows no rows until removeRun().
// Messages come from the files: shown as plain text.
// Alerts (issue 16, AlertMonitor) are rows too, of kind "alert", added as they fire.
class EventsModel : public TitledTableModel
{
    Q_OBJECT
public:
    enum Columns
    {
        TimeColumn,
        RunColumn,
        StepColumn,
        TypeColumn,
        MessageColumn,
        ColumnCount
    };
    enum Roles
    {
        RunIdRole = Qt::UserRole,
        KindRole, // int(RunEvent::Kind), or AlertKind
        KindNameRole, // "error", "epoch", "restart", "alert" (for filtering)
        XRole, // x on the charts in the current x mode (NaN when unknown)
        RecordRole, // the record index in its run
        SortRole, // a number (time, step) or text per column
        FullTextRole, // the message (or type) unabridged
        RunNameRole, // run column: the run's whole name, plain text
        RunNamePartRole, // run column: QPoint(from, to), where it differs from the other runs'
    };

    static constexpr int AlertKind = 100; // KindRole of an alert's row

    using RunLookup = std::function<const Run*(int runId)>;
    explicit EventsModel(RunLookup lookup, QObject* parent = nullptr);

    using ColorProvider = std::function<QColor(int runId)>;
    void setColorProvider(ColorProvider provider);

    // Adds a run (or re-reads it when already present) and its current events.
    void addRun(int runId);
    void removeRun(int runId);
    // New events may have been appended to these runs.
    void runsAppended(const QList<int>& runIds);
    void clear();
    // A row for an alert that fired (its run must have been added).
    void addAlert(const Alert& alert);

    void setXAxisMode(XAxisMode mode);
    XAxisMode xAxisMode() const
    {
        return m_xMode;
    }
    double xOfRow(int row) const;
    int runIdOfRow(int row) const;
    const RunEvent* eventOfRow(int row) const; // nullptr for an alert's row
    const Alert* alertOfRow(int row) const; // nullptr for an event's row

    static QString kindName(RunEvent::Kind kind);
    static QString typeText(const RunEvent& event);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        int runId;
        std::uint32_t event;
        int alert = -1; // index into m_alerts for an alert's row (event unused)
    };
    void rebuild();
    QVariant alertData(const Alert& alert, int column, int role) const;

    RunLookup m_lookup;
    std::vector<Row> m_rows;
    QHash<int, std::size_t> m_known; // run id -> events already in m_rows
    DistinctNames m_names; // names of the runs with events, and the parts that tell them apart
    QList<int> m_order; // run ids in the order they were added
    XAxisMode m_xMode = XAxisMode::Step;
    ColorProvider m_color;
    std::vector<Alert> m_alerts; // of the runs still added, in the order they fired
};

} // namespace viewer
