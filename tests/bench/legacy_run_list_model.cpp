#include "legacy_run_list_model.hpp"

#include "plain_label.hpp"
#include "plain_tool_tip.hpp"
#include "workspace.hpp"

#include <QBrush>
#include <QDateTime>
#include <QFileInfo>
#include <QFont>
#include <QLocale>

#include <algorithm>
#include <climits>

namespace viewer {

namespace {

// Source rows carry internal id 0; run rows carry their source id + 1, which stays valid
// whatever rows are inserted or removed around them.
constexpr quintptr SourceRowId = 0;

const QColor ProblemColor(0xd0, 0x30, 0x30);

QString linesText(std::size_t n, const QString& singular, const QString& plural)
{
    return n == 1 ? QStringLiteral("1 ") + singular
                  : QLocale().toString(qulonglong(n)) + QLatin1Char(' ') + plural;
}

QString notRecordsText(std::size_t n)
{
    return n == 1 ? LegacyRunListModel::tr("1 line is not a record: click to see it")
                  : LegacyRunListModel::tr("%1 lines are not records: click to see them")
                        .arg(QLocale().toString(qulonglong(n)));
}

QString sourceName(const QString& path)
{
    if (path == QLatin1String("-"))
        return LegacyRunListModel::tr("standard input");
    const QFileInfo info(path);
    const QString name = info.fileName();
    return name.isEmpty() ? path : name;
}

} // namespace

LegacyRunListModel::LegacyRunListModel(Workspace* workspace, QObject* parent)
    : QAbstractItemModel(parent)
    , m_workspace(workspace)
{
    connect(workspace, &Workspace::sourceStateChanged, this, &LegacyRunListModel::sync);
    connect(workspace, &Workspace::loadFinished, this, &LegacyRunListModel::sync);
    connect(workspace, &Workspace::runAdded, this, &LegacyRunListModel::sync);
    connect(workspace, &Workspace::runRemoved, this, &LegacyRunListModel::sync);
    connect(workspace, &Workspace::sourceReset, this, &LegacyRunListModel::sync);
    connect(workspace, &Workspace::runsAppended, this, &LegacyRunListModel::sync);
    connect(workspace, &Workspace::loadProgress, this, [this](int sourceId) {
        const QModelIndex state = indexOfSource(sourceId, StateColumn);
        if (state.isValid())
            emit dataChanged(state, state, { Qt::DisplayRole, StateTextRole });
    });
    sync();
}

void LegacyRunListModel::setColorProvider(ColorProvider provider)
{
    m_color = std::move(provider);
    sync();
}

int LegacyRunListModel::sourceRow(int sourceId) const
{
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].sourceId == sourceId)
            return int(i);
    }
    return -1;
}

QModelIndex LegacyRunListModel::indexOfSource(int sourceId, int column) const
{
    const int row = sourceRow(sourceId);
    return row < 0 ? QModelIndex() : createIndex(row, column, SourceRowId);
}

QModelIndex LegacyRunListModel::indexOfRun(int runId, int column) const
{
    for (const SourceRow& source : m_rows) {
        const auto it = std::find(source.runIds.begin(), source.runIds.end(), runId);
        if (it != source.runIds.end())
            return createIndex(
                int(it - source.runIds.begin()), column, quintptr(source.sourceId) + 1);
    }
    return {};
}

void LegacyRunListModel::sync()
{
    const QList<int> sources = m_workspace->sourceIds();
    const QList<int> runs = m_workspace->runIds();

    // Sources that are gone, with their runs.
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (!sources.contains(m_rows[std::size_t(row)].sourceId)) {
            beginRemoveRows(QModelIndex(), row, row);
            for (int runId : m_rows[std::size_t(row)].runIds)
                m_hidden.remove(runId);
            m_rows.erase(m_rows.begin() + row);
            endRemoveRows();
        }
    }
    // New sources, at the end.
    for (int sourceId : sources) {
        if (sourceRow(sourceId) < 0) {
            const int row = int(m_rows.size());
            beginInsertRows(QModelIndex(), row, row);
            const QString path = m_workspace->source(sourceId).path;
            m_rows.push_back(
                { sourceId, {}, path != QLatin1String("-") && QFileInfo(path).isDir() });
            endInsertRows();
        }
    }
    // Runs gone or new, per source.
    for (std::size_t s = 0; s < m_rows.size(); ++s) {
        const QModelIndex parent = createIndex(int(s), 0, SourceRowId);
        SourceRow& source = m_rows[s];
        for (int r = int(source.runIds.size()) - 1; r >= 0; --r) {
            const int runId = source.runIds[std::size_t(r)];
            if (!runs.contains(runId) || m_workspace->sourceOfRun(runId) != source.sourceId) {
                beginRemoveRows(parent, r, r);
                source.runIds.erase(source.runIds.begin() + r);
                m_hidden.remove(runId);
                endRemoveRows();
            }
        }
        for (int runId : runs) {
            if (m_workspace->sourceOfRun(runId) != source.sourceId
                || std::find(source.runIds.begin(), source.runIds.end(), runId)
                    != source.runIds.end())
                continue;
            const int r = int(source.runIds.size());
            beginInsertRows(parent, r, r);
            source.runIds.push_back(runId);
            endInsertRows();
        }
    }
    // Everything else (states, counts) may have changed.
    if (m_rows.empty())
        return;
    emit dataChanged(createIndex(0, 0, SourceRowId),
        createIndex(int(m_rows.size()) - 1, ColumnCount - 1, SourceRowId));
    for (const SourceRow& source : m_rows) {
        if (source.runIds.empty())
            continue;
        const quintptr id = quintptr(source.sourceId) + 1;
        emit dataChanged(
            createIndex(0, 0, id), createIndex(int(source.runIds.size()) - 1, ColumnCount - 1, id));
    }
}

void LegacyRunListModel::setRunVisible(int runId, bool visible)
{
    if (visible == !m_hidden.contains(runId))
        return;
    if (visible)
        m_hidden.remove(runId);
    else
        m_hidden.insert(runId);
    const QModelIndex index = indexOfRun(runId);
    if (index.isValid()) {
        emit dataChanged(index, index, { Qt::CheckStateRole });
        const QModelIndex source = index.parent();
        emit dataChanged(source, source, { Qt::CheckStateRole });
    }
    emit runVisibilityChanged(runId, visible);
}

QString LegacyRunListModel::stateText(int sourceId) const
{
    const Workspace::SourceInfo info = m_workspace->source(sourceId);
    const int row = sourceRow(sourceId);
    const bool hasRuns = row >= 0 && !m_rows[std::size_t(row)].runIds.empty();
    switch (info.state) {
    case Workspace::SourceState::Loading:
        if (info.bytesTotal > 0)
            return tr("loading %1%")
                .arg(int(100.0 * double(info.bytesDone) / double(info.bytesTotal)));
        return tr("loading");
    case Workspace::SourceState::Following: {
        if (!hasRuns)
            return tr("live, no records yet");
        const qint64 age = QDateTime::currentMSecsSinceEpoch() - info.lastAppendMsecs;
        return info.lastAppendMsecs > 0 && age < QuietAfterMsecs ? tr("live") : tr("live, quiet");
    }
    case Workspace::SourceState::Waiting:
        return tr("waiting for the file");
    case Workspace::SourceState::Idle:
        return hasRuns ? tr("idle") : tr("no records");
    case Workspace::SourceState::Failed:
        return tr("failed");
    }
    return QString();
}

QString LegacyRunListModel::problemOf(int sourceId) const
{
    const int row = sourceRow(sourceId);
    if (row < 0)
        return QString();
    const Workspace::SourceInfo info = m_workspace->source(sourceId);
    const QString name = info.path == QLatin1String("-") ? tr("standard input") : info.path;
    // The engine's messages often name the path already.
    auto withName = [&](const QString& message) {
        return message.contains(info.path) ? message : tr("%1: %2").arg(name, message);
    };
    if (info.state == Workspace::SourceState::Failed)
        return info.message.isEmpty() ? tr("%1: could not be read").arg(name)
                                      : withName(info.message);
    // One wording whatever the follower's message, so that the problem is reported once.
    if (info.state == Workspace::SourceState::Waiting)
        return tr("%1 does not exist (yet); waiting for it to appear").arg(name);
    if (info.state != Workspace::SourceState::Idle
        && info.state != Workspace::SourceState::Following)
        return QString();
    // V20: a last line without its newline is named, never dropped in silence.
    QStringList incomplete;
    for (const Workspace::IncompleteLine& line : info.incompleteLines)
        incomplete << line.describe(info.path, info.state == Workspace::SourceState::Idle);
    const SourceRow& source = m_rows[std::size_t(row)];
    if (source.runIds.empty() && !incomplete.isEmpty())
        return tr("%1: no records; %2").arg(name, incomplete.join(QStringLiteral("; ")));
    if (source.runIds.empty()) {
        // A live file may still get records; a finished one will not; a folder says so at once.
        if (source.isFolder)
            return tr("%1: no runs in this folder (no *.jsonl file with records)%2")
                .arg(name,
                    info.state == Workspace::SourceState::Following
                        ? tr("; new files will be picked up")
                        : QString());
        if (info.state == Workspace::SourceState::Idle)
            return tr("%1: no records (the file is empty or holds no JSON object lines)").arg(name);
        return QString();
    }
    std::size_t records = 0;
    std::size_t malformed = 0;
    std::size_t listed = 0;
    for (int runId : source.runIds) {
        if (const Run* run = m_workspace->run(runId)) {
            records += run->records.size();
            malformed += run->malformedCount;
            listed += run->malformed.size();
        }
    }
    QStringList warnings;
    for (int runId : source.runIds) {
        if (const Run* run = m_workspace->run(runId))
            warnings += run->warnings;
    }
    warnings.removeDuplicates();
    warnings += incomplete;
    if (records == 0 && malformed > 0)
        return tr("%1: not one valid record; %2 (is it a JSON Lines file?)%3")
            .arg(name, linesText(malformed, tr("malformed line"), tr("malformed lines")),
                listed < malformed ? tr("; only the first %1 are listed")
                                         .arg(QLocale().toString(qulonglong(listed)))
                                   : QString());
    if (!warnings.isEmpty())
        return tr("%1: %2").arg(name, warnings.join(QStringLiteral("; ")));
    return QString();
}

QModelIndex LegacyRunListModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid()) {
        if (std::size_t(row) >= m_rows.size())
            return {};
        return createIndex(row, column, SourceRowId);
    }
    if (parent.internalId() != SourceRowId || parent.column() != 0
        || std::size_t(parent.row()) >= m_rows.size())
        return {};
    const SourceRow& source = m_rows[std::size_t(parent.row())];
    if (std::size_t(row) >= source.runIds.size())
        return {};
    return createIndex(row, column, quintptr(source.sourceId) + 1);
}

QModelIndex LegacyRunListModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == SourceRowId)
        return {};
    return indexOfSource(int(child.internalId() - 1));
}

int LegacyRunListModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return int(m_rows.size());
    if (parent.internalId() != SourceRowId || parent.column() != 0
        || std::size_t(parent.row()) >= m_rows.size())
        return 0;
    return int(m_rows[std::size_t(parent.row())].runIds.size());
}

int LegacyRunListModel::columnCount(const QModelIndex& parent) const
{
    Q_UNUSED(parent)
    return ColumnCount;
}

QVariant LegacyRunListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == SourceRowId)
        return sourceData(m_rows[std::size_t(index.row())], index.column(), role);
    const int s = sourceRow(int(index.internalId() - 1));
    if (s < 0)
        return {};
    const SourceRow& source = m_rows[std::size_t(s)];
    return runData(source, source.runIds[std::size_t(index.row())], index.column(), role);
}

QVariant LegacyRunListModel::sourceData(const SourceRow& row, int column, int role) const
{
    const Workspace::SourceInfo info = m_workspace->source(row.sourceId);
    std::size_t records = 0;
    std::size_t malformed = 0;
    int visible = 0;
    for (int runId : row.runIds) {
        if (const Run* run = m_workspace->run(runId)) {
            records += run->records.size();
            malformed += run->malformedCount;
        }
        visible += m_hidden.contains(runId) ? 0 : 1;
    }
    const QString problem = problemOf(row.sourceId);

    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case NameColumn:
            return plainLabel(sourceName(info.path), 60);
        case StateColumn:
            return stateText(row.sourceId);
        case RecordsColumn:
            return QLocale().toString(qulonglong(records));
        case MalformedColumn:
            return malformed ? QLocale().toString(qulonglong(malformed)) : QString();
        default:
            return {};
        }
    case Qt::ToolTipRole: {
        QString text = info.path == QLatin1String("-") ? tr("standard input") : info.path;
        const QString state = stateText(row.sourceId);
        text += QLatin1Char('\n') + state;
        if (!info.message.isEmpty())
            text += QStringLiteral(": ") + info.message;
        if (!problem.isEmpty() && info.state != Workspace::SourceState::Failed)
            text += QLatin1Char('\n') + problem;
        if (column == MalformedColumn && malformed)
            text = notRecordsText(malformed);
        return plainToolTip(text);
    }
    case Qt::CheckStateRole:
        if (column != NameColumn || row.runIds.empty())
            return {};
        if (visible == 0)
            return Qt::Unchecked;
        return visible == int(row.runIds.size()) ? Qt::Checked : Qt::PartiallyChecked;
    case Qt::ForegroundRole:
        if ((column == StateColumn && !problem.isEmpty())
            || (column == MalformedColumn && malformed))
            return QBrush(ProblemColor);
        return {};
    case Qt::FontRole:
        if (column == MalformedColumn && malformed) {
            QFont font;
            font.setUnderline(true);
            return font;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (column == RecordsColumn || column == MalformedColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SourceIdRole:
        return row.sourceId;
    case RunIdRole:
        return -1;
    case IsRunRole:
        return false;
    case RecordCountRole:
        return qulonglong(records);
    case MalformedCountRole:
        return qulonglong(malformed);
    case StateTextRole:
        return info.message.isEmpty()
            ? stateText(row.sourceId)
            : stateText(row.sourceId) + QStringLiteral(": ") + info.message;
    case ProblemRole:
        return problem;
    case PathRole:
        return info.path;
    default:
        return {};
    }
}

QVariant LegacyRunListModel::runData(const SourceRow& row, int runId, int column, int role) const
{
    const Run* run = m_workspace->run(runId);
    if (!run)
        return {};
    const std::size_t records = run->records.size();
    const std::size_t malformed = run->malformedCount;

    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case NameColumn:
            return plainLabel(run->displayName, 60);
        case StateColumn:
            return stateText(row.sourceId);
        case RecordsColumn:
            return QLocale().toString(qulonglong(records));
        case MalformedColumn:
            return malformed ? QLocale().toString(qulonglong(malformed)) : QString();
        default:
            return {};
        }
    case Qt::DecorationRole:
        if (column == NameColumn && m_color)
            return m_color(runId);
        return {};
    case Qt::ToolTipRole: {
        if (column == MalformedColumn && malformed)
            return plainToolTip(notRecordsText(malformed));
        QString text = run->id + QLatin1Char('\n') + run->sourcePath;
        for (auto it = run->info.cbegin(); it != run->info.cend(); ++it) {
            if (it.key() == QLatin1String("ts") || it.key() == QLatin1String("tag"))
                continue;
            text += QLatin1Char('\n') + it.key() + QStringLiteral(": ") + it.value().toString();
        }
        text += tr("\n%1 series, %2 events").arg(run->series.size()).arg(run->events.size());
        for (const QString& warning : run->warnings)
            text += QLatin1Char('\n') + warning;
        return plainToolTip(text);
    }
    case Qt::CheckStateRole:
        if (column == NameColumn)
            return m_hidden.contains(runId) ? Qt::Unchecked : Qt::Checked;
        return {};
    case Qt::ForegroundRole:
        if (column == MalformedColumn && malformed)
            return QBrush(ProblemColor);
        return {};
    case Qt::FontRole:
        if (column == MalformedColumn && malformed) {
            QFont font;
            font.setUnderline(true);
            return font;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (column == RecordsColumn || column == MalformedColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SourceIdRole:
        return row.sourceId;
    case RunIdRole:
        return runId;
    case IsRunRole:
        return true;
    case RecordCountRole:
        return qulonglong(records);
    case MalformedCountRole:
        return qulonglong(malformed);
    case StateTextRole:
        return stateText(row.sourceId);
    case ProblemRole:
        return QString();
    case PathRole:
        return m_workspace->source(row.sourceId).path;
    default:
        return {};
    }
}

bool LegacyRunListModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid)
        || role != Qt::CheckStateRole || index.column() != NameColumn)
        return false;
    const bool visible = value.value<Qt::CheckState>() != Qt::Unchecked;
    if (index.internalId() == SourceRowId) {
        const std::vector<int> runIds = m_rows[std::size_t(index.row())].runIds;
        for (int runId : runIds)
            setRunVisible(runId, visible);
        return !runIds.empty();
    }
    setRunVisible(index.data(RunIdRole).toInt(), visible);
    return true;
}

Qt::ItemFlags LegacyRunListModel::flags(const QModelIndex& index) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid))
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (index.column() == NameColumn)
        f |= Qt::ItemIsUserCheckable;
    if (index.internalId() != SourceRowId)
        f |= Qt::ItemNeverHasChildren;
    return f;
}

QVariant LegacyRunListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case NameColumn:
            return tr("Run");
        case StateColumn:
            return tr("State");
        case RecordsColumn:
            return tr("Records");
        case MalformedColumn:
            return tr("Bad lines");
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole && section == MalformedColumn)
        return tr("Lines that are not records (not JSON, cut short, ...): click a count to see "
                  "their line numbers and reasons");
    return {};
}

} // namespace viewer
