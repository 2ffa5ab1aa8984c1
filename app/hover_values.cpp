#include "hover_values.hpp"

#include "curve_model.hpp"
#include "run.hpp"
#include "series_x.hpp"
#include "smoothed_curves.hpp"

#include <cmath>
#include <limits>

namespace viewer {

QList<CurveValue> HoverValues::at(const CurveModel& model, double x)
{
    QList<CurveValue> out;
    const bool smoothing = model.options().smoothing != SmoothingKind::None;
    for (const auto& curve : model.curves()) {
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
            out.push_back(v);
            continue;
        }
        const Run* run = nullptr;
        const Series* s = model.seriesOf(curve->runId, &run);
        if (!s)
            continue;
        const auto column = run->records.xColumn(model.options().xMode);
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
