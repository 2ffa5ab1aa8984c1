#pragma once

#include <QPointF>
#include <QPolygonF>

#include <algorithm>
#include <cmath>

namespace viewer {

// Walks one decimated piece in pixel coordinates (the points of one pixel column share their x
// exactly: the decimator's column centre, first, min, max, last) the way an aliased 1-pixel line
// covers it: each column's vertical extent as a span of whole rows, and the segment from one
// column's last point to the next column's first. Same pixels, a fraction of the work: a wide or
// antialiased pen on a 5,000-point zigzag costs Qt's stroker up to hundreds of milliseconds.
//   span(left, top, bottom): columns [left, left + 1), rows [top, bottom), bottom > top;
//   join(from, to): a line between two columns.
template <typename Span, typename Join>
void walkColumnZigzag(const QPolygonF& piece, Span&& span, Join&& join)
{
    const qsizetype n = piece.size();
    const QPointF* p = piece.constData();
    qsizetype i = 0;
    while (i < n) {
        qsizetype j = i + 1;
        qreal lo = p[i].y();
        qreal hi = lo;
        while (j < n && p[j].x() == p[i].x()) {
            lo = std::min(lo, p[j].y());
            hi = std::max(hi, p[j].y());
            ++j;
        }
        if (j - i > 1 && hi - lo > 0.0) {
            // The rows an aliased 1-pixel line covers: centres between the ends.
            const qreal top = std::ceil(lo - 0.5);
            const qreal bottom = std::floor(hi - 0.5) + 1.0;
            if (bottom > top)
                span(std::floor(p[i].x()), top, bottom);
        }
        if (i > 0)
            join(p[i - 1], p[i]);
        i = j;
    }
}

} // namespace viewer
