#include "pooled_image_render.hpp"

#include "parallel_chunks.hpp"

#include <QPainter>
#include <QSemaphore>
#include <QThreadPool>

namespace viewer {

namespace {

// Rows [top, top + rows) of `image` drawn as an image of their own: the same drawing moved up by
// `top` device rows (a whole number of logical ones), so every pixel lands where it would.
void drawBand(uchar* bits, const QImage& image, int top, int rows, qreal devicePixelRatio,
    const std::function<void(QPainter*)>& draw)
{
    QImage band(bits + qsizetype(top) * image.bytesPerLine(), image.width(), rows,
        image.bytesPerLine(), image.format());
    band.setDevicePixelRatio(devicePixelRatio);
    QPainter painter(&band);
    painter.translate(0, -top / devicePixelRatio);
    draw(&painter);
}

} // namespace

QImage drawnImage(const QSize& pixels, qreal devicePixelRatio,
    const std::function<void(QPainter*)>& draw, bool inBands)
{
    QImage image(pixels, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(devicePixelRatio);
    image.fill(Qt::transparent);
    if (image.isNull())
        return image;
    // Two bands of rows drawn at once when a pool thread is free: 5,000 noisy runs blend ~10^8
    // pixels per chart, and the last chart's image was a second of one core while the other
    // waited. Only where the band's shift is exact (a whole number of device rows per logical one).
    const int dpr = static_cast<int>(devicePixelRatio);
    const int rows = image.height();
    if (!inBands || (devicePixelRatio != 1.0 && devicePixelRatio != 2.0) || rows < MinRowsToSplit) {
        QPainter painter(&image);
        draw(&painter);
        return image;
    }
    const int split = rows / 2 / dpr * dpr;
    uchar* bits = image.bits();
    ParallelChunks::run(2, 1, [&](std::size_t begin, std::size_t end) {
        for (std::size_t band = begin; band < end; ++band) {
            const int top = band == 0 ? 0 : split;
            drawBand(bits, image, top, band == 0 ? split : rows - split, devicePixelRatio, draw);
        }
    });
    return image;
}

QImage renderOnPoolThread(const QSize& pixels, qreal devicePixelRatio,
    const std::function<void(QPainter*)>& draw, bool inBands)
{
    QImage image;
    QSemaphore done;
    QThreadPool* pool = QThreadPool::globalInstance();
    pool->reserveThread();
    pool->startOnReservedThread([&] {
        image = drawnImage(pixels, devicePixelRatio, draw, inBands);
        done.release();
    });
    done.acquire();
    return image;
}

} // namespace viewer
