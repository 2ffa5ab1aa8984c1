// Issue 15, "drawing cost grows with visible pixels, not with runs": one chart's image of N noisy
// runs (a faint raw line and a bold smoothed one each, decimated to 4 points per pixel column of a
// 470 x 250 plot), drawn as the window draws a bundle now (BundleRaster: front to back, a pixel
// nothing more shows through is skipped) beside the way it drew them before (each curve's column
// spans with SpanFill, its joins with QPainter's aliased lines, one curve over the other), both on
// a pool thread, one thread, in the same run. Medians of 5; also the blends per pixel of the plot.
// Usage: bench_bundle_draw [N ...] (default 1000 5000).
#include "bench_stats.hpp"
#include "bundle_raster.hpp"
#include "column_zigzag.hpp"
#include "pooled_image_render.hpp"
#include "span_fill.hpp"

#include <QGuiApplication>
#include <QPainter>
#include <QRandomGenerator>

#include <cstdio>
#include <vector>

namespace {

constexpr int Width = 470;
constexpr int Height = 250;
constexpr int Repeats = 5;

struct Curve
{
    QPolygonF piece;
    QColor color;
    bool bold = false;
};

// Top of the list last, as the window's draw order: every raw line, then every smoothed line.
std::vector<Curve> noisyRuns(int runs)
{
    QRandomGenerator random(42);
    std::vector<Curve> raw;
    std::vector<Curve> smoothed;
    for (int r = 0; r < runs; ++r) {
        const QColor color = QColor::fromHsv((r * 47) % 360, 220, 200);
        Curve noisy { {}, color, false };
        noisy.color.setAlpha(70);
        Curve line { {}, color, true };
        const double level = 40 + (r % 37) * 4.0;
        for (int x = 0; x < Width; ++x) {
            for (int k = 0; k < 4; ++k)
                noisy.piece << QPointF(x + 0.5, 10 + random.bounded(double(Height - 20)));
            line.piece << QPointF(x + 0.5, level + 20.0 * x / Width);
        }
        raw.push_back(std::move(noisy));
        smoothed.push_back(std::move(line));
    }
    raw.insert(raw.end(), smoothed.begin(), smoothed.end());
    return raw;
}

void drawOneByOne(QPainter* p, const std::vector<Curve>& curves)
{
    const viewer::SpanFill fill(p, QRectF());
    std::vector<QRectF> spans;
    std::vector<QLineF> lines;
    for (const Curve& curve : curves) {
        spans.clear();
        lines.clear();
        viewer::walkColumnZigzag(
            curve.piece,
            [&](qreal left, qreal top, qreal bottom) {
                spans.emplace_back(left, top, 1.0, bottom - top);
            },
            [&](const QPointF& a, const QPointF& b) { lines.emplace_back(a, b); });
        for (int copy = 0; copy < (curve.bold ? 2 : 1); ++copy) {
            p->save();
            p->translate(0, 0.8 * copy);
            fill.fill(p, spans, curve.color);
            QPen pen(curve.color, 1.0);
            pen.setCosmetic(true);
            pen.setCapStyle(Qt::FlatCap);
            p->setPen(pen);
            p->drawLines(lines.data(), int(lines.size()));
            p->restore();
        }
    }
}

std::uint64_t drawFrontToBack(QPainter* p, const std::vector<Curve>& curves)
{
    viewer::BundleRaster bundle(p, QRectF());
    const QTransform toDevice = p->deviceTransform();
    std::vector<QPolygonF> pieces(1);
    for (auto curve = curves.rbegin(); curve != curves.rend(); ++curve) {
        pieces[0] = curve->piece;
        bundle.addPiecesUnder(toDevice, pieces, curve->color, curve->bold ? 1 : 0);
    }
    bundle.finish();
    return bundle.blendCount();
}

} // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    std::vector<int> counts;
    for (int i = 1; i < argc; ++i)
        counts.push_back(QByteArray(argv[i]).toInt());
    if (counts.empty())
        counts = { 1000, 5000 };
    std::printf(
        "one chart of N noisy runs (a faint raw line + a bold smoothed one each, 4 points per "
        "column), %d x %d plot, one pool thread, medians of %d\n",
        Width, Height, Repeats);
    std::printf("%8s  %14s  %14s  %10s  %14s\n", "runs", "front to back", "one by one", "ratio",
        "blends/pixel");
    for (int runs : counts) {
        const std::vector<Curve> curves = noisyRuns(runs);
        std::vector<double> now;
        std::vector<double> before;
        std::uint64_t blends = 0;
        for (int r = 0; r < Repeats; ++r) {
            double ms = 0;
            viewer::renderOnPoolThread(QSize(Width, Height), 1.0, [&](QPainter* p) {
                const double start = bench::threadCpuMs();
                blends = drawFrontToBack(p, curves);
                ms = bench::threadCpuMs() - start;
            });
            now.push_back(ms);
            viewer::renderOnPoolThread(QSize(Width, Height), 1.0, [&](QPainter* p) {
                const double start = bench::threadCpuMs();
                drawOneByOne(p, curves);
                ms = bench::threadCpuMs() - start;
            });
            before.push_back(ms);
        }
        const double a = bench::median(now);
        const double b = bench::median(before);
        std::printf("%8d  %11.1f ms  %11.1f ms  %9.1fx  %14.1f\n", runs, a, b, b / a,
            double(blends) / (Width * Height));
    }
    return 0;
}
