#include "tag_filter.hpp"

#include "plain_label.hpp"
#include "plain_tool_tip.hpp"

#include <QLocale>

#include <algorithm>

namespace viewer {

TagFilter::TagFilter(QObject* parent)
    : TitledTableModel({ { tr("Tag") }, { tr("Records") } }, parent)
{
}

void TagFilter::setTagCounts(const QMap<QString, quint64>& counts)
{
    const QSet<QString> visibleBefore = visibleTags();

    // Remove the tags no open run has any more (from the end, so rows stay valid).
    for (int row = int(m_tags.size()) - 1; row >= 0; --row) {
        if (!counts.contains(m_tags.at(row))) {
            beginRemoveRows(QModelIndex(), row, row);
            m_tags.removeAt(row);
            m_counts.removeAt(row);
            endRemoveRows();
        }
    }
    // Insert new tags at their sorted place; update the counts of the others.
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        const auto pos = std::lower_bound(m_tags.cbegin(), m_tags.cend(), it.key());
        const int row = int(pos - m_tags.cbegin());
        if (pos != m_tags.cend() && *pos == it.key()) {
            if (m_counts.at(row) != it.value()) {
                m_counts[row] = it.value();
                emit dataChanged(index(row, CountColumn), index(row, CountColumn));
            }
            continue;
        }
        if (m_only && !m_only->contains(it.key()) && !m_seen.contains(it.key()))
            m_hidden.insert(it.key());
        m_seen.insert(it.key());
        beginInsertRows(QModelIndex(), row, row);
        m_tags.insert(row, it.key());
        m_counts.insert(row, it.value());
        endInsertRows();
    }
    if (visibleTags() != visibleBefore)
        emit visibleTagsChanged();
}

QStringList TagFilter::tags() const
{
    return m_tags;
}

bool TagFilter::isTagVisible(const QString& tag) const
{
    if (m_hidden.contains(tag))
        return false;
    return !m_only || m_only->contains(tag) || m_tags.contains(tag);
}

void TagFilter::setTagVisible(const QString& tag, bool visible)
{
    if (visible == !m_hidden.contains(tag))
        return;
    if (visible)
        m_hidden.remove(tag);
    else
        m_hidden.insert(tag);
    const int row = int(m_tags.indexOf(tag));
    if (row >= 0) {
        emitCheckChanged(row);
        emit visibleTagsChanged();
    }
}

void TagFilter::setAllVisible(bool visible)
{
    const QSet<QString> before = visibleTags();
    if (visible) {
        m_hidden.clear();
        m_only.reset();
    } else {
        for (const QString& tag : std::as_const(m_tags))
            m_hidden.insert(tag);
    }
    if (!m_tags.isEmpty())
        emit dataChanged(index(0, NameColumn), index(int(m_tags.size()) - 1, NameColumn),
            { Qt::CheckStateRole });
    if (visibleTags() != before)
        emit visibleTagsChanged();
}

QStringList TagFilter::hiddenTags() const
{
    QStringList list(m_hidden.cbegin(), m_hidden.cend());
    list.sort();
    return list;
}

void TagFilter::setHiddenTags(const QStringList& tags)
{
    const QSet<QString> before = visibleTags();
    m_hidden = QSet<QString>(tags.cbegin(), tags.cend());
    if (!m_tags.isEmpty())
        emit dataChanged(index(0, NameColumn), index(int(m_tags.size()) - 1, NameColumn),
            { Qt::CheckStateRole });
    if (visibleTags() != before)
        emit visibleTagsChanged();
}

void TagFilter::showOnly(const QStringList& tags)
{
    m_only = QSet<QString>(tags.cbegin(), tags.cend());
    QStringList hidden;
    for (const QString& tag : std::as_const(m_tags)) {
        if (!m_only->contains(tag))
            hidden << tag;
    }
    setHiddenTags(hidden);
}

QSet<QString> TagFilter::visibleTags() const
{
    QSet<QString> visible;
    for (const QString& tag : std::as_const(m_tags)) {
        if (!m_hidden.contains(tag))
            visible.insert(tag);
    }
    return visible;
}

int TagFilter::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_tags.size());
}

QVariant TagFilter::data(const QModelIndex& index, int role) const
{
    if (!index.isValid()
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QString& tag = m_tags.at(index.row());
    const quint64 count = m_counts.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == NameColumn)
            return tag.isEmpty() ? tr("(no tag)") : plainLabel(tag, 60);
        return QLocale().toString(count);
    case Qt::CheckStateRole:
        if (index.column() == NameColumn)
            return m_hidden.contains(tag) ? Qt::Unchecked : Qt::Checked;
        return {};
    case Qt::ToolTipRole:
        return plainToolTip(tr("%1: %2 records").arg(tag, QLocale().toString(count)));
    case Qt::TextAlignmentRole:
        if (index.column() == CountColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case TagRole:
        return tag;
    case CountRole:
        return count;
    default:
        return {};
    }
}

bool TagFilter::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid()
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)
        || role != Qt::CheckStateRole || index.column() != NameColumn)
        return false;
    const bool visible = value.value<Qt::CheckState>() != Qt::Unchecked;
    setTagVisible(m_tags.at(index.row()), visible);
    return true;
}

Qt::ItemFlags TagFilter::flags(const QModelIndex& index) const
{
    if (!index.isValid()
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    if (index.column() == NameColumn)
        f |= Qt::ItemIsUserCheckable;
    return f;
}

void TagFilter::emitCheckChanged(int row)
{
    emit dataChanged(index(row, NameColumn), index(row, NameColumn), { Qt::CheckStateRole });
}

} // namespace viewer
