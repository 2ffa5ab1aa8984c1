#pragma once

#include <QStringList>

namespace viewer {

// `telemetry-viewer --summary PATH...`: reads the runs without a display and prints one JSON
// document to stdout. Needs a QCoreApplication (never a QApplication). Returns the exit status:
// 0 when every path was read, 1 when one could not be (with a message on stderr).
int runSummaryCommand(const QStringList& paths);

// The headless commands together: --summary (JSON on stdout) and/or --export-runs OUT.csv (the
// runs table as CSV: every column, with last/min/max/best_step of every series). Reads once.
struct HeadlessCommand
{
    bool summary = true;
    QString exportRunsPath; // "" for none
};
int runSummaryCommand(const QStringList& paths, const HeadlessCommand& command);

} // namespace viewer
