#include "chart_overlay.hpp"

#include <QFontMetricsF>
#include <QPainter>

#include <cmath>

namespace viewer {

namespace {

const QColor WarningColor(200, 30, 30);
constexpr qreal Padding = 6.0;
constexpr qreal Swatch = 10.0;

} // namespace

ChartOverlay::ChartOverlay(QGraphicsItem* parent)
    : QGraphicsItem(parent)
    , m_crosshair(std::nan(""))
{
    setAcceptedMouseButtons(Qt::NoButton);
    m_font.setPointSizeF(8.5);
}

void ChartOverlay::setAreas(const QRectF& chartArea, const QRectF& plotArea)
{
    if (chartArea == m_chartArea && plotArea == m_plotArea)
        return;
    prepareGeometryChange();
    m_chartArea = chartArea;
    m_plotArea = plotArea;
    layoutBox();
    setBadges(std::move(m_badges));
}

void ChartOverlay::setCrosshair(qreal px)
{
    if (px == m_crosshair || (std::isnan(px) && std::isnan(m_crosshair)))
        return;
    // Only the strips of the old and new line are repainted, not the whole chart under them.
    auto strip = [this](qreal x) {
        return QRectF(x - 2, m_plotArea.top() - 1, 4, m_plotArea.height() + 2);
    };
    if (!std::isnan(m_crosshair))
        update(strip(m_crosshair));
    m_crosshair = px;
    if (!std::isnan(m_crosshair))
        update(strip(m_crosshair));
}

void ChartOverlay::setHoverBox(const QPointF& anchor, std::vector<TextLine> lines)
{
    if (lines.empty() && m_lines.empty())
        return;
    const QRectF before = m_box.adjusted(-2, -2, 2, 2);
    m_anchor = anchor;
    m_lines = std::move(lines);
    layoutBox();
    update(before);
    update(m_box.adjusted(-2, -2, 2, 2));
}

void ChartOverlay::layoutBox()
{
    m_elided.clear();
    if (m_lines.empty()) {
        m_box = {};
        return;
    }
    const QFontMetricsF fm(m_font);
    // Never over the whole plot (issue 12): at most ~60% of its width and height; lines past
    // that are counted in a last one.
    const qreal maxText = std::clamp<qreal>(
        m_plotArea.width() * MaxBoxShare - 2 * Padding - Swatch - 4, 80.0, MaxBoxTextWidth);
    const int fit = std::max(2,
        static_cast<int>(
            (std::max(m_plotArea.height(), m_chartArea.height() * 0.5) * MaxBoxShare - 2 * Padding)
            / fm.height()));
    if (static_cast<int>(m_lines.size()) > fit) {
        const auto cut = static_cast<std::size_t>(fit - 1);
        const std::size_t dropped = m_lines.size() - cut;
        m_lines.resize(cut);
        m_lines.push_back({ QColor(), QStringLiteral("+%1 more lines").arg(dropped), false });
    }
    qreal textWidth = 0;
    for (const TextLine& line : m_lines) {
        QString text = fm.elidedText(line.text, Qt::ElideRight, maxText);
        textWidth = std::max(
            textWidth, fm.horizontalAdvance(text) + (line.swatch.isValid() ? Swatch + 4 : 0));
        m_elided.push_back(std::move(text));
    }
    const qreal w = textWidth + 2 * Padding;
    const qreal h = fm.height() * static_cast<qreal>(m_lines.size()) + 2 * Padding;
    // Right of the cursor, or left of it when it would leave the chart; never off the chart.
    qreal x = m_anchor.x() + 14;
    if (x + w > m_chartArea.right())
        x = m_anchor.x() - 14 - w;
    x = std::max(x, m_chartArea.left());
    qreal y = std::clamp(m_anchor.y() - h / 2, m_chartArea.top(),
        std::max(m_chartArea.top(), m_chartArea.bottom() - h));
    m_box = QRectF(x, y, w, h);
}

void ChartOverlay::setBadges(std::vector<Badge> badges)
{
    const QFontMetricsF fm(m_font);
    // Below the +Inf markers that sit on the top edge.
    qreal y = m_plotArea.top() + 12;
    for (Badge& badge : badges) {
        const qreal w = std::min(fm.horizontalAdvance(badge.text), m_plotArea.width() * 0.6)
            + Swatch + 4 + 2 * 4;
        const qreal h = fm.height() + 4;
        badge.rect = QRectF(m_plotArea.right() - 4 - w, y, w, h);
        y += h + 3;
    }
    // Only the badges' own rectangles are repainted, and only when they changed: the item covers
    // the whole chart, and a repaint of all of it (axes, labels, legend) at every live redraw was
    // most of its cost (issue 15).
    if (badges == m_badges)
        return;
    for (const Badge& badge : m_badges)
        update(badge.rect.adjusted(-1, -1, 1, 1));
    m_badges = std::move(badges);
    for (const Badge& badge : m_badges)
        update(badge.rect.adjusted(-1, -1, 1, 1));
}

int ChartOverlay::badgeAt(const QPointF& pos) const
{
    for (std::size_t i = 0; i < m_badges.size(); ++i) {
        if (m_badges[i].rect.contains(pos))
            return static_cast<int>(i);
    }
    return -1;
}

void ChartOverlay::setColors(const QColor& text, const QColor& background)
{
    m_text = text;
    m_background = background;
    update();
}

QRectF ChartOverlay::boundingRect() const
{
    return m_chartArea;
}

void ChartOverlay::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    painter->save();
    painter->setFont(m_font);
    const QFontMetricsF fm(m_font);

    if (!std::isnan(m_crosshair) && m_crosshair >= m_plotArea.left()
        && m_crosshair <= m_plotArea.right()) {
        QColor c = m_text;
        c.setAlpha(110);
        painter->setPen(QPen(c, 1.0, Qt::DotLine));
        painter->drawLine(
            QPointF(m_crosshair, m_plotArea.top()), QPointF(m_crosshair, m_plotArea.bottom()));
    }

    for (const Badge& badge : m_badges) {
        painter->setPen(QPen(WarningColor, 1.0));
        QColor fill = m_background;
        fill.setAlpha(225);
        painter->setBrush(fill);
        painter->drawRoundedRect(badge.rect, 3, 3);
        const QRectF swatch(badge.rect.left() + 4, badge.rect.center().y() - Swatch / 2 + 1,
            Swatch - 2, Swatch - 2);
        painter->fillRect(swatch, badge.color);
        const QRectF textRect = badge.rect.adjusted(Swatch + 6, 0, -4, 0);
        painter->setPen(WarningColor);
        painter->drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft | Qt::TextSingleLine,
            fm.elidedText(badge.text, Qt::ElideRight, textRect.width()));
    }

    if (!m_lines.empty()) {
        painter->setRenderHint(QPainter::Antialiasing, true);
        QColor border = m_text;
        border.setAlpha(80);
        painter->setPen(border);
        painter->setBrush(m_background);
        painter->drawRoundedRect(m_box, 4, 4);
        qreal y = m_box.top() + Padding;
        for (std::size_t i = 0; i < m_lines.size(); ++i) {
            const TextLine& line = m_lines[i];
            qreal x = m_box.left() + Padding;
            if (line.swatch.isValid()) {
                painter->fillRect(
                    QRectF(x, y + (fm.height() - Swatch) / 2, Swatch, Swatch), line.swatch);
                x += Swatch + 4;
            }
            painter->setPen(line.warning ? WarningColor : m_text);
            painter->drawText(QPointF(x, y + fm.ascent()), m_elided[i]);
            y += fm.height();
        }
    }
    painter->restore();
}

} // namespace viewer
