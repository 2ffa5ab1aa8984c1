#include "run_name_delegate.hpp"

#include "run_names.hpp"

#include <QApplication>
#include <QPainter>
#include <QStyle>

namespace viewer {

namespace {

// The longest elision of name that fits width pixels: characters are not pixels, so the number
// of characters is searched (O(log n) measurements).
QString fitKeeping(const QString& name, RunNames::Part part, const QFontMetrics& fm, int width)
{
    if (fm.horizontalAdvance(name) <= width)
        return name;
    int lo = 2;
    int hi = static_cast<int>(name.size()) - 1;
    QString best = RunNames::elideKeeping(name, part, lo);
    while (lo <= hi) {
        const int mid = lo + (hi - lo) / 2;
        QString text = RunNames::elideKeeping(name, part, mid);
        if (fm.horizontalAdvance(text) <= width) {
            best = std::move(text);
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return best;
}

} // namespace

RunNameDelegate::RunNameDelegate(int fullNameRole, int partRole, QObject* parent)
    : QStyledItemDelegate(parent)
    , m_fullNameRole(fullNameRole)
    , m_partRole(partRole)
{
}

QString RunNameDelegate::shownText(
    const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QVariant full = index.data(m_fullNameRole);
    const QVariant part = index.data(m_partRole);
    if (!full.isValid() || !part.isValid())
        return opt.fontMetrics.elidedText(opt.text, opt.textElideMode, opt.rect.width());
    const QWidget* widget = opt.widget;
    const QStyle* style = widget ? widget->style() : QApplication::style();
    // The text rectangle after the check box and the colour swatch, less the style's margins
    // (QCommonStyle: PM_FocusFrameHMargin + 1 on each side).
    const QRect textRect = style->subElementRect(QStyle::SE_ItemViewItemText, &opt, widget);
    const int margin = style->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, widget) + 1;
    const QPoint p = part.toPoint();
    return fitKeeping(
        full.toString(), { p.x(), p.y() }, opt.fontMetrics, textRect.width() - 2 * margin);
}

void RunNameDelegate::paint(
    QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    if (!index.data(m_partRole).isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text = shownText(option, index);
    opt.textElideMode = Qt::ElideNone; // already fitted; the style must not cut it again
    const QWidget* widget = opt.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
}

} // namespace viewer
