#include "metric_filter_proxy.hpp"

#include "metric_tree_model.hpp"

namespace viewer {

MetricFilterProxy::MetricFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setRecursiveFilteringEnabled(true);
    setDynamicSortFilter(true);
}

void MetricFilterProxy::setPattern(const QString& text, bool regex)
{
    if (text == m_text && regex == m_regex)
        return;
    m_text = text;
    m_regex = regex;
    m_error.clear();
    m_re = QRegularExpression();
    if (regex && !text.isEmpty()) {
        m_re = QRegularExpression(text, QRegularExpression::CaseInsensitiveOption);
        if (!m_re.isValid()) {
            m_error = tr("Invalid regular expression: %1 (at character %2); matching the text "
                         "literally")
                          .arg(m_re.errorString())
                          .arg(m_re.patternErrorOffset() + 1);
        } else {
            m_re.optimize();
        }
    }
    invalidateFilter();
    emit filterChanged();
}

void MetricFilterProxy::setHiddenTags(const QSet<QString>& tags)
{
    if (tags == m_hiddenTags)
        return;
    m_hiddenTags = tags;
    invalidateFilter();
    emit filterChanged();
}

bool MetricFilterProxy::acceptsKey(const QString& key, const QString& tag) const
{
    if (m_hiddenTags.contains(tag))
        return false;
    if (m_text.isEmpty())
        return true;
    if (m_regex && m_error.isEmpty())
        return m_re.match(key).hasMatch();
    return key.contains(m_text, Qt::CaseInsensitive);
}

bool MetricFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const QString key = index.data(MetricTreeModel::KeyRole).toString();
    if (key.isEmpty())
        return false; // a pure group: shown when a child is (recursive filtering)
    return acceptsKey(key, index.data(MetricTreeModel::TagRole).toString());
}

void MetricFilterProxy::shownMetricKeys(const QModelIndex& proxyIndex, QStringList* keys) const
{
    const QString key = proxyIndex.data(MetricTreeModel::KeyRole).toString();
    if (!key.isEmpty() && acceptsKey(key, proxyIndex.data(MetricTreeModel::TagRole).toString()))
        *keys << key;
    const int rows = rowCount(proxyIndex);
    for (int r = 0; r < rows; ++r)
        shownMetricKeys(index(r, 0, proxyIndex), keys);
}

QVariant MetricFilterProxy::data(const QModelIndex& index, int role) const
{
    if (role != Qt::CheckStateRole || index.column() != 0 || !isFiltering() || !hasChildren(index))
        return QSortFilterProxyModel::data(index, role);
    auto* tree = qobject_cast<MetricTreeModel*>(sourceModel());
    if (!tree)
        return QSortFilterProxyModel::data(index, role);
    QStringList keys;
    shownMetricKeys(index, &keys);
    int checked = 0;
    for (const QString& key : std::as_const(keys))
        checked += tree->isChecked(key) ? 1 : 0;
    if (checked == 0)
        return Qt::Unchecked;
    return checked == keys.size() ? Qt::Checked : Qt::PartiallyChecked;
}

bool MetricFilterProxy::setData(const QModelIndex& index, const QVariant& value, int role)
{
    auto* tree = qobject_cast<MetricTreeModel*>(sourceModel());
    if (role != Qt::CheckStateRole || index.column() != 0 || !isFiltering() || !tree
        || !hasChildren(index))
        return QSortFilterProxyModel::setData(index, value, role);
    QStringList keys;
    shownMetricKeys(index, &keys);
    tree->setChecked(keys, value.value<Qt::CheckState>() != Qt::Unchecked);
    // The group's own state is computed from its children: tell the view it may have changed.
    for (QModelIndex i = index; i.isValid(); i = i.parent())
        emit dataChanged(i, i, { Qt::CheckStateRole });
    return true;
}

} // namespace viewer
