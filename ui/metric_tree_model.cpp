#include "metric_tree_model.hpp"

#include "plain_label.hpp"
#include "plain_tool_tip.hpp"
#include "series.hpp"

#include <QBrush>
#include <QColor>
#include <QLocale>

#include <algorithm>
#include <optional>

namespace viewer {

// A reset's build: children found by name, appended, each parent sorted once at the end.
struct MetricTreeModel::BulkBuild
{
    // Children by name. Looked up with QString::fromRawData over the path: no string is made
    // to look one up.
    using Index = QHash<QString, Node*>;
    std::vector<std::unique_ptr<Index>> indexes; // see Node::bulkIndex
    std::vector<Node*> touched; // parents whose children get sorted
};

struct MetricTreeModel::Node
{
    QString name; // one path segment (the tag at the first level)
    QString key; // non-empty when a series has exactly this key
    QString tag;
    Node* parent = nullptr;
    int row = 0; // index in parent->children (kept up to date on insert and remove)
    std::vector<std::unique_ptr<Node>> children;
    int series = 0; // series in the subtree, this node included
    int checked = 0; // checked series in the subtree
    quint64 nonFinite = 0; // over the subtree
    quint64 ownNonFinite = 0; // this node's series
    BulkBuild::Index* bulkIndex = nullptr; // children by name, during a reset's build only

    QString path() const
    {
        QStringList parts;
        for (const Node* n = this; n && n->parent; n = n->parent)
            parts.prepend(n->name);
        return parts.join(QLatin1Char('/'));
    }
};

namespace {

// ASCII is most names: its digits and case folding without the Unicode tables (same results).
inline bool isDigitAt(const QString& s, qsizetype i)
{
    const char16_t c = s.at(i).unicode();
    return c < 128 ? (c >= u'0' && c <= u'9') : s.at(i).isDigit();
}

inline char16_t foldedAt(const QString& s, qsizetype i)
{
    const char16_t c = s.at(i).unicode();
    if (c < 128)
        return c >= u'A' && c <= u'Z' ? char16_t(c + 32) : c;
    return s.at(i).toCaseFolded().unicode();
}

// Natural order (layer2 before layer10), case-insensitive, exact order as the tie-break so that
// two names never compare equal unless they are equal. Digit runs compare by value, whatever the
// locale's collator supports.
int naturalCompare(const QString& a, const QString& b)
{
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < a.size() && j < b.size()) {
        if (isDigitAt(a, i) && isDigitAt(b, j)) {
            qsizetype i2 = i;
            while (i2 < a.size() && isDigitAt(a, i2))
                ++i2;
            qsizetype j2 = j;
            while (j2 < b.size() && isDigitAt(b, j2))
                ++j2;
            qsizetype zi = i;
            while (zi + 1 < i2 && a.at(zi) == QLatin1Char('0'))
                ++zi;
            qsizetype zj = j;
            while (zj + 1 < j2 && b.at(zj) == QLatin1Char('0'))
                ++zj;
            if (i2 - zi != j2 - zj)
                return i2 - zi < j2 - zj ? -1 : 1;
            const int r = QStringView(a).mid(zi, i2 - zi).compare(QStringView(b).mid(zj, j2 - zj));
            if (r != 0)
                return r;
            i = i2;
            j = j2;
            continue;
        }
        const char16_t ca = foldedAt(a, i);
        const char16_t cb = foldedAt(b, j);
        if (ca != cb)
            return ca < cb ? -1 : 1;
        ++i;
        ++j;
    }
    const qsizetype restA = a.size() - i;
    const qsizetype restB = b.size() - j;
    return restA == restB ? 0 : (restA < restB ? -1 : 1);
}

bool nameLess(const QString& a, const QString& b)
{
    const int r = naturalCompare(a, b);
    return r != 0 ? r < 0 : a < b;
}

// The order of a parent's children: by name, except that the viewer's own derived/* tag comes
// after the trainer's tags (issue 13: most users never look at it).
bool childLess(bool atRoot, const QString& a, const QString& b)
{
    if (atRoot) {
        const bool derivedA = MetricTreeModel::isCollapsedByDefault(a);
        const bool derivedB = MetricTreeModel::isCollapsedByDefault(b);
        if (derivedA != derivedB)
            return derivedB;
    }
    return nameLess(a, b);
}

QStringList segmentsOf(const MetricTreeModel::Metric& m)
{
    // Escaped segments (Series::splitPath): "a\/b" is one node, "a" > "b" two.
    QStringList segments { Series::escapeSegment(m.tag) };
    segments += Series::splitPath(m.path);
    return segments;
}

} // namespace

MetricTreeModel::MetricTreeModel(QObject* parent)
    : QAbstractItemModel(parent)
    , m_root(std::make_unique<Node>())
    , m_titles({ { tr("Metric") },
          { tr("NaN/Inf"), tr("Points that are NaN, +Inf or -Inf, over every open run") } })
{
}

MetricTreeModel::~MetricTreeModel() = default;

MetricTreeModel::Node* MetricTreeModel::nodeOf(const QModelIndex& index) const
{
    return index.isValid() ? static_cast<Node*>(index.internalPointer()) : m_root.get();
}

QModelIndex MetricTreeModel::indexOf(const Node* node, int column) const
{
    if (!node || node == m_root.get())
        return {};
    return createIndex(node->row, column, const_cast<Node*>(node));
}

void MetricTreeModel::setMetrics(const QList<Metric>& metrics)
{
    QStringList removed;
    if (!m_byKey.isEmpty()) {
        QSet<QString> wanted;
        wanted.reserve(metrics.size());
        for (const Metric& m : metrics)
            wanted.insert(m.key);
        for (auto it = m_byKey.cbegin(); it != m_byKey.cend(); ++it) {
            if (!wanted.contains(it.key()))
                removed << it.key();
        }
    }
    updateMetrics(metrics, removed);
}

void MetricTreeModel::updateMetrics(const QList<Metric>& metrics, const QStringList& removed)
{
    bool keysChanged = false;
    for (const QString& key : removed) {
        if (m_byKey.contains(key)) {
            removeMetric(key);
            keysChanged = true;
        }
    }

    // New keys (a duplicate in the input counts twice: this only picks reset or row inserts).
    qsizetype added = m_byKey.isEmpty() ? metrics.size() : 0;
    if (added == 0 && metrics.size() > BulkInsertThreshold) {
        for (const Metric& m : metrics)
            added += m_byKey.contains(m.key) ? 0 : 1;
    }
    const bool bulk = added > BulkInsertThreshold;
    std::optional<BulkBuild> build;
    if (bulk) {
        beginResetModel();
        build.emplace();
        m_byKey.reserve(m_byKey.size() + added);
    }
    for (const Metric& m : metrics) {
        Node* node = m_byKey.value(m.key);
        if (!node) {
            addMetric(m, !bulk, build ? &*build : nullptr);
            keysChanged = true;
            continue;
        }
        // Known, or a duplicate key in the input (the last one counts).
        if (node->ownNonFinite != m.nonFinite) {
            const qint64 delta = qint64(m.nonFinite) - qint64(node->ownNonFinite);
            node->ownNonFinite = m.nonFinite;
            adjustCounts(node, 0, 0, delta);
            if (!bulk)
                notifyChain(node);
        }
    }
    if (bulk) {
        // Each parent's new children were appended: one sort each, not an ordered insert each.
        for (Node* parent : build->touched) {
            const bool atRoot = parent == m_root.get();
            auto less = [atRoot](const std::unique_ptr<Node>& x, const std::unique_ptr<Node>& y) {
                return childLess(atRoot, x->name, y->name);
            };
            // Names often come in order already (a run's series in file order).
            if (!std::is_sorted(parent->children.begin(), parent->children.end(), less))
                std::sort(parent->children.begin(), parent->children.end(), less);
            for (std::size_t i = 0; i < parent->children.size(); ++i)
                parent->children[i]->row = int(i);
            parent->bulkIndex = nullptr;
        }
        endResetModel();
    }
    if (keysChanged)
        emit checkedKeysChanged();
}

MetricTreeModel::Node* MetricTreeModel::findOrCreate(const QStringList& segments, bool notify)
{
    Node* node = m_root.get();
    for (const QString& segment : segments) {
        auto& children = node->children;
        const bool atRoot = node == m_root.get();
        auto pos = std::lower_bound(children.begin(), children.end(), segment,
            [atRoot](const std::unique_ptr<Node>& child, const QString& name) {
                return childLess(atRoot, child->name, name);
            });
        if (pos != children.end() && (*pos)->name == segment) {
            node = pos->get();
            continue;
        }
        const int row = int(pos - children.begin());
        auto child = std::make_unique<Node>();
        child->name = segment;
        child->tag = segments.first();
        child->parent = node;
        child->row = row;
        if (notify)
            beginInsertRows(indexOf(node), row, row);
        Node* raw = child.get();
        children.insert(pos, std::move(child));
        for (std::size_t i = std::size_t(row) + 1; i < children.size(); ++i)
            children[i]->row = int(i);
        if (notify)
            endInsertRows();
        node = raw;
    }
    return node;
}

MetricTreeModel::Node* MetricTreeModel::findOrCreateBulk(const Metric& metric, BulkBuild& bulk)
{
    // Segments as views of the tag and path (no string per segment unless a node is new).
    const QString tag = Series::escapeSegment(metric.tag);
    Node* node = childForBulk(m_root.get(), tag, tag, bulk);
    const QString& path = metric.path;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= path.size(); ++i) {
        if (i < path.size() && path[i] == u'\\') {
            ++i; // the escaped character belongs to this segment (Series::splitPath)
            continue;
        }
        if (i == path.size() || path[i] == u'/') {
            node = childForBulk(node, QStringView(path).mid(start, i - start), tag, bulk);
            start = i + 1;
        }
    }
    return node;
}

MetricTreeModel::Node* MetricTreeModel::childForBulk(
    Node* parent, QStringView name, const QString& tag, BulkBuild& bulk)
{
    if (!parent->bulkIndex) {
        bulk.indexes.push_back(std::make_unique<BulkBuild::Index>());
        parent->bulkIndex = bulk.indexes.back().get();
        parent->bulkIndex->reserve(qsizetype(parent->children.size()));
        for (const auto& child : parent->children)
            parent->bulkIndex->insert(child->name, child.get());
        bulk.touched.push_back(parent);
    }
    const auto found = parent->bulkIndex->constFind(QString::fromRawData(name.data(), name.size()));
    if (found != parent->bulkIndex->cend())
        return found.value();
    auto child = std::make_unique<Node>();
    child->name = name.toString();
    child->tag = tag;
    child->parent = parent;
    Node* raw = child.get();
    parent->children.push_back(std::move(child));
    parent->bulkIndex->insert(raw->name, raw); // shares the node's own name
    return raw;
}

void MetricTreeModel::addMetric(const Metric& metric, bool notify, BulkBuild* bulk)
{
    Node* node = bulk ? findOrCreateBulk(metric, *bulk) : findOrCreate(segmentsOf(metric), notify);
    node->key = metric.key;
    node->tag = metric.tag;
    node->ownNonFinite = metric.nonFinite;
    m_byKey.insert(metric.key, node);
    adjustCounts(node, 1, isChecked(metric.key) ? 1 : 0, qint64(metric.nonFinite));
    if (notify)
        notifyChain(node);
}

void MetricTreeModel::removeMetric(const QString& key)
{
    Node* node = m_byKey.take(key);
    if (!node)
        return;
    adjustCounts(node, -1, isChecked(key) ? -1 : 0, -qint64(node->ownNonFinite));
    node->key.clear();
    node->ownNonFinite = 0;
    // Drop the node and every ancestor left with nothing under it.
    while (node != m_root.get() && node->series == 0 && node->children.empty()) {
        Node* parent = node->parent;
        const int row = node->row;
        beginRemoveRows(indexOf(parent), row, row);
        parent->children.erase(parent->children.begin() + row);
        for (std::size_t i = std::size_t(row); i < parent->children.size(); ++i)
            parent->children[i]->row = int(i);
        endRemoveRows();
        node = parent;
    }
    notifyChain(node);
}

void MetricTreeModel::adjustCounts(Node* from, int series, int checked, qint64 nonFinite)
{
    for (Node* n = from; n; n = n->parent) {
        n->series += series;
        n->checked += checked;
        n->nonFinite = quint64(qint64(n->nonFinite) + nonFinite);
    }
}

void MetricTreeModel::notifyChain(Node* from)
{
    for (Node* n = from; n && n != m_root.get(); n = n->parent)
        emit dataChanged(indexOf(n, NameColumn), indexOf(n, NonFiniteColumn));
}

QStringList MetricTreeModel::keys() const
{
    return m_byKey.keys();
}

QString MetricTreeModel::tagOfKey(const QString& key) const
{
    const Node* node = m_byKey.value(key);
    return node ? node->tag : QString();
}

int MetricTreeModel::metricCount() const
{
    return int(m_byKey.size());
}

void MetricTreeModel::setChecked(const QStringList& keys, bool checked)
{
    applyChecked(QSet<QString>(keys.cbegin(), keys.cend()), checked);
}

void MetricTreeModel::setAllChecked(bool checked)
{
    QSet<QString> all(m_unchecked);
    for (auto it = m_byKey.cbegin(); it != m_byKey.cend(); ++it)
        all.insert(it.key());
    applyChecked(all, checked);
}

void MetricTreeModel::applyChecked(const QSet<QString>& keys, bool checked)
{
    bool changed = false;
    for (const QString& key : keys) {
        const bool was = isChecked(key);
        if (was == checked)
            continue;
        if (checked)
            m_unchecked.remove(key);
        else
            m_unchecked.insert(key);
        if (m_byKey.contains(key))
            changed = true;
    }
    if (!changed)
        return;
    recountChecked(m_root.get());
    notifySubtree(m_root.get());
    emit checkedKeysChanged();
}

void MetricTreeModel::recountChecked(Node* node)
{
    int checked = !node->key.isEmpty() && isChecked(node->key) ? 1 : 0;
    for (const auto& child : node->children) {
        recountChecked(child.get());
        checked += child->checked;
    }
    node->checked = checked;
}

void MetricTreeModel::notifySubtree(Node* node)
{
    if (node->children.empty())
        return;
    emit dataChanged(indexOf(node->children.front().get(), NameColumn),
        indexOf(node->children.back().get(), NameColumn), { Qt::CheckStateRole });
    for (const auto& child : node->children)
        notifySubtree(child.get());
}

QSet<QString> MetricTreeModel::checkedKeys() const
{
    QSet<QString> keys;
    for (auto it = m_byKey.cbegin(); it != m_byKey.cend(); ++it) {
        if (!m_unchecked.contains(it.key()))
            keys.insert(it.key());
    }
    return keys;
}

QStringList MetricTreeModel::uncheckedKeys() const
{
    QStringList keys(m_unchecked.cbegin(), m_unchecked.cend());
    keys.sort();
    return keys;
}

void MetricTreeModel::setUncheckedKeys(const QStringList& keys)
{
    const QSet<QString> wanted(keys.cbegin(), keys.cend());
    if (wanted == m_unchecked)
        return;
    m_unchecked = wanted;
    recountChecked(m_root.get());
    notifySubtree(m_root.get());
    emit checkedKeysChanged();
}

QModelIndex MetricTreeModel::indexOfKey(const QString& key, int column) const
{
    return indexOf(m_byKey.value(key), column);
}

QModelIndex MetricTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (parent.isValid() && parent.column() != NameColumn)
        return {};
    const Node* p = nodeOf(parent);
    if (std::size_t(row) >= p->children.size())
        return {};
    return createIndex(row, column, p->children[std::size_t(row)].get());
}

QModelIndex MetricTreeModel::parent(const QModelIndex& child) const
{
    if (!child.isValid())
        return {};
    const Node* node = nodeOf(child);
    return indexOf(node->parent, NameColumn);
}

int MetricTreeModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() && parent.column() != NameColumn)
        return 0;
    return int(nodeOf(parent)->children.size());
}

int MetricTreeModel::columnCount(const QModelIndex& parent) const
{
    Q_UNUSED(parent)
    return ColumnCount;
}

bool MetricTreeModel::hasChildren(const QModelIndex& parent) const
{
    return rowCount(parent) > 0;
}

QVariant MetricTreeModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node* node = nodeOf(index);
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == NameColumn)
            return node->name.isEmpty() ? tr("(empty)") : plainLabel(node->name, 80);
        if (node->nonFinite > 0)
            return QLocale().toString(node->nonFinite);
        return {};
    case Qt::CheckStateRole:
        if (index.column() != NameColumn)
            return {};
        if (node->checked == 0)
            return Qt::Unchecked;
        return node->checked == node->series ? Qt::Checked : Qt::PartiallyChecked;
    case Qt::ToolTipRole: {
        QString text = !node->key.isEmpty() ? node->key
            : node->series == 1             ? tr("%1: 1 metric").arg(node->path())
                                : tr("%1: %2 metrics").arg(node->path()).arg(node->series);
        if (node->nonFinite > 0)
            text += tr("\n%1 NaN/Inf points").arg(QLocale().toString(node->nonFinite));
        return plainToolTip(text);
    }
    case Qt::ForegroundRole:
        if (index.column() == NonFiniteColumn && node->nonFinite > 0)
            return QBrush(QColor(0xd0, 0x30, 0x30));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == NonFiniteColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case KeyRole:
        return node->key;
    case TagRole:
        return node->tag;
    case CollapsedByDefaultRole:
        return node->parent == m_root.get() && isCollapsedByDefault(node->name);
    case PathRole:
        return node->path();
    case IsMetricRole:
        return !node->key.isEmpty();
    case NonFiniteRole:
        return node->nonFinite;
    case MetricCountRole:
        return node->series;
    default:
        return {};
    }
}

bool MetricTreeModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid)
        || role != Qt::CheckStateRole || index.column() != NameColumn)
        return false;
    const bool checked = value.value<Qt::CheckState>() != Qt::Unchecked;
    QSet<QString> keys;
    std::vector<const Node*> stack { nodeOf(index) };
    while (!stack.empty()) {
        const Node* n = stack.back();
        stack.pop_back();
        if (!n->key.isEmpty())
            keys.insert(n->key);
        for (const auto& child : n->children)
            stack.push_back(child.get());
    }
    applyChecked(keys, checked);
    return true;
}

Qt::ItemFlags MetricTreeModel::flags(const QModelIndex& index) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid))
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (index.column() == NameColumn)
        f |= Qt::ItemIsUserCheckable;
    if (nodeOf(index)->children.empty())
        f |= Qt::ItemNeverHasChildren;
    return f;
}

QVariant MetricTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    return m_titles.headerData(section, orientation, role);
}

} // namespace viewer
