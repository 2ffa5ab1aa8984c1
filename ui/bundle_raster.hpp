#pragma once

#include <QColor>
#include <QLineF>
#include <QPolygonF>
#include <QRect>
#include <QRectF>
#include <QTransform>

#include <cstdint>
#include <vector>

class QImage;
class QPainter;

namespace viewer {

// Draws a bundle of many aliased one-colour layers (decimated curves cut into 1-pixel-wide column
// spans and the lines between columns) into the image a QPainter draws on, with the pixels of
// drawing them one over the other with source-over, but front to back: layers are given top first,
// each pixel keeps what still shows through it, and a pixel nothing more can show through (less
// than half a level of 255 left) is skipped by every layer under it. So the blending costs at most
// a few dozen writes per pixel whatever the number of layers: a chart of 5,000 noisy runs blended
// ~10^8 pixels one run over the other (issue 15: drawing grows with the visible pixels, not with
// the runs). Each layer still costs its number of column runs.
class BundleRaster
{
public:
    // Ready when the painter draws on an ARGB32 premultiplied QImage, at full opacity and with
    // source-over, through a transform that only translates and scales (as SpanFill). `clip` is
    // the rectangle the painter is clipped to, in its coordinates now, or null for none.
    BundleRaster(QPainter* painter, const QRectF& clip);

    bool isReady() const
    {
        return m_image != nullptr;
    }
    // One layer under every layer added before: `spans` filled as QPainter::fillRect fills them
    // without antialiasing and `lines` stroked as aliased 1-pixel lines, all mapped by
    // `toDevice` (the painter's device transform for them), in `color`.
    void addUnder(const QTransform& toDevice, const std::vector<QRectF>& spans,
        const std::vector<QLineF>& lines, const QColor& color);
    // The same for one curve's decimated pieces in the painter's coordinates (what
    // walkColumnZigzag() makes of them), without building the spans and lines. thickenRows: each
    // column's run reaches that many rows further down, once (a bold line is QPainter's stroke
    // drawn twice, the second a row or two lower: here one run covers both).
    void addPiecesUnder(const QTransform& toDevice, const std::vector<QPolygonF>& pieces,
        const QColor& color, int thickenRows = 0);
    // Takes `under`'s layers (drawn with the same painter, perhaps on another thread) as lying
    // under all of this one's: for a bundle cut into groups blended at once. Empties `under`.
    void mergeUnder(BundleRaster& under);
    // Blends the layers over the image's pixels, once, after the last addUnder().
    void finish();

    // Pixels blended so far (a pixel covered by two layers counts twice): bounded by a few dozen
    // per pixel of the image, whatever the number of layers.
    std::uint64_t blendCount() const
    {
        return m_blends;
    }

private:
    bool setColor(const QColor& color); // false: nothing to draw
    // Column x, rows top..bottom (device pixels, inclusive), in the current colour.
    void addRun(int x, int top, int bottom);
    void addLine(const QPointF& a, const QPointF& b);
    void lineRun(int x, int top, int bottom); // addRun, or queueRun inside addPiecesUnder
    void queueRun(int x, int top, int bottom);
    void flushQueuedRun();
    void allocate();
    // The first pixel at or below index i (same column) that still shows through.
    std::int32_t open(std::int32_t i);

    QImage* m_image = nullptr;
    QRect m_bounds; // device pixels: the image, cut by the clip
    // Per pixel of m_bounds, column by column (a column run is contiguous), rows+1 per column (a
    // sentinel row that never closes ends each column).
    int m_rows = 0;
    struct Pixel
    {
        float red = 0, green = 0, blue = 0; // premultiplied colour already shown, 0..255
        float through = 1; // what still shows through: 1 untouched, 0 covered
    };
    std::vector<Pixel> m_pixels;
    std::vector<std::int32_t> m_next; // itself while open; else towards the next open pixel
    struct QueuedRun
    {
        int x = 0;
        int top = 0;
        int bottom = -1; // above top: none
    };
    QueuedRun m_queued;
    std::vector<QueuedRun> m_leftwardRuns; // of a steep line going left as it goes down
    bool m_queueing = false;
    int m_thickenRows = 0; // inside addPiecesUnder
    float m_color[3] = {};
    float m_alpha = 0;
    std::uint64_t m_blends = 0;
};

} // namespace viewer
