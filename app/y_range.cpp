#include "y_range.hpp"

#include "min_max_pyramid.hpp"
#include "robust_range.hpp"

#include <cmath>
#include <limits>

namespace viewer {

std::pair<double, double> YRange::automatic(
    const std::vector<Part>& parts, double x0, double x1, const Options& options)
{
    const bool log = options.logY;
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    for (const Part& part : parts) {
        double a = 0;
        double b = 0;
        bool found = false;
        if (options.ignoreOutliers) {
            RobustRange::Options robust;
            robust.padding = 0.0;
            found = RobustRange::quantileRange(*part.y, part.inside, robust, a, b);
        } else if (!log) {
            found = RobustRange::finiteRange(*part.y, *part.pyramid, part.inside, 0.0, a, b);
        }
        if (log) {
            // A log axis shows values > 0 only: the smallest positive one is among the decimated
            // points (each column keeps its min, and its first and last point).
            double positive = std::numeric_limits<double>::infinity();
            double top = -std::numeric_limits<double>::infinity();
            if (part.decimated) {
                for (const QPointF& p : *part.decimated) {
                    if (p.x() < x0 || p.x() > x1 || !(p.y() > 0) || !std::isfinite(p.y()))
                        continue;
                    positive = std::min(positive, p.y());
                    top = std::max(top, p.y());
                }
            }
            if (!found) {
                a = positive;
                b = top;
            } else {
                a = std::max(a, positive);
            }
            found = a <= b;
        }
        if (found) {
            lo = std::min(lo, a);
            hi = std::max(hi, b);
        }
    }
    if (!(lo <= hi)) {
        lo = log ? 0.1 : 0.0;
        hi = log ? 10.0 : 1.0;
    }
    if (log) {
        const double span = std::log10(hi) - std::log10(lo);
        const double pad = span > 0 ? span * 0.04 : 0.3;
        lo = std::pow(10.0, std::log10(lo) - pad);
        hi = std::pow(10.0, std::log10(hi) + pad);
    } else {
        RobustRange::pad(lo, hi, 0.05);
    }
    return { lo, hi };
}

} // namespace viewer
