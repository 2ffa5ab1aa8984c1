#pragma once

#include <QJsonObject>

namespace viewer {

struct Run;

// The headless description of one run, as printed by --summary: its records, tags with counts,
// series (points, NaN/Inf counts, min, max, first and last step), events and malformed lines.
QJsonObject runSummary(const Run& run);

} // namespace viewer
