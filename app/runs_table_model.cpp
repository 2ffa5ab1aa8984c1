#include "runs_table_model.hpp"

#include "run.hpp"
#include "run_grouping.hpp"
#include "ssh_command.hpp"
#include "workspace.hpp"

#include <QDateTime>
#include <QFileInfo>

#include <algorithm>
#include <cmath>

namespace viewer {

namespace {

QString fixedColumnName(int column)
{
    switch (column) {
    case RunsTableModel::ColorColumn:
        return QStringLiteral("color");
    case RunsTableModel::NameColumn:
        return QStringLiteral("name");
    case RunsTableModel::StateColumn:
        return QStringLiteral("state");
    case RunsTableModel::SourceColumn:
        return QStringLiteral("source");
    case RunsTableModel::StartColumn:
        return QStringLiteral("start");
    case RunsTableModel::DurationColumn:
        return QStringLiteral("duration");
    case RunsTableModel::RecordsColumn:
        return QStringLiteral("records");
    default:
        return {};
    }
}

QString resultSuffix(int kind)
{
    switch (static_cast<RunsTableModel::ResultKind>(kind)) {
    case RunsTableModel::ResultKind::Last:
        return QStringLiteral(":last");
    case RunsTableModel::ResultKind::Min:
        return QStringLiteral(":min");
    case RunsTableModel::ResultKind::Max:
        return QStringLiteral(":max");
    case RunsTableModel::ResultKind::BestStep:
        return QStringLiteral(":best_step");
    }
    return {};
}

QString durationText(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return {};
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds, 0, 'f', 1);
    const qint64 s = static_cast<qint64>(seconds);
    if (s < 3600)
        return QStringLiteral("%1m %2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1h %2m").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

} // namespace

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

RunsTableModel::RunsTableModel(QObject* parent)
    : QAbstractTableModel(parent)
    , m_now([] { return QDateTime::currentMSecsSinceEpoch(); })
{
}

RunsTableModel::~RunsTableModel() = default;

void RunsTableModel::setWorkspace(Workspace* workspace)
{
    m_workspace = workspace;
    RunSource source;
    source.run = [workspace](int runId) { return workspace->run(runId); };
    source.followed = [workspace](int runId) {
        const int sourceId = workspace->sourceOfRun(runId);
        return sourceId >= 0
            && workspace->source(sourceId).state == Workspace::SourceState::Following;
    };
    setRunSource(source);
    connect(workspace, &Workspace::runAdded, this, [this](int runId) { updateRuns({ runId }); });
    connect(workspace, &Workspace::runsAppended, this, &RunsTableModel::updateRuns);
    connect(workspace, &Workspace::runRemoved, this, &RunsTableModel::removeRun);
    connect(workspace, &Workspace::sourceStateChanged, this, [this](int sourceId) {
        // Following -> idle turns live runs into finished ones: the runs of that source only.
        QList<int> ids;
        for (const auto& row : m_rows) {
            if (m_workspace->sourceOfRun(row->runId) == sourceId)
                ids << row->runId;
        }
        QList<int> changed;
        for (int id : std::as_const(ids)) {
            Row* row = m_byId.value(id);
            const bool followed = m_source.followed(id);
            if (row && followed != row->followed)
                changed << id;
        }
        if (!changed.isEmpty())
            updateRuns(changed);
    });
    updateRuns(workspace->runIds());
}

void RunsTableModel::setRunSource(RunSource source)
{
    m_source = std::move(source);
}

void RunsTableModel::setClock(std::function<qint64()> msecsNow)
{
    m_now = std::move(msecsNow);
}

// --- columns -----------------------------------------------------------------------------------

int RunsTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_order.size());
}

int RunsTableModel::columnCount(const QModelIndex& parent) const
{
    if (parent.isValid())
        return 0;
    return FixedColumnCount + static_cast<int>(m_fieldNames.size())
        + static_cast<int>(m_resultKeys.size()) * ResultsPerSeries;
}

QString RunsTableModel::columnName(int column) const
{
    if (column < 0)
        return {};
    if (column < FixedColumnCount)
        return fixedColumnName(column);
    column -= FixedColumnCount;
    if (column < m_fieldNames.size())
        return m_fieldNames[column];
    column -= static_cast<int>(m_fieldNames.size());
    const int series = column / ResultsPerSeries;
    if (series < m_resultKeys.size())
        return m_resultKeys[series] + resultSuffix(column % ResultsPerSeries);
    return {};
}

int RunsTableModel::columnIndex(const QString& name) const
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return -1;
    for (int c = 0; c < FixedColumnCount; ++c) {
        if (fixedColumnName(c).compare(trimmed, Qt::CaseInsensitive) == 0)
            return c;
    }
    const auto field = m_fieldIndex.constFind(trimmed);
    if (field != m_fieldIndex.cend())
        return FixedColumnCount + *field;
    // Result columns: "epoch_end/val_acc:last", "val_acc:last", "val_acc" (its last value).
    QString series = trimmed;
    int kind = static_cast<int>(ResultKind::Last);
    const qsizetype colon = trimmed.lastIndexOf(QLatin1Char(':'));
    if (colon > 0) {
        const QString suffix = trimmed.mid(colon);
        for (int k = 0; k < ResultsPerSeries; ++k) {
            if (resultSuffix(k) == suffix) {
                kind = k;
                series = trimmed.left(colon);
            }
        }
    }
    const int base = FixedColumnCount + static_cast<int>(m_fieldNames.size());
    for (int s = 0; s < m_resultKeys.size(); ++s) {
        if (m_resultKeys[s] == series)
            return base + s * ResultsPerSeries + kind;
    }
    for (int s = 0; s < m_resultKeys.size(); ++s) {
        if (m_resultKeys[s].endsWith(QLatin1Char('/') + series))
            return base + s * ResultsPerSeries + kind;
    }
    return -1;
}

bool RunsTableModel::isHiddenByDefault(int column) const
{
    const int field = column - FixedColumnCount;
    return field >= 0 && field < static_cast<int>(m_fieldStats.size())
        && m_fieldStats[static_cast<std::size_t>(field)].constant;
}

QVariant RunsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        if (section == ColorColumn)
            return QString();
        return columnName(section);
    case Qt::ToolTipRole:
        return columnName(section).toHtmlEscaped();
    case ColumnNameRole:
        return columnName(section);
    case HiddenByDefaultRole:
        return isHiddenByDefault(section);
    default:
        return {};
    }
}

// --- cells -------------------------------------------------------------------------------------

QString RunsTableModel::nameOf(const Row& row) const
{
    if (m_nameCount.value(row.baseName) < 2)
        return row.baseName;
    // 8 ranks of one job share run_begin's id: the rank (else the file) tells them apart.
    if (!row.rank.isEmpty())
        return QStringLiteral("%1 rank %2").arg(row.baseName, row.rank);
    return QStringLiteral("%1 (%2)").arg(row.baseName, row.file);
}

FieldValue RunsTableModel::cellOf(const Row& row, int column) const
{
    switch (column) {
    case ColorColumn:
        return {};
    case NameColumn:
        return FieldValue { nameOf(row), SeriesResult::NaN, false, true };
    case StateColumn:
        return FieldValue { runStateName(row.state), SeriesResult::NaN, false, true };
    case SourceColumn:
        return FieldValue { row.file, SeriesResult::NaN, false, true };
    case StartColumn: {
        if (!std::isfinite(row.start))
            return {};
        FieldValue v = FieldValue::fromNumber(row.start);
        v.text = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(row.start * 1000.0))
                     .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        return v;
    }
    case DurationColumn: {
        if (!std::isfinite(row.duration))
            return {};
        FieldValue v = FieldValue::fromNumber(row.duration);
        v.text = durationText(row.duration);
        return v;
    }
    case RecordsColumn:
        return FieldValue::fromNumber(static_cast<double>(row.records));
    default:
        break;
    }
    int c = column - FixedColumnCount;
    if (c < 0)
        return {};
    if (c < m_fieldNames.size()) {
        const std::size_t i = static_cast<std::size_t>(c);
        return i < row.fields.size() ? row.fields[i] : FieldValue {};
    }
    c -= static_cast<int>(m_fieldNames.size());
    const std::size_t series = static_cast<std::size_t>(c / ResultsPerSeries);
    if (series >= row.results.size() || !row.results[series].present())
        return {};
    const SeriesResult& r = row.results[series];
    switch (static_cast<ResultKind>(c % ResultsPerSeries)) {
    case ResultKind::Last:
        return FieldValue::fromNumber(r.last());
    case ResultKind::Min:
        return std::isfinite(r.min()) ? FieldValue::fromNumber(r.min()) : FieldValue {};
    case ResultKind::Max:
        return std::isfinite(r.max()) ? FieldValue::fromNumber(r.max()) : FieldValue {};
    case ResultKind::BestStep:
        return std::isfinite(r.bestStep()) ? FieldValue::fromNumber(r.bestStep()) : FieldValue {};
    }
    return {};
}

FieldValue RunsTableModel::cell(int row, int column) const
{
    if (row < 0 || row >= static_cast<int>(m_order.size()))
        return {};
    return cellOf(*m_order[static_cast<std::size_t>(row)], column);
}

int RunsTableModel::runIdAt(int row) const
{
    if (row < 0 || row >= static_cast<int>(m_order.size()))
        return -1;
    return m_order[static_cast<std::size_t>(row)]->runId;
}

int RunsTableModel::rowOfRun(int runId) const
{
    const Row* row = m_byId.value(runId);
    return row && row->visible ? findPosition(row) : -1;
}

Rgb RunsTableModel::colorOf(int runId) const
{
    const Row* row = m_byId.value(runId);
    return row ? row->color : 0;
}

QString RunsTableModel::groupKeyOf(int runId, const QString& field) const
{
    const Row* row = m_byId.value(runId);
    return row && row->run ? runGroupKey(*row->run, field) : QString();
}

QVariant RunsTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= static_cast<int>(m_order.size()))
        return {};
    const Row& row = *m_order[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole: {
        return cellOf(row, index.column()).text;
    }
    case Qt::ToolTipRole:
        if (index.column() == SourceColumn && row.run)
            return row.run->sourcePath.toHtmlEscaped();
        return cellOf(row, index.column()).text.toHtmlEscaped();
    case Qt::TextAlignmentRole: {
        const FieldValue v = cellOf(row, index.column());
        return QVariant::fromValue(v.isNumber && index.column() != StartColumn
                ? Qt::AlignRight | Qt::AlignVCenter
                : Qt::AlignLeft | Qt::AlignVCenter);
    }
    case RunIdRole:
        return row.runId;
    case ColorRole:
        return static_cast<uint>(row.color);
    case StateRole:
        return static_cast<int>(row.state);
    case IsNumberRole:
        return cellOf(row, index.column()).isNumber;
    case SortRole: {
        const FieldValue v = cellOf(row, index.column());
        return v.isNumber ? QVariant(v.number) : QVariant(v.text);
    }
    default:
        return {};
    }
}

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
    emit colorsChanged();
}

// --- result columns ----------------------------------------------------------------------------

void RunsTableModel::setResultKeys(const QStringList& keys)
{
    beginResetModel();
    m_resultKeysChosen = true;
    m_resultKeys.clear();
    for (const QString& key : keys) {
        if (!m_resultKeys.contains(key))
            m_resultKeys << key;
    }
    for (const auto& row : m_rows) {
        row->results.clear();
        for (const QString& key : std::as_const(m_resultKeys)) {
            row->results.emplace_back(key);
            if (row->run)
                row->results.back().update(*row->run);
        }
    }
    endResetModel();
    if (!m_filterText.isEmpty())
        setFilter(m_filterText);
}

void RunsTableModel::addResultKey(const QString& key)
{
    if (m_resultKeys.contains(key))
        return;
    const int first = columnCount();
    beginInsertColumns(QModelIndex(), first, first + ResultsPerSeries - 1);
    m_resultKeys << key;
    for (const auto& row : m_rows) {
        row->results.emplace_back(key);
        if (row->run)
            row->results.back().update(*row->run);
        refreshState(*row); // a NaN in the new series makes its run diverged
    }
    endInsertColumns();
    if (!m_order.empty())
        emit dataChanged(index(0, StateColumn), index(rowCount() - 1, StateColumn));
}

void RunsTableModel::applyDefaultResultKeys()
{
    if (m_resultKeysChosen)
        return;
    for (const QString& key : SeriesResult::defaultKeys(m_seriesKeys))
        addResultKey(key);
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
            emit colorsChanged();
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
