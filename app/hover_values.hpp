#pragma once

#include <QList>

namespace viewer {

class CurveModel;
struct CurveValue;

// What the hover box lists: for every curve of a model, the point nearest to x at full
// resolution (not the decimated one). A run's nearest point is searched in each of its segments,
// ties going to the later segment (after a restart the resumed run is the live one); its value is
// the smoothed one when smoothing is on, with the raw value beside it. A group gives its mean,
// min and max at the nearest aggregated x. O(log n) per segment.
class HoverValues
{
public:
    static QList<CurveValue> at(const CurveModel& model, double x);
};

} // namespace viewer
