#pragma once

// RunsTableModel's row and sort key, shared by runs_table_model.cpp (columns, cells, result
// columns) and runs_table_model_rows.cpp (rows kept up to date, their order, filter and colours).

#include "runs_table_model.hpp"

namespace viewer {

struct RunsTableModel::Row
{
    int runId = -1;
    const Run* run = nullptr;
    QString baseName; // Run::displayName
    QString rank; // run_begin's rank, to tell apart ranks of one job
    QString file; // the source file's name
    QVariantMap info; // the run_begin fields last flattened (shared with the Run)
    std::vector<FieldValue> fields; // parallel to m_fieldNames (shorter: the rest are absent)
    std::vector<SeriesResult> results; // parallel to m_resultKeys
    RunState state = RunState::Finished;
    bool followed = false;
    bool visible = false; // passes the filter (is in m_order)
    qint64 lastAppendMsecs = 0;
    double start = SeriesResult::NaN;
    double duration = SeriesResult::NaN;
    qint64 records = 0;
    Rgb color = 0;
};

struct RunsTableModel::SortKey
{
    int rank = 3; // 0 number, 1 text, 2 NaN, 3 absent: numbers first, absent always last
    double number = 0.0;
    QString text;
    int runId = 0; // equal keys keep arrival order: a total order

    // The one sort rule (absent and NaN last in either order, text without case).
    bool less(const SortKey& other, bool descending) const
    {
        if (rank != other.rank)
            return rank < other.rank;
        if (rank == 0 && number != other.number)
            return descending ? other.number < number : number < other.number;
        if (rank == 1) {
            const int c = text.compare(other.text, Qt::CaseInsensitive);
            if (c != 0)
                return descending ? c > 0 : c < 0;
        }
        return runId < other.runId;
    }
};

} // namespace viewer
