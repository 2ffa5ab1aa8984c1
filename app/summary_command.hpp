#pragma once

#include <QStringList>

namespace viewer {

// `telemetry-viewer --summary PATH...`: reads the runs without a display and prints one JSON
// document to stdout. Needs a QCoreApplication (never a QApplication). Returns the exit status:
// 0 when every path was read, 1 when one could not be (with a message on stderr): a file of a
// folder that cannot be read, or a stream (FIFO, standard input) silent for the stream timeout
// without ending.
int runSummaryCommand(const QStringList& paths);

// The headless commands together: --summary (JSON on stdout) and/or --export-runs OUT.csv (the
// runs table as CSV: every column, with last/min/max/best_step of every series). Reads once.
struct HeadlessCommand
{
    bool summary = true;
    QString exportRunsPath; // "" for none
    // A stream (FIFO, -) silent this long without its end is given up and reported; 0: wait.
    int streamIdleTimeoutMs = 10000;
};
int runSummaryCommand(const QStringList& paths, const HeadlessCommand& command);

} // namespace viewer
