#pragma once

#include "field_value.hpp"
#include "run_colors.hpp"
#include "run_filter.hpp"
#include "run_state.hpp"
#include "series_result.hpp"

#include <QAbstractTableModel>
#include <QHash>
#include <QStringList>
#include <QVariantMap>

#include <functional>
#include <memory>
#include <vector>

namespace viewer {

struct Run;
class Workspace;

// The runs table (issue 12): one row per run, widget-free, GUI thread. Columns:
//   colour, name, state, source, start, duration, records      (fixed)
//   every run_begin field flattened with dots: run, host, rank, config.lr, config.optimizer ...
//   per result series: <key>:last, <key>:min, <key>:max, <key>:best_step
// A field equal for every run is hidden by default (HiddenByDefaultRole): it tells nothing apart.
// The model sorts and filters itself (sort(), setFilter()): keys are read straight from the rows,
// so 5,000 runs sort in a few milliseconds, and a batch of appended records costs O(changed runs
// x log(runs)): a changed row moves to its new place, a new one is inserted where it belongs.
// Text from the files (names, paths, config values) is plain text: never render it as rich text.
class RunsTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum FixedColumns
    {
        ColorColumn,
        NameColumn,
        StateColumn,
        SourceColumn,
        StartColumn,
        DurationColumn,
        RecordsColumn,
        FixedColumnCount
    };
    enum Roles
    {
        RunIdRole = Qt::UserRole,
        SortRole, // a double for numbers, else the text
        ColorRole, // Rgb (0xRRGGBB) of the run, on every cell of its row
        StateRole, // int(RunState)
        ColumnNameRole, // header: the column's name as the filter and CSV use it (config.lr)
        HiddenByDefaultRole, // header: bool
        IsNumberRole, // bool
    };
    enum class ResultKind
    {
        Last,
        Min,
        Max,
        BestStep,
    };
    static constexpr int ResultsPerSeries = 4;
    static constexpr qint64 QuietAfterMsecs = 30000;
    static constexpr std::size_t MaxFieldColumns = 500;

    explicit RunsTableModel(QObject* parent = nullptr);
    ~RunsTableModel() override;

    // Follows a workspace: its runs now and as they are added, appended to and removed.
    void setWorkspace(Workspace* workspace);

    // Without a workspace (tests, benchmarks): where runs come from. followed: the run's file is
    // being followed.
    struct RunSource
    {
        std::function<const Run*(int runId)> run;
        std::function<bool(int runId)> followed;
    };
    void setRunSource(RunSource source);
    // New or changed runs: O(these runs x log(rows)).
    void updateRuns(const QList<int>& runIds);
    void removeRun(int runId);
    // Re-evaluates live/quiet (they depend on the clock): call every few seconds.
    void refreshStates();
    void setClock(std::function<qint64()> msecsNow);

    // The series of the result columns, e.g. {"step_end/loss", "epoch_end/val_acc"}. Until set,
    // the defaults (SeriesResult::defaultKeys) follow the series the runs bring.
    void setResultKeys(const QStringList& keys);
    QStringList resultKeys() const
    {
        return m_resultKeys;
    }
    // Every series key of every run, in the order first seen.
    QStringList seriesKeys() const
    {
        return m_seriesKeys;
    }

    // The filter box. Returns the error ("" when fine); a bad filter shows every run.
    QString setFilter(const QString& expression);
    QString filterError() const
    {
        return m_filter.error();
    }

    // Colour by a column (a field name such as "config.lr", "host", "run"; "" = by run).
    void setColorBy(const QString& field);
    QString colorBy() const
    {
        return m_colorBy;
    }
    RunColors::Range colorRange() const
    {
        return m_colorRange;
    } // for the colour bar
    RunColors& colors()
    {
        return m_colors;
    } // to save/restore the assignment
    Rgb colorOf(int runId) const;
    // The run has a row, so colorOf is its colour (0 is black, a colour of the palette).
    bool hasColor(int runId) const
    {
        return m_byId.contains(runId);
    }
    // The group key of a run for a field ("run", "host", "rank", "folder", "config.*").
    QString groupKeyOf(int runId, const QString& field) const;

    // Columns by name ("config.lr", "epoch_end/val_acc:last"); a series name alone means its
    // last value and a path alone its key ("val_acc" -> "epoch_end/val_acc:last"). -1 if none.
    int columnIndex(const QString& name) const;
    QString columnName(int column) const;
    bool isHiddenByDefault(int column) const;
    FieldValue cell(int row, int column) const;
    int runIdAt(int row) const;
    int rowOfRun(int runId) const; // -1 when filtered out or unknown
    // The run's name as the name column shows it (the rank or file added when runs share a
    // name), filtered out or not; "" when unknown.
    QString nameOfRun(int runId) const;
    int totalRuns() const
    {
        return static_cast<int>(m_rows.size());
    }
    // Fields left out past MaxFieldColumns (hostile run_begin records), for a warning.
    std::size_t droppedFields() const
    {
        return m_droppedFields;
    }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

signals:
    void filterErrorChanged(const QString& error);
    // runIds: the runs whose colour changed; empty: every run's may have (a new colour-by, a grown
    // numeric range). New rows name only themselves, so a folder of 5,000 runs arriving in many
    // batches is recoloured in O(runs), not O(runs x batches).
    void colorsChanged(const QList<int>& runIds);

private:
    struct Row;
    struct SortKey;

    SortKey sortKey(const Row& row, int column) const;
    bool less(const Row* a, const Row* b) const;
    int findPosition(const Row* row) const;
    int insertPosition(const Row* row) const;
    FieldValue cellOf(const Row& row, int column) const;
    QString nameOf(const Row& row) const;
    void refreshRow(Row& row, bool isNew);
    void refreshState(Row& row);
    void countFields(const Row& row, int delta);
    void updateConstant(int fieldIndex);
    void addResultKey(const QString& key);
    void applyDefaultResultKeys();
    bool passes(const Row& row) const;
    void rebuildOrder(); // filter + sort everything again, keeping persistent indexes
    void recolor();
    void placeRow(Row* row, int oldPosition);

    RunSource m_source;
    Workspace* m_workspace = nullptr;
    std::function<qint64()> m_now;

    std::vector<std::unique_ptr<Row>> m_rows; // every run, in arrival order
    QHash<int, Row*> m_byId;
    std::vector<Row*> m_order; // the visible rows, in display order

    QStringList m_fieldNames; // field columns, in the order first seen
    QHash<QString, int> m_fieldIndex;
    struct FieldStats
    {
        QHash<QString, int> values; // text -> runs holding it
        int present = 0;
        bool constant = false;
    };
    std::vector<FieldStats> m_fieldStats;
    std::size_t m_droppedFields = 0;

    QStringList m_seriesKeys;
    QHash<QString, int> m_seriesKeyIndex;
    QStringList m_resultKeys;
    bool m_resultKeysChosen = false;

    QHash<QString, int> m_nameCount; // display names shared by several runs get told apart
    bool m_namesShared = false; // a name became shared in this batch
    QHash<QString, int> m_lastRunOfFile; // source path -> the latest run read from it

    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    QString m_filterText;
    RunFilter m_filter;
    std::vector<int> m_textColumns;

    QString m_colorBy;
    RunColors m_colors;
    RunColors::Range m_colorRange;
};

} // namespace viewer
