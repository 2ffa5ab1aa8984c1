#include "curve_geometry.hpp"

#include "curve_model.hpp"
#include "exact_floor.hpp"
#include "parallel_chunks.hpp"

#include <algorithm>
#include <cmath>

namespace viewer {

namespace {

constexpr qreal GeometryMargin = 2000.0; // pixels around the plot inside which lines are kept

} // namespace

void CurveGeometry::addClippedPiece(const std::vector<QPointF>& pts, const QRectF& bounds,
    std::vector<QPolygonF>& out, std::vector<QPointF>& dots)
{
    addClippedPiece(pts.data(), pts.size(), bounds, out, dots);
}

void CurveGeometry::addClippedPiece(const QPointF* pts, std::size_t n, const QRectF& bounds,
    std::vector<QPolygonF>& out, std::vector<QPointF>& dots)
{
    auto finite = [](const QPointF& p) { return std::isfinite(p.x()) && std::isfinite(p.y()); };
    // QRectF::contains, inline (the library call was a tenth of building a chart of 5,000 runs).
    const qreal left = bounds.left();
    const qreal right = bounds.right();
    const qreal top = bounds.top();
    const qreal bottom = bounds.bottom();
    auto inside = [=](const QPointF& p) {
        return p.x() >= left && p.x() <= right && p.y() >= top && p.y() <= bottom;
    };
    if (n == 1) {
        if (finite(pts[0]) && inside(pts[0]))
            dots.push_back(pts[0]);
        return;
    }
    // The usual piece: finite and inside throughout, kept whole in one allocation of its size
    // (NaN fails `inside`, so it also tests finiteness).
    if (n >= 2 && std::all_of(pts, pts + n, inside)) {
        out.emplace_back(QList<QPointF>(pts, pts + n));
        return;
    }
    QPolygonF current;
    auto finish = [&] {
        if (current.size() >= 2) {
            // Kept until the next build: without the growth slack (with 1,000 runs per chart the
            // slack was a quarter of the window's memory).
            current.squeeze();
            out.push_back(std::move(current));
        } else if (current.size() == 1 && inside(current[0]))
            dots.push_back(current[0]);
        current = QPolygonF();
    };
    for (std::size_t i = 1; i < n; ++i) {
        QPointF p = pts[i - 1];
        QPointF q = pts[i];
        if (!finite(p) || !finite(q)) {
            finish();
            continue;
        }
        if (inside(p) && inside(q)) {
            if (current.isEmpty())
                current << p;
            current << q;
            continue;
        }
        // Liang-Barsky clip of the segment p-q to bounds.
        double t0 = 0.0;
        double t1 = 1.0;
        const double dx = q.x() - p.x();
        const double dy = q.y() - p.y();
        const double pp[4] = { -dx, dx, -dy, dy };
        const double qq[4] = { p.x() - bounds.left(), bounds.right() - p.x(), p.y() - bounds.top(),
            bounds.bottom() - p.y() };
        bool visible = true;
        for (int k = 0; k < 4 && visible; ++k) {
            if (pp[k] == 0.0) {
                if (qq[k] < 0)
                    visible = false;
                continue;
            }
            const double t = qq[k] / pp[k];
            if (pp[k] < 0)
                t0 = std::max(t0, t);
            else
                t1 = std::min(t1, t);
            if (t0 > t1)
                visible = false;
        }
        if (!visible) {
            finish();
            continue;
        }
        const QPointF a(p.x() + t0 * dx, p.y() + t0 * dy);
        const QPointF b(p.x() + t1 * dx, p.y() + t1 * dy);
        if (current.isEmpty() || current.back() != a) {
            finish();
            current << a;
        }
        current << b;
        if (t1 < 1.0)
            finish();
    }
    finish();
}

std::vector<LayerCurve> CurveGeometry::build(CurveModel& model, const QHash<int, QColor>& colors,
    const PlotMapping& mapping, const PixelColumns& cols, qreal dpr,
    const std::function<void(std::size_t)>& built)
{
    const QRectF plot = mapping.rect;
    const QRectF bounds =
        plot.adjusted(-GeometryMargin, -GeometryMargin, GeometryMargin, GeometryMargin);
    // x at the centre of the decimator's pixel column: the line is then exactly the line of all
    // points (see Decimator); y through the plot's linear or log mapping. The arithmetic of
    // PixelColumns::pixelX() and PlotMapping::py(), in the same order (the same doubles), with
    // what does not change per point taken out of the loop.
    const bool logX = cols.logX;
    const double columnA = PixelColumns::axisValue(cols.x0, logX);
    const double columnB = PixelColumns::axisValue(cols.x1, logX);
    const double width = cols.width;
    const bool logY = mapping.logY;
    const double rowA = PlotMapping::axisValue(mapping.y0, logY);
    const double rowB = PlotMapping::axisValue(mapping.y1, logY);
    const double bottom = mapping.rect.bottom();
    const double height = mapping.rect.height();
    const double left = plot.left();
    const auto pixelX = [=](double x) {
        const double p = (PixelColumns::axisValue(x, logX) - columnA) / (columnB - columnA) * width;
        return (p == width ? width - 1.0 : exactFloor(p)) + 0.5;
    };
    const auto toPixel = [=](const QPointF& p) {
        return QPointF(left + pixelX(p.x()) / dpr,
            bottom - (PlotMapping::axisValue(p.y(), logY) - rowA) / (rowB - rowA) * height);
    };
    auto markerPx = [&](const std::vector<double>& xs) {
        std::vector<qreal> out;
        out.reserve(xs.size());
        for (double x : xs) {
            const qreal px = left + pixelX(x) / dpr;
            if (px >= plot.left() - 0.5 && px <= plot.right() + 0.5)
                out.push_back(px);
        }
        return out;
    };
    // Each piece in pixels, kept whole when inside the bounds (the usual case: mapped straight
    // into its polygon), else cut (addClippedPiece). markClipped: also the finite points off the
    // top or bottom of the plot (outliers the y range ignored), one marker per 3 pixels and edge;
    // one pass over the points for both.
    const qreal boundsLeft = bounds.left();
    const qreal boundsRight = bounds.right();
    const qreal boundsTop = bounds.top();
    const qreal boundsBottom = bounds.bottom();
    auto addPieces = [&](const DecimatedSeries& d, LayerCurve& out, bool markClipped) {
        qreal lastAbove = -1e9;
        qreal lastBelow = -1e9;
        for (std::size_t k = 0; k < d.pieceCount(); ++k) {
            const std::size_t from = d.pieceStarts[k];
            const std::size_t to = d.pieceEnd(k);
            QPolygonF mapped(static_cast<qsizetype>(to - from));
            QPointF* into = mapped.data();
            bool inside = true;
            for (std::size_t i = from; i < to; ++i) {
                const QPointF& p = d.points[i];
                const QPointF px = toPixel(p);
                *into++ = px;
                inside = inside && px.x() >= boundsLeft && px.x() <= boundsRight
                    && px.y() >= boundsTop && px.y() <= boundsBottom;
                if (!markClipped || !std::isfinite(p.y()) || !std::isfinite(p.x()))
                    continue;
                if (!std::isfinite(px.x()) || px.x() < plot.left() - 0.5
                    || px.x() > plot.right() + 0.5)
                    continue;
                const qreal column = std::round(px.x() / 3.0) * 3.0;
                if (px.y() < plot.top() - 0.5 && column != lastAbove) {
                    out.abovePx.push_back(column);
                    lastAbove = column;
                } else if (px.y() > plot.bottom() + 0.5 && column != lastBelow
                    && !(logY && !(p.y() > 0))) {
                    out.belowPx.push_back(column);
                    lastBelow = column;
                }
            }
            if (mapped.size() >= 2 && inside)
                out.pieces.push_back(std::move(mapped));
            else
                addClippedPiece(
                    mapped.constData(), std::size_t(mapped.size()), bounds, out.pieces, out.dots);
        }
    };
    const bool smoothing = model.options().smoothing != SmoothingKind::None;
    // One curve's layers (1 or 2); true when it wants a row of NaN markers of its own. Touches
    // nothing shared but what it reads: curves are mapped on every core.
    const auto addCurve = [&](const Curve& curve, std::vector<LayerCurve>& layers) {
        const QColor color = colors.value(curve.runId);
        if (curve.faintMember) {
            // Thin and faint under its group's band; the band's mean carries the markers.
            LayerCurve member;
            member.color = color;
            member.faint = true;
            addPieces(smoothing && curve.lineIsSmoothed ? curve.line : curve.raw, member, false);
            layers.push_back(std::move(member));
            return false;
        }
        if (curve.isGroup()) {
            LayerCurve mean;
            mean.color = color;
            mean.width = 1.8;
            // Min and max share x and breaks: piece k of each bounds band k.
            if (curve.lower.pieceCount() == curve.upper.pieceCount()) {
                for (std::size_t k = 0; k < curve.upper.pieceCount(); ++k) {
                    QPolygonF poly;
                    for (std::size_t i = curve.upper.pieceStarts[k]; i < curve.upper.pieceEnd(k);
                         ++i)
                        poly << toPixel(curve.upper.points[i]);
                    for (std::size_t i = curve.lower.pieceEnd(k); i-- > curve.lower.pieceStarts[k];)
                        poly << toPixel(curve.lower.points[i]);
                    bool ok = true;
                    for (const QPointF& p : poly)
                        ok = ok && std::isfinite(p.x()) && std::isfinite(p.y());
                    if (ok && poly.size() >= 3)
                        mean.bands.push_back(std::move(poly));
                }
            }
            addPieces(curve.line, mean, true);
            mean.nanPx = markerPx(curve.line.nanX);
            mean.posInfPx = markerPx(curve.line.posInfX);
            mean.negInfPx = markerPx(curve.line.negInfX);
            const bool wantsRow = !mean.nanPx.empty();
            layers.push_back(std::move(mean));
            return wantsRow;
        }
        // Until its smoothed line is computed, a curve is drawn as the raw line alone.
        const bool smoothed = smoothing && curve.lineIsSmoothed;
        LayerCurve raw;
        raw.color = color;
        raw.faint = smoothed;
        raw.width = smoothed ? 1.0 : 1.5;
        addPieces(curve.raw, raw, !smoothed);
        // Markers come from the raw values: smoothing must not hide a NaN.
        raw.nanPx = markerPx(curve.raw.nanX);
        raw.posInfPx = markerPx(curve.raw.posInfX);
        raw.negInfPx = markerPx(curve.raw.negInfX);
        const bool wantsRow = !raw.nanPx.empty();
        if (smoothed) {
            LayerCurve line;
            line.color = color;
            line.width = 1.8;
            addPieces(curve.line, line, true);
            line.nanPx = std::move(raw.nanPx);
            line.posInfPx = std::move(raw.posInfPx);
            line.negInfPx = std::move(raw.negInfPx);
            layers.push_back(std::move(raw));
            layers.push_back(std::move(line));
        } else {
            layers.push_back(std::move(raw));
        }
        return wantsRow;
    };
    const auto& curves = model.curves();
    std::vector<std::vector<LayerCurve>> perCurve(curves.size());
    std::vector<char> wantsRow(curves.size(), 0);
    ParallelChunks::run(curves.size(), 8, [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            model.decimateCurve(i); // if CurveModel::decimateLater() left it to now
            wantsRow[i] = addCurve(*curves[i], perCurve[i]) ? 1 : 0;
            if (built)
                built(i);
        }
    });
    // NaN marker rows in curve order, as the legend lists them.
    std::vector<LayerCurve> layers;
    std::size_t total = 0;
    for (const auto& l : perCurve)
        total += l.size();
    layers.reserve(total);
    int markerRow = 0;
    for (std::size_t i = 0; i < curves.size(); ++i) {
        const int row = wantsRow[i] ? markerRow++ : 0;
        for (LayerCurve& layer : perCurve[i]) {
            layer.markerRow = row;
            layers.push_back(std::move(layer));
        }
    }
    return layers;
}

} // namespace viewer
