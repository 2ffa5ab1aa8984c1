#pragma once

#include <QList>

namespace viewer {

class CurveModel;
struct CurveValue;

// What the hover box lists: for every curve of a model, the point nearest to x at full
// resolution (not the decimated one). A run's nearest point is searched in each of its segments,
// ties going to the later segment (after a restart the resumed run is the live one); its value is
// the smoothed one when smoothing is on, with the raw value beside it. A group gives its mean,
// min and max at the nearest aggregated x, and names the members holding the min and the max.
// O(log n) per segment (per member for a group).
class HoverValues
{
public:
    static QList<CurveValue> at(const CurveModel& model, double x);

    // The rows a hover box shows when there are many curves (issue 12): sorted by value, highest
    // first (as the lines lie on the plot), non-finite values last; at most maxRows of them,
    // around the curve whose value is nearest to cursorY; the rest counted above and below.
    struct Window
    {
        QList<CurveValue> rows;
        int moreAbove = 0; // higher values left out
        int moreBelow = 0; // lower (and non-finite) values left out
    };
    static Window window(QList<CurveValue> values, double cursorY, int maxRows);
};

} // namespace viewer
