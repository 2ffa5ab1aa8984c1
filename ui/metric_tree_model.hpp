#pragma once

#include "column_titles.hpp"

#include <QAbstractItemModel>
#include <QHash>
#include <QList>
#include <QSet>
#include <QStringList>

#include <memory>
#include <vector>

namespace viewer {

// The metrics of the open runs as a checkable tree of groups: the tag, then each level of the
// series path, e.g. step_end > metrics > acc for the key "step_end/metrics/acc". GUI thread.
// Checking a group checks every metric under it; a group shows partially checked when only some
// are. The check state of a key is remembered when it disappears (its run closed) and reapplied
// when it comes back. Each row also shows how many NaN/Inf points its metrics hold, so a
// diverging metric stands out before its chart is even on screen.
//
// The window hands what changed with updateMetrics() (or the whole set with setMetrics()); the
// model updates itself row by row, or resets once when hundreds of new metrics come at once
// (then each group's children are sorted once, not inserted in order one by one).
class MetricTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Columns
    {
        NameColumn,
        NonFiniteColumn,
        ColumnCount
    };
    enum Roles
    {
        KeyRole = Qt::UserRole, // the series key at this node ("" for a pure group)
        TagRole, // the node's tag (first level)
        PathRole, // the node's full path, e.g. "step_end/metrics"
        IsMetricRole, // true when a series has exactly this key
        NonFiniteRole, // NaN + Inf points in the subtree
        MetricCountRole, // series in the subtree (this node included)
        // true for the derived tag's node: the view starts it collapsed (issue 13)
        CollapsedByDefaultRole,
    };

    struct Metric
    {
        QString key; // "step_end/metrics/acc"
        QString tag; // "step_end"
        QString path; // "metrics/acc"
        quint64 nonFinite = 0; // NaN and +/-Inf points over every open run
    };

    static constexpr int BulkInsertThreshold = 200;

    explicit MetricTreeModel(QObject* parent = nullptr);
    ~MetricTreeModel() override;

    // The whole current set: keys not in it are removed.
    void setMetrics(const QList<Metric>& metrics);
    // Only what changed: new metrics and new counts of known ones, and keys gone. O(these).
    void updateMetrics(const QList<Metric>& metrics, const QStringList& removed);
    QStringList keys() const; // every present key
    QString tagOfKey(const QString& key) const;
    int metricCount() const;

    bool isChecked(const QString& key) const
    {
        return !m_unchecked.contains(key);
    }
    void setChecked(const QStringList& keys, bool checked);
    void setAllChecked(bool checked);
    QSet<QString> checkedKeys() const; // of the present keys
    // Unchecked keys, also ones not present now (settings).
    QStringList uncheckedKeys() const;
    void setUncheckedKeys(const QStringList& keys);
    QModelIndex indexOfKey(const QString& key, int column = NameColumn) const;
    // The tag "derived" (series the viewer computes: records per second, step duration): listed
    // after the trainer's tags and collapsed until opened.
    static bool isCollapsedByDefault(const QString& tag)
    {
        return tag == QLatin1String("derived");
    }

    QModelIndex index(
        int row, int column, const QModelIndex& parent = QModelIndex()) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    bool hasChildren(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    // The set of checked present keys changed.
    void checkedKeysChanged();

private:
    struct Node;
    struct BulkBuild;

    Node* nodeOf(const QModelIndex& index) const;
    QModelIndex indexOf(const Node* node, int column = NameColumn) const;
    Node* findOrCreate(const QStringList& segments, bool notify);
    Node* findOrCreateBulk(const Metric& metric, BulkBuild& bulk);
    Node* childForBulk(Node* parent, QStringView name, const QString& tag, BulkBuild& bulk);
    void addMetric(const Metric& metric, bool notify, BulkBuild* bulk = nullptr);
    void removeMetric(const QString& key);
    void adjustCounts(Node* from, int series, int checked, qint64 nonFinite);
    void notifyChain(Node* from);
    void applyChecked(const QSet<QString>& keys, bool checked);
    void recountChecked(Node* node);
    void notifySubtree(Node* node);

    std::unique_ptr<Node> m_root;
    QHash<QString, Node*> m_byKey;
    QSet<QString> m_unchecked;
    ColumnTitles m_titles; // the header: one per column of Columns
};

} // namespace viewer
