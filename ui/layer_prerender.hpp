#pragma once
// A chart's curve image drawn on a pool thread as soon as its curves are known, ahead of the paint
// event that shows it. Why: a window opening 5,000 runs builds four charts' geometry on the GUI
// thread, one after another, and each paint waited for its own image on the pool; started early,
// the pool draws chart k while the GUI thread builds chart k + 1, and both cores work.

#include <QImage>
#include <QSemaphore>
#include <QSize>

#include <atomic>
#include <functional>
#include <memory>

class QPainter;

namespace viewer {

class LayerPrerender : public std::enable_shared_from_this<LayerPrerender>
{
public:
    using Draw = std::function<void(QPainter*)>;

    // Queues `draw` into a transparent ARGB32_Premultiplied image of `pixels` at
    // `devicePixelRatio` on QThreadPool::globalInstance(). `draw` runs on that thread: it must own
    // (or share) everything it reads.
    static std::shared_ptr<LayerPrerender> start(QSize pixels, qreal devicePixelRatio, Draw draw);

    QSize pixels() const
    {
        return m_pixels;
    }
    qreal devicePixelRatio() const
    {
        return m_devicePixelRatio;
    }
    // The image: waits while the pool thread draws it, and draws it now (on a reserved pool thread,
    // see renderOnPoolThread) if it has not started, so a busy pool never delays a paint. Once.
    QImage take();
    // Returns once the image is drawn (drawing it now if it has not started, as take() does); the
    // image stays for take(). What it drew from is freed by then.
    void waitUntilDrawn();
    // The image, kept for every reader (any thread; never take() or cancel() a job read this
    // way): waits as waitUntilDrawn() does. A chart's grid drawn once is read by each curve image.
    QImage image();
    // Not started: it never will be. Started: it finishes and its image is dropped.
    void cancel();

private:
    enum State : int
    {
        Queued,
        Running,
        Done,
        Taken
    };
    LayerPrerender(QSize pixels, qreal devicePixelRatio, Draw draw);
    void run();

    const QSize m_pixels;
    const qreal m_devicePixelRatio;
    Draw m_draw;
    std::atomic<int> m_state { Queued };
    QSemaphore m_done;
    QImage m_image;
};

} // namespace viewer
