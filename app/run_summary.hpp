#pragma once

#include <QJsonObject>

namespace viewer {

struct Run;

// The headless description of one run, as printed by --summary: its records, tags with counts,
// series (points, NaN/Inf counts, null gaps, min, max, first and last step), events, malformed
// lines (the first Run::MaxListedMalformed listed, all counted by reason), and the reader's
// limit warnings with the points they dropped (what the window's banner shows).
QJsonObject runSummary(const Run& run);

} // namespace viewer
