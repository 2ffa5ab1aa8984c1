#pragma once

#include <QString>

namespace viewer {

struct Run;

// The group (and colour) key of a run for a field, for "group by" and "colour by":
//   "run"      run_begin's id: all ranks of one job share it (a run without run_begin: its own id)
//   "host", "rank", any run_begin field, "config.lr" (flattened with dots)
//   "folder"   the folder of the run's file
//   "file"     the run's file
// A run without the field gets "" (one group: "(none)"). Widget-free, O(fields of the run).
QString runGroupKey(const Run& run, const QString& field);

} // namespace viewer
