#pragma once

#include <QColor>
#include <QRect>
#include <QRectF>

#include <vector>

class QPainter;

namespace viewer {

// Fills many axis-aligned rectangles (a decimated curve's 1-pixel-wide column spans) straight into
// the image a QPainter draws on, with the pixels QPainter::fillRect gives without antialiasing:
// the same rounding of the mapped edges and the same source-over blend. QPainter's per-call cost
// (state checks, clipping, blend dispatch) was most of a second per chart of 1,000 noisy runs.
class SpanFill
{
public:
    // Ready when the painter draws on an ARGB32 premultiplied QImage, at full opacity and with
    // source-over, through a transform that only translates and scales; otherwise fill() returns
    // false and draws nothing, and the caller uses QPainter. `clip` is the rectangle the painter
    // was clipped to (its coordinates at the time), or null for none.
    SpanFill(QPainter* painter, const QRectF& clip);

    bool isReady() const
    {
        return m_bits != nullptr;
    }
    // The rectangles in the painter's current coordinates (its transform is read again: a
    // translate() since construction counts), in one colour.
    bool fill(QPainter* painter, const std::vector<QRectF>& rects, const QColor& color) const;

    // Device pixels of a rectangle as QPainter fills it without antialiasing.
    static QRect deviceRect(const QRectF& mapped);

private:
    uchar* m_bits = nullptr;
    qsizetype m_bytesPerLine = 0;
    QRect m_bounds; // the image, cut by the clip: no pixel outside is written
};

} // namespace viewer
