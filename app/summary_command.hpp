#pragma once

#include <QStringList>

namespace viewer {

// `telemetry-viewer --summary PATH...`: reads the runs without a display and prints one JSON
// document to stdout. Needs a QCoreApplication (never a QApplication). Returns the exit status:
// 0 when every path was read, 1 when one could not be (with a message on stderr): a file of a
// folder that cannot be read, or a stream (FIFO, standard input) silent for streamIdleTimeoutMs
// without ending (0: wait for its end however long).
int runSummaryCommand(const QStringList& paths, int streamIdleTimeoutMs = 10000);

} // namespace viewer
