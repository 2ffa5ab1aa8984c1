#pragma once

#include <utility>

namespace viewer {

// The ranges a chart shows while its data grows live, chosen so that they change in steps and
// not at every append (issue 15: each change of an axis range makes Qt Charts lay the whole chart
// out again and rebuild every axis item). The data is always drawn exactly where it is; only the
// empty room around it differs. Pure functions; any thread.
class SteadyRange
{
public:
    using Range = std::pair<double, double>;

    // The automatic x range after the data's extent went from `before` to `now`, `shown` being
    // what is on screen. While the extent only grows to the right and stays inside `shown`,
    // `shown`; past its right edge, the left edge stays and the right one goes to the next
    // multiple of a nice step (the smallest 1, 2 or 5 x 10^k not below a twentieth of the extent)
    // at least Room of the extent past the data: 25 to 37.5 % of room, so that the axis steps
    // again only once the data grew by a quarter (a run followed from its start, 10 s in: the
    // next step 2.5 s or more later; a room of 2.5 to 20 % stepped about every second, each step
    // a redraw of the whole chart). The newest point is always inside.
    // Anything else (the left edge moved, the extent shrank, `shown` is far too wide or not
    // finite): `now` exactly.
    static Range followX(const Range& shown, const Range& before, const Range& now);

    // The automatic y range when the data's fitted range is `fresh` and `shown` is on screen:
    // `shown`, widened on the side `fresh` went past by a quarter of `fresh`'s span, while `fresh`
    // still fills at least 60 % of it (a quarter added on both sides leaves two thirds); otherwise
    // `fresh`. A flat range (span 0) is `fresh`. (A loss decaying as 2 / (1 + s / 100) over 1,000
    // steps: 16 changes; with a tenth, 31.)
    static Range followY(const Range& shown, const Range& fresh);

    static constexpr double Room = 0.25; // of the extent, at least, right of the newest x
    static constexpr double MinFill = 0.6; // fresh span / shown span below which y fits again
    static constexpr double Headroom = 0.25; // of the fresh span, added where y grew past
};

} // namespace viewer
