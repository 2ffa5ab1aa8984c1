#include "curve_geometry.hpp"

#include "curve_model.hpp"

#include <algorithm>
#include <cmath>

namespace viewer {

namespace {

constexpr qreal GeometryMargin = 2000.0; // pixels around the plot inside which lines are kept

} // namespace

void CurveGeometry::addClippedPiece(const std::vector<QPointF>& pts, const QRectF& bounds,
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
    if (pts.size() == 1) {
        if (finite(pts[0]) && inside(pts[0]))
            dots.push_back(pts[0]);
        return;
    }
    // The usual piece: finite and inside throughout, kept whole in one allocation of its size
    // (NaN fails `inside`, so it also tests finiteness).
    if (pts.size() >= 2 && std::all_of(pts.cbegin(), pts.cend(), inside)) {
        out.emplace_back(QList<QPointF>(pts.cbegin(), pts.cend()));
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
    for (std::size_t i = 1; i < pts.size(); ++i) {
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

std::vector<LayerCurve> CurveGeometry::build(const CurveModel& model,
    const QHash<int, QColor>& colors, const PlotMapping& mapping, const PixelColumns& cols,
    qreal dpr, const std::function<void(std::size_t)>& built)
{
    const QRectF plot = mapping.rect;
    const QRectF bounds =
        plot.adjusted(-GeometryMargin, -GeometryMargin, GeometryMargin, GeometryMargin);
    // x at the centre of the decimator's pixel column: the line is then exactly the line of all
    // points (see Decimator); y through the plot's linear or log mapping.
    auto toPixel = [&](const QPointF& p) {
        return QPointF(plot.left() + cols.pixelX(p.x()) / dpr, mapping.py(p.y()));
    };
    auto markerPx = [&](const std::vector<double>& xs) {
        std::vector<qreal> out;
        out.reserve(xs.size());
        for (double x : xs) {
            const qreal px = plot.left() + cols.pixelX(x) / dpr;
            if (px >= plot.left() - 0.5 && px <= plot.right() + 0.5)
                out.push_back(px);
        }
        return out;
    };
    auto addPieces = [&](const DecimatedSeries& d, LayerCurve& out) {
        std::vector<QPointF> pts;
        for (std::size_t k = 0; k < d.pieceCount(); ++k) {
            pts.clear();
            for (std::size_t i = d.pieceStarts[k]; i < d.pieceEnd(k); ++i)
                pts.push_back(toPixel(d.points[i]));
            addClippedPiece(pts, bounds, out.pieces, out.dots);
        }
    };
    // Finite points off the top or bottom of the plot (outliers the y range ignored): one marker
    // per pixel column and edge.
    auto clippedPx = [&](const DecimatedSeries& d, LayerCurve& out) {
        qreal lastAbove = -1e9;
        qreal lastBelow = -1e9;
        for (const QPointF& p : d.points) {
            if (!std::isfinite(p.y()) || !std::isfinite(p.x()))
                continue;
            const QPointF px = toPixel(p);
            if (!std::isfinite(px.x()) || px.x() < plot.left() - 0.5 || px.x() > plot.right() + 0.5)
                continue;
            const qreal column = std::round(px.x() / 3.0) * 3.0; // at most one per 3 pixels
            if (px.y() < plot.top() - 0.5 && column != lastAbove) {
                out.abovePx.push_back(column);
                lastAbove = column;
            } else if (px.y() > plot.bottom() + 0.5 && column != lastBelow
                && !(mapping.logY && !(p.y() > 0))) {
                out.belowPx.push_back(column);
                lastBelow = column;
            }
        }
    };
    std::vector<LayerCurve> layers;
    int markerRow = 0;
    const bool smoothing = model.options().smoothing != SmoothingKind::None;
    const auto addCurve = [&](const auto& curve) {
        const QColor color = colors.value(curve->runId);
        if (curve->faintMember) {
            // Thin and faint under its group's band; the band's mean carries the markers.
            LayerCurve member;
            member.color = color;
            member.faint = true;
            addPieces(smoothing && curve->lineIsSmoothed ? curve->line : curve->raw, member);
            layers.push_back(std::move(member));
            return;
        }
        if (curve->isGroup()) {
            LayerCurve mean;
            mean.color = color;
            mean.width = 1.8;
            // Min and max share x and breaks: piece k of each bounds band k.
            if (curve->lower.pieceCount() == curve->upper.pieceCount()) {
                for (std::size_t k = 0; k < curve->upper.pieceCount(); ++k) {
                    QPolygonF poly;
                    for (std::size_t i = curve->upper.pieceStarts[k]; i < curve->upper.pieceEnd(k);
                         ++i)
                        poly << toPixel(curve->upper.points[i]);
                    for (std::size_t i = curve->lower.pieceEnd(k);
                         i-- > curve->lower.pieceStarts[k];)
                        poly << toPixel(curve->lower.points[i]);
                    bool ok = true;
                    for (const QPointF& p : poly)
                        ok = ok && std::isfinite(p.x()) && std::isfinite(p.y());
                    if (ok && poly.size() >= 3)
                        mean.bands.push_back(std::move(poly));
                }
            }
            addPieces(curve->line, mean);
            clippedPx(curve->line, mean);
            mean.nanPx = markerPx(curve->line.nanX);
            mean.posInfPx = markerPx(curve->line.posInfX);
            mean.negInfPx = markerPx(curve->line.negInfX);
            if (!mean.nanPx.empty())
                mean.markerRow = markerRow++;
            layers.push_back(std::move(mean));
            return;
        }
        // Until its smoothed line is computed, a curve is drawn as the raw line alone.
        const bool smoothed = smoothing && curve->lineIsSmoothed;
        LayerCurve raw;
        raw.color = color;
        raw.faint = smoothed;
        raw.width = smoothed ? 1.0 : 1.5;
        addPieces(curve->raw, raw);
        // Markers come from the raw values: smoothing must not hide a NaN.
        raw.nanPx = markerPx(curve->raw.nanX);
        raw.posInfPx = markerPx(curve->raw.posInfX);
        raw.negInfPx = markerPx(curve->raw.negInfX);
        if (!raw.nanPx.empty())
            raw.markerRow = markerRow++;
        if (smoothed) {
            LayerCurve line;
            line.color = color;
            line.width = 1.8;
            line.markerRow = raw.markerRow;
            addPieces(curve->line, line);
            clippedPx(curve->line, line);
            line.nanPx = std::move(raw.nanPx);
            line.posInfPx = std::move(raw.posInfPx);
            line.negInfPx = std::move(raw.negInfPx);
            layers.push_back(std::move(raw));
            layers.push_back(std::move(line));
        } else {
            clippedPx(curve->raw, raw);
            layers.push_back(std::move(raw));
        }
    };
    const auto& curves = model.curves();
    for (std::size_t i = 0; i < curves.size(); ++i) {
        addCurve(curves[i]);
        if (built)
            built(i);
    }
    return layers;
}

} // namespace viewer
