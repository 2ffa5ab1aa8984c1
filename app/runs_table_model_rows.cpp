#include "run.hpp"
#include "run_grouping.hpp"
#include "runs_table_model.hpp"
#include "runs_table_model_p.hpp"
#include "ssh_command.hpp"
#include "workspace.hpp"

#include <QDateTime>
#include <QFileInfo>

#include <algorithm>
#include <cmath>

// The rows of the runs table kept up to date as runs arrive, grow, change state and go; their
// order (the one sort rule), the filter and the colours.

namespace viewer {

// --- order -------------------------------------------------------------------------------------

RunsTableModel::SortKey RunsTableModel::sortKey(const Row& row, int column) const
{
    SortKey key;
    key.runId = row.runId;
    if (column < 0) {
        key.rank = 0;
        key.number = row.runId;
        return key;
    }
    const FieldValue v = cellOf(row, column);
    if (!v.present) {
        key.rank = 3;
    } else if (v.isNumber) {
        key.rank = std::isnan(v.number) ? 2 : 0;
        key.number = v.number;
    } else {
        key.rank = 1;
        key.text = v.text;
    }
    return key;
}

bool RunsTableModel::less(const Row* a, const Row* b) const
{
    const bool descending = m_sortOrder == Qt::DescendingOrder && m_sortColumn >= 0;
    return sortKey(*a, m_sortColumn).less(sortKey(*b, m_sortColumn), descending);
}

int RunsTableModel::insertPosition(const Row* row) const
{
    const auto it = std::lower_bound(m_order.begin(), m_order.end(), row,
        [this](const Row* a, const Row* b) { return less(a, b); });
    return static_cast<int>(it - m_order.begin());
}

int RunsTableModel::findPosition(const Row* row) const
{
    const int guess = insertPosition(row);
    if (guess < static_cast<int>(m_order.size()) && m_order[static_cast<std::size_t>(guess)] == row)
        return guess;
    // Its key changed under us (a name became shared): look it up the slow way.
    const auto it = std::find(m_order.begin(), m_order.end(), row);
    return it == m_order.end() ? -1 : static_cast<int>(it - m_order.begin());
}

void RunsTableModel::sort(int column, Qt::SortOrder order)
{
    if (column >= columnCount())
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    rebuildOrder();
}

bool RunsTableModel::passes(const Row& row) const
{
    if (m_filter.isEmpty())
        return true;
    return m_filter.matches(
        [this, &row](int column) { return cellOf(row, column); }, m_textColumns);
}

void RunsTableModel::rebuildOrder()
{
    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    std::vector<const Row*> rowsBefore;
    rowsBefore.reserve(static_cast<std::size_t>(before.size()));
    for (const QModelIndex& index : before)
        rowsBefore.push_back(m_order[static_cast<std::size_t>(index.row())]);

    std::vector<Row*> order;
    order.reserve(m_rows.size());
    for (const auto& row : m_rows) {
        row->visible = passes(*row);
        if (row->visible)
            order.push_back(row.get());
    }
    // Keys read once per row, then sorted by index: no cell is built inside the comparisons.
    std::vector<SortKey> keys(order.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        keys[i] = sortKey(*order[i], m_sortColumn);
    std::vector<std::size_t> index(order.size());
    for (std::size_t i = 0; i < index.size(); ++i)
        index[i] = i;
    const bool descending = m_sortOrder == Qt::DescendingOrder && m_sortColumn >= 0;
    std::sort(index.begin(), index.end(),
        [&](std::size_t a, std::size_t b) { return keys[a].less(keys[b], descending); });
    m_order.clear();
    for (std::size_t i : index)
        m_order.push_back(order[i]);

    QHash<const Row*, int> position;
    if (!before.isEmpty()) {
        for (std::size_t i = 0; i < m_order.size(); ++i)
            position.insert(m_order[i], static_cast<int>(i));
    }
    QModelIndexList after;
    after.reserve(before.size());
    for (qsizetype i = 0; i < before.size(); ++i) {
        const auto it = position.constFind(rowsBefore[static_cast<std::size_t>(i)]);
        after << (it == position.cend() ? QModelIndex() : createIndex(*it, before[i].column()));
    }
    changePersistentIndexList(before, after);
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

// --- filter and colours ------------------------------------------------------------------------

QString RunsTableModel::setFilter(const QString& expression)
{
    m_filterText = expression;
    m_filter = RunFilter(expression);
    // A filter on a series that has no result columns yet brings them in (val_acc > 0.9).
    for (const RunFilter::Term& term : m_filter.terms()) {
        if (term.field.isEmpty() || columnIndex(term.field) >= 0)
            continue;
        QString series = term.field;
        const qsizetype colon = series.lastIndexOf(QLatin1Char(':'));
        if (colon > 0)
            series = series.left(colon);
        for (const QString& key : std::as_const(m_seriesKeys)) {
            if (key == series || key.endsWith(QLatin1Char('/') + series)) {
                m_resultKeysChosen = true;
                addResultKey(key);
                break;
            }
        }
    }
    m_filter.bind([this](const QString& field) { return columnIndex(field); });
    m_textColumns = { NameColumn, StateColumn, SourceColumn };
    for (int i = 0; i < m_fieldNames.size(); ++i)
        m_textColumns.push_back(FixedColumnCount + i);
    rebuildOrder();
    emit filterErrorChanged(m_filter.error());
    return m_filter.error();
}

void RunsTableModel::setColorBy(const QString& field)
{
    m_colorBy = field;
    recolor();
}

void RunsTableModel::recolor()
{
    std::vector<FieldValue> keys;
    keys.reserve(m_rows.size());
    for (const auto& row : m_rows) {
        if (m_colorBy.isEmpty()) {
            // By run: each run keeps its colour (ranks of one job apart by their rank).
            QString key = row->run ? row->run->id : QString::number(row->runId);
            if (!row->rank.isEmpty())
                key += QStringLiteral(" rank ") + row->rank;
            keys.push_back(FieldValue { key, SeriesResult::NaN, false, true });
        } else {
            const QString text = row->run ? runGroupKey(*row->run, m_colorBy) : QString();
            keys.push_back(text.isEmpty() ? FieldValue {} : FieldValue::fromText(text));
        }
    }
    const std::vector<Rgb> colors = m_colorBy.isEmpty()
        ? [&] {
              std::vector<Rgb> out;
              out.reserve(keys.size());
              for (const FieldValue& k : keys)
                  out.push_back(m_colors.categorical(k.text));
              m_colorRange = {};
              return out;
          }()
        : m_colors.colorsFor(keys, &m_colorRange);
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        m_rows[i]->color = colors[i];
    if (!m_order.empty())
        emit dataChanged(index(0, ColorColumn), index(rowCount() - 1, ColorColumn));
    emit colorsChanged({});
}

// --- rows --------------------------------------------------------------------------------------

void RunsTableModel::countFields(const Row& row, int delta)
{
    for (std::size_t i = 0; i < row.fields.size(); ++i) {
        if (!row.fields[i].present)
            continue;
        FieldStats& stats = m_fieldStats[i];
        stats.present += delta;
        int& n = stats.values[row.fields[i].text];
        n += delta;
        if (n <= 0)
            stats.values.remove(row.fields[i].text);
    }
}

void RunsTableModel::updateConstant(int fieldIndex)
{
    FieldStats& stats = m_fieldStats[static_cast<std::size_t>(fieldIndex)];
    const bool constant = m_rows.size() >= 2 && stats.present == static_cast<int>(m_rows.size())
        && stats.values.size() == 1;
    if (constant != stats.constant) {
        stats.constant = constant;
        const int column = FixedColumnCount + fieldIndex;
        emit headerDataChanged(Qt::Horizontal, column, column);
    }
}

void RunsTableModel::refreshState(Row& row)
{
    RunStateInput input;
    input.followed = row.followed;
    input.laterRunInFile =
        row.run && m_lastRunOfFile.value(row.run->sourcePath, row.runId) != row.runId;
    input.recentRecords = m_now() - row.lastAppendMsecs < QuietAfterMsecs;
    for (const SeriesResult& r : row.results)
        input.nonFiniteWatched = input.nonFiniteWatched || r.hasNonFinite();
    row.state = row.run ? classifyRun(*row.run, input) : RunState::Finished;
}

void RunsTableModel::refreshRow(Row& row, bool isNew)
{
    const Run& run = *row.run;
    row.followed = m_source.followed ? m_source.followed(row.runId) : false;
    row.lastAppendMsecs = m_now();
    row.records = static_cast<qint64>(run.records.size());
    if (run.records.size() > 0) {
        row.start = run.records.firstTime();
        row.duration =
            run.records.time(static_cast<std::uint32_t>(run.records.size() - 1)) - row.start;
    }
    if (isNew || row.baseName != run.displayName) {
        if (!isNew)
            --m_nameCount[row.baseName];
        row.baseName = run.displayName;
        if (++m_nameCount[row.baseName] == 2)
            m_namesShared = true; // the other run of that name is now told apart too
    }
    row.file = run.sourcePath == QLatin1String("-") ? QStringLiteral("stdin")
                                                    : QFileInfo(run.sourcePath).fileName();
    if (const QString remote = RemoteUrl::shownNameOf(run.sourcePath); !remote.isEmpty())
        row.file = remote; // "node1:rank0.jsonl": two hosts' rank0.jsonl are two names

    if (isNew || !(row.info == run.info)) {
        if (!isNew)
            countFields(row, -1);
        row.info = run.info;
        row.rank = FieldValue::fromVariant(run.info.value(QStringLiteral("rank"))).text;
        std::size_t dropped = 0;
        const std::vector<FlatField> flat = flattenFields(run.info, MaxFieldColumns, &dropped);
        m_droppedFields += dropped;
        row.fields.assign(row.fields.size(), FieldValue {});
        for (const FlatField& f : flat) {
            auto it = m_fieldIndex.constFind(f.name);
            int i = -1;
            if (it != m_fieldIndex.cend()) {
                i = *it;
            } else if (static_cast<std::size_t>(m_fieldNames.size()) < MaxFieldColumns) {
                i = static_cast<int>(m_fieldNames.size());
                const int column = FixedColumnCount + i;
                beginInsertColumns(QModelIndex(), column, column);
                m_fieldNames << f.name;
                m_fieldIndex.insert(f.name, i);
                m_fieldStats.emplace_back();
                endInsertColumns();
                m_textColumns.push_back(column);
                // Result columns moved one to the right: the filter's columns are bound again.
                if (!m_filter.isEmpty()) {
                    m_filter = RunFilter(m_filterText);
                    m_filter.bind([this](const QString& field) { return columnIndex(field); });
                }
            } else {
                ++m_droppedFields;
                continue;
            }
            if (row.fields.size() <= static_cast<std::size_t>(i))
                row.fields.resize(static_cast<std::size_t>(i) + 1);
            row.fields[static_cast<std::size_t>(i)] = f.value;
        }
        countFields(row, +1);
        for (int i = 0; i < m_fieldNames.size(); ++i)
            updateConstant(i); // O(fields): a run_begin arrives once per run
    }

    // New series keys (for the default result columns and the CSV of every series).
    for (const Series& s : run.series) {
        const QString key = s.key();
        if (!m_seriesKeyIndex.contains(key)) {
            m_seriesKeyIndex.insert(key, static_cast<int>(m_seriesKeys.size()));
            m_seriesKeys << key;
        }
    }
    if (row.results.size() < static_cast<std::size_t>(m_resultKeys.size())) {
        for (qsizetype i = static_cast<qsizetype>(row.results.size()); i < m_resultKeys.size(); ++i)
            row.results.emplace_back(m_resultKeys[i]);
    }
    for (SeriesResult& r : row.results)
        r.update(run);
    refreshState(row);
}

void RunsTableModel::placeRow(Row* row, int oldPosition)
{
    const bool pass = passes(*row);
    const int last = columnCount() - 1;
    if (oldPosition < 0) {
        if (!pass)
            return;
        const int position = insertPosition(row);
        beginInsertRows(QModelIndex(), position, position);
        m_order.insert(m_order.begin() + position, row);
        row->visible = true;
        endInsertRows();
        return;
    }
    if (!pass) {
        beginRemoveRows(QModelIndex(), oldPosition, oldPosition);
        m_order.erase(m_order.begin() + oldPosition);
        row->visible = false;
        endRemoveRows();
        return;
    }
    const std::size_t p = static_cast<std::size_t>(oldPosition);
    const bool inOrder = (p == 0 || less(m_order[p - 1], row))
        && (p + 1 == m_order.size() || less(row, m_order[p + 1]));
    if (inOrder) {
        emit dataChanged(index(oldPosition, 0), index(oldPosition, last));
        return;
    }
    m_order.erase(m_order.begin() + oldPosition);
    const int position = insertPosition(row);
    // beginMoveRows counts the destination before the move: past the old row, one more.
    const int destination = position >= oldPosition ? position + 1 : position;
    m_order.insert(m_order.begin() + oldPosition, row);
    beginMoveRows(QModelIndex(), oldPosition, oldPosition, QModelIndex(), destination);
    m_order.erase(m_order.begin() + oldPosition);
    m_order.insert(m_order.begin() + position, row);
    endMoveRows();
    emit dataChanged(index(position, 0), index(position, last));
}

void RunsTableModel::updateRuns(const QList<int>& runIds)
{
    if (!m_source.run)
        return;
    const int fieldsBefore = static_cast<int>(m_fieldNames.size());
    bool recolorAll = false;
    QList<int> previousInFile; // runs that stopped being the last of their file
    for (int runId : runIds) {
        const Run* run = m_source.run(runId);
        if (!run)
            continue;
        Row* row = m_byId.value(runId);
        if (!row) {
            auto owned = std::make_unique<Row>();
            row = owned.get();
            row->runId = runId;
            row->run = run;
            m_rows.push_back(std::move(owned));
            m_byId.insert(runId, row);
            const int previous = m_lastRunOfFile.value(run->sourcePath, -1);
            if (previous < runId) {
                m_lastRunOfFile.insert(run->sourcePath, runId);
                if (previous >= 0)
                    previousInFile << previous;
            }
            refreshRow(*row, true);
            recolorAll = true;
            placeRow(row, -1);
            continue;
        }
        const int oldPosition = row->visible ? findPosition(row) : -1;
        row->run = run;
        refreshRow(*row, false);
        placeRow(row, oldPosition);
    }
    // A field that was constant may differ now: new columns need the filter's text columns too.
    if (fieldsBefore != m_fieldNames.size() && !m_filterText.isEmpty())
        m_filter.bind([this](const QString& field) { return columnIndex(field); });
    applyDefaultResultKeys();
    if (m_namesShared && !m_order.empty()) {
        m_namesShared = false;
        emit dataChanged(index(0, NameColumn), index(rowCount() - 1, NameColumn));
    }
    for (int id : std::as_const(previousInFile)) {
        if (Row* row = m_byId.value(id)) {
            const int oldPosition = row->visible ? findPosition(row) : -1;
            refreshState(*row);
            placeRow(row, oldPosition);
        }
    }
    if (recolorAll) {
        // By run, only the new rows need a colour; by a numeric field the range may have grown.
        if (m_colorBy.isEmpty()) {
            for (int runId : runIds) {
                Row* row = m_byId.value(runId);
                if (!row || !row->run)
                    continue;
                QString key = row->run->id;
                if (!row->rank.isEmpty())
                    key += QStringLiteral(" rank ") + row->rank;
                row->color = m_colors.categorical(key);
            }
            emit colorsChanged(runIds);
        } else {
            recolor();
        }
    }
}

void RunsTableModel::removeRun(int runId)
{
    Row* row = m_byId.value(runId);
    if (!row)
        return;
    if (row->visible) {
        const int position = findPosition(row);
        if (position >= 0) {
            beginRemoveRows(QModelIndex(), position, position);
            m_order.erase(m_order.begin() + position);
            endRemoveRows();
        }
    }
    countFields(*row, -1);
    --m_nameCount[row->baseName];
    m_byId.remove(runId);
    const auto it = std::find_if(m_rows.begin(), m_rows.end(),
        [row](const std::unique_ptr<Row>& r) { return r.get() == row; });
    m_rows.erase(it);
    for (int i = 0; i < m_fieldNames.size(); ++i)
        updateConstant(i);
}

void RunsTableModel::refreshStates()
{
    const int last = columnCount() - 1;
    for (const auto& row : m_rows) {
        if (!row->followed)
            continue;
        const RunState before = row->state;
        refreshState(*row);
        if (row->state != before && row->visible) {
            const int position = findPosition(row.get());
            if (m_sortColumn == StateColumn || !m_filter.isEmpty()) {
                placeRow(row.get(), position);
            } else if (position >= 0) {
                emit dataChanged(index(position, 0), index(position, last));
            }
        }
    }
}

} // namespace viewer
