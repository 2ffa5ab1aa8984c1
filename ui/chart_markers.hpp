#pragma once

#include <QColor>
#include <QGraphicsItem>

#include <vector>

namespace viewer {

// The run events of one chart in pixel coordinates, painted under the curves: epochs as
// alternating faint bands, error events as red vertical lines, restarts (the step went backwards:
// a resume from a checkpoint) as dashed lines in the run's color. GUI thread. What the events
// say (type, message) is shown by the chart's hover box, not here.
class ChartMarkers : public QGraphicsItem
{
public:
    struct Line
    {
        enum class Kind
        {
            Error,
            Restart,
        };
        Kind kind = Kind::Error;
        qreal px = 0.0;
        QColor color;
        bool operator==(const Line& o) const
        {
            return kind == o.kind && px == o.px && color == o.color;
        }
    };

    explicit ChartMarkers(QGraphicsItem* parent = nullptr);

    void setPlotArea(const QRectF& plotArea);
    // bands: [left, right] pixel spans to shade (every other epoch).
    void setMarkers(std::vector<std::pair<qreal, qreal>> bands, std::vector<Line> lines);
    void setBandColor(const QColor& color);

    const std::vector<Line>& lines() const
    {
        return m_lines;
    }
    const std::vector<std::pair<qreal, qreal>>& bands() const
    {
        return m_bands;
    }

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QRectF m_plotArea;
    std::vector<std::pair<qreal, qreal>> m_bands;
    std::vector<Line> m_lines;
    QColor m_bandColor { 0, 0, 0, 14 };
};

} // namespace viewer
