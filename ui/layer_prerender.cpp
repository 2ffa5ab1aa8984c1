#include "layer_prerender.hpp"

#include "pooled_image_render.hpp"

#include <QThreadPool>

namespace viewer {

LayerPrerender::LayerPrerender(QSize pixels, qreal devicePixelRatio, Draw draw)
    : m_pixels(pixels)
    , m_devicePixelRatio(devicePixelRatio)
    , m_draw(std::move(draw))
{
}

std::shared_ptr<LayerPrerender> LayerPrerender::start(
    QSize pixels, qreal devicePixelRatio, Draw draw)
{
    std::shared_ptr<LayerPrerender> job(
        new LayerPrerender(pixels, devicePixelRatio, std::move(draw)));
    // The task keeps the job alive: a layer deleted meanwhile only drops its own reference.
    QThreadPool::globalInstance()->start([job] { job->run(); });
    return job;
}

void LayerPrerender::run()
{
    int queued = Queued;
    if (!m_state.compare_exchange_strong(queued, Running))
        return; // taken over by take() or cancelled before it started
    m_image = drawnImage(m_pixels, m_devicePixelRatio, m_draw);
    // What it drew from (a chart's geometry) goes now, not when the image is taken.
    m_draw = nullptr;
    m_state.store(Done);
    m_done.release();
}

QImage LayerPrerender::take()
{
    int queued = Queued;
    if (m_state.compare_exchange_strong(queued, Taken))
        return renderOnPoolThread(m_pixels, m_devicePixelRatio, m_draw);
    if (queued == Taken)
        return {};
    m_done.acquire(); // Running or Done: the semaphore is released once, after m_image is set
    m_state.store(Taken);
    return std::move(m_image);
}

void LayerPrerender::waitUntilDrawn()
{
    int queued = Queued;
    if (m_state.compare_exchange_strong(queued, Running)) {
        // Not started (the pool is busy): drawn now, on a thread reserved for it.
        m_image = renderOnPoolThread(m_pixels, m_devicePixelRatio, m_draw);
        m_draw = nullptr;
        m_state.store(Done);
        m_done.release();
        return;
    }
    if (queued == Running || queued == Done) {
        m_done.acquire(); // and given back for take()
        m_done.release();
    }
}

QImage LayerPrerender::image()
{
    waitUntilDrawn();
    return m_image;
}

void LayerPrerender::cancel()
{
    int queued = Queued;
    m_state.compare_exchange_strong(queued, Taken);
}

} // namespace viewer
