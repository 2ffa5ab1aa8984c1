#pragma once

#include "decimator.hpp"
#include "plot_mapping.hpp"
#include "series_layer.hpp"

#include <QColor>
#include <QHash>

#include <functional>
#include <vector>

namespace viewer {

class CurveModel;

// The pixels of a chart's curves: the decimated points of a CurveModel mapped into the plot area
// as polylines, dots (a value between two gaps), group bands and NaN/Inf marker positions, ready
// for the SeriesLayer. Lines are cut to the plot plus a wide margin (QPainter's rasteriser
// misbehaves with coordinates in the millions) and broken where a point has no position.
class CurveGeometry
{
public:
    // colors: of each curve's run id. dpr: device pixels per logical pixel (the decimator's
    // columns are device pixels). built(i): called once model.curves()[i] is in pixels (a chart
    // frees its decimated points there, so they and the pixels never all exist at once). Curves
    // are mapped on every core (ParallelChunks): built(i) is called on any of those threads and
    // must touch curve i alone.
    // A curve that CurveModel::decimateLater() left pending is decimated here, just before it is
    // mapped.
    static std::vector<LayerCurve> build(CurveModel& model, const QHash<int, QColor>& colors,
        const PlotMapping& mapping, const PixelColumns& columns, qreal dpr,
        const std::function<void(std::size_t)>& built = {});

    // Splits a decimated piece (pixel points, possibly far outside the plot or NaN where a log
    // axis has no position) into polylines kept inside `bounds`, and one-point pieces into dots.
    static void addClippedPiece(const std::vector<QPointF>& pts, const QRectF& bounds,
        std::vector<QPolygonF>& out, std::vector<QPointF>& dots);
    static void addClippedPiece(const QPointF* pts, std::size_t n, const QRectF& bounds,
        std::vector<QPolygonF>& out, std::vector<QPointF>& dots);
};

} // namespace viewer
