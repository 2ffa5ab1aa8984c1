#include "runs_table_model.hpp"

#include "enum_names.hpp"
#include "run.hpp"
#include "run_grouping.hpp"
#include "runs_table_model_p.hpp"
#include "workspace.hpp"

#include <QDateTime>
#include <QFileInfo>

#include <algorithm>
#include <cmath>

namespace viewer {

namespace {

QString fixedColumnName(int column)
{
    static constexpr EnumNames<int, 7> Names { { { RunsTableModel::ColorColumn, "color" },
        { RunsTableModel::NameColumn, "name" }, { RunsTableModel::StateColumn, "state" },
        { RunsTableModel::SourceColumn, "source" }, { RunsTableModel::StartColumn, "start" },
        { RunsTableModel::DurationColumn, "duration" },
        { RunsTableModel::RecordsColumn, "records" } } };
    return nameOf(Names, column);
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

QString RunsTableModel::nameOfRun(int runId) const
{
    const Row* row = m_byId.value(runId);
    return row ? nameOf(*row) : QString();
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

} // namespace viewer
