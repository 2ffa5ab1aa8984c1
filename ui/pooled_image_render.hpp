#pragma once
// Renders a drawing into an image on a thread of QThreadPool::globalInstance() while the calling
// (GUI) thread waits. Why: Qt 6.4's raster engine, painting from any thread outside that pool,
// splits every batch of 96 or more spans into tasks for the pool and waits for them
// (QT_THREAD_PARALLEL_FILLS in qdrawhelper.cpp). A chart of 1,000 runs strokes ~10^4 such batches
// per frame, and the hand-offs, not the pixels, cost most of the frame (issue 15: a folder of
// 1,000 runs, 3.2 M context switches, 40 s to the first screenshot against 8 s without them). On a
// pool thread the engine fills serially. GUI thread; `draw` runs on the pool thread meanwhile, so
// it may read the caller's state without locking.

#include <QImage>

#include <functional>

class QPainter;
class QSize;

namespace viewer {

// A transparent ARGB32_Premultiplied image of `pixels` device pixels at `devicePixelRatio` with
// `draw` painted into it, on the calling thread (a pool thread: see above).
QImage drawnImage(
    const QSize& pixels, qreal devicePixelRatio, const std::function<void(QPainter*)>& draw);

// An ARGB32_Premultiplied image of `pixels` device pixels at `devicePixelRatio`, transparent, with
// `draw` painted into it. A thread of the global pool is reserved for it, so it starts at once even
// when the pool's threads are all busy.
QImage renderOnPoolThread(
    const QSize& pixels, qreal devicePixelRatio, const std::function<void(QPainter*)>& draw);

} // namespace viewer
