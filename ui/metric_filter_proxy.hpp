#pragma once

#include <QRegularExpression>
#include <QSet>
#include <QSortFilterProxyModel>

namespace viewer {

// Filters a MetricTreeModel the way TensorBoard's tag search does: a metric is shown when its key
// ("step_end/metrics/acc") contains the search text (case-insensitive), or, in regex mode, when
// the regular expression matches anywhere in the key; groups are shown when something under them
// is. Metrics of hidden tags (TagFilter) are never shown. An invalid regex does not hide
// everything: patternError() says what is wrong and the text is matched literally until fixed.
// GUI thread.
//
// Check boxes of groups act on what is shown: unchecking "step_end" while the search is "loss"
// unchecks only the loss metrics, and a group's state is computed from its shown metrics.
class MetricFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit MetricFilterProxy(QObject* parent = nullptr);

    void setPattern(const QString& text, bool regex);
    QString pattern() const
    {
        return m_text;
    }
    bool isRegex() const
    {
        return m_regex;
    }
    // Empty when the pattern is usable; else why the regex is invalid (plain text).
    QString patternError() const
    {
        return m_error;
    }

    void setHiddenTags(const QSet<QString>& tags);
    QSet<QString> hiddenTags() const
    {
        return m_hiddenTags;
    }

    // Whether a metric passes the search and the tag filter (also for keys not in the model).
    bool acceptsKey(const QString& key, const QString& tag) const;
    bool isFiltering() const
    {
        return !m_text.isEmpty() || !m_hiddenTags.isEmpty();
    }

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

signals:
    // The search or the tag set changed (emitted after the rows were re-filtered).
    void filterChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    void shownMetricKeys(const QModelIndex& proxyIndex, QStringList* keys) const;

    QString m_text;
    bool m_regex = false;
    QRegularExpression m_re; // valid when m_regex && m_error.isEmpty()
    QString m_error;
    QSet<QString> m_hiddenTags;
};

} // namespace viewer
