#pragma once

#include "exact_floor.hpp"

#include <QPointF>
#include <QPolygonF>

#include <algorithm>

namespace viewer {

// Whole pixel rows and columns, through exactFloor (std::floor without SSE4.1 is a dozen
// instructions: most of the work of walking a bundle's columns). Pixel coordinates here stay within
// a few thousand of the plot (CurveGeometry cuts lines 2,000 pixels around it); beyond a billion,
// and NaN, they are held at +-OutOfReach rather than overflow the int.
constexpr int OutOfReach = 1000000000;

inline int floorToInt(double v)
{
    if (!(v > -OutOfReach && v < OutOfReach))
        return v > 0 ? OutOfReach : -OutOfReach;
    return int(exactFloor(v));
}

inline int ceilToInt(double v)
{
    if (!(v > -OutOfReach && v < OutOfReach))
        return v > 0 ? OutOfReach : -OutOfReach;
    const int floor = int(exactFloor(v));
    return floor < v ? floor + 1 : floor;
}

// Walks one decimated piece in pixel coordinates (the points of one pixel column share their x
// exactly: the decimator's column centre, first, min, max, last) the way an aliased 1-pixel line
// covers it: each column's vertical extent as a span of whole rows, and the segment from one
// column's last point to the next column's first. Same pixels, a fraction of the work: a wide or
// antialiased pen on a 5,000-point zigzag costs Qt's stroker up to hundreds of milliseconds.
//   join(from, to): a line between two columns, into the column of `to`;
//   span(left, top, bottom): then that column [left, left + 1), rows [top, bottom), bottom > top.
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
        // The join into a column before its span: a caller that merges what touches in one
        // column (BundleRaster) sees each column's pieces one after the other.
        if (i > 0)
            join(p[i - 1], p[i]);
        if (j - i > 1 && hi - lo > 0.0) {
            // The rows an aliased 1-pixel line covers: centres between the ends.
            const int top = ceilToInt(lo - 0.5);
            const int bottom = floorToInt(hi - 0.5) + 1;
            if (bottom > top)
                span(qreal(floorToInt(p[i].x())), qreal(top), qreal(bottom));
        }
        i = j;
    }
}

} // namespace viewer
