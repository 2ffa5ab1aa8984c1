#include "bundle_raster.hpp"

#include "column_zigzag.hpp"
#include "span_fill.hpp"

#include <QImage>
#include <QPaintDevice>
#include <QPainter>
#include <QRgb>

#include <algorithm>
#include <cmath>

namespace viewer {

namespace {

// Below this, what still shows through a pixel adds less than half a level to any channel.
constexpr float ClosedBelow = 0.5f / 255.0f;

// Lines reach at most this far from the image (CurveGeometry cuts them 2,000 pixels around the
// plot): the rounding (floorToInt) works in int.
constexpr double FarthestCoordinate = 1e7;

} // namespace

BundleRaster::BundleRaster(QPainter* painter, const QRectF& clip)
{
    QPaintDevice* device = painter ? painter->device() : nullptr;
    if (!device || device->devType() != QInternal::Image)
        return;
    auto* image = static_cast<QImage*>(device);
    const QTransform t = painter->deviceTransform();
    if (image->format() != QImage::Format_ARGB32_Premultiplied
        || painter->compositionMode() != QPainter::CompositionMode_SourceOver
        || painter->opacity() != 1.0 || t.type() > QTransform::TxScale)
        return;
    m_bounds = image->rect();
    if (!clip.isNull())
        m_bounds &= SpanFill::deviceRect(t.mapRect(clip));
    m_image = image;
}

void BundleRaster::allocate()
{
    if (!m_next.empty() || m_bounds.isEmpty())
        return;
    m_rows = m_bounds.height() + 1;
    const std::size_t n = std::size_t(m_bounds.width()) * std::size_t(m_rows);
    m_pixels.assign(n, Pixel());
    m_next.resize(n);
    for (std::size_t i = 0; i < n; ++i)
        m_next[i] = static_cast<std::int32_t>(i);
}

std::int32_t BundleRaster::open(std::int32_t i)
{
    // Path halving: every pixel passed on the way points two steps further afterwards.
    while (m_next[std::size_t(i)] != i) {
        const std::int32_t after = m_next[std::size_t(m_next[std::size_t(i)])];
        m_next[std::size_t(i)] = after;
        i = after;
    }
    return i;
}

bool BundleRaster::setColor(const QColor& color)
{
    if (!m_image || m_bounds.isEmpty())
        return false;
    // The 8-bit premultiplied source QPainter blends, so one layer gives its pixels.
    const QRgb source = qPremultiply(color.rgba());
    if (qAlpha(source) == 0)
        return false;
    allocate();
    m_alpha = float(qAlpha(source)) / 255.0f;
    m_color[0] = float(qRed(source));
    m_color[1] = float(qGreen(source));
    m_color[2] = float(qBlue(source));
    return true;
}

void BundleRaster::addUnder(const QTransform& toDevice, const std::vector<QRectF>& spans,
    const std::vector<QLineF>& lines, const QColor& color)
{
    if (!setColor(color))
        return;
    for (const QRectF& span : spans) {
        const QRect d = SpanFill::deviceRect(toDevice.mapRect(span)) & m_bounds;
        for (int x = d.left(); x <= d.right(); ++x)
            addRun(x, d.top(), d.bottom());
    }
    for (const QLineF& line : lines)
        addLine(toDevice.map(line.p1()), toDevice.map(line.p2()));
}

void BundleRaster::addPiecesUnder(const QTransform& toDevice, const std::vector<QPolygonF>& pieces,
    const QColor& color, int thickenRows)
{
    if (!setColor(color))
        return;
    // toDevice only scales and translates (the constructor's condition).
    const qreal sx = toDevice.m11();
    const qreal sy = toDevice.m22();
    const qreal tx = toDevice.dx();
    const qreal ty = toDevice.dy();
    const auto span = [&](qreal left, qreal top, qreal bottom) {
        if (std::abs(left) > FarthestCoordinate || std::abs(top) > FarthestCoordinate
            || std::abs(bottom) > FarthestCoordinate)
            return; // never from CurveGeometry (see FarthestCoordinate); kept off the int rounding
        // SpanFill::deviceRect of the mapped rectangle: its edges rounded.
        int x1 = qRound(left * sx + tx);
        int x2 = qRound((left + 1.0) * sx + tx);
        int y1 = qRound(top * sy + ty);
        int y2 = qRound(bottom * sy + ty);
        if (x2 < x1)
            std::swap(x1, x2);
        if (y2 < y1)
            std::swap(y1, y2);
        for (int x = x1; x < x2; ++x)
            queueRun(x, y1, y2 - 1);
    };
    const auto join = [&](const QPointF& from, const QPointF& to) {
        addLine(QPointF(from.x() * sx + tx, from.y() * sy + ty),
            QPointF(to.x() * sx + tx, to.y() * sy + ty));
    };
    m_queueing = true;
    m_thickenRows = std::max(thickenRows, 0);
    for (const QPolygonF& piece : pieces)
        walkColumnZigzag(piece, span, join);
    m_queueing = false;
    flushQueuedRun();
}

// A column's span and the halves of the joins on either side of it touch: one run, one blend per
// pixel (a third of the runs; one curve no longer blends twice over its own joints, which only
// QPainter's separate strokes did).
void BundleRaster::queueRun(int x, int top, int bottom)
{
    if (m_queued.x == x && top <= m_queued.bottom + 1 && bottom >= m_queued.top - 1
        && m_queued.top <= m_queued.bottom) {
        m_queued.top = std::min(m_queued.top, top);
        m_queued.bottom = std::max(m_queued.bottom, bottom);
        return;
    }
    flushQueuedRun();
    m_queued = { x, top, bottom };
}

void BundleRaster::flushQueuedRun()
{
    if (m_queued.top <= m_queued.bottom)
        addRun(m_queued.x, m_queued.top, m_queued.bottom + m_thickenRows);
    m_queued = QueuedRun();
}

void BundleRaster::lineRun(int x, int top, int bottom)
{
    if (m_queueing)
        queueRun(x, top, bottom);
    else
        addRun(x, top, bottom);
}

void BundleRaster::addRun(int x, int top, int bottom)
{
    top = std::max(top, m_bounds.top());
    bottom = std::min(bottom, m_bounds.bottom());
    if (x < m_bounds.left() || x > m_bounds.right() || top > bottom)
        return;
    const std::int32_t column = (x - m_bounds.left()) * m_rows - m_bounds.top();
    const std::int32_t end = column + bottom + 1;
    const float keep = 1.0f - m_alpha;
    for (std::int32_t i = open(column + top); i < end; i = open(i + 1)) {
        Pixel& p = m_pixels[std::size_t(i)];
        const float through = p.through;
        p.red += through * m_color[0];
        p.green += through * m_color[1];
        p.blue += through * m_color[2];
        p.through = through * keep;
        ++m_blends;
        if (p.through < ClosedBelow)
            m_next[std::size_t(i)] = i + 1;
    }
}

// An aliased 1-pixel line as Qt's cosmetic stroker draws it with a flat cap: along a flat line (or
// a diagonal) the columns whose centre lies past its left end and up to its right end, each at the
// row the line crosses that centre in; along a steep one the same with rows and columns swapped.
void BundleRaster::addLine(const QPointF& a, const QPointF& b)
{
    // Also false for NaN.
    const auto near = [](const QPointF& p) {
        return std::abs(p.x()) < FarthestCoordinate && std::abs(p.y()) < FarthestCoordinate;
    };
    if (!near(a) || !near(b))
        return;
    const qreal dx = b.x() - a.x();
    const qreal dy = b.y() - a.y();
    if (std::abs(dx) >= std::abs(dy)) {
        if (dx == 0)
            return;
        const QPointF& from = dx > 0 ? a : b;
        const QPointF& to = dx > 0 ? b : a;
        // The usual join of a smooth curve: from one column's centre to the next's, one pixel.
        const qreal fromLeft = from.x() - 0.5;
        if (std::abs(dx) == 1.0 && fromLeft == qreal(int(fromLeft))) {
            const int row = floorToInt(to.y());
            lineRun(int(fromLeft) + 1, row, row);
            return;
        }
        const qreal slope = dy / dx;
        // Centres c + 0.5 in (from.x, to.x], cut to the bounds.
        const int first = std::max(floorToInt(from.x() - 0.5) + 1, m_bounds.left());
        const int last = std::min(floorToInt(to.x() - 0.5), m_bounds.right());
        for (int c = first; c <= last; ++c) {
            const int row = floorToInt(from.y() + (c + 0.5 - from.x()) * slope);
            lineRun(c, row, row);
        }
        return;
    }
    const QPointF& from = dy > 0 ? a : b;
    const QPointF& to = dy > 0 ? b : a;
    const qreal slope = dx / dy;
    // Centres r + 0.5 in (from.y, to.y].
    const int first = std::max(floorToInt(from.y() - 0.5) + 1, m_bounds.top());
    const int last = std::min(floorToInt(to.y() - 0.5), m_bounds.bottom());
    if (first > last)
        return;
    // The usual join of a decimated curve: from one column's centre to the next column's. The
    // rows above the middle are the first column's (what the loop below gives, without a
    // division).
    const qreal fromLeft = from.x() - 0.5;
    if (std::abs(dx) == 1.0 && fromLeft == qreal(int(fromLeft))) {
        const int fromColumn = int(fromLeft);
        const qreal middle = 0.5 * (from.y() + to.y());
        const int lastOfFrom =
            to.x() > from.x() ? ceilToInt(middle - 0.5) - 1 : floorToInt(middle - 0.5);
        // Left column first: queueRun merges what touches in one column, column after column.
        if (to.x() > from.x()) {
            lineRun(fromColumn, first, std::min(lastOfFrom, last));
            lineRun(fromColumn + 1, std::max(lastOfFrom + 1, first), last);
        } else {
            lineRun(fromColumn - 1, std::max(lastOfFrom + 1, first), last);
            lineRun(fromColumn, first, std::min(lastOfFrom, last));
        }
        return;
    }
    // Column by column, not row by row: the joins between a noisy curve's columns are steep and
    // cross a few columns in up to the plot's height (most of the bundle's time, row by row). The
    // rows of column c are those whose centre's x, from.x + (r + 0.5 - from.y) * slope, lies in
    // [c, c + 1).
    const auto columnAt = [&](int r) {
        return floorToInt(from.x() + (r + 0.5 - from.y()) * slope);
    };
    const int lastColumn = columnAt(last);
    int top = first;
    for (int column = columnAt(first); top <= last;) {
        int bottom = last;
        if (column != lastColumn) {
            const double edge = slope > 0 ? column + 1 : column; // where the next column starts
            const double r = from.y() - 0.5 + (edge - from.x()) / slope;
            bottom = slope > 0 ? ceilToInt(r) - 1 : floorToInt(r);
            if (slope < 0 && from.x() + (bottom + 0.5 - from.y()) * slope < column)
                --bottom; // exactly on the edge: that row is the next column's
            bottom = std::clamp(bottom, top, last);
        }
        if (slope < 0)
            m_leftwardRuns.push_back({ column, top, bottom }); // given left column first, below
        else
            lineRun(column, top, bottom);
        top = bottom + 1;
        column = slope > 0 ? column + 1 : column - 1;
        if (top <= last)
            column = slope > 0 ? std::min(column, lastColumn) : std::max(column, lastColumn);
    }
    for (auto run = m_leftwardRuns.rbegin(); run != m_leftwardRuns.rend(); ++run)
        lineRun(run->x, run->top, run->bottom);
    m_leftwardRuns.clear();
}

void BundleRaster::mergeUnder(BundleRaster& under)
{
    if (under.m_pixels.empty() || under.m_bounds != m_bounds)
        return;
    if (m_pixels.empty()) {
        m_pixels = std::move(under.m_pixels);
        m_next = std::move(under.m_next);
        m_rows = under.m_rows;
    } else {
        // What shows through this group shows the group under it, seen through this one.
        for (std::size_t i = 0; i < m_pixels.size(); ++i) {
            Pixel& p = m_pixels[i];
            const Pixel& u = under.m_pixels[i];
            p.red += p.through * u.red;
            p.green += p.through * u.green;
            p.blue += p.through * u.blue;
            p.through *= u.through;
        }
    }
    m_blends += under.m_blends;
    under.m_pixels = {};
    under.m_next = {};
}

void BundleRaster::finish()
{
    if (!m_image || m_next.empty())
        return;
    uchar* bits = m_image->bits();
    const qsizetype stride = m_image->bytesPerLine();
    for (int x = m_bounds.left(); x <= m_bounds.right(); ++x) {
        const std::size_t column = std::size_t(x - m_bounds.left()) * std::size_t(m_rows);
        for (int y = m_bounds.top(); y <= m_bounds.bottom(); ++y) {
            const Pixel& p = m_pixels[column + std::size_t(y - m_bounds.top())];
            const float through = p.through;
            if (through == 1.0f)
                continue; // untouched
            auto* pixel = reinterpret_cast<QRgb*>(bits + y * stride) + x;
            const QRgb under = *pixel;
            const auto channel = [through](float shown, int below) {
                return std::clamp(qRound(shown + through * float(below)), 0, 255);
            };
            const int alpha = channel(255.0f * (1.0f - through), qAlpha(under));
            *pixel = qRgba(std::min(channel(p.red, qRed(under)), alpha),
                std::min(channel(p.green, qGreen(under)), alpha),
                std::min(channel(p.blue, qBlue(under)), alpha), alpha);
        }
    }
    // Freed here: the image outlives the raster's buffers.
    m_pixels = {};
    m_next = {};
}

} // namespace viewer
