#include "pooled_image_render.hpp"

#include <QPainter>
#include <QSemaphore>
#include <QThreadPool>

namespace viewer {

QImage drawnImage(
    const QSize& pixels, qreal devicePixelRatio, const std::function<void(QPainter*)>& draw)
{
    QImage image(pixels, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(devicePixelRatio);
    image.fill(Qt::transparent);
    if (image.isNull())
        return image;
    QPainter painter(&image);
    draw(&painter);
    return image;
}

QImage renderOnPoolThread(
    const QSize& pixels, qreal devicePixelRatio, const std::function<void(QPainter*)>& draw)
{
    QImage image;
    QSemaphore done;
    QThreadPool* pool = QThreadPool::globalInstance();
    pool->reserveThread();
    pool->startOnReservedThread([&] {
        image = drawnImage(pixels, devicePixelRatio, draw);
        done.release();
    });
    done.acquire();
    return image;
}

} // namespace viewer
