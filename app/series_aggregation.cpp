#include "series_aggregation.hpp"

#include "series.hpp"

#include <queue>

#include <algorithm>
#include <cmath>
#include <limits>

namespace viewer {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

// A curve reduced to what aggregation needs: its distinct x ascending, each with the value of
// the latest point there.
struct Prepared
{
    std::vector<double> x;
    std::vector<double> y;
};

Prepared prepare(const SeriesAggregation::Curve& curve)
{
    Prepared p;
    std::size_t n = 0;
    std::vector<double> xs;
    const std::vector<double>* ys = curve.y;
    if (curve.series) {
        ys = &curve.series->values();
        const auto& records = curve.series->records();
        n = std::min(ys->size(), records.size());
        xs.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            xs[i] = curve.xColumn.values ? curve.xColumn.values[records[i]] - curve.xColumn.offset
                                         : static_cast<double>(records[i]);
        }
    } else if (curve.x && curve.y) {
        n = std::min(curve.x->size(), curve.y->size());
        xs.assign(curve.x->begin(), curve.x->begin() + static_cast<std::ptrdiff_t>(n));
    }
    // Point order by x, ties in curve order, NaN x left out; the sort is skipped when x never
    // goes back (the usual case).
    std::vector<std::uint32_t> order;
    order.reserve(n);
    bool sorted = true;
    for (std::size_t i = 0; i < n; ++i) {
        if (std::isnan(xs[i]))
            continue;
        if (!order.empty() && xs[i] < xs[order.back()])
            sorted = false;
        order.push_back(static_cast<std::uint32_t>(i));
    }
    if (!sorted) {
        std::stable_sort(order.begin(), order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return xs[a] < xs[b]; });
    }
    p.x.reserve(order.size());
    p.y.reserve(order.size());
    for (std::uint32_t i : order) {
        if (!p.x.empty() && p.x.back() == xs[i])
            p.y.back() = (*ys)[i]; // the latest point at this x wins
        else {
            p.x.push_back(xs[i]);
            p.y.push_back((*ys)[i]);
        }
    }
    return p;
}

} // namespace

SeriesAggregation::Curve SeriesAggregation::fromArrays(
    const std::vector<double>& x, const std::vector<double>& y)
{
    Curve c;
    c.x = &x;
    c.y = &y;
    return c;
}

SeriesAggregation::Curve SeriesAggregation::fromSeries(
    const Series& series, const RecordTable::XColumn& xColumn)
{
    Curve c;
    c.series = &series;
    c.xColumn = xColumn;
    return c;
}

SeriesAggregation::Result SeriesAggregation::aggregate(const std::vector<Curve>& curves)
{
    std::vector<Prepared> prepared;
    prepared.reserve(curves.size());
    std::size_t total = 0;
    for (const Curve& c : curves) {
        prepared.push_back(prepare(c));
        total += prepared.back().x.size();
    }

    // k-way merge on x: the heap holds each curve's next distinct x.
    using Head = std::pair<double, std::size_t>; // (x, curve)
    std::priority_queue<Head, std::vector<Head>, std::greater<>> heap;
    std::vector<std::size_t> cursor(prepared.size(), 0);
    for (std::size_t k = 0; k < prepared.size(); ++k) {
        if (!prepared[k].x.empty())
            heap.emplace(prepared[k].x.front(), k);
    }
    Result r;
    r.x.reserve(total);
    while (!heap.empty()) {
        const double x = heap.top().first;
        double sum = 0.0;
        double min = std::numeric_limits<double>::infinity();
        double max = -min;
        std::uint32_t count = 0;
        while (!heap.empty() && heap.top().first == x) {
            const std::size_t k = heap.top().second;
            heap.pop();
            const double v = prepared[k].y[cursor[k]];
            if (std::isfinite(v)) {
                sum += v;
                min = std::min(min, v);
                max = std::max(max, v);
                ++count;
            }
            if (++cursor[k] < prepared[k].x.size())
                heap.emplace(prepared[k].x[cursor[k]], k);
        }
        r.x.push_back(x);
        r.count.push_back(count);
        r.mean.push_back(count ? sum / count : NaN);
        r.min.push_back(count ? min : NaN);
        r.max.push_back(count ? max : NaN);
    }
    return r;
}

} // namespace viewer
