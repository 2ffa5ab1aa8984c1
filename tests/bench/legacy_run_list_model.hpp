#pragma once

// The runs panel model as it was before issue 15 (main at 721d090), kept only as the peer of
// bench_live_models: every append batch ran sync(), O(runs^2), and marked every row changed.
// Not used by the viewer.

#include <QAbstractItemModel>
#include <QColor>
#include <QSet>

#include <functional>
#include <vector>

namespace viewer {

class Workspace;

// The runs panel's model: the open sources (a file, a folder, standard input) at the top level,
// each with the runs read from it as children. GUI thread; reads the Workspace directly and
// follows its signals. A source row says what is happening to it (loading with its progress,
// live, idle, waiting for the file, failed and why, no records); a run row has its color, its
// record and malformed-line counts and a check box that shows or hides it on the charts.
// Paths, run names and messages come from outside: shown as plain text, tooltips escaped.
class LegacyRunListModel : public QAbstractItemModel
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
    };

    // A quiet live run (no record for this long) shows as "live, quiet".
    static constexpr qint64 QuietAfterMsecs = 30000;

    explicit LegacyRunListModel(Workspace* workspace, QObject* parent = nullptr);

    using ColorProvider = std::function<QColor(int runId)>;
    void setColorProvider(ColorProvider provider);

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
    QString problemOf(int sourceId) const;

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

public slots:
    // Brings the rows in line with the Workspace (sources and runs added or gone) and refreshes
    // every cell. Cheap: a few rows per source. Called on the Workspace's signals and by a timer
    // (the "live, quiet" state depends on the clock).
    void sync();

signals:
    void runVisibilityChanged(int runId, bool visible);

private:
    struct SourceRow
    {
        int sourceId;
        std::vector<int> runIds;
        bool isFolder = false;
    };

    int sourceRow(int sourceId) const;
    QVariant sourceData(const SourceRow& row, int column, int role) const;
    QVariant runData(const SourceRow& row, int runId, int column, int role) const;
    QString stateText(int sourceId) const;

    Workspace* m_workspace;
    std::vector<SourceRow> m_rows;
    QSet<int> m_hidden;
    ColorProvider m_color;
};

} // namespace viewer
