#include "metric_filter_panel.hpp"

#include "metric_filter_proxy.hpp"
#include "metric_tree_model.hpp"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace viewer {

MetricFilterPanel::MetricFilterPanel(
    MetricTreeModel* model, MetricFilterProxy* proxy, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_proxy(proxy)
    , m_edit(new QLineEdit(this))
    , m_regex(new QToolButton(this))
    , m_error(new QLabel(this))
    , m_view(new QTreeView(this))
    , m_timer(new QTimer(this))
{
    m_proxy->setSourceModel(model);

    m_edit->setPlaceholderText(tr("Filter metrics (e.g. loss)"));
    m_edit->setClearButtonEnabled(true);
    m_regex->setText(QStringLiteral(".*"));
    m_regex->setCheckable(true);
    m_regex->setToolTip(tr("Regular expression: match the metric key (e.g. step_end/loss) with "
                           "a regex instead of plain text"));
    m_error->setTextFormat(Qt::PlainText);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #d03030;"));
    m_error->hide();

    m_timer->setSingleShot(true);
    m_timer->setInterval(DebounceMs);
    connect(m_edit, &QLineEdit::textChanged, m_timer, qOverload<>(&QTimer::start));
    connect(m_regex, &QToolButton::toggled, this, &MetricFilterPanel::apply);
    connect(m_timer, &QTimer::timeout, this, &MetricFilterPanel::apply);
    connect(m_edit, &QLineEdit::returnPressed, this, &MetricFilterPanel::apply);

    m_view->setModel(m_proxy);
    m_view->setUniformRowHeights(true);
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(MetricTreeModel::NameColumn, QHeaderView::Stretch);
    m_view->header()->setSectionResizeMode(
        MetricTreeModel::NonFiniteColumn, QHeaderView::ResizeToContents);
    // Tags and their first groups open; deeper groups as the user likes; derived/* closed.
    auto collapseDerived = [this] {
        for (int r = 0; r < m_proxy->rowCount(); ++r) {
            const QModelIndex tag = m_proxy->index(r, 0);
            if (tag.data(MetricTreeModel::CollapsedByDefaultRole).toBool())
                m_view->collapse(tag);
        }
    };
    auto expandTop = [this, collapseDerived] {
        m_view->expandToDepth(1);
        collapseDerived();
    };
    connect(m_proxy, &QAbstractItemModel::modelReset, this, expandTop);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this,
        [this](const QModelIndex& inserted, int first, int last) {
            // New tags open, and so do the groups just under them.
            if (!inserted.isValid() || !inserted.parent().isValid()) {
                for (int r = first; r <= last; ++r) {
                    const QModelIndex row = m_proxy->index(r, 0, inserted);
                    if (!row.data(MetricTreeModel::CollapsedByDefaultRole).toBool())
                        m_view->expand(row);
                }
                if (!inserted.data(MetricTreeModel::CollapsedByDefaultRole).toBool())
                    m_view->expand(inserted);
            }
        });
    connect(m_proxy, &MetricFilterProxy::filterChanged, this, [this, expandTop] {
        if (m_proxy->isFiltering() && !m_proxy->pattern().isEmpty())
            m_view->expandAll(); // a search shows every match, derived ones too
        else
            expandTop();
    });

    auto* all = new QToolButton(this);
    all->setText(tr("All"));
    all->setToolTip(tr("Check every metric"));
    connect(all, &QToolButton::clicked, this, [this] { m_model->setAllChecked(true); });
    auto* none = new QToolButton(this);
    none->setText(tr("None"));
    none->setToolTip(tr("Uncheck every metric"));
    connect(none, &QToolButton::clicked, this, [this] { m_model->setAllChecked(false); });

    auto* top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->setSpacing(2);
    top->addWidget(m_edit, 1);
    top->addWidget(m_regex);
    top->addWidget(all);
    top->addWidget(none);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addLayout(top);
    layout->addWidget(m_error);
    layout->addWidget(m_view, 1);
}

void MetricFilterPanel::setSearch(const QString& text, bool regex)
{
    const QSignalBlocker blockEdit(m_edit);
    const QSignalBlocker blockRegex(m_regex);
    m_edit->setText(text);
    m_regex->setChecked(regex);
    apply();
}

QString MetricFilterPanel::searchText() const
{
    return m_edit->text();
}

bool MetricFilterPanel::isRegex() const
{
    return m_regex->isChecked();
}

void MetricFilterPanel::focusSearch()
{
    m_edit->setFocus(Qt::ShortcutFocusReason);
    m_edit->selectAll();
}

void MetricFilterPanel::apply()
{
    m_timer->stop();
    m_proxy->setPattern(m_edit->text(), m_regex->isChecked());
    const QString error = m_proxy->patternError();
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
}

} // namespace viewer
