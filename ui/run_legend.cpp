#include "run_legend.hpp"

#include <QLinearGradient>
#include <QMouseEvent>
#include <QPainter>

#include <cmath>
#include <utility>

namespace viewer {

namespace {

constexpr int Margin = 4;
constexpr int Swatch = 14;
constexpr int Gap = 12; // between entries
constexpr int BarWidth = 140;

QString formatBound(double v)
{
    return QString::number(v, 'g', 3);
}

} // namespace

RunLegend::RunLegend(QWidget* parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void RunLegend::setEntries(QList<Entry> entries, int total)
{
    total = std::max(total, static_cast<int>(entries.size()));
    if (entries == m_entries && total == m_total)
        return;
    m_entries = std::move(entries);
    m_total = total;
    layoutEntries();
    update();
}

void RunLegend::setColorBar(const QString& field, const RunColors::Range& range)
{
    const QString barField = range.valid ? field : QString();
    if (barField == m_barField && range.min == m_range.min && range.max == m_range.max
        && range.log == m_range.log && range.valid == m_range.valid)
        return;
    m_barField = barField;
    m_range = range;
    layoutEntries();
    update();
}

QString RunLegend::colorBarText() const
{
    if (m_barField.isEmpty())
        return {};
    return QStringLiteral("%1 %2 %3 %4%5")
        .arg(m_barField, formatBound(m_range.min), QString(QChar(0x2026)), formatBound(m_range.max),
            m_range.log ? QStringLiteral(" (log)") : QString());
}

int RunLegend::rowHeight() const
{
    return fontMetrics().height() + 4;
}

QSize RunLegend::sizeHint() const
{
    return { 400, MaxRows * rowHeight() + 2 * Margin };
}

QSize RunLegend::minimumSizeHint() const
{
    return { 100, rowHeight() + 2 * Margin };
}

void RunLegend::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    layoutEntries();
}

// Left to right in up to MaxRows rows; the colour bar first, "+N more" last (room kept for it).
void RunLegend::layoutEntries()
{
    m_rects.clear();
    m_bar = {};
    m_more = {};
    const QFontMetrics fm = fontMetrics();
    const int h = rowHeight();
    const int right = width() - Margin;
    int x = Margin;
    int row = 0;
    if (!m_barField.isEmpty()) {
        const int labelWidth = fm.horizontalAdvance(m_barField) + 6;
        m_bar = QRect(x + labelWidth + fm.horizontalAdvance(formatBound(m_range.min)) + 4,
            Margin + 3, BarWidth, h - 6);
        x = m_bar.right() + 4 + fm.horizontalAdvance(formatBound(m_range.max)) + Gap
            + (m_range.log ? fm.horizontalAdvance(QStringLiteral(" (log)")) : 0);
    }
    const int moreWidth = fm.horizontalAdvance(QStringLiteral("+00000 more"));
    for (int i = 0; i < m_entries.size(); ++i) {
        const int w = Swatch + 4 + fm.horizontalAdvance(m_entries[i].name);
        const bool lastRow = row == MaxRows - 1;
        const int room = right - (lastRow ? moreWidth + Gap : 0);
        if (x + w > room && x > Margin) {
            if (lastRow)
                break;
            ++row;
            x = Margin;
        }
        m_rects.emplace_back(x, Margin + row * h, std::min(w, right - x), h);
        x += w + Gap;
    }
    if (m_total > static_cast<int>(m_rects.size()))
        m_more = QRect(x, Margin + row * h, moreWidth, h);
}

QString RunLegend::labelText(const QFontMetrics& fm, const QString& name, int width)
{
    return fm.horizontalAdvance(name) <= width ? name : fm.elidedText(name, Qt::ElideMiddle, width);
}

void RunLegend::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const QFontMetrics fm = fontMetrics();
    const QColor text = palette().color(QPalette::WindowText);
    QColor dim = text;
    dim.setAlpha(110);
    const int h = rowHeight();
    if (!m_bar.isNull()) {
        p.setPen(text);
        p.drawText(QRect(Margin, Margin, m_bar.left(), h), Qt::AlignLeft | Qt::AlignVCenter,
            m_barField + QLatin1Char(' ') + formatBound(m_range.min));
        QLinearGradient g(m_bar.topLeft(), m_bar.topRight());
        for (int i = 0; i <= 8; ++i)
            g.setColorAt(i / 8.0, QColor::fromRgb(RunColors::viridis(i / 8.0)));
        p.fillRect(m_bar, g);
        p.drawText(QRect(m_bar.right() + 4, Margin, width(), h), Qt::AlignLeft | Qt::AlignVCenter,
            formatBound(m_range.max) + (m_range.log ? QStringLiteral(" (log)") : QString()));
    }
    for (std::size_t i = 0; i < m_rects.size(); ++i) {
        const Entry& e = m_entries[static_cast<int>(i)];
        const QRect r = m_rects[i];
        if (static_cast<int>(i) == m_hovered)
            p.fillRect(r.adjusted(-2, 0, 2, 0), palette().color(QPalette::Midlight));
        QColor swatch = e.color;
        if (!e.visible)
            swatch.setAlpha(60);
        const QRect box(r.left(), r.center().y() - Swatch / 2 + 1, Swatch, Swatch - 4);
        if (e.visible)
            p.fillRect(box, swatch);
        else {
            p.setPen(swatch);
            p.drawRect(box.adjusted(0, 0, -1, -1));
        }
        p.setPen(e.visible ? text : dim);
        const QRect label(r.left() + Swatch + 4, r.top(), r.width() - Swatch - 4, h);
        p.drawText(label, Qt::AlignLeft | Qt::AlignVCenter, labelText(fm, e.name, label.width()));
    }
    if (!m_more.isNull()) {
        p.setPen(dim);
        p.drawText(m_more, Qt::AlignLeft | Qt::AlignVCenter,
            QStringLiteral("+%1 more").arg(m_total - static_cast<int>(m_rects.size())));
    }
}

int RunLegend::entryAt(const QPoint& pos) const
{
    for (std::size_t i = 0; i < m_rects.size(); ++i) {
        if (m_rects[i].contains(pos))
            return static_cast<int>(i);
    }
    return -1;
}

void RunLegend::mouseMoveEvent(QMouseEvent* event)
{
    const int i = entryAt(event->position().toPoint());
    if (i == m_hovered)
        return;
    m_hovered = i;
    update();
    emit highlightRequested(i >= 0 ? m_entries[i].runId : -1);
}

void RunLegend::mouseReleaseEvent(QMouseEvent* event)
{
    const int i = entryAt(event->position().toPoint());
    if (std::exchange(m_afterDoubleClick, false))
        return; // the release that ends a double-click: the press before it toggled already
    if (event->button() == Qt::LeftButton && i >= 0)
        emit toggleRequested(m_entries[i].runId);
}

void RunLegend::mouseDoubleClickEvent(QMouseEvent* event)
{
    const int i = entryAt(event->position().toPoint());
    m_afterDoubleClick = true;
    if (event->button() == Qt::LeftButton && i >= 0)
        emit soloRequested(m_entries[i].runId);
}

void RunLegend::leaveEvent(QEvent* event)
{
    QWidget::leaveEvent(event);
    if (m_hovered >= 0) {
        m_hovered = -1;
        update();
        emit highlightRequested(-1);
    }
}

} // namespace viewer
