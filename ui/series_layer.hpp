#pragma once

#include <QColor>
#include <QGraphicsItem>
#include <QImage>
#include <QPen>
#include <QPolygonF>
#include <QTransform>

#include <functional>
#include <memory>
#include <vector>

namespace viewer {

class LayerPrerender;

// One curve as the plot draws it, already in pixel coordinates of the chart: the pieces of a
// decimated line (never joined across a gap or restart), isolated points, an optional min/max
// band, and the x pixels of its NaN, +Inf and -Inf markers.
struct LayerCurve
{
    QColor color;
    qreal width = 1.0; // 1: hairline; up to 2: drawn twice, offset down by width - 1
    bool faint = false; // the raw line kept behind a smoothed one
    std::vector<QPolygonF> pieces;
    std::vector<QPointF> dots; // one-point pieces: a value between two gaps
    std::vector<QPolygonF> bands; // filled, translucent (group min/max)
    std::vector<qreal> nanPx;
    std::vector<qreal> posInfPx;
    std::vector<qreal> negInfPx;
    // x pixels of finite points drawn off the top or bottom of the plot (the y range ignores
    // outliers): a small open wedge at that edge, in the curve's color, so nothing is hidden.
    std::vector<qreal> abovePx;
    std::vector<qreal> belowPx;
    // Row of this curve's NaN markers above the bottom edge (0: on it), one row per run so that
    // the markers of several runs never merge into one bar.
    int markerRow = 0;
};

// The plot's grid as the SeriesLayer draws it under the curves, in chart coordinates: x of the
// vertical lines, y of the horizontal ones (ChartAxes::gridLines: Qt Charts' own grid lines).
struct LayerGrid
{
    std::vector<qreal> x;
    std::vector<qreal> y;
    QPen xPen;
    QPen yPen;
    bool operator==(const LayerGrid& o) const
    {
        return x == o.x && y == o.y && xPen == o.xPen && yPen == o.yPen;
    }
};

// Paints the curves of one MetricChart inside its plot area: bands, faint raw lines, lines, then
// the non-finite markers (NaN: an x in the run's color, one row per run at the bottom edge; +Inf: a
// triangle pointing up at the top edge; -Inf: a triangle pointing down at the bottom edge), so a
// NaN is never just a silent gap. GUI thread. Holds only pixel geometry: the chart re-decimates and
// calls setCurves() whenever the range, size or data change, and the drawing is kept as an image,
// so a repaint (hover, expose) costs one blit whatever the number of runs and points.
class SeriesLayer : public QGraphicsItem
{
public:
    explicit SeriesLayer(QGraphicsItem* parent = nullptr);

    void setPlotArea(const QRectF& plotArea);
    void setCurves(std::vector<LayerCurve> curves);
    // Grid lines under the curves, across the whole plot area, antialiased as the chart view
    // draws: they were Qt Charts' grid items, each painted on the GUI thread at every redraw, and
    // Qt 6.4's raster engine hands every line taller than 96 pixels to the thread pool and waits.
    void setGrid(LayerGrid grid);
    // The part of the item the last setCurves() asked to repaint (item coordinates): the plot
    // (and 2 pixel rows above and below it) right of where the curves changed, the whole item
    // when something else changed, empty when nothing did.
    QRectF lastCurvesUpdate() const
    {
        return m_lastCurvesUpdate;
    }
    const std::vector<LayerCurve>& curves() const
    {
        return *m_curves;
    }
    void setAntialiased(bool on);
    // Lets the layer drop geometry of more than ReleaseGeometryAbovePoints points once it is drawn
    // (the image is kept): `geometryNeeded` is called, from paint(), when it must draw anew (a new
    // plot area, a fractional shift), and must lead to setCurves() at a later turn. Why: a chart of
    // 1,000 runs kept ~34 MB of pixel geometry it only needs to draw again. Without it, the layer
    // keeps its curves.
    void setGeometryNeeded(std::function<void()> geometryNeeded);
    // Returns once the last large curve image started (any chart's) is drawn: a chart about to
    // build the geometry of hundreds of curves calls it first, so large geometries are not
    // built faster than they are drawn and never pile up. GUI thread.
    static void waitForLargeImage();
    // How many times paint() drew the curves anew (the others were one blit of the kept image).
    int renderCount() const
    {
        return m_renderCount;
    }
    // Default true: the grid is drawn once on its own and copied under the curves of every image
    // until the grid, the plot area or the image's size change. False: drawn into every image,
    // as before (the peer the tests compare pixels with).
    void setKeepsGridImage(bool on)
    {
        m_keepsGridImage = on;
    }
    // How many times the grid was drawn on its own (see setKeepsGridImage).
    int gridRenderCount() const
    {
        return m_gridRenderCount;
    }
    // How many of those were drawn ahead, on a pool thread, while the GUI thread went on.
    int prerenderedCount() const
    {
        return m_prerenderedCount;
    }

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    static constexpr qreal MarkerSize = 5.0; // half extent of a NaN/Inf marker, pixels
    // Up to this many curves (raw and smoothed lines count apart), lines are antialiased.
    static constexpr std::size_t AntialiasedCurvesAtMost = 200;
    static constexpr std::size_t ReleaseGeometryAbovePoints = 200000; // ~3 MB of QPointF

private:
    // A curve as painted: its pieces' column spans as 1-pixel-wide rectangles, and the segments
    // between columns, which alone go through the stroker (walkColumnZigzag).
    struct Painted
    {
        std::vector<QRectF> spans;
        std::vector<QLineF> lines;
    };
    static void decompose(const LayerCurve& curve, Painted& out);
    static QColor lineColor(const LayerCurve& curve); // a faint line's alpha taken down
    static qreal boldOffset(
        const LayerCurve& curve); // a line of width 1 + d is drawn twice, d apart
    static void drawDots(QPainter* painter, const LayerCurve& curve);
    // Past AntialiasedCurvesAtMost curves: every line at once, front to back (BundleRaster).
    static void drawBundle(
        QPainter* painter, const std::vector<LayerCurve>& curves, const QRectF& clip);
    // In item coordinates; static: a prerender draws on a pool thread from what it shares.
    static void draw(QPainter* painter, const std::vector<LayerCurve>& curves,
        const LayerGrid& grid, const QRectF& plotArea, bool antialiased);
    static void drawGrid(QPainter* painter, const LayerGrid& grid, const QRectF& plotArea);
    static std::weak_ptr<LayerPrerender>& lastLargePrerender();
    // x from which `next` is drawn differently from `prev` (both in x order); +inf: nowhere;
    // -inf: everywhere, or a change reaches outside the plot (markers, bands, colours).
    static qreal firstChangeX(
        const std::vector<LayerCurve>& prev, const std::vector<LayerCurve>& next);
    // Where the image of boundingRect() lies for a painter with transform `world`.
    struct ImagePlace
    {
        QPoint origin; // device-independent pixels, transform reset
        QSize size;
        QTransform toImage; // item -> image coordinates
    };
    ImagePlace imagePlace(const QTransform& world) const;
    // What draws the image at `place`: the curves over the grid image kept for it (see
    // gridImageFor), or the grid drawn with the curves when none is kept (no grid lines, or
    // setKeepsGridImage(false)).
    std::function<void(QPainter*)> drawing(const ImagePlace& place, qreal dpr);
    std::shared_ptr<LayerPrerender> gridImageFor(const ImagePlace& place, qreal dpr);
    void startPrerender();
    void dropPrerender();
    void releaseLargeGeometry();
    static bool isWholePixelShift(const QTransform& world);

    QRectF m_plotArea;
    // Shared with a prerender in flight: setCurves() replaces it, never changes it.
    std::shared_ptr<const std::vector<LayerCurve>> m_curves;
    LayerGrid m_grid;
    // The grid alone, drawn on the pool (never cancelled: curve images in flight read it); reset
    // when the grid or the plot area change. Why: the grid's antialiased lines were ~6 % of a
    // followed window's CPU, drawn again into every curve image at every live batch (issue 15).
    std::shared_ptr<LayerPrerender> m_gridImage;
    QTransform m_gridToImage;
    int m_gridRenderCount = 0;
    bool m_keepsGridImage = true;
    QRectF m_lastCurvesUpdate;
    bool m_antialiased = true;
    // Started by setCurves(). Its image is the same for any painter transform that is a whole-pixel
    // translation (imagePlace's toImage does not depend on it), which is what a chart view paints
    // with; paint() uses it then, else draws anew.
    std::shared_ptr<LayerPrerender> m_prerender;
    int m_prerenderedCount = 0;
    std::function<void()> m_geometryNeeded;
    std::size_t m_geometryPoints = 0; // in m_curves as set
    bool m_geometryReleased = false; // m_curves emptied after drawing: ask m_geometryNeeded
    bool m_paintsWholePixels = true; // the last drawing was for a whole-pixel shift
    // What paint() last drew, at m_imageOrigin in device-independent pixels of the painter with
    // the transform reset; null when the curves, the plot area or antialiasing changed since.
    QImage m_image;
    QTransform m_imageWorld;
    QPoint m_imageOrigin;
    int m_renderCount = 0;
};

} // namespace viewer
