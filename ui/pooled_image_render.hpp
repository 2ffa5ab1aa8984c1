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
// `draw` painted into it, on the calling thread (a pool thread: see above). inBands: in two bands
// of rows, the second on another pool thread if one is free (for an image of MinRowsToSplit rows
// or more, at a device pixel ratio of 1 or 2): each through a painter whose device is that band
// and whose transform moves the drawing up by the band's top. `draw` then runs twice, perhaps at
// once: it must only read what it shares, and combine its transform with the painter's
// (setTransform(t, true)), never replace it. The pixels are those of one painter but for lines
// that cross the seam, which Qt's stroker cuts there (its steps along a cut line may fall one
// pixel apart): meant for bundles of thousands of aliased lines, where that does not show.
constexpr int MinRowsToSplit = 64;
QImage drawnImage(const QSize& pixels, qreal devicePixelRatio,
    const std::function<void(QPainter*)>& draw, bool inBands = false);

// An ARGB32_Premultiplied image of `pixels` device pixels at `devicePixelRatio`, transparent, with
// `draw` painted into it. A thread of the global pool is reserved for it, so it starts at once even
// when the pool's threads are all busy.
QImage renderOnPoolThread(const QSize& pixels, qreal devicePixelRatio,
    const std::function<void(QPainter*)>& draw, bool inBands = false);

} // namespace viewer
