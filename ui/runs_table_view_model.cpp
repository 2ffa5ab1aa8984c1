#include "runs_table_view_model.hpp"

#include "plain_label.hpp"
#include "runs_table_model.hpp"

#include <QPoint>

namespace viewer {

RunsTableViewModel::RunsTableViewModel(QObject* parent)
    : QIdentityProxyModel(parent)
{
    const auto stale = [this] { m_namesStale = true; };
    connect(this, &QAbstractItemModel::rowsInserted, this, stale);
    connect(this, &QAbstractItemModel::rowsRemoved, this, stale);
    connect(this, &QAbstractItemModel::modelReset, this, stale);
    connect(this, &QAbstractItemModel::layoutChanged, this, stale);
    connect(this, &QAbstractItemModel::dataChanged, this,
        [this](const QModelIndex& from, const QModelIndex& to) {
            if (from.column() <= RunsTableModel::NameColumn
                && to.column() >= RunsTableModel::NameColumn)
                m_namesStale = true;
        });
}

// O(rows) when asked after a change; the parts are computed again only when a name changed.
void RunsTableViewModel::refreshNames() const
{
    if (!m_namesStale)
        return;
    m_namesStale = false;
    QSet<int> present;
    present.reserve(rowCount());
    for (int row = 0; row < rowCount(); ++row) {
        const QModelIndex name = index(row, RunsTableModel::NameColumn);
        const int runId = QIdentityProxyModel::data(name, RunsTableModel::RunIdRole).toInt();
        present.insert(runId);
        m_names.set(runId, plainLabel(QIdentityProxyModel::data(name).toString(), 1024));
    }
    for (int runId : std::as_const(m_named)) {
        if (!present.contains(runId))
            m_names.remove(runId);
    }
    m_named = std::move(present);
}

void RunsTableViewModel::setHooks(Hooks hooks)
{
    m_hooks = std::move(hooks);
}

void RunsTableViewModel::runVisibilityChanged(int runId)
{
    auto* source = qobject_cast<RunsTableModel*>(sourceModel());
    const int row = source ? source->rowOfRun(runId) : -1;
    if (row >= 0) {
        const QModelIndex cell = index(row, RunsTableModel::ColorColumn);
        emit dataChanged(cell, cell, { Qt::CheckStateRole });
    }
}

void RunsTableViewModel::colorsChanged()
{
    if (rowCount() > 0)
        emit dataChanged(index(0, RunsTableModel::ColorColumn),
            index(rowCount() - 1, RunsTableModel::ColorColumn), { Qt::DecorationRole });
}

void RunsTableViewModel::setAlertText(std::function<QString(int runId)> alertText)
{
    m_alertText = std::move(alertText);
}

void RunsTableViewModel::runAlertsChanged(int runId)
{
    auto* source = qobject_cast<RunsTableModel*>(sourceModel());
    const int row = source ? source->rowOfRun(runId) : -1;
    if (row >= 0) {
        const QModelIndex cell = index(row, RunsTableModel::StateColumn);
        emit dataChanged(cell, cell, { Qt::DisplayRole, Qt::ForegroundRole });
    }
}

QVariant RunsTableViewModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    const int runId = QIdentityProxyModel::data(index, RunsTableModel::RunIdRole).toInt();
    if (index.column() == RunsTableModel::ColorColumn) {
        if (role == Qt::DecorationRole) {
            if (m_hooks.color)
                return m_hooks.color(runId);
            return QColor::fromRgb(
                QIdentityProxyModel::data(index, RunsTableModel::ColorRole).toUInt());
        }
        if (role == Qt::CheckStateRole && m_hooks.isVisible)
            return m_hooks.isVisible(runId) ? Qt::Checked : Qt::Unchecked;
        if (role == Qt::ToolTipRole)
            return tr("Show or hide this run on the charts");
    }
    if (index.column() == RunsTableModel::StateColumn && m_alertText
        && (role == Qt::DisplayRole || role == Qt::ForegroundRole)) {
        const QString alerts = m_alertText(runId);
        if (!alerts.isEmpty() && role == Qt::ForegroundRole)
            return QColor(0xd0, 0x70, 0x00);
        if (!alerts.isEmpty())
            return plainLabel(
                tr("%1 (alert: %2)").arg(QIdentityProxyModel::data(index, role).toString(), alerts),
                MaxCellChars);
    }
    if (index.column() == RunsTableModel::NameColumn
        && (role == FullNameRole || role == NamePartRole)) {
        refreshNames();
        if (role == FullNameRole)
            return m_names.nameOf(runId);
        const RunNames::Part part = m_names.partOf(runId);
        return QPoint(int(part.from), int(part.to));
    }
    if (role == Qt::DisplayRole)
        return plainLabel(QIdentityProxyModel::data(index, role).toString(), MaxCellChars);
    return QIdentityProxyModel::data(index, role);
}

bool RunsTableViewModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (index.column() != RunsTableModel::ColorColumn || role != Qt::CheckStateRole
        || !m_hooks.setVisible)
        return false;
    const int runId = data(index, RunsTableModel::RunIdRole).toInt();
    m_hooks.setVisible(runId, value.toInt() == Qt::Checked);
    emit dataChanged(index, index, { Qt::CheckStateRole });
    return true;
}

Qt::ItemFlags RunsTableViewModel::flags(const QModelIndex& index) const
{
    Qt::ItemFlags f = QIdentityProxyModel::flags(index);
    if (index.isValid() && index.column() == RunsTableModel::ColorColumn && m_hooks.setVisible)
        f |= Qt::ItemIsUserCheckable;
    return f;
}

} // namespace viewer
