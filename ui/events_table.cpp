#include "events_table.hpp"

#include "events_model.hpp"
#include "run_name_delegate.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <cmath>

namespace viewer {

EventsTable::EventsTable(EventsModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_proxy(new QSortFilterProxyModel(this))
    , m_view(new QTableView(this))
    , m_kinds(new QComboBox(this))
    , m_count(new QLabel(this))
{
    m_proxy->setSourceModel(model);
    m_proxy->setSortRole(EventsModel::SortRole);
    m_proxy->setFilterRole(EventsModel::KindNameRole);
    m_proxy->setFilterKeyColumn(EventsModel::TimeColumn);
    m_proxy->setDynamicSortFilter(true);

    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(EventsModel::TimeColumn, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setStretchLastSection(true);
    for (int c : { EventsModel::TimeColumn, EventsModel::StepColumn })
        m_view->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_view->setColumnWidth(EventsModel::RunColumn, 140);
    // Run names cut around the part that tells them apart, not at their end.
    m_view->setItemDelegateForColumn(EventsModel::RunColumn,
        new RunNameDelegate(EventsModel::RunNameRole, EventsModel::RunNamePartRole, m_view));
    m_view->setColumnWidth(EventsModel::TypeColumn, 170);
    connect(m_view, &QTableView::doubleClicked, this, &EventsTable::activate);
    auto* enter =
        new QShortcut(QKeySequence(Qt::Key_Return), m_view, nullptr, nullptr, Qt::WidgetShortcut);
    connect(enter, &QShortcut::activated, this, [this] { activate(m_view->currentIndex()); });

    m_kinds->addItem(tr("All events"));
    m_kinds->addItem(tr("Errors"));
    m_kinds->addItem(tr("Epochs"));
    m_kinds->addItem(tr("Restarts"));
    m_kinds->addItem(tr("Alerts"));
    connect(m_kinds, &QComboBox::currentIndexChanged, this,
        [this](int i) { setKinds(static_cast<Kinds>(i)); });
    m_count->setTextFormat(Qt::PlainText);

    for (auto signal : { &QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved })
        connect(m_proxy, signal, this, &EventsTable::updateCount);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &EventsTable::updateCount);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &EventsTable::updateCount);

    auto* top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(m_kinds);
    top->addWidget(m_count, 1);
    auto* hint = new QLabel(tr("Double-click an event to show it on every chart"), this);
    hint->setTextFormat(Qt::PlainText);
    hint->setEnabled(false);
    top->addWidget(hint);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addLayout(top);
    layout->addWidget(m_view, 1);
    updateCount();
}

void EventsTable::setKinds(Kinds kinds)
{
    switch (kinds) {
    case Kinds::All:
        m_proxy->setFilterFixedString(QString());
        break;
    case Kinds::Errors:
        m_proxy->setFilterFixedString(QStringLiteral("error"));
        break;
    case Kinds::Epochs:
        m_proxy->setFilterFixedString(QStringLiteral("epoch"));
        break;
    case Kinds::Restarts:
        m_proxy->setFilterFixedString(QStringLiteral("restart"));
        break;
    case Kinds::Alerts:
        m_proxy->setFilterFixedString(QStringLiteral("alert"));
        break;
    }
    if (m_kinds->currentIndex() != int(kinds))
        m_kinds->setCurrentIndex(int(kinds));
    updateCount();
}

void EventsTable::activate(const QModelIndex& proxyIndex)
{
    if (!proxyIndex.isValid())
        return;
    const QModelIndex source = m_proxy->mapToSource(proxyIndex);
    const double x = m_model->xOfRow(source.row());
    if (std::isfinite(x))
        emit zoomRequested(x, m_model->runIdOfRow(source.row()));
}

void EventsTable::updateCount()
{
    const int shown = m_proxy->rowCount();
    const int total = m_model->rowCount();
    m_count->setText(shown == total
            ? (total == 1 ? tr("1 event") : tr("%1 events").arg(total))
            : tr("%1 of %2 events").arg(QLocale().toString(shown), QLocale().toString(total)));
}

} // namespace viewer
