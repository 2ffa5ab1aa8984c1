#include "chart_markers.hpp"

#include <QPainter>

namespace viewer {

ChartMarkers::ChartMarkers(QGraphicsItem* parent)
    : QGraphicsItem(parent)
{
    setAcceptedMouseButtons(Qt::NoButton);
}

void ChartMarkers::setPlotArea(const QRectF& plotArea)
{
    if (plotArea == m_plotArea)
        return;
    prepareGeometryChange();
    m_plotArea = plotArea;
}

void ChartMarkers::setMarkers(std::vector<std::pair<qreal, qreal>> bands, std::vector<Line> lines)
{
    // Unchanged (most live redraws): the cached drawing stays, nothing is repainted.
    if (bands == m_bands && lines == m_lines)
        return;
    if ((bands.empty() && lines.empty()) != (m_bands.empty() && m_lines.empty()))
        prepareGeometryChange(); // boundingRect() is empty while there is nothing to draw
    m_bands = std::move(bands);
    m_lines = std::move(lines);
    update();
}

void ChartMarkers::setBandColor(const QColor& color)
{
    m_bandColor = color;
    update();
}

// Empty while there is nothing to draw: the view then never blits the item's (transparent)
// cached pixmap into the strips a live append repaints (issue 15).
QRectF ChartMarkers::boundingRect() const
{
    if (m_bands.empty() && m_lines.empty())
        return {};
    return m_plotArea.adjusted(-1, -1, 1, 1);
}

void ChartMarkers::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    if (m_plotArea.isEmpty())
        return;
    painter->save();
    painter->setClipRect(m_plotArea);
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->setPen(Qt::NoPen);
    painter->setBrush(m_bandColor);
    for (const auto& [left, right] : m_bands)
        painter->drawRect(QRectF(left, m_plotArea.top(), right - left, m_plotArea.height()));

    painter->setBrush(Qt::NoBrush);
    for (const Line& line : m_lines) {
        QPen pen;
        if (line.kind == Line::Kind::Error) {
            pen = QPen(QColor(214, 39, 40, 210), 1.5);
        } else {
            pen = QPen(line.color, 1.2, Qt::DashLine);
        }
        painter->setPen(pen);
        painter->drawLine(
            QPointF(line.px, m_plotArea.top()), QPointF(line.px, m_plotArea.bottom()));
    }
    painter->restore();
}

} // namespace viewer
