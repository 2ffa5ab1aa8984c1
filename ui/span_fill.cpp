#include "span_fill.hpp"

#include <QImage>
#include <QPaintDevice>
#include <QPainter>
#include <QRgb>
#include <QTransform>

#include <algorithm>
#include <cmath>

namespace viewer {

namespace {

// x * a / 255 on two channels at once, rounded as Qt's raster blend rounds (BYTE_MUL).
inline quint32 byteMul(quint32 x, quint32 a)
{
    quint32 t = (x & 0xff00ffU) * a;
    t = (t + ((t >> 8) & 0xff00ffU) + 0x800080U) >> 8;
    t &= 0xff00ffU;
    x = ((x >> 8) & 0xff00ffU) * a;
    x = (x + ((x >> 8) & 0xff00ffU) + 0x800080U);
    x &= 0xff00ff00U;
    return x | t;
}

bool simpleTransform(const QTransform& t)
{
    return t.type() <= QTransform::TxScale;
}

} // namespace

QRect SpanFill::deviceRect(const QRectF& mapped)
{
    int x1 = qRound(mapped.left());
    int y1 = qRound(mapped.top());
    int x2 = qRound(mapped.right());
    int y2 = qRound(mapped.bottom());
    if (x2 < x1)
        std::swap(x1, x2);
    if (y2 < y1)
        std::swap(y1, y2);
    return QRect(x1, y1, x2 - x1, y2 - y1);
}

SpanFill::SpanFill(QPainter* painter, const QRectF& clip)
{
    QPaintDevice* device = painter ? painter->device() : nullptr;
    if (!device || device->devType() != QInternal::Image)
        return;
    auto* image = static_cast<QImage*>(device);
    if (image->format() != QImage::Format_ARGB32_Premultiplied
        || painter->compositionMode() != QPainter::CompositionMode_SourceOver
        || painter->opacity() != 1.0 || !simpleTransform(painter->deviceTransform()))
        return;
    m_bounds = image->rect();
    if (!clip.isNull())
        m_bounds &= deviceRect(painter->deviceTransform().mapRect(clip));
    m_bits = image->bits();
    m_bytesPerLine = image->bytesPerLine();
}

bool SpanFill::fill(QPainter* painter, const std::vector<QRectF>& rects, const QColor& color) const
{
    const QTransform t = painter->deviceTransform();
    if (!m_bits || !simpleTransform(t) || painter->testRenderHint(QPainter::Antialiasing))
        return false;
    const quint32 source = qPremultiply(color.rgba());
    const quint32 alpha = qAlpha(source);
    if (alpha == 0)
        return true;
    const quint32 keep = 255 - alpha;
    for (const QRectF& r : rects) {
        const QRect d = deviceRect(t.mapRect(r)) & m_bounds;
        if (d.isEmpty())
            continue;
        for (int y = d.top(); y <= d.bottom(); ++y) {
            auto* row = reinterpret_cast<quint32*>(m_bits + y * m_bytesPerLine) + d.left();
            if (alpha == 255) {
                std::fill(row, row + d.width(), source);
            } else {
                for (int x = 0; x < d.width(); ++x)
                    row[x] = source + byteMul(row[x], keep);
            }
        }
    }
    return true;
}

} // namespace viewer
