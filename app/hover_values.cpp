#include "hover_values.hpp"

#include "curve_model.hpp"
#include "run.hpp"
#include "series_x.hpp"
#include "smoothed_curves.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace viewer {

namespace {

// A member's value at exactly x (its latest point there, smoothed when the aggregate was built
// from smoothed values); NaN when it has none.
double memberValueAt(const CurveModel& model, int runId, double x)
{
    const Run* run = nullptr;
    const Series* s = model.seriesOf(runId, &run);
    if (!s || !run)
        return std::numeric_limits<double>::quiet_NaN();
    const auto column = model.xColumnOf(*run);
    auto xOf = [&](std::size_t i) { return SeriesX::pointX(*s, column, i); };
    const std::vector<double>* smoothed = model.options().smoothing != SmoothingKind::None
        ? model.smoothing().partial(runId)
        : nullptr;
    double value = std::numeric_limits<double>::quiet_NaN();
    for (const auto& [b, e] : SeriesX::segmentsOf(*s)) {
        for (std::size_t i = SeriesX::lowerBound(b, e, x, xOf); i < e && xOf(i) == x; ++i) {
            value = smoothed && i < smoothed->size() ? (*smoothed)[i] : s->values()[i];
        }
    }
    return value;
}

QString nameOfRun(const CurveModel& model, int runId)
{
    const CurveRun* r = model.runOf(runId);
    if (!r || !r->run)
        return {};
    return r->shownName();
}

void nameExtremes(const CurveModel& model, const Curve& curve, CurveValue& v)
{
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (int member : curve.members) {
        const double value = memberValueAt(model, member, v.x);
        if (!std::isfinite(value))
            continue;
        if (value < lo) {
            lo = value;
            v.minRunId = member;
        }
        if (value > hi) {
            hi = value;
            v.maxRunId = member;
        }
    }
    if (v.minRunId >= 0)
        v.minName = nameOfRun(model, v.minRunId);
    if (v.maxRunId >= 0)
        v.maxName = nameOfRun(model, v.maxRunId);
}

} // namespace

HoverValues::Window HoverValues::window(QList<CurveValue> values, double cursorY, int maxRows)
{
    // Highest first; NaN and -Inf at the end, +Inf first (where it would lie on the plot).
    std::stable_sort(values.begin(), values.end(), [](const CurveValue& a, const CurveValue& b) {
        const bool an = std::isnan(a.value);
        const bool bn = std::isnan(b.value);
        if (an || bn)
            return !an && bn;
        return a.value > b.value;
    });
    Window w;
    const int n = static_cast<int>(values.size());
    maxRows = std::max(maxRows, 1);
    if (n <= maxRows) {
        w.rows = std::move(values);
        return w;
    }
    int nearest = 0;
    double bestDistance = std::numeric_limits<double>::infinity();
    for (int i = 0; i < n; ++i) {
        const double d = std::abs(values[i].value - cursorY);
        if (d < bestDistance) { // NaN distances never win; none finite: the top rows
            bestDistance = d;
            nearest = i;
        }
    }
    const int first = std::clamp(nearest - maxRows / 2, 0, n - maxRows);
    w.rows = values.mid(first, maxRows);
    w.moreAbove = first;
    w.moreBelow = n - first - maxRows;
    return w;
}

QList<CurveValue> HoverValues::at(const CurveModel& model, double x)
{
    QList<CurveValue> out;
    const bool smoothing = model.options().smoothing != SmoothingKind::None;
    for (const auto& curve : model.curves()) {
        if (curve->faintMember)
            continue; // its group's row names the members holding the min and the max
        CurveValue v;
        v.runId = curve->runId;
        v.name = curve->name;
        v.group = curve->isGroup();
        if (curve->isGroup()) {
            const GroupAggregate& agg = curve->aggregate;
            const auto& xs = agg.x;
            if (xs.empty())
                continue;
            auto xOf = [&](std::size_t i) { return xs[i]; };
            std::size_t i = SeriesX::lowerBound(0, xs.size(), x, xOf);
            if (i == xs.size() || (i > 0 && std::abs(xs[i - 1] - x) <= std::abs(xs[i] - x)))
                --i;
            v.x = xs[i];
            v.value = agg.mean[i];
            v.raw = agg.min[i];
            v.rawMax = agg.max[i];
            nameExtremes(model, *curve, v);
            out.push_back(v);
            continue;
        }
        const Run* run = nullptr;
        const Series* s = model.seriesOf(curve->runId, &run);
        if (!s)
            continue;
        const auto column = model.xColumnOf(*run);
        auto xOf = [&](std::size_t i) { return SeriesX::pointX(*s, column, i); };
        std::size_t best = s->size();
        double bestDistance = std::numeric_limits<double>::infinity();
        for (const auto& [b, e] : SeriesX::segmentsOf(*s)) {
            const std::size_t i = SeriesX::lowerBound(b, e, x, xOf);
            for (std::size_t c : { i > b ? i - 1 : e, i }) {
                if (c >= e)
                    continue;
                const double d = std::abs(xOf(c) - x);
                // Ties go to the later segment: after a restart the resumed run is the live one.
                if (d <= bestDistance) {
                    bestDistance = d;
                    best = c;
                }
            }
        }
        if (best >= s->size())
            continue;
        v.x = xOf(best);
        v.raw = s->values()[best];
        v.value = v.raw;
        v.record = s->records()[best];
        const std::vector<double>* smoothed = model.smoothing().partial(curve->runId);
        if (smoothing && smoothed && best < smoothed->size())
            v.value = (*smoothed)[best];
        out.push_back(v);
    }
    return out;
}

} // namespace viewer
