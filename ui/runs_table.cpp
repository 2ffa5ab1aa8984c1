#include "runs_table.hpp"

#include "run_name_delegate.hpp"
#include "runs_table_model.hpp"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace viewer {

RunsTable::RunsTable(RunsTableModel* model, RunsTableViewModel::Hooks hooks, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_viewModel(new RunsTableViewModel(this))
    , m_view(new QTableView)
    , m_filter(new QLineEdit)
    , m_error(new QLabel)
    , m_filterTimer(new QTimer(this))
    , m_stateTimer(new QTimer(this))
{
    m_viewModel->setHooks(std::move(hooks));
    m_viewModel->setSourceModel(model);

    m_filter->setPlaceholderText(tr("Filter: text, or config.lr < 1e-3 and val_acc > 0.9"));
    m_filter->setClearButtonEnabled(true);
    m_error->setTextFormat(Qt::PlainText); // the error quotes what was typed
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_error->hide();
    auto* onlySelected = new QToolButton;
    onlySelected->setText(tr("Only selected"));
    onlySelected->setToolTip(tr("Show only the selected runs on the charts"));
    auto* showAll = new QToolButton;
    showAll->setText(tr("Show all"));

    m_view->setModel(m_viewModel);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder); // arrival order until a header is clicked
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setSectionsMovable(true);
    m_view->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    // The colour column holds a check box and a swatch, the same size in every row: fitted to
    // them when rows come and go. ResizeToContents measured the rows and repainted the whole
    // header at every live batch (issue 15), as a run's record count changed.
    m_view->horizontalHeader()->setSectionResizeMode(
        RunsTableModel::ColorColumn, QHeaderView::Fixed);
    m_view->horizontalHeader()->resizeSection(RunsTableModel::NameColumn, 220);
    // Names cut around the part that tells them apart from the other runs', not at a fixed place.
    m_view->setItemDelegateForColumn(RunsTableModel::NameColumn,
        new RunNameDelegate(
            RunsTableViewModel::FullNameRole, RunsTableViewModel::NamePartRole, m_view));

    auto* top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(m_filter, 1);
    top->addWidget(onlySelected);
    top->addWidget(showAll);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addLayout(top);
    layout->addWidget(m_error);
    layout->addWidget(m_view, 1);

    m_filterTimer->setSingleShot(true);
    m_filterTimer->setInterval(FilterDelayMs);
    connect(m_filter, &QLineEdit::textChanged, m_filterTimer, qOverload<>(&QTimer::start));
    connect(m_filterTimer, &QTimer::timeout, this, &RunsTable::applyFilter);
    // live/quiet depend on the clock.
    m_stateTimer->setInterval(StateRefreshMs);
    connect(m_stateTimer, &QTimer::timeout, m_model, &RunsTableModel::refreshStates);
    m_stateTimer->start();

    connect(onlySelected, &QToolButton::clicked, this, [this] {
        const QList<int> runs = selectedRuns();
        if (!runs.isEmpty())
            emit showOnlyRequested(runs);
    });
    connect(showAll, &QToolButton::clicked, this, &RunsTable::showAllRequested);
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        emit runActivated(index.data(RunsTableModel::RunIdRole).toInt());
    });
    connect(m_view->horizontalHeader(), &QHeaderView::customContextMenuRequested, this,
        &RunsTable::showHeaderMenu);
    connect(
        m_model, &RunsTableModel::colorsChanged, m_viewModel, &RunsTableViewModel::colorsChanged);
    connect(m_viewModel, &QAbstractItemModel::columnsInserted, this,
        [this](const QModelIndex&, int first, int last) { updateHiddenColumns(first, last); });
    connect(m_viewModel, &QAbstractItemModel::headerDataChanged, this,
        [this](Qt::Orientation, int first, int last) { updateHiddenColumns(first, last); });
    connect(m_viewModel, &QAbstractItemModel::modelReset, this,
        [this] { updateHiddenColumns(0, m_viewModel->columnCount() - 1); });
    updateHiddenColumns(0, m_viewModel->columnCount() - 1);
    // Its width is the same for one row as for many: fitted when the table gains its first rows
    // or loses its last (or is reset), once per event-loop turn. Fitting at every insertion
    // measured up to 1,000 rows each time: 5,000 runs arriving took 8 s of the GUI thread.
    auto* fitColor = new QTimer(this);
    fitColor->setSingleShot(true);
    fitColor->setInterval(0);
    connect(fitColor, &QTimer::timeout, this,
        [this] { m_view->resizeColumnToContents(RunsTableModel::ColorColumn); });
    connect(m_viewModel, &QAbstractItemModel::rowsInserted, this,
        [this, fitColor](const QModelIndex& at, int first, int last) {
            if (m_viewModel->rowCount(at) == last - first + 1)
                fitColor->start(); // it was empty
        });
    connect(m_viewModel, &QAbstractItemModel::rowsRemoved, this, [this, fitColor] {
        if (m_viewModel->rowCount() == 0)
            fitColor->start();
    });
    connect(m_viewModel, &QAbstractItemModel::modelReset, fitColor, qOverload<>(&QTimer::start));
    m_view->resizeColumnToContents(RunsTableModel::ColorColumn);
}

void RunsTable::applyFilter()
{
    m_filterTimer->stop();
    const QString error = m_model->setFilter(m_filter->text());
    m_error->setText(error.isEmpty() ? QString() : tr("Filter: %1 (showing every run)").arg(error));
    m_error->setVisible(!error.isEmpty());
}

QString RunsTable::filterError() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

QList<int> RunsTable::selectedRuns() const
{
    QList<int> runs;
    for (const QModelIndex& index : m_view->selectionModel()->selectedRows())
        runs << index.data(RunsTableModel::RunIdRole).toInt();
    return runs;
}

void RunsTable::updateHiddenColumns(int first, int last)
{
    for (int c = std::max(first, 0); c <= last && c < m_viewModel->columnCount(); ++c) {
        const QString name = m_model->columnName(c);
        bool hidden = m_model->isHiddenByDefault(c);
        if (m_userShown.contains(name))
            hidden = false;
        if (m_userHidden.contains(name))
            hidden = true;
        m_view->setColumnHidden(c, hidden);
    }
}

void RunsTable::showHeaderMenu(const QPoint& pos)
{
    QMenu menu(this);
    for (int c = RunsTableModel::NameColumn; c < m_viewModel->columnCount(); ++c) {
        const QString name = m_model->columnName(c);
        QAction* action = menu.addAction(name); // QAction text is plain text
        action->setCheckable(true);
        action->setChecked(!m_view->isColumnHidden(c));
        connect(action, &QAction::toggled, this, [this, c, name](bool shown) {
            (shown ? m_userShown : m_userHidden).insert(name);
            (shown ? m_userHidden : m_userShown).remove(name);
            m_view->setColumnHidden(c, !shown);
        });
    }
    menu.exec(m_view->horizontalHeader()->mapToGlobal(pos));
}

} // namespace viewer
