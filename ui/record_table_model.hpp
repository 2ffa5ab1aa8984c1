#pragma once

#include "run.hpp"
#include "titled_table_model.hpp"

#include <QSet>

#include <functional>
#include <optional>
#include <vector>

namespace viewer {

// Every record of one run as a table (record index, time, step, epoch, tag), virtual: cells are
// computed from the run's RecordTable when painted, so a run of millions of records costs no
// memory here and shows at once. GUI thread. Filters are applied inside the model rather than by
// a QSortFilterProxyModel, which would build and keep a mapping for every source row: without a
// filter rows are the records themselves; with one, a vector of the matching record indices.
//
// The run is looked up by id on every use (never cached: the Workspace may move a Run when its
// file yields another run); a run that is gone shows no rows. refresh() picks up appended records
// (rows are inserted at the end, never moved).
class RecordTableModel : public TitledTableModel
{
    Q_OBJECT
public:
    enum Columns
    {
        RecordColumn,
        TimeColumn,
        StepColumn,
        EpochColumn,
        TagColumn,
        ColumnCount
    };
    enum Roles
    {
        RecordRole = Qt::UserRole, // the record index in the run (quint32)
        TagRole, // the tag name
        TimeRole, // ts, UNIX seconds
    };

    using RunLookup = std::function<const Run*(int runId)>;
    explicit RecordTableModel(RunLookup lookup, QObject* parent = nullptr);

    void setRun(int runId); // -1: none
    int runId() const
    {
        return m_runId;
    }
    const Run* run() const
    {
        return m_runId < 0 ? nullptr : m_lookup(m_runId);
    }
    // The run grew (or was re-read): new records become rows.
    void refresh();

    // Only records with one of these tags (an empty set: every tag).
    void setTagFilter(const QSet<QString>& tags);
    QSet<QString> tagFilter() const
    {
        return m_tagFilter;
    }
    // Only these records (ascending; e.g. the matches of a text search), up to coveredUpTo:
    // records at or after coveredUpTo are not shown until addRecordMatches() covers them.
    // std::nullopt: no record filter.
    void setRecordFilter(
        std::optional<std::vector<std::uint32_t>> records, std::uint32_t coveredUpTo);
    // Extends the record filter with matches among records [coveredUpTo, newCoveredUpTo).
    void addRecordMatches(const std::vector<std::uint32_t>& records, std::uint32_t newCoveredUpTo);
    bool hasRecordFilter() const
    {
        return m_recordFilter.has_value();
    }
    std::uint32_t recordFilterCoverage() const
    {
        return m_covered;
    }
    bool isFiltered() const
    {
        return m_filtered;
    }

    std::uint32_t recordAt(int row) const;
    int rowOfRecord(std::uint32_t record) const; // -1 when filtered out
    std::size_t totalRecords() const;

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    void rebuild();
    void appendRows(const std::vector<std::uint32_t>& records); // new rows at the end
    bool tagAccepted(const Run& run, std::uint32_t record) const;
    void appendMatching(std::uint32_t from, std::uint32_t to);
    void updateTagMask();

    RunLookup m_lookup;
    int m_runId = -1;
    QSet<QString> m_tagFilter;
    std::vector<bool> m_tagAllowed; // by tag index, when filtering by tag
    bool m_tagAllowsNoTag = false;
    std::optional<std::vector<std::uint32_t>> m_recordFilter;
    std::uint32_t m_covered = 0;

    bool m_filtered = false; // rows are m_rows, not the records themselves
    std::vector<std::uint32_t> m_rows;
    std::uint32_t m_scanned = 0; // records [0, m_scanned) were considered for m_rows
    std::size_t m_rowCount = 0; // without filter: the records shown so far
};

} // namespace viewer
