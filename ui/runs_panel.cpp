#include "runs_panel.hpp"

#include "run_list_model.hpp"
#include "run_name_delegate.hpp"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QLocale>
#include <QMenu>
#include <QScopedValueRollback>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace viewer {

RunsPanel::RunsPanel(RunListModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_view(new QTreeView(this))
    , m_closeButton(new QToolButton(this))
{
    m_view->setModel(model);
    m_view->setRootIsDecorated(true);
    m_view->setUniformRowHeights(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setTextElideMode(Qt::ElideMiddle);
    // Run names elided around the part that tells them apart (file names: in the middle).
    m_view->setItemDelegateForColumn(RunListModel::NameColumn,
        new RunNameDelegate(RunListModel::FullNameRole, RunListModel::DifferingPartRole, m_view));
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(RunListModel::NameColumn, QHeaderView::Stretch);
    // Widths fixed from typical text, not ResizeToContents: that mode measures up to 1,000 rows'
    // text on every layout, and a live append batch with thousands of runs open triggered it.
    // The user drags a divider, or double-clicks it to fit the column to its contents.
    const QFontMetrics metrics(m_view->font());
    const int padding = metrics.horizontalAdvance(QLatin1Char('M')) * 2;
    const std::pair<int, QString> widths[] = {
        { RunListModel::StateColumn, tr("live, no records yet") },
        { RunListModel::RecordsColumn, QLocale().toString(99999999) },
        { RunListModel::MalformedColumn,
            model->headerData(RunListModel::MalformedColumn, Qt::Horizontal, Qt::DisplayRole)
                .toString() },
    };
    for (const auto& [column, sample] : widths) {
        m_view->header()->setSectionResizeMode(column, QHeaderView::Interactive);
        m_view->header()->resizeSection(column, metrics.horizontalAdvance(sample) + padding);
    }
    m_stateWidth = m_view->header()->sectionSize(RunListModel::StateColumn);
    m_malformedWidth = m_view->header()->sectionSize(RunListModel::MalformedColumn);
    connect(m_view->header(), &QHeaderView::sectionResized, this, [this](int column) {
        if ((column == RunListModel::StateColumn || column == RunListModel::MalformedColumn)
            && !m_fitting)
            m_stateSizedByUser = true;
    });
    m_view->expandAll();
    connect(model, &QAbstractItemModel::rowsInserted, m_view, [this](const QModelIndex& inserted) {
        if (!inserted.isValid())
            m_view->expandAll();
        else
            m_view->expand(inserted);
    });
    connect(model, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_view->currentIndex().isValid() && m_model->rowCount() > 0) {
            const QModelIndex first = m_model->index(0, 0);
            const QModelIndex target =
                m_model->rowCount(first) > 0 ? m_model->index(0, 0, first) : first;
            m_view->setCurrentIndex(target);
        }
    });
    connect(m_view, &QTreeView::clicked, this, &RunsPanel::onClicked);
    connect(m_view, &QWidget::customContextMenuRequested, this, &RunsPanel::showContextMenu);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
        [this] { emit currentRunChanged(currentRunId()); });

    auto* showAll = new QToolButton(this);
    showAll->setText(tr("Show all"));
    showAll->setToolTip(tr("Show every run on the charts"));
    connect(showAll, &QToolButton::clicked, this, [this] { setAllVisible(true); });
    auto* hideAll = new QToolButton(this);
    hideAll->setText(tr("Hide all"));
    connect(hideAll, &QToolButton::clicked, this, [this] { setAllVisible(false); });
    m_closeButton->setText(tr("Close"));
    m_closeButton->setToolTip(tr("Close the selected run, or file or folder (Delete, Ctrl+W)"));
    connect(m_closeButton, &QToolButton::clicked, this, &RunsPanel::closeCurrent);
    m_view->installEventFilter(this);

    auto* buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->addWidget(showAll);
    buttons->addWidget(hideAll);
    buttons->addStretch(1);
    buttons->addWidget(m_closeButton);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);
}

int RunsPanel::currentRunId() const
{
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid())
        return -1;
    const QModelIndex name = current.siblingAtColumn(RunListModel::NameColumn);
    if (name.data(RunListModel::IsRunRole).toBool())
        return name.data(RunListModel::RunIdRole).toInt();
    if (m_model->rowCount(name) > 0)
        return m_model->index(0, 0, name).data(RunListModel::RunIdRole).toInt();
    return -1;
}

int RunsPanel::currentSourceId() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? current.data(RunListModel::SourceIdRole).toInt() : -1;
}

void RunsPanel::closeCurrent()
{
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid())
        return;
    if (current.data(RunListModel::IsRunRole).toBool())
        emit closeRunRequested(current.data(RunListModel::RunIdRole).toInt());
    else
        emit closeSourceRequested(current.data(RunListModel::SourceIdRole).toInt());
}

bool RunsPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_view && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent*>(event)->key();
        if (key == Qt::Key_Delete || key == Qt::Key_Backspace) {
            closeCurrent();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void RunsPanel::selectRun(int runId)
{
    const QModelIndex index = m_model->indexOfRun(runId);
    if (index.isValid())
        m_view->setCurrentIndex(index);
}

void RunsPanel::onClicked(const QModelIndex& index)
{
    if (index.column() != RunListModel::MalformedColumn
        || index.data(RunListModel::MalformedCountRole).toULongLong() == 0)
        return;
    if (index.data(RunListModel::IsRunRole).toBool()) {
        emit malformedLinesRequested(index.data(RunListModel::RunIdRole).toInt());
        return;
    }
    // A source row: the runs of the file that have bad lines.
    const QModelIndex name = index.siblingAtColumn(RunListModel::NameColumn);
    for (int r = 0; r < m_model->rowCount(name); ++r) {
        const QModelIndex run = m_model->index(r, RunListModel::MalformedColumn, name);
        if (run.data(RunListModel::MalformedCountRole).toULongLong() > 0)
            emit malformedLinesRequested(run.data(RunListModel::RunIdRole).toInt());
    }
}

void RunsPanel::setAllVisible(bool visible)
{
    for (int s = 0; s < m_model->rowCount(); ++s) {
        const QModelIndex source = m_model->index(s, 0);
        for (int r = 0; r < m_model->rowCount(source); ++r)
            m_model->setRunVisible(
                m_model->index(r, 0, source).data(RunListModel::RunIdRole).toInt(), visible);
    }
}

void RunsPanel::soloRun(int runId)
{
    for (int s = 0; s < m_model->rowCount(); ++s) {
        const QModelIndex source = m_model->index(s, 0);
        for (int r = 0; r < m_model->rowCount(source); ++r) {
            const int id = m_model->index(r, 0, source).data(RunListModel::RunIdRole).toInt();
            m_model->setRunVisible(id, id == runId);
        }
    }
}

void RunsPanel::showContextMenu(const QPoint& pos)
{
    const QModelIndex index = m_view->indexAt(pos);
    if (!index.isValid())
        return;
    const bool isRun = index.data(RunListModel::IsRunRole).toBool();
    const int runId = index.data(RunListModel::RunIdRole).toInt();
    const int sourceId = index.data(RunListModel::SourceIdRole).toInt();
    QMenu menu(this);
    if (isRun) {
        const bool visible = m_model->isRunVisible(runId);
        menu.addAction(visible ? tr("Hide") : tr("Show"), this,
            [this, runId, visible] { m_model->setRunVisible(runId, !visible); });
        menu.addAction(tr("Show only this run"), this, [this, runId] { soloRun(runId); });
        if (index.data(RunListModel::MalformedCountRole).toULongLong() > 0)
            menu.addAction(tr("Lines that are not records\u2026"), this,
                [this, runId] { emit malformedLinesRequested(runId); });
    }
    menu.addAction(tr("Show all runs"), this, [this] { setAllVisible(true); });
    menu.addSeparator();
    const QString path = index.data(RunListModel::PathRole).toString();
    menu.addAction(tr("Copy path"), this, [path] { QApplication::clipboard()->setText(path); });
    if (isRun)
        menu.addAction(tr("Close run"), this, [this, runId] { emit closeRunRequested(runId); });
    menu.addAction(
        tr("Close file"), this, [this, sourceId] { emit closeSourceRequested(sourceId); });
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

void RunsPanel::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitStateColumn();
}

void RunsPanel::fitStateColumn()
{
    if (m_stateSizedByUser)
        return;
    QHeaderView* header = m_view->header();
    // Half the width for the names: the state and bad-line columns share what the record
    // count leaves of the other half, down to a few characters each (tooltips say the rest).
    const int room =
        m_view->viewport()->width() / 2 - header->sectionSize(RunListModel::RecordsColumn);
    const int malformed = std::clamp(room / 3, std::min(m_malformedWidth, 40), m_malformedWidth);
    const QScopedValueRollback<bool> fitting(m_fitting, true);
    header->resizeSection(RunListModel::MalformedColumn, malformed);
    header->resizeSection(RunListModel::StateColumn,
        std::clamp(room - malformed, std::min(m_stateWidth, 48), m_stateWidth));
}

} // namespace viewer
