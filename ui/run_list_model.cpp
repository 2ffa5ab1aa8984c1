#include "run_list_model.hpp"

#include "plain_label.hpp"
#include "plain_tool_tip.hpp"
#include "ssh_command.hpp"
#include "workspace.hpp"

#include <QBrush>
#include <QDateTime>
#include <QFileInfo>
#include <QFont>
#include <QLocale>
#include <QPoint>
#include <QTimer>
#include <QVarLengthArray>

#include <algorithm>
#include <climits>

namespace viewer {

namespace {

// Source rows carry internal id 0; run rows carry their source id + 1, which stays valid
// whatever rows are inserted or removed around them.
constexpr quintptr SourceRowId = 0;
// A run name longer than this is cut (at its end) before anything else looks at it.
constexpr int MaxNameChars = 1024;

const QColor ProblemColor(0xd0, 0x30, 0x30);

QString linesText(std::size_t n, const QString& singular, const QString& plural)
{
    return n == 1 ? QStringLiteral("1 ") + singular
                  : QLocale().toString(qulonglong(n)) + QLatin1Char(' ') + plural;
}

QString notRecordsText(std::size_t n)
{
    return n == 1 ? RunListModel::tr("1 line is not a record: click to see it")
                  : RunListModel::tr("%1 lines are not records: click to see them")
                        .arg(QLocale().toString(qulonglong(n)));
}

QString sourceName(const QString& path)
{
    if (path == QLatin1String("-"))
        return RunListModel::tr("standard input");
    QString remote = RemoteUrl::shownNameOf(path); // "node1:job7": says the host
    if (!remote.isEmpty())
        return remote;
    const QFileInfo info(path);
    const QString name = info.fileName();
    return name.isEmpty() ? path : name;
}

// What a file's row and a run's row show alike: the record and bad-line counts, right aligned,
// a non-zero bad-line count red and underlined (clicking it lists them). Invalid otherwise.
QVariant countCell(int column, int role, std::size_t records, std::size_t malformed)
{
    const bool badLines = column == RunListModel::MalformedColumn && malformed > 0;
    switch (role) {
    case Qt::DisplayRole:
        if (column == RunListModel::RecordsColumn)
            return QLocale().toString(qulonglong(records));
        if (column == RunListModel::MalformedColumn)
            return badLines ? QLocale().toString(qulonglong(malformed)) : QString();
        return {};
    case Qt::ForegroundRole:
        return badLines ? QVariant(QBrush(ProblemColor)) : QVariant();
    case Qt::FontRole: {
        if (!badLines)
            return {};
        QFont font;
        font.setUnderline(true);
        return font;
    }
    case Qt::TextAlignmentRole:
        if (column == RunListModel::RecordsColumn || column == RunListModel::MalformedColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case RunListModel::RecordCountRole:
        return qulonglong(records);
    case RunListModel::MalformedCountRole:
        return qulonglong(malformed);
    default:
        return {};
    }
}

} // namespace

RunListModel::RunListModel(Workspace* workspace, QObject* parent)
    : QAbstractItemModel(parent)
    , m_workspace(workspace)
    , m_stateTimer(new QTimer(this))
    , m_titles({ { tr("Run") }, { tr("State") }, { tr("Records") },
          { tr("Bad lines"),
              tr("Lines that are not records (not JSON, cut short, ...): click a count to see "
                 "their line numbers and reasons") } })
{
    connect(workspace, &Workspace::sourceStateChanged, this, &RunListModel::sourceChanged);
    connect(workspace, &Workspace::loadFinished, this, &RunListModel::sourceChanged);
    connect(workspace, &Workspace::runAdded, this, &RunListModel::addRun);
    connect(workspace, &Workspace::runRemoved, this, &RunListModel::removeRun);
    connect(workspace, &Workspace::sourceReset, this,
        [this](int sourceId) { sourceChanged(sourceId); });
    connect(workspace, &Workspace::runsAppended, this, &RunListModel::runsAppended);
    connect(workspace, &Workspace::loadProgress, this, [this](int sourceId) {
        const QModelIndex state = indexOfSource(sourceId, StateColumn);
        if (state.isValid())
            emit dataChanged(state, state, { Qt::DisplayRole, StateTextRole });
    });
    // "live" turns into "live, quiet" with no signal: the clock decides.
    m_stateTimer->setInterval(StateRefreshMsecs);
    connect(m_stateTimer, &QTimer::timeout, this, &RunListModel::refreshStates);
    m_stateTimer->start();
    sync();
}

void RunListModel::setNameProvider(NameProvider provider)
{
    m_nameProvider = std::move(provider);
    namesChanged(m_runs.keys());
}

QString RunListModel::shownName(int runId, const Run& run) const
{
    const QString name = m_nameProvider ? m_nameProvider(runId) : QString();
    return name.isEmpty() ? run.displayName : name;
}

void RunListModel::namesChanged(const QList<int>& runIds)
{
    bool renamed = false;
    for (int runId : runIds) {
        if (!m_runs.contains(runId))
            continue;
        if (const Run* run = m_workspace->run(runId))
            renamed =
                m_names.set(runId, plainLabel(shownName(runId, *run), MaxNameChars)) || renamed;
    }
    if (renamed)
        emitNamesChanged();
}

void RunListModel::setColorProvider(ColorProvider provider)
{
    m_color = std::move(provider);
    // Every run's decoration may be new: one range per source.
    for (const SourceRow& source : m_rows) {
        if (source.runIds.empty())
            continue;
        const quintptr id = quintptr(source.sourceId) + 1;
        emit dataChanged(createIndex(0, NameColumn, id),
            createIndex(int(source.runIds.size()) - 1, NameColumn, id), { Qt::DecorationRole });
    }
}

int RunListModel::sourceRow(int sourceId) const
{
    return m_sourceRows.value(sourceId, -1);
}

QModelIndex RunListModel::indexOfSource(int sourceId, int column) const
{
    const int row = sourceRow(sourceId);
    return row < 0 ? QModelIndex() : createIndex(row, column, SourceRowId);
}

QModelIndex RunListModel::indexOfRun(int runId, int column) const
{
    const auto it = m_runs.constFind(runId);
    if (it == m_runs.cend())
        return {};
    return createIndex(it->row, column, quintptr(it->sourceId) + 1);
}

void RunListModel::emitRunRowChanged(int sourceId, int row)
{
    const quintptr id = quintptr(sourceId) + 1;
    emit dataChanged(createIndex(row, 0, id), createIndex(row, ColumnCount - 1, id));
}

void RunListModel::emitRunCellChanged(int sourceId, int row, int column)
{
    const QModelIndex cell = createIndex(row, column, quintptr(sourceId) + 1);
    emit dataChanged(cell, cell);
}

void RunListModel::emitSourceCellChanged(int row, int column)
{
    const QModelIndex cell = createIndex(row, column, SourceRowId);
    emit dataChanged(cell, cell);
}

void RunListModel::emitSourceRowChanged(int row)
{
    emit dataChanged(
        createIndex(row, 0, SourceRowId), createIndex(row, ColumnCount - 1, SourceRowId));
}

int RunListModel::ensureSource(int sourceId)
{
    const int existing = sourceRow(sourceId);
    if (existing >= 0)
        return existing;
    const Workspace::SourceInfo info = m_workspace->source(sourceId);
    if (info.id < 0)
        return -1; // closed already
    const int row = int(m_rows.size());
    beginInsertRows(QModelIndex(), row, row);
    SourceRow source;
    source.sourceId = sourceId;
    source.isFolder = info.path != QLatin1String("-") && QFileInfo(info.path).isDir();
    m_rows.push_back(std::move(source));
    m_sourceRows.insert(sourceId, row);
    m_rows.back().shownState = stateText(sourceId);
    endInsertRows();
    return row;
}

bool RunListModel::recount(RunPlace& place, SourceRow& source)
{
    RunCounts now;
    if (const Run* run = m_workspace->run(source.runIds[std::size_t(place.row)])) {
        now.records = run->records.size();
        now.malformed = std::size_t(run->malformedCount);
        now.listed = run->malformed.size();
        now.hasWarnings = !run->warnings.isEmpty();
    }
    if (now == place.counts)
        return false;
    source.records += now.records - place.counts.records;
    source.malformed += now.malformed - place.counts.malformed;
    source.listed += now.listed - place.counts.listed;
    source.withWarnings += int(now.hasWarnings) - int(place.counts.hasWarnings);
    place.counts = now;
    return true;
}

void RunListModel::addRun(int runId)
{
    if (m_runs.contains(runId))
        return;
    const int sourceId = m_workspace->sourceOfRun(runId);
    if (sourceId < 0)
        return;
    const int s = ensureSource(sourceId);
    if (s < 0)
        return;
    SourceRow& source = m_rows[std::size_t(s)];
    const int r = int(source.runIds.size());
    beginInsertRows(createIndex(s, 0, SourceRowId), r, r);
    source.runIds.push_back(runId);
    RunPlace& place = m_runs.insert(runId, { sourceId, r, {} }).value();
    source.visible += m_hidden.contains(runId) ? 0 : 1;
    recount(place, source);
    endInsertRows();
    // Named after the insertion: the other runs' shown names may change with this one, which
    // a dataChanged says (rows around an insertion keep their data while it happens).
    if (const Run* run = m_workspace->run(runId)) {
        if (m_names.set(runId, plainLabel(shownName(runId, *run), MaxNameChars)))
            emitNamesChanged();
    }
    refreshState(source, s); // "live, no records yet" -> "live"
    emitSourceRowChanged(s);
}

void RunListModel::removeRun(int runId)
{
    const auto it = m_runs.find(runId);
    if (it == m_runs.end())
        return;
    const RunPlace place = it.value();
    const int s = sourceRow(place.sourceId);
    SourceRow& source = m_rows[std::size_t(s)];
    beginRemoveRows(createIndex(s, 0, SourceRowId), place.row, place.row);
    m_runs.erase(it);
    m_names.remove(runId);
    source.runIds.erase(source.runIds.begin() + place.row);
    for (std::size_t r = std::size_t(place.row); r < source.runIds.size(); ++r)
        m_runs[source.runIds[r]].row = int(r);
    source.records -= place.counts.records;
    source.malformed -= place.counts.malformed;
    source.listed -= place.counts.listed;
    source.withWarnings -= int(place.counts.hasWarnings);
    source.visible -= m_hidden.remove(runId) ? 0 : 1;
    endRemoveRows();
    refreshState(source, s);
    emitSourceRowChanged(s);
}

void RunListModel::removeSourceRow(int row)
{
    beginRemoveRows(QModelIndex(), row, row);
    for (int runId : m_rows[std::size_t(row)].runIds) {
        m_hidden.remove(runId);
        m_runs.remove(runId);
        m_names.remove(runId);
    }
    m_rows.erase(m_rows.begin() + row);
    m_sourceRows.clear();
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        m_sourceRows.insert(m_rows[i].sourceId, int(i));
    endRemoveRows();
}

void RunListModel::runsAppended(const QList<int>& runIds)
{
    // Only the cells whose shown values changed are told (issue 15: a view repaints what
    // dataChanged names, every cell of two rows per batch before): a batch usually adds records
    // only, which changes the records cells; other counts (bad lines, warnings) change the whole
    // row; equal counts, nothing. The name is told by emitNamesChanged(), the state by
    // refreshState(), the check box by setData(); a tooltip is asked for when it shows.
    QVarLengthArray<std::pair<int, bool>, 8> sources; // source row, whole row changed
    bool renamed = false;
    for (int runId : runIds) {
        const auto it = m_runs.find(runId);
        if (it == m_runs.end())
            continue;
        // run_begin may name the run now: other runs' differing parts may change with it.
        if (const Run* run = m_workspace->run(runId))
            renamed =
                m_names.set(runId, plainLabel(shownName(runId, *run), MaxNameChars)) || renamed;
        const int s = sourceRow(it->sourceId);
        SourceRow& source = m_rows[std::size_t(s)];
        RunCounts before = it->counts;
        if (!recount(it.value(), source))
            continue;
        before.records = it->counts.records;
        const bool wholeRow = before != it->counts;
        if (wholeRow)
            emitRunRowChanged(it->sourceId, it->row);
        else
            emitRunCellChanged(it->sourceId, it->row, RecordsColumn);
        const auto known = std::find_if(sources.begin(), sources.end(),
            [s](const std::pair<int, bool>& entry) { return entry.first == s; });
        if (known == sources.end())
            sources.append({ s, wholeRow });
        else
            known->second = known->second || wholeRow;
    }
    for (const auto& [s, wholeRow] : sources) {
        refreshState(m_rows[std::size_t(s)], s);
        if (wholeRow)
            emitSourceRowChanged(s);
        else
            emitSourceCellChanged(s, RecordsColumn);
    }
    if (renamed)
        emitNamesChanged();
}

void RunListModel::emitNamesChanged()
{
    // Coalesced: a folder of 5,000 files adds 5,000 runs in a burst, one dataChanged per source
    // each time would be 25 million.
    if (!m_namesTimer) {
        m_namesTimer = new QTimer(this);
        m_namesTimer->setSingleShot(true);
        m_namesTimer->setInterval(0);
        connect(m_namesTimer, &QTimer::timeout, this, &RunListModel::announceNames);
    }
    m_namesTimer->start();
}

void RunListModel::announceNames()
{
    for (const SourceRow& source : m_rows) {
        if (source.runIds.empty())
            continue;
        const quintptr id = quintptr(source.sourceId) + 1;
        emit dataChanged(createIndex(0, NameColumn, id),
            createIndex(int(source.runIds.size()) - 1, NameColumn, id),
            { Qt::DisplayRole, FullNameRole, DifferingPartRole });
    }
}

void RunListModel::sourceChanged(int sourceId)
{
    const int s = ensureSource(sourceId);
    if (s < 0)
        return;
    SourceRow& source = m_rows[std::size_t(s)];
    refreshState(source, s);
    emitSourceRowChanged(s);
}

void RunListModel::refreshState(SourceRow& source, int row)
{
    Q_UNUSED(row)
    QString state = stateText(source.sourceId);
    if (state == source.shownState)
        return;
    source.shownState = std::move(state);
    if (source.runIds.empty())
        return;
    const quintptr id = quintptr(source.sourceId) + 1;
    emit dataChanged(createIndex(0, StateColumn, id),
        createIndex(int(source.runIds.size()) - 1, StateColumn, id),
        { Qt::DisplayRole, StateTextRole, Qt::ToolTipRole });
}

void RunListModel::refreshStates()
{
    for (std::size_t s = 0; s < m_rows.size(); ++s) {
        const QString before = m_rows[s].shownState;
        refreshState(m_rows[s], int(s));
        if (m_rows[s].shownState != before)
            emitSourceRowChanged(int(s));
    }
}

void RunListModel::sync()
{
    const QList<int> sourceList = m_workspace->sourceIds();
    const QSet<int> sources(sourceList.cbegin(), sourceList.cend());

    // Sources that are gone, with their runs.
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (!sources.contains(m_rows[std::size_t(row)].sourceId))
            removeSourceRow(row);
    }
    // New sources, at the end.
    for (int sourceId : sourceList)
        ensureSource(sourceId);
    // Runs gone (or moved to another source: dropped and added again).
    for (SourceRow& source : m_rows) {
        for (int r = int(source.runIds.size()) - 1; r >= 0; --r) {
            const int runId = source.runIds[std::size_t(r)];
            if (m_workspace->sourceOfRun(runId) != source.sourceId)
                removeRun(runId);
        }
    }
    // New runs, in the order they were read.
    for (int runId : m_workspace->runIds())
        addRun(runId);
    // Counts and states: only the rows that show something new.
    for (std::size_t s = 0; s < m_rows.size(); ++s) {
        SourceRow& source = m_rows[s];
        bool changed = false;
        for (std::size_t r = 0; r < source.runIds.size(); ++r) {
            RunPlace& place = m_runs[source.runIds[r]];
            if (recount(place, source)) {
                emitRunRowChanged(source.sourceId, int(r));
                changed = true;
            }
        }
        const QString before = source.shownState;
        refreshState(source, int(s));
        if (changed || source.shownState != before)
            emitSourceRowChanged(int(s));
    }
}

void RunListModel::setRunVisible(int runId, bool visible)
{
    if (visible == !m_hidden.contains(runId))
        return;
    if (visible)
        m_hidden.remove(runId);
    else
        m_hidden.insert(runId);
    const QModelIndex index = indexOfRun(runId);
    if (index.isValid()) {
        m_rows[std::size_t(sourceRow(m_runs.value(runId).sourceId))].visible += visible ? 1 : -1;
        emit dataChanged(index, index, { Qt::CheckStateRole });
        const QModelIndex source = index.parent();
        emit dataChanged(source, source, { Qt::CheckStateRole });
    }
    emit runVisibilityChanged(runId, visible);
}

QString RunListModel::stateText(int sourceId) const
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

QString RunListModel::problemOf(int sourceId, bool withRunWarnings) const
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
    // A folder's files that cannot be read are named, never skipped in silence.
    const QString unreadable = info.fileProblems.isEmpty()
        ? QString()
        : Workspace::describeFileProblems(info.fileProblems);
    // V20: a last line without its newline is named, never dropped in silence.
    QStringList incomplete;
    for (const Workspace::IncompleteLine& line : info.incompleteLines)
        incomplete << line.describe(info.path, info.state == Workspace::SourceState::Idle);
    const SourceRow& source = m_rows[std::size_t(row)];
    if (source.runIds.empty() && !unreadable.isEmpty())
        return tr("%1: %2").arg(name, unreadable);
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
    // The totals are kept up to date (recount); only runs' warnings are gathered here, and only
    // when some run has one.
    QStringList warnings;
    if (withRunWarnings && source.withWarnings > 0) {
        for (int runId : source.runIds) {
            if (const Run* run = m_workspace->run(runId))
                warnings += run->warnings;
        }
        warnings.removeDuplicates();
    }
    warnings += incomplete;
    if (!unreadable.isEmpty())
        warnings.prepend(unreadable);
    if (source.records == 0 && source.malformed > 0)
        return tr("%1: not one valid record; %2 (is it a JSON Lines file?)%3")
            .arg(name, linesText(source.malformed, tr("malformed line"), tr("malformed lines")),
                source.listed < source.malformed
                    ? tr("; only the first %1 are listed")
                          .arg(QLocale().toString(qulonglong(source.listed)))
                    : QString());
    if (!warnings.isEmpty())
        return tr("%1: %2").arg(name, warnings.join(QStringLiteral("; ")));
    return QString();
}

QModelIndex RunListModel::index(int row, int column, const QModelIndex& parent) const
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

QModelIndex RunListModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == SourceRowId)
        return {};
    return indexOfSource(int(child.internalId() - 1));
}

int RunListModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return int(m_rows.size());
    if (parent.internalId() != SourceRowId || parent.column() != 0
        || std::size_t(parent.row()) >= m_rows.size())
        return 0;
    return int(m_rows[std::size_t(parent.row())].runIds.size());
}

int RunListModel::columnCount(const QModelIndex& parent) const
{
    Q_UNUSED(parent)
    return ColumnCount;
}

QVariant RunListModel::data(const QModelIndex& index, int role) const
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

QVariant RunListModel::sourceData(const SourceRow& row, int column, int role) const
{
    const Workspace::SourceInfo info = m_workspace->source(row.sourceId);
    const std::size_t records = row.records;
    const std::size_t malformed = row.malformed;
    const int visible = row.visible;
    // Only the roles that show it pay for the problem's text.
    const bool needsProblem = role == Qt::ToolTipRole || role == ProblemRole
        || (role == Qt::ForegroundRole && column == StateColumn);
    const QString problem = needsProblem ? problemOf(row.sourceId) : QString();

    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case NameColumn:
            return plainLabel(sourceName(info.path), 60);
        case StateColumn:
            return stateText(row.sourceId);
        default:
            return countCell(column, role, records, malformed);
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
        if (column == StateColumn && !problem.isEmpty())
            return QBrush(ProblemColor);
        return countCell(column, role, records, malformed);
    case SourceIdRole:
        return row.sourceId;
    case RunIdRole:
        return -1;
    case IsRunRole:
        return false;
    case StateTextRole:
        return info.message.isEmpty()
            ? stateText(row.sourceId)
            : stateText(row.sourceId) + QStringLiteral(": ") + info.message;
    case ProblemRole:
        return problem;
    case PathRole:
        return info.path;
    default:
        return countCell(column, role, records, malformed);
    }
}

QVariant RunListModel::runData(const SourceRow& row, int runId, int column, int role) const
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
            return m_names.elided(runId, 60);
        case StateColumn:
            return stateText(row.sourceId);
        default:
            return countCell(column, role, records, malformed);
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
    case SourceIdRole:
        return row.sourceId;
    case RunIdRole:
        return runId;
    case IsRunRole:
        return true;
    case FullNameRole:
        return column == NameColumn ? QVariant(m_names.nameOf(runId)) : QVariant();
    case DifferingPartRole: {
        if (column != NameColumn)
            return {};
        const RunNames::Part part = m_names.partOf(runId);
        return QPoint(int(part.from), int(part.to));
    }
    case StateTextRole:
        return stateText(row.sourceId);
    case ProblemRole:
        return QString();
    case PathRole:
        return m_workspace->source(row.sourceId).path;
    default:
        return countCell(column, role, records, malformed);
    }
}

bool RunListModel::setData(const QModelIndex& index, const QVariant& value, int role)
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

Qt::ItemFlags RunListModel::flags(const QModelIndex& index) const
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

QVariant RunListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    return m_titles.headerData(section, orientation, role);
}

} // namespace viewer
