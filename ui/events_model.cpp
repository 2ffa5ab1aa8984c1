#include "events_model.hpp"

#include "number_format.hpp"
#include "plain_label.hpp"
#include "plain_tool_tip.hpp"

#include <QBrush>
#include <QDateTime>
#include <QLocale>
#include <QPoint>

#include <algorithm>
#include <cmath>
#include <limits>

namespace viewer {

namespace {

constexpr int MessageDisplayChars = 300;

QDateTime timeOf(double ts)
{
    return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(std::llround(ts * 1000.0)));
}

} // namespace

EventsModel::EventsModel(RunLookup lookup, QObject* parent)
    : TitledTableModel(
        { { tr("Time") }, { tr("Run") }, { tr("Step") }, { tr("Type") }, { tr("Message") } },
        parent)
    , m_lookup(std::move(lookup))
{
}

void EventsModel::setColorProvider(ColorProvider provider)
{
    m_color = std::move(provider);
    if (!m_rows.empty())
        emit dataChanged(
            index(0, RunColumn), index(rowCount() - 1, RunColumn), { Qt::DecorationRole });
}

void EventsModel::addRun(int runId)
{
    if (m_known.contains(runId)) {
        rebuild();
        return;
    }
    m_known.insert(runId, 0);
    m_order << runId;
    runsAppended({ runId });
}

void EventsModel::removeRun(int runId)
{
    if (!m_known.contains(runId))
        return;
    m_known.remove(runId);
    m_names.remove(runId);
    m_order.removeAll(runId);
    m_alerts.erase(std::remove_if(m_alerts.begin(), m_alerts.end(),
                       [runId](const Alert& a) { return a.runId == runId; }),
        m_alerts.end());
    rebuild();
}

void EventsModel::runsAppended(const QList<int>& runIds)
{
    for (int runId : runIds) {
        auto it = m_known.find(runId);
        const Run* run = it == m_known.end() ? nullptr : m_lookup(runId);
        if (!run)
            continue;
        const std::size_t total = run->events.size();
        if (total < *it) { // the run was re-read from the start
            rebuild();
            continue;
        }
        if (total == *it)
            continue;
        const int first = int(m_rows.size());
        beginInsertRows(QModelIndex(), first, first + int(total - *it) - 1);
        for (std::size_t e = *it; e < total; ++e)
            m_rows.push_back({ runId, static_cast<std::uint32_t>(e) });
        *it = total;
        endInsertRows();
    }
    // Named after the rows are in (rows around an insertion keep their data while it happens);
    // a new or renamed run may change how the others' names are cut.
    bool renamed = false;
    for (int runId : runIds) {
        const Run* run = m_known.contains(runId) ? m_lookup(runId) : nullptr;
        if (run && m_known.value(runId) > 0)
            renamed = m_names.set(runId, plainLabel(run->displayName, 1024)) || renamed;
    }
    if (renamed && !m_rows.empty())
        emit dataChanged(index(0, RunColumn), index(rowCount() - 1, RunColumn),
            { Qt::DisplayRole, RunNameRole, RunNamePartRole });
}

void EventsModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_known.clear();
    m_names.clear();
    m_order.clear();
    m_alerts.clear();
    endResetModel();
}

void EventsModel::addAlert(const Alert& alert)
{
    if (!m_known.contains(alert.runId))
        return;
    const int row = int(m_rows.size());
    beginInsertRows(QModelIndex(), row, row);
    m_alerts.push_back(alert);
    m_rows.push_back({ alert.runId, 0, int(m_alerts.size() - 1) });
    endInsertRows();
}

const Alert* EventsModel::alertOfRow(int row) const
{
    if (row < 0 || std::size_t(row) >= m_rows.size() || m_rows[std::size_t(row)].alert < 0)
        return nullptr;
    return &m_alerts[std::size_t(m_rows[std::size_t(row)].alert)];
}

void EventsModel::rebuild()
{
    beginResetModel();
    m_rows.clear();
    for (int runId : std::as_const(m_order)) {
        const Run* run = m_lookup(runId);
        const std::size_t total = run ? run->events.size() : 0;
        for (std::size_t e = 0; e < total; ++e)
            m_rows.push_back({ runId, static_cast<std::uint32_t>(e) });
        m_known[runId] = total;
    }
    for (std::size_t a = 0; a < m_alerts.size(); ++a)
        m_rows.push_back({ m_alerts[a].runId, 0, int(a) });
    endResetModel();
}

void EventsModel::setXAxisMode(XAxisMode mode)
{
    if (mode == m_xMode)
        return;
    m_xMode = mode;
    if (!m_rows.empty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1), { XRole });
}

const RunEvent* EventsModel::eventOfRow(int row) const
{
    if (row < 0 || std::size_t(row) >= m_rows.size())
        return nullptr;
    const Row& r = m_rows[std::size_t(row)];
    const Run* run = r.alert < 0 ? m_lookup(r.runId) : nullptr;
    if (!run || r.event >= run->events.size())
        return nullptr;
    return &run->events[r.event];
}

int EventsModel::runIdOfRow(int row) const
{
    if (row < 0 || std::size_t(row) >= m_rows.size())
        return -1;
    return m_rows[std::size_t(row)].runId;
}

double EventsModel::xOfRow(int row) const
{
    if (const Alert* alert = alertOfRow(row)) {
        const Run* run = m_lookup(alert->runId);
        return run && alert->record < run->records.size()
            ? run->records.x(m_xMode, alert->record)
            : std::numeric_limits<double>::quiet_NaN();
    }
    const RunEvent* event = eventOfRow(row);
    if (!event)
        return std::numeric_limits<double>::quiet_NaN();
    const Run* run = m_lookup(m_rows[std::size_t(row)].runId);
    if (event->record < run->records.size())
        return run->records.x(m_xMode, event->record);
    switch (m_xMode) {
    case XAxisMode::Step:
    case XAxisMode::GlobalStep:
        return event->step;
    case XAxisMode::Epoch:
        return event->epoch;
    case XAxisMode::Wall:
        return event->time;
    case XAxisMode::Relative:
        return event->time - run->records.firstTime();
    case XAxisMode::Sequence:
        return event->record;
    }
    return std::numeric_limits<double>::quiet_NaN();
}

QString EventsModel::kindName(RunEvent::Kind kind)
{
    switch (kind) {
    case RunEvent::Kind::Error:
        return QStringLiteral("error");
    case RunEvent::Kind::EpochBegin:
    case RunEvent::Kind::EpochEnd:
        return QStringLiteral("epoch");
    case RunEvent::Kind::Restart:
        return QStringLiteral("restart");
    }
    return QString();
}

QString EventsModel::typeText(const RunEvent& event)
{
    switch (event.kind) {
    case RunEvent::Kind::Error:
        return event.type.isEmpty() ? tr("error") : event.type;
    case RunEvent::Kind::EpochBegin:
        return tr("epoch %1 begins").arg(NumberFormat::cell(event.epoch));
    case RunEvent::Kind::EpochEnd:
        return tr("epoch %1 ends").arg(NumberFormat::cell(event.epoch));
    case RunEvent::Kind::Restart:
        return tr("restart (step went back)");
    }
    return QString();
}

int EventsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant EventsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid()
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (const Alert* alert = alertOfRow(index.row()))
        return alertData(*alert, index.column(), role);
    const RunEvent* event = eventOfRow(index.row());
    if (!event)
        return {};
    const int runId = m_rows[std::size_t(index.row())].runId;
    const Run* run = m_lookup(runId);
    const bool isError = event->kind == RunEvent::Kind::Error;

    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return event->time > 0.0 ? timeOf(event->time).toString(QStringLiteral("HH:mm:ss.zzz"))
                                     : QStringLiteral("\u2014");
        case RunColumn:
            return m_names.nameOf(runId).isEmpty() ? plainLabel(run->displayName, 60)
                                                   : m_names.elided(runId, 60);
        case StepColumn:
            return NumberFormat::cell(event->step);
        case TypeColumn:
            return plainLabel(typeText(*event), 80);
        case MessageColumn:
            return plainLabel(event->message, MessageDisplayChars);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        switch (index.column()) {
        case TimeColumn:
            return event->time > 0.0
                ? timeOf(event->time).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz t"))
                : tr("no time");
        case RunColumn:
            return plainToolTip(run->id + QLatin1Char('\n') + run->sourcePath);
        case TypeColumn:
        case MessageColumn:
            if (isError)
                return plainToolTip(typeText(*event) + QStringLiteral(": ") + event->message);
            return plainToolTip(typeText(*event));
        default:
            return tr("Double-click to show this moment on every chart");
        }
    case Qt::DecorationRole:
        if (index.column() == RunColumn && m_color)
            return m_color(runId);
        return {};
    case Qt::ForegroundRole:
        if (isError && index.column() == TypeColumn)
            return QBrush(QColor(0xd0, 0x30, 0x30));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == StepColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case RunIdRole:
        return runId;
    case KindRole:
        return int(event->kind);
    case KindNameRole:
        return kindName(event->kind);
    case XRole:
        return xOfRow(index.row());
    case RecordRole:
        return event->record;
    case SortRole:
        switch (index.column()) {
        case TimeColumn:
            return event->time; // ties keep arrival order: the proxy's sort is stable
        case RunColumn:
            return run->displayName;
        case StepColumn:
            return std::isnan(event->step) ? -std::numeric_limits<double>::infinity() : event->step;
        case TypeColumn:
            return typeText(*event);
        case MessageColumn:
            return event->message;
        default:
            return {};
        }
    case FullTextRole:
        return isError ? event->message : typeText(*event);
    case RunNameRole:
        if (index.column() != RunColumn || m_names.nameOf(runId).isEmpty())
            return {};
        return m_names.nameOf(runId);
    case RunNamePartRole: {
        if (index.column() != RunColumn || m_names.nameOf(runId).isEmpty())
            return {};
        const RunNames::Part part = m_names.partOf(runId);
        return QPoint(int(part.from), int(part.to));
    }
    default:
        return {};
    }
}

QVariant EventsModel::alertData(const Alert& alert, int column, int role) const
{
    const Run* run = m_lookup(alert.runId);
    if (!run)
        return {};
    const QString type = tr("alert: %1").arg(alert.rule.name());
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case TimeColumn:
            return alert.time > 0.0 ? timeOf(alert.time).toString(QStringLiteral("HH:mm:ss.zzz"))
                                    : QStringLiteral("\u2014");
        case RunColumn:
            return plainLabel(run->displayName, 60);
        case StepColumn:
            return NumberFormat::cell(alert.step);
        case TypeColumn:
            return plainLabel(type, 80);
        case MessageColumn:
            return plainLabel(alert.message, MessageDisplayChars);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (column == RunColumn)
            return plainToolTip(run->id + QLatin1Char('\n') + run->sourcePath);
        return plainToolTip(type + QStringLiteral(": ") + alert.message);
    case Qt::DecorationRole:
        return column == RunColumn && m_color ? QVariant(m_color(alert.runId)) : QVariant();
    case Qt::ForegroundRole:
        return column == TypeColumn ? QVariant(QBrush(QColor(0xd0, 0x70, 0x00))) : QVariant();
    case Qt::TextAlignmentRole:
        return column == StepColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case RunIdRole:
        return alert.runId;
    case KindRole:
        return AlertKind;
    case KindNameRole:
        return QStringLiteral("alert");
    case XRole: {
        const bool hasRecord = alert.record < run->records.size();
        return hasRecord ? run->records.x(m_xMode, alert.record)
                         : std::numeric_limits<double>::quiet_NaN();
    }
    case RecordRole:
        return alert.record < run->records.size() ? QVariant(alert.record) : QVariant();
    case SortRole:
        switch (column) {
        case TimeColumn:
            return alert.time;
        case RunColumn:
            return run->displayName;
        case StepColumn:
            return std::isnan(alert.step) ? -std::numeric_limits<double>::infinity() : alert.step;
        case TypeColumn:
            return type;
        case MessageColumn:
            return alert.message;
        default:
            return {};
        }
    case FullTextRole:
        return alert.message;
    default:
        return {};
    }
}

} // namespace viewer
