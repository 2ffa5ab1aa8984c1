#pragma once

#include <QColor>
#include <QFont>
#include <QGraphicsItem>
#include <QString>

#include <vector>

namespace viewer {

// The top layer of a MetricChart: the crosshair at the hovered x, the hover box listing every
// run's value there (and the events under the cursor), and the per-series badges counting NaN and
// Inf ("loss: 3 NaN"), which the chart makes clickable. GUI thread. All text is drawn with
// QPainter::drawText, never as rich text: names and messages from the file show literally.
class ChartOverlay : public QGraphicsItem
{
public:
    struct TextLine
    {
        QColor swatch; // invalid: no swatch
        QString text; // plain text, one line (elided to the box's width)
        bool warning = false; // drawn in red (errors, NaN)
    };
    struct Badge
    {
        int runId = -1;
        QColor color;
        QString text;
        QRectF rect; // filled by setBadges: where it is drawn (chart coordinates)
        bool operator==(const Badge& o) const
        {
            return runId == o.runId && color == o.color && text == o.text && rect == o.rect;
        }
    };

    explicit ChartOverlay(QGraphicsItem* parent = nullptr);

    void setAreas(const QRectF& chartArea, const QRectF& plotArea);
    void setCrosshair(qreal px); // NaN hides it
    qreal crosshair() const
    {
        return m_crosshair;
    }
    // anchor: the cursor; the box goes beside it, inside the chart. Empty lines hide the box.
    void setHoverBox(const QPointF& anchor, std::vector<TextLine> lines);
    const std::vector<TextLine>& hoverLines() const
    {
        return m_lines;
    }
    void setBadges(std::vector<Badge> badges);
    const std::vector<Badge>& badges() const
    {
        return m_badges;
    }
    int badgeAt(const QPointF& pos) const; // index into badges(), or -1
    void setColors(const QColor& text, const QColor& background);

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    static constexpr int MaxBoxTextWidth = 460; // pixels; longer lines are elided
    static constexpr qreal MaxBoxShare = 0.6; // of the plot's width and height, at most

private:
    void layoutBox();

    QRectF m_chartArea;
    QRectF m_plotArea;
    qreal m_crosshair;
    QPointF m_anchor;
    std::vector<TextLine> m_lines;
    std::vector<QString> m_elided; // m_lines' texts as drawn
    QRectF m_box;
    std::vector<Badge> m_badges;
    QFont m_font;
    QColor m_text { 20, 20, 20 };
    QColor m_background { 255, 255, 255, 235 };
};

} // namespace viewer
