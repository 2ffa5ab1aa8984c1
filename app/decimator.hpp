#pragma once

#include "record_table.hpp"
#include "strided_index_column.hpp"

#include <QPointF>

#include <cmath>
#include <cstdint>
#include <vector>

namespace viewer {

class MinMaxPyramid;
class Series;

// How a visible x-range is cut into pixel columns. Column of x: floor(position(x)), with
//   position(x) = (a(x) - a(x0)) / (a(x1) - a(x0)) * width,  a = identity, or log10 on a log axis.
// Column c spans x in [x0 + c/width*(x1-x0), ...): columns 0..width-1 are visible. The range is
// closed: x == x1 (position exactly `width`) belongs to the last column, width - 1, since the
// automatic x range ends at the newest point, the one a user following a run watches; any x
// beyond x1 is outside. The expression is evaluated in exactly this order, so the decimator, the
// tests and the chart put every x in the same column. On a log axis, x <= 0
// has no position (NaN) and counts as left of everything. NaN x (a record before any step) too.
struct PixelColumns
{
    double x0 = 0.0;
    double x1 = 1.0;
    int width = 0;
    bool logX = false;

    static double axisValue(double x, bool log)
    {
        return log ? (x > 0.0 ? std::log10(x) : std::nan("")) : x;
    }
    double position(double x) const
    {
        const double a = axisValue(x0, logX);
        const double b = axisValue(x1, logX);
        return (axisValue(x, logX) - a) / (b - a) * width;
    }
    // The column of x: floor(position(x)), except x1 itself, which is in the last column.
    double column(double x) const
    {
        const double p = position(x);
        return p == width ? width - 1.0 : std::floor(p);
    }
    // Where an aliased painter draws a point of x (device pixels from the plot's left edge): the
    // centre of its column. Drawing at this x is what makes decimated and full lines identical.
    double pixelX(double x) const
    {
        return column(x) + 0.5;
    }
    bool isValid() const
    {
        const double a = axisValue(x0, logX);
        const double b = axisValue(x1, logX);
        return width > 0 && std::isfinite(a) && std::isfinite(b) && b > a;
    }
};

// Source point indices [first, last).
struct IndexRange
{
    std::uint32_t first = 0;
    std::uint32_t last = 0;
};

// What to draw of a curve in a visible x-range: pieces of polyline plus marker positions.
// Points are a subset of the source points, in source order, with their real (x, y); a piece is
// drawn as one polyline and pieces are never joined (a NaN/Inf point, a segment start lies
// between).
struct DecimatedSeries
{
    std::vector<QPointF> points; // (x, value), x in axis units (not pixels)
    std::vector<std::uint32_t> indices; // source point index of each point (hover, record lookup)
    // Piece k is points[pieceStarts[k], pieceStarts[k+1]) (the last one runs to points.size()).
    // A piece of one point is an isolated value between gaps: draw it as a dot.
    std::vector<std::uint32_t> pieceStarts;
    // x of the non-finite points in the visible range, at most one per kind per pixel column (the
    // first one there). Draw NaN as a gap marker, +Inf at the top edge, -Inf at the bottom edge.
    std::vector<double> nanX;
    std::vector<double> posInfX;
    std::vector<double> negInfX;
    // The points inside the visible x-range, one index range per segment that has any: what a
    // y-range (RobustRange) or a statistic of the visible part should look at.
    std::vector<IndexRange> visible;

    void clear();
    std::size_t pieceCount() const
    {
        return pieceStarts.size();
    }
    std::size_t pieceEnd(std::size_t k) const
    {
        return k + 1 < pieceStarts.size() ? pieceStarts[k + 1] : points.size();
    }
};

// M4 decimation: per pixel column the first, min, max and last point of every unbroken run of
// finite values, found by binary search on x and the min/max pyramid, never by scanning the
// visible points: O(W log n) for W columns (plus O(log n) per line break inside a column, at most
// MaxExactBreaks per column). Stateless, any thread (the source must not be appended meanwhile).
// A run's first point is kept only when the line comes into it from the left, its last only when
// the line goes on into the next column: a run cut off by NaN on both sides keeps its min and max.
//
// Pixel identity, pinned by tst_decimator. Drawn this way, the pieces give exactly the pixels the
// same drawing of all points gives, whatever the zoom, data and pen width (0 or 1):
//  - a QPainter on a raster device (QImage, QWidget backing store), antialiasing off;
//  - a cosmetic pen of width 0 or 1 with Qt::SquareCap (QPen's default);
//  - each point at (PixelColumns::pixelX(x), y in pixels), any y mapping;
//  - each piece drawn as separate segments, QPainter::drawLines(), skipping zero-length ones; a
//    piece with no segment left is a dot: drawPoint(QPointF(pixelX(x) - 0.5, y)).
// Why it is exact: inside one column every segment is vertical, and Qt's aliased cosmetic stroker
// covers, for a vertical segment with square caps, the rows whose centres lie within half a pixel
// of it; the union over a column's zigzag therefore depends only on its min and max, and the
// first and last points fix the segments to the neighbouring columns, which both drawings share.
// Example: a column holding y = 3, 9, 1, 4 (pixels) keeps them all (first 3, max 9, min 1, last 4);
// a column of 10,000 points keeps at most 4, and a single-sample spike is its column's max.
// Not exact: QPainter::drawPolyline (its fast aliased path drops sub-pixel segments and starts the
// next one from the dropped point's predecessor, so the full drawing depends on point density),
// flat caps (a reversal adds a half-pixel cap only when the zigzag turns), antialiasing, true x
// instead of pixelX (Qt Charts): these look the same to the eye, one pixel off at places.
//
// x must be non-decreasing within a segment (Step mode goes back only at segment starts). Each
// segment is decimated on its own, so overlapping segments (a resumed run) both stay visible.
// One point beyond each edge of the visible range is kept so lines run to the plot's edges.
class Decimator
{
public:
    // A column with more line breaks than this draws its inner runs as one merged vertical run
    // (a band from their min to their max) instead of up to this many separate ones: bounded cost
    // for data that alternates NaN and values. The only place where the drawing is not exact:
    // it fills the gaps between those runs inside that one pixel column.
    static constexpr std::size_t MaxExactBreaks = 16;

    // What the decimator reads of a curve. x of point i: x[i] when x is set; else through the
    // record table column: xColumn.values[records[i]] - xColumn.offset, or records[i] itself when
    // xColumn.values is nullptr (Sequence mode).
    struct Source
    {
        const std::vector<double>* values = nullptr;
        const MinMaxPyramid* pyramid = nullptr; // must describe *values
        const double* x = nullptr;
        const StridedIndexColumn* records = nullptr;
        RecordTable::XColumn xColumn;
        // Point indices where a new segment starts (ascending, no 0); nullptr: one segment.
        const std::vector<std::uint32_t>* segmentStarts = nullptr;
        // Indices of the NaN/+Inf/-Inf values, ascending (Series::nonFinite()).
        const std::vector<std::uint32_t>* nonFinite = nullptr;
        // False: the caller frees the points as soon as it has drawn them, so the arrays keep
        // the room reserved for them instead of being copied to their size.
        bool trim = true;
    };

    // Decimates into `out` (cleared first; reuse it across frames to avoid allocations).
    static void decimate(const Source& source, const PixelColumns& columns, DecimatedSeries& out);

    // A Series through one x mode of its run. breakAtSegments: false joins restarts into one line
    // (only sensible for modes where x keeps growing across them: Wall, Relative, Sequence).
    static void decimate(const Series& series, const RecordTable::XColumn& x,
        const PixelColumns& columns, DecimatedSeries& out, bool breakAtSegments = true);

    // Plain arrays (a smoothed or aggregated curve): builds a temporary pyramid and list of
    // non-finite indices, O(n). Keep a MinMaxPyramid beside the arrays and use Source to redraw
    // a curve often.
    static void decimate(const std::vector<double>& x, const std::vector<double>& y,
        const PixelColumns& columns, DecimatedSeries& out,
        const std::vector<std::uint32_t>& segmentStarts = {});
};

} // namespace viewer
