#pragma once

#include "column_titles.hpp"
#include "distinct_names.hpp"

#include <QAbstractItemModel>
#include <QColor>
#include <QHash>
#include <QSet>

#include <functional>
#include <vector>

class QTimer;

namespace viewer {

class Workspace;
struct Run;

// The runs panel's model: the open sources (a file, a folder, standard input) at the top level,
// each with the runs read from it as children. GUI thread; reads the Workspace directly and
// follows its signals. A source row says what is happening to it (loading with its progress,
// live, idle, waiting for the file, failed and why, no records); a run row has its color, its
// record and malformed-line counts and a check box that shows or hides it on the charts.
// Paths, run names and messages come from outside: shown as plain text, tooltips escaped.
//
// Live following costs what changed, not what is open: a batch of appends to k runs is k hash
// look-ups and a dataChanged for those k rows and their sources' rows; run and source rows are
// found by hash, and each source row keeps its totals (records, bad lines, visible runs) up to
// date by differences, so painting it never re-sums its runs.
class RunListModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Columns
    {
        NameColumn,
        StateColumn,
        RecordsColumn,
        MalformedColumn,
        ColumnCount
    };
    enum Roles
    {
        SourceIdRole = Qt::UserRole, // the source of the row (run rows too)
        RunIdRole, // -1 on source rows
        IsRunRole,
        RecordCountRole,
        MalformedCountRole,
        StateTextRole, // the state column's text, unabridged
        ProblemRole, // non-empty when the source failed or holds no records: what to tell the user
        PathRole, // the source's path ("-" for standard input)
        FullNameRole, // run rows: the whole name as plain text (Display is cut to 60 characters)
        DifferingPartRole, // run rows: QPoint(from, to), where the name differs from the others'
    };

    // A quiet live run (no record for this long) shows as "live, quiet".
    static constexpr qint64 QuietAfterMsecs = 30000;

    explicit RunListModel(Workspace* workspace, QObject* parent = nullptr);

    using ColorProvider = std::function<QColor(int runId)>;
    void setColorProvider(ColorProvider provider);
    // The name a run is shown by (the runs table's: "job7 rank 3" when runs share an id); ""
    // or no provider: the run's displayName. nameChanged(): the provider's name of these runs
    // may have changed (O(runs given)).
    using NameProvider = std::function<QString(int runId)>;
    void setNameProvider(NameProvider provider);
    void namesChanged(const QList<int>& runIds);

    bool isRunVisible(int runId) const
    {
        return !m_hidden.contains(runId);
    }
    void setRunVisible(int runId, bool visible);
    QSet<int> hiddenRuns() const
    {
        return m_hidden;
    }

    QModelIndex indexOfSource(int sourceId, int column = NameColumn) const;
    QModelIndex indexOfRun(int runId, int column = NameColumn) const;
    // What to tell the user about a source, or "" when all is well (see ProblemRole).
    // withRunWarnings false: without its runs' limit warnings ("more than 10000 series: ..."),
    // which lose points but are no failure to read (issue 15: --screenshot exits 0 on them).
    QString problemOf(int sourceId, bool withRunWarnings = true) const;

    QModelIndex index(
        int row, int column, const QModelIndex& parent = QModelIndex()) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // How often the "live" / "live, quiet" state is looked at again (it depends on the clock).
    static constexpr int StateRefreshMsecs = 5000;

public slots:
    // Brings the rows in line with the Workspace (sources and runs added or gone, sources closed:
    // the Workspace has no signal for that) and recounts every row, emitting dataChanged only
    // for the rows that changed. O(runs); the window calls it after opening or closing. The
    // Workspace's signals are followed row by row without it.
    void sync();

signals:
    void runVisibilityChanged(int runId, bool visible);

private:
    QString shownName(int runId, const Run& run) const;
    void emitNamesChanged(); // every run's name cell (soon): a name came or changed
    void announceNames();
    // What a run row last showed of its run, so a source's totals change by differences.
    struct RunCounts
    {
        std::size_t records = 0;
        std::size_t malformed = 0;
        std::size_t listed = 0; // malformed lines listed (the first Run::MaxListedMalformed)
        bool hasWarnings = false;

        bool operator==(const RunCounts& o) const
        {
            return records == o.records && malformed == o.malformed && listed == o.listed
                && hasWarnings == o.hasWarnings;
        }
        bool operator!=(const RunCounts& o) const
        {
            return !(*this == o);
        }
    };
    struct RunPlace
    {
        int sourceId = -1;
        int row = 0; // in its source's runIds
        RunCounts counts;
    };
    struct SourceRow
    {
        int sourceId = -1;
        std::vector<int> runIds;
        bool isFolder = false;
        // Over runIds, kept up to date on every change (see RunCounts).
        std::size_t records = 0;
        std::size_t malformed = 0;
        std::size_t listed = 0;
        int withWarnings = 0;
        int visible = 0;
        QString shownState; // the state text the rows showed last (run rows show it too)
    };

    int sourceRow(int sourceId) const;
    QVariant sourceData(const SourceRow& row, int column, int role) const;
    QVariant runData(const SourceRow& row, int runId, int column, int role) const;
    QString stateText(int sourceId) const;

    // Row by row, on the Workspace's signals.
    int ensureSource(int sourceId); // its row, added at the end when new
    void addRun(int runId);
    void removeRun(int runId);
    void removeSourceRow(int row);
    void runsAppended(const QList<int>& runIds);
    void sourceChanged(int sourceId);
    // Recounts one run; true when its row shows something new. Adjusts its source's totals.
    bool recount(RunPlace& place, SourceRow& source);
    // The source's state text again: when it changed, the state cells of its rows changed.
    void refreshState(SourceRow& source, int row);
    void refreshStates();
    void emitRunRowChanged(int sourceId, int row);
    void emitSourceRowChanged(int row);
    void emitRunCellChanged(int sourceId, int row, int column);
    void emitSourceCellChanged(int row, int column);

    Workspace* m_workspace;
    std::vector<SourceRow> m_rows;
    QHash<int, int> m_sourceRows; // source id -> index in m_rows
    QHash<int, RunPlace> m_runs; // run id -> where its row is
    QSet<int> m_hidden;
    DistinctNames m_names; // run names, plain text, with the parts that tell them apart
    NameProvider m_nameProvider;
    QTimer* m_namesTimer = nullptr;
    ColorProvider m_color;
    QTimer* m_stateTimer;
    ColumnTitles m_titles; // the header: one per column of Columns
};

} // namespace viewer
