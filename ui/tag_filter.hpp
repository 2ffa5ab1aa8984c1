#pragma once

#include "titled_table_model.hpp"

#include <QMap>
#include <QSet>
#include <QStringList>

#include <optional>

namespace viewer {

// The tag filter: one checkable row per tag seen in the open runs (step_end, epoch_end, error,
// custom tags) with its record count. GUI thread. The window feeds it the union of the runs' tags
// (setTagCounts) whenever runs change; rows appear as new tags appear and go when no open run has
// them, while the check state of a tag is remembered across that (close a run, reopen it: the tag
// is still hidden). A checked tag's metrics get charts; an unchecked tag's do not.
class TagFilter : public TitledTableModel
{
    Q_OBJECT
public:
    enum Columns
    {
        NameColumn,
        CountColumn,
        ColumnCount
    };
    enum Roles
    {
        TagRole = Qt::UserRole, // the tag, unmodified (display text is made safe and elided)
        CountRole,
    };

    explicit TagFilter(QObject* parent = nullptr);

    // Tag -> records with that tag, over every open run.
    void setTagCounts(const QMap<QString, quint64>& counts);
    QStringList tags() const; // in row order (sorted)

    bool isTagVisible(const QString& tag) const;
    void setTagVisible(const QString& tag, bool visible);
    void setAllVisible(bool visible);
    // Tags the user unchecked (also ones not present now), for the settings.
    QStringList hiddenTags() const;
    void setHiddenTags(const QStringList& tags);
    // --tags: exactly these tags are shown; every other one, including tags that appear later, is
    // hidden until the user checks it.
    void showOnly(const QStringList& tags);
    QSet<QString> visibleTags() const; // of the present tags

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

signals:
    // The set of visible tags changed (check state or the present tags).
    void visibleTagsChanged();

private:
    void emitCheckChanged(int row);

    QStringList m_tags; // sorted
    QList<quint64> m_counts; // parallel to m_tags
    QSet<QString> m_hidden;
    // --tags: when set, a tag not seen before starts hidden unless it is listed.
    std::optional<QSet<QString>> m_only;
    QSet<QString> m_seen; // every tag that was ever present (the --tags rule applies once)
};

} // namespace viewer
