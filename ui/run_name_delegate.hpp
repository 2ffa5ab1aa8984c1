#pragma once

#include <QStyledItemDelegate>

namespace viewer {

// Draws a run's name elided to its cell's width in the middle, keeping the part where it differs
// from the other runs' names (issue 12: "sweep_lr=0.001,seed=1" and "..seed=2" stay apart in a
// narrow column). The model gives the whole name (plain text) in fullNameRole and the differing
// part as a QPoint(from, to) in partRole; cells without them are drawn as usual. GUI thread.
class RunNameDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    RunNameDelegate(int fullNameRole, int partRole, QObject* parent = nullptr);

    // The text paint() draws for this cell at option's size.
    QString shownText(const QStyleOptionViewItem& option, const QModelIndex& index) const;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
        const QModelIndex& index) const override;

private:
    int m_fullNameRole;
    int m_partRole;
};

} // namespace viewer
