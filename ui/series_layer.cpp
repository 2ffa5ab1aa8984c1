#include "series_layer.hpp"

#include "bundle_raster.hpp"
#include "column_zigzag.hpp"
#include "layer_prerender.hpp"
#include "parallel_chunks.hpp"
#include "pooled_image_render.hpp"
#include "span_fill.hpp"

#include <QGraphicsScene>
#include <QGraphicsView>
#include <QPainter>
#include <QtMath>

#include <algorithm>
#include <cmath>
#include <limits>

namespace viewer {

namespace {

const QColor NanColor(214, 39, 40);

} // namespace

SeriesLayer::SeriesLayer(QGraphicsItem* parent)
    : QGraphicsItem(parent)
    , m_curves(std::make_shared<const std::vector<LayerCurve>>())
{
    setFlag(QGraphicsItem::ItemIsSelectable, false);
    setAcceptedMouseButtons(Qt::NoButton);
    setAcceptHoverEvents(false);
}

void SeriesLayer::setPlotArea(const QRectF& plotArea)
{
    if (plotArea == m_plotArea)
        return;
    prepareGeometryChange();
    m_plotArea = plotArea;
    m_image = QImage();
    m_gridImage.reset();
    dropPrerender();
}

// Live appends change the curves only right of their previous last points: only that strip is
// repainted. A repaint of the whole item also repainted every Qt Charts item it overlaps (the y
// axis' line, as tall as the plot, goes to the thread pool; the axis labels' text), at every
// append (issue 15).
void SeriesLayer::setCurves(std::vector<LayerCurve> curves)
{
    const qreal from = firstChangeX(*m_curves, curves);
    if (from == std::numeric_limits<qreal>::infinity()) {
        m_lastCurvesUpdate = QRectF(); // the same drawing: the image is kept
        if (m_image.isNull() && !m_prerender)
            startPrerender();
        return;
    }
    m_geometryPoints = 0;
    for (const LayerCurve& curve : curves) {
        m_geometryPoints += curve.dots.size();
        for (const auto* polygons : { &curve.pieces, &curve.bands }) {
            for (const QPolygonF& polygon : *polygons)
                m_geometryPoints += static_cast<std::size_t>(polygon.size());
        }
    }
    m_geometryReleased = false;
    m_curves = std::make_shared<const std::vector<LayerCurve>>(std::move(curves));
    m_image = QImage();
    startPrerender();
    // While the view paints at whole pixels the prerender will serve: it alone keeps a large
    // geometry, freed as soon as it is drawn (the charts of 5,000 runs no longer all hold theirs
    // at once).
    if (m_prerender && m_paintsWholePixels)
        releaseLargeGeometry();
    const QRectF all = boundingRect();
    // A change that reaches outside the plot (markers, bands) is Everywhere; the lines and dots
    // are clipped to a pixel row above and below it (draw()): the strip stops there, short of the
    // axis labels and ticks below the plot, which a repaint of the strip drew again (issue 15).
    const QRectF lines = m_plotArea.adjusted(0, -2, 0, 2);
    m_lastCurvesUpdate = from == -std::numeric_limits<qreal>::infinity() || from - 2 <= all.left()
        ? all
        : QRectF(QPointF(from - 2, lines.top()), QPointF(all.right(), lines.bottom()));
    update(m_lastCurvesUpdate);
}

qreal SeriesLayer::firstChangeX(
    const std::vector<LayerCurve>& prev, const std::vector<LayerCurve>& next)
{
    constexpr qreal Everywhere = -std::numeric_limits<qreal>::infinity();
    if (prev.size() != next.size())
        return Everywhere;
    qreal from = std::numeric_limits<qreal>::infinity();
    // The first point where two point lists differ, and the one before it (the segment to it is
    // drawn anew); the tail of the longer one counts from the last common point.
    const auto firstDifference = [&from](const auto& a, const auto& b) {
        const auto na = static_cast<std::size_t>(a.size());
        const auto nb = static_cast<std::size_t>(b.size());
        const std::size_t n = std::min(na, nb);
        std::size_t k = 0;
        while (k < n && a[k] == b[k])
            ++k;
        if (k == n && na == nb)
            return;
        const std::size_t at = k > 0 ? k - 1 : 0;
        if (at < na)
            from = std::min(from, qreal(a[at].x()));
        if (at < nb)
            from = std::min(from, qreal(b[at].x()));
    };
    for (std::size_t i = 0; i < prev.size(); ++i) {
        const LayerCurve& a = prev[i];
        const LayerCurve& b = next[i];
        if (a.color != b.color || a.width != b.width || a.faint != b.faint
            || a.markerRow != b.markerRow || a.bands != b.bands || a.nanPx != b.nanPx
            || a.posInfPx != b.posInfPx || a.negInfPx != b.negInfPx || a.abovePx != b.abovePx
            || a.belowPx != b.belowPx)
            return Everywhere;
        firstDifference(a.dots, b.dots);
        const std::size_t pieces = std::min(a.pieces.size(), b.pieces.size());
        for (std::size_t j = 0; j < pieces; ++j)
            firstDifference(a.pieces[j], b.pieces[j]);
        // A piece more or less: it starts right of the common ones.
        for (std::size_t j = pieces; j < a.pieces.size(); ++j)
            firstDifference(a.pieces[j], QPolygonF());
        for (std::size_t j = pieces; j < b.pieces.size(); ++j)
            firstDifference(QPolygonF(), b.pieces[j]);
    }
    // A dot is drawn with a pen up to a few pixels wide.
    return from - 3;
}

void SeriesLayer::setGrid(LayerGrid grid)
{
    if (grid == m_grid)
        return;
    m_grid = std::move(grid);
    m_gridImage.reset();
    // Drawn anew at the next paint (or by the prerender of the setCurves() that follows).
    m_image = QImage();
    dropPrerender();
    update();
}

void SeriesLayer::drawGrid(QPainter* painter, const LayerGrid& grid, const QRectF& plotArea)
{
    painter->setRenderHint(QPainter::Antialiasing, true);
    painter->setBrush(Qt::NoBrush);
    painter->setPen(grid.xPen);
    for (qreal x : grid.x)
        painter->drawLine(QLineF(x, plotArea.top(), x, plotArea.bottom()));
    painter->setPen(grid.yPen);
    for (qreal y : grid.y)
        painter->drawLine(QLineF(plotArea.left(), y, plotArea.right(), y));
}

SeriesLayer::ImagePlace SeriesLayer::imagePlace(const QTransform& world) const
{
    const QRectF area = world.mapRect(boundingRect());
    ImagePlace place;
    place.origin = QPoint(qFloor(area.left()), qFloor(area.top()));
    place.size =
        QSize(qCeil(area.right()) - place.origin.x(), qCeil(area.bottom()) - place.origin.y());
    place.toImage = world * QTransform::fromTranslate(-place.origin.x(), -place.origin.y());
    return place;
}

std::weak_ptr<LayerPrerender>& SeriesLayer::lastLargePrerender()
{
    static std::weak_ptr<LayerPrerender> last;
    return last;
}

std::function<void(QPainter*)> SeriesLayer::drawing(const ImagePlace& place, qreal dpr)
{
    // No grid, nothing to copy; not kept (a peer), drawn into every image as before.
    if (!m_keepsGridImage || (m_grid.x.empty() && m_grid.y.empty())) {
        return [curves = m_curves, grid = m_grid, plotArea = m_plotArea,
                   antialiased = m_antialiased, toImage = place.toImage](QPainter* p) {
            p->setTransform(toImage, true);
            draw(p, *curves, grid, plotArea, antialiased);
        };
    }
    LayerGrid noLines = m_grid;
    noLines.x.clear();
    noLines.y.clear();
    // The grid's pixels copied in, then the curves over them: the pixels of the grid drawn first
    // into the transparent image, which is what draw() does.
    return [curves = m_curves, noLines = std::move(noLines), gridImage = gridImageFor(place, dpr),
               plotArea = m_plotArea, antialiased = m_antialiased,
               toImage = place.toImage](QPainter* p) {
        p->save();
        p->setCompositionMode(QPainter::CompositionMode_Source);
        p->drawImage(QPointF(0, 0), gridImage->image());
        p->restore();
        p->setTransform(toImage, true);
        draw(p, *curves, noLines, plotArea, antialiased);
    };
}

std::shared_ptr<LayerPrerender> SeriesLayer::gridImageFor(const ImagePlace& place, qreal dpr)
{
    if (!m_gridImage || m_gridImage->pixels() != place.size * dpr
        || m_gridImage->devicePixelRatio() != dpr || m_gridToImage != place.toImage) {
        m_gridImage = LayerPrerender::start(place.size * dpr, dpr,
            [grid = m_grid, plotArea = m_plotArea, toImage = place.toImage](QPainter* p) {
                p->setTransform(toImage, true);
                drawGrid(p, grid, plotArea);
            });
        m_gridToImage = place.toImage;
        ++m_gridRenderCount;
    }
    return m_gridImage;
}

void SeriesLayer::startPrerender()
{
    dropPrerender();
    if (m_plotArea.isEmpty() || !scene())
        return;
    const QList<QGraphicsView*> views = scene()->views();
    const qreal dpr = views.isEmpty() ? 1.0 : views.first()->devicePixelRatioF();
    const ImagePlace place = imagePlace(QTransform());
    const bool large = m_geometryPoints > ReleaseGeometryAbovePoints;
    if (large)
        waitForLargeImage();
    m_prerender = LayerPrerender::start(place.size * dpr, dpr, drawing(place, dpr));
    if (large)
        lastLargePrerender() = m_prerender;
}

// Charts of 5,000 runs were built faster than their images were drawn: every chart's geometry
// waited for the pool at once (+200 MB each). A chart about to build a large geometry waits for
// the large image before it (its chart builds with both cores, the image draws with both): one
// large geometry at a time. GUI thread: the image before is any chart's.
void SeriesLayer::waitForLargeImage()
{
    if (const std::shared_ptr<LayerPrerender> drawing = lastLargePrerender().lock())
        drawing->waitUntilDrawn();
}

bool SeriesLayer::isWholePixelShift(const QTransform& world)
{
    return world.type() <= QTransform::TxTranslate && world.dx() == std::round(world.dx())
        && world.dy() == std::round(world.dy());
}

void SeriesLayer::setGeometryNeeded(std::function<void()> geometryNeeded)
{
    m_geometryNeeded = std::move(geometryNeeded);
}

void SeriesLayer::releaseLargeGeometry()
{
    if (!m_geometryNeeded || m_geometryPoints <= ReleaseGeometryAbovePoints)
        return;
    m_curves = std::make_shared<const std::vector<LayerCurve>>();
    m_geometryReleased = true;
}

void SeriesLayer::dropPrerender()
{
    if (m_prerender)
        m_prerender->cancel();
    m_prerender.reset();
}

void SeriesLayer::decompose(const LayerCurve& curve, Painted& out)
{
    out.spans.clear();
    out.lines.clear();
    for (const QPolygonF& piece : curve.pieces) {
        walkColumnZigzag(
            piece,
            [&out](qreal left, qreal top, qreal bottom) {
                out.spans.emplace_back(left, top, 1.0, bottom - top);
            },
            [&out](const QPointF& from, const QPointF& to) { out.lines.emplace_back(from, to); });
    }
}

QColor SeriesLayer::lineColor(const LayerCurve& curve)
{
    QColor color = curve.color;
    if (curve.faint)
        color.setAlpha(70 * curve.color.alpha() / 255);
    return color;
}

qreal SeriesLayer::boldOffset(const LayerCurve& curve)
{
    return std::clamp<qreal>(curve.width - 1.0, 0.0, 1.0);
}

void SeriesLayer::drawDots(QPainter* painter, const LayerCurve& curve)
{
    if (curve.dots.empty())
        return;
    QPen dotPen(lineColor(curve), std::max<qreal>(curve.width + 2.0, 3.0));
    dotPen.setCapStyle(Qt::RoundCap);
    painter->setPen(dotPen);
    painter->drawPoints(curve.dots.data(), static_cast<int>(curve.dots.size()));
}

// The same layers as draw()'s own loop, given top first: the smoothed lines over every raw line, a
// later curve over an earlier one. They are cut into a few groups of about as many points, each
// blended by its own BundleRaster on any core (ParallelChunks), then the groups are laid one over
// the other, which gives the pixels of one raster. Dots go over the whole bundle.
void SeriesLayer::drawBundle(
    QPainter* painter, const std::vector<LayerCurve>& curves, const QRectF& clip)
{
    std::vector<const LayerCurve*> topFirst;
    std::size_t points = 0;
    for (int pass = 1; pass >= 0; --pass) {
        for (auto curve = curves.rbegin(); curve != curves.rend(); ++curve) {
            if (curve->faint != (pass == 0))
                continue;
            topFirst.push_back(&*curve);
            for (const QPolygonF& piece : curve->pieces)
                points += std::size_t(piece.size());
        }
    }
    // Two groups, one per core (each group's raster holds 20 bytes per device pixel of the
    // image): group g takes the layers from about g / Groups of the points on.
    constexpr std::size_t Groups = 2;
    std::vector<std::size_t> groupStart(Groups + 1, topFirst.size());
    groupStart[0] = 0;
    std::size_t seen = 0;
    std::size_t group = 1;
    for (std::size_t i = 0; i < topFirst.size() && group < Groups; ++i) {
        while (group < Groups && seen >= points * group / Groups)
            groupStart[group++] = i;
        for (const QPolygonF& piece : topFirst[i]->pieces)
            seen += std::size_t(piece.size());
    }
    std::vector<std::unique_ptr<BundleRaster>> rasters;
    for (std::size_t g = 0; g < Groups; ++g)
        rasters.push_back(std::make_unique<BundleRaster>(painter, clip));
    const QTransform toDevice = painter->deviceTransform();
    ParallelChunks::run(Groups, 1, [&](std::size_t begin, std::size_t end) {
        for (std::size_t g = begin; g < end; ++g) {
            for (std::size_t i = groupStart[g]; i < groupStart[g + 1]; ++i) {
                const LayerCurve& curve = *topFirst[i];
                rasters[g]->addPiecesUnder(toDevice, curve.pieces, lineColor(curve),
                    qRound(boldOffset(curve) * toDevice.m22()));
            }
        }
    });
    for (std::size_t g = 1; g < Groups; ++g)
        rasters[0]->mergeUnder(*rasters[g]);
    rasters[0]->finish();
    for (int pass = 0; pass < 2; ++pass) {
        for (const LayerCurve& curve : curves) {
            if (curve.faint == (pass == 0))
                drawDots(painter, curve);
        }
    }
}

void SeriesLayer::setAntialiased(bool on)
{
    m_antialiased = on;
    m_image = QImage();
    dropPrerender();
    update();
}

QRectF SeriesLayer::boundingRect() const
{
    // Markers sit on the plot's edges and stick out by their size.
    return m_plotArea.adjusted(-MarkerSize - 1, -MarkerSize - 1, MarkerSize + 1, MarkerSize + 1);
}

// Drawn into an image on a pool thread (see renderOnPoolThread) and kept until the curves, the
// plot area or the painter's transform change: a repaint for the hover or an expose is one blit.
// The image starts at a whole device pixel, so every pixel lands where direct painting put it.
void SeriesLayer::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    if (m_plotArea.isEmpty())
        return;
    const QTransform world = painter->worldTransform();
    const qreal dpr = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
    const ImagePlace place = imagePlace(world);
    const bool wholePixelShift = isWholePixelShift(world);
    // One image serves every whole-pixel shift: only where it is blitted moves (imagePlace).
    const bool imageServes = !m_image.isNull() && dpr == m_image.devicePixelRatio()
        && (world == m_imageWorld || (wholePixelShift && isWholePixelShift(m_imageWorld)));
    const bool prerenderServes = m_prerender && wholePixelShift
        && m_prerender->devicePixelRatio() == dpr && m_prerender->pixels() == place.size * dpr;
    if (imageServes) {
        m_imageWorld = world;
        m_imageOrigin = place.origin;
    } else if (m_geometryReleased && !prerenderServes) {
        // Dropped once drawn (releaseLargeGeometry): asked for again; the last image meanwhile.
        m_paintsWholePixels = wholePixelShift;
        dropPrerender();
        m_geometryNeeded();
    } else {
        m_paintsWholePixels = wholePixelShift;
        if (prerenderServes) {
            m_image = m_prerender->take();
            ++m_prerenderedCount;
        } else {
            m_image = renderOnPoolThread(place.size * dpr, dpr, drawing(place, dpr));
        }
        dropPrerender();
        m_imageWorld = world;
        m_imageOrigin = place.origin;
        ++m_renderCount;
        releaseLargeGeometry();
    }
    if (m_image.isNull())
        return;
    painter->save();
    painter->resetTransform();
    painter->drawImage(m_imageOrigin, m_image);
    painter->restore();
}

void SeriesLayer::draw(QPainter* painter, const std::vector<LayerCurve>& curves,
    const LayerGrid& grid, const QRectF& plotArea, bool antialiased)
{
    painter->save();
    drawGrid(painter, grid, plotArea);
    painter->setRenderHint(QPainter::Antialiasing, antialiased);
    const QRectF clip = plotArea.adjusted(0, -1, 0, 1);
    painter->setClipRect(clip);
    const SpanFill spanFill(painter, clip);

    for (const LayerCurve& curve : curves) {
        if (curve.bands.empty())
            continue;
        QColor fill = curve.color;
        fill.setAlpha(50 * curve.color.alpha() / 255); // a faded (not highlighted) run stays faded
        painter->setPen(Qt::NoPen);
        painter->setBrush(fill);
        for (const QPolygonF& band : curve.bands)
            painter->drawPolygon(band);
    }
    painter->setBrush(Qt::NoBrush);
    // Past AntialiasedCurvesAtMost lines, the lines are aliased: in a bundle that dense the soft
    // edges do not show, and they were most of the drawing (5,000 runs: ~4 of 6 CPU seconds).
    const bool smoothLines = antialiased && curves.size() <= AntialiasedCurvesAtMost;
    // Faint (raw behind smoothed) first so the smoothed lines stay on top of every run's raw line.
    // Each curve is cut into spans and lines as it is drawn, in one buffer: kept for every curve,
    // they doubled the memory of a chart of 1,000 runs.
    Painted painted;
    if (curves.size() > AntialiasedCurvesAtMost && BundleRaster(painter, clip).isReady()) {
        drawBundle(painter, curves, clip);
    } else {
        for (int pass = 0; pass < 2; ++pass) {
            for (const LayerCurve& curve : curves) {
                if (curve.faint != (pass == 0))
                    continue;
                decompose(curve, painted);
                const QColor color = lineColor(curve);
                // A cosmetic 1-pixel pen takes Qt's fast line path; a bolder line is drawn twice.
                const qreal extra = boldOffset(curve);
                for (int offset = 0; offset < (extra > 0 ? 2 : 1); ++offset) {
                    const qreal dy = offset * extra;
                    painter->save();
                    painter->translate(0, dy);
                    painter->setRenderHint(QPainter::Antialiasing, false);
                    if (!spanFill.fill(painter, painted.spans, color)) {
                        for (const QRectF& span : painted.spans)
                            painter->fillRect(span, color);
                    }
                    painter->setRenderHint(QPainter::Antialiasing, smoothLines);
                    QPen pen(color, 1.0);
                    pen.setCosmetic(true);
                    pen.setCapStyle(Qt::FlatCap);
                    painter->setPen(pen);
                    painter->drawLines(
                        painted.lines.data(), static_cast<int>(painted.lines.size()));
                    painter->restore();
                }
                drawDots(painter, curve);
            }
        }
    }

    painter->setClipping(false);
    const qreal s = MarkerSize;
    const qreal top = plotArea.top();
    const qreal bottom = plotArea.bottom();
    for (const LayerCurve& curve : curves) {
        if (curve.faint)
            continue;
        if (!curve.nanPx.empty()) {
            // In the run's color, each run on its own row: the first centred on the x axis line,
            // the next ones above it.
            painter->setPen(QPen(curve.color, 2.0));
            const qreal y = bottom - std::min(curve.markerRow, 5) * (2 * s + 2);
            for (qreal x : curve.nanPx) {
                painter->drawLine(QPointF(x - s, y - s), QPointF(x + s, y + s));
                painter->drawLine(QPointF(x - s, y + s), QPointF(x + s, y - s));
            }
        }
        if (!curve.abovePx.empty() || !curve.belowPx.empty()) {
            painter->setPen(QPen(curve.color, 1.5));
            painter->setBrush(Qt::NoBrush);
            const qreal w = 0.7 * s;
            for (qreal x : curve.abovePx) {
                const QPointF wedge[3] = { { x - w, top + 1.2 * w }, { x, top + 1 },
                    { x + w, top + 1.2 * w } };
                painter->drawPolyline(wedge, 3);
            }
            for (qreal x : curve.belowPx) {
                const QPointF wedge[3] = { { x - w, bottom - 1.2 * w }, { x, bottom - 1 },
                    { x + w, bottom - 1.2 * w } };
                painter->drawPolyline(wedge, 3);
            }
        }
        painter->setPen(QPen(NanColor, 1.0));
        painter->setBrush(curve.color);
        for (qreal x : curve.posInfPx) {
            const QPointF up[3] = { { x, top }, { x - s, top + 1.6 * s },
                { x + s, top + 1.6 * s } };
            painter->drawPolygon(up, 3);
        }
        for (qreal x : curve.negInfPx) {
            const QPointF down[3] = { { x, bottom }, { x - s, bottom - 1.6 * s },
                { x + s, bottom - 1.6 * s } };
            painter->drawPolygon(down, 3);
        }
        painter->setBrush(Qt::NoBrush);
    }
    painter->restore();
}

} // namespace viewer
