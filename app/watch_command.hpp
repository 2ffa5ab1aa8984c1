#pragma once

#include "alert_rules.hpp"

#include <QList>
#include <QStringList>

namespace viewer {

// `telemetry-viewer --watch [--alert LIST] [--exit-on-alert] [--no-follow] PATH...`: follows the
// sources without a window (a QCoreApplication, never a QApplication) and prints one JSON line
// per alert to stdout (Alert::toJsonLine). Records already in the files are checked too.
// Returns the exit status: ExitOnAlertStatus at the first alert with exitOnAlert; otherwise when
// every source has ended (standard input closed; files and folders with follow = false once read;
// followed files never end: the command runs until killed): 0, or 1 when a source could not be
// read (with a message on stderr).
struct WatchCommand
{
    static constexpr int ExitOnAlertStatus = 3;

    QList<AlertRule> rules = AlertRule::defaults();
    bool follow = true;
    bool exitOnAlert = false;
};
int runWatchCommand(const QStringList& paths, const WatchCommand& command);

} // namespace viewer
