#include "watch_command.hpp"

#include "alert_monitor.hpp"
#include "workspace.hpp"

#include <QCoreApplication>
#include <QEventLoop>

#include <cstdio>

namespace viewer {

namespace {

bool hasEnded(const Workspace& workspace)
{
    for (int id : workspace.sourceIds()) {
        const Workspace::SourceState state = workspace.source(id).state;
        if (state == Workspace::SourceState::Loading || state == Workspace::SourceState::Following
            || state == Workspace::SourceState::Waiting)
            return false;
    }
    return true;
}

} // namespace

int runWatchCommand(const QStringList& paths, const WatchCommand& command)
{
    if (paths.isEmpty()) {
        std::fputs("telemetry-viewer: --watch needs at least one FILE, FOLDER or -\n", stderr);
        return 2;
    }
    Workspace workspace;
    AlertMonitor monitor(&workspace);
    monitor.setRules(command.rules);
    monitor.setCheckExistingRecords(true);

    QEventLoop loop;
    int status = 0;
    bool stopped = false;
    QObject::connect(&monitor, &AlertMonitor::alertRaised, &loop, [&](const Alert& alert) {
        if (stopped)
            return;
        const QByteArray line = alert.toJsonLine();
        std::fwrite(line.constData(), 1, static_cast<std::size_t>(line.size()), stdout);
        std::fflush(stdout);
        if (command.exitOnAlert) {
            status = WatchCommand::ExitOnAlertStatus;
            stopped = true;
            loop.exit();
        }
    });
    // Files and folders read without following end when their load finishes; standard input when
    // it is closed. Queued, so that the last batch's alerts are printed first.
    const auto check = [&] {
        if (!stopped && hasEnded(workspace)) {
            stopped = true;
            loop.exit();
        }
    };
    QObject::connect(&workspace, &Workspace::loadFinished, &loop, check, Qt::QueuedConnection);
    QObject::connect(
        &workspace, &Workspace::sourceStateChanged, &loop, check, Qt::QueuedConnection);
    // One line on stderr once every source's existing records are read: from here on, what is
    // appended is followed (scripts and tests wait for it; stdout stays alerts only).
    bool announced = false;
    const auto announce = [&] {
        if (announced || !workspace.isIdle())
            return;
        announced = true;
        std::fprintf(stderr, "telemetry-viewer: watching %lld source(s) for %s\n",
            static_cast<long long>(paths.size()),
            qUtf8Printable(AlertRule::names(command.rules).join(QLatin1Char(','))));
    };
    QObject::connect(&workspace, &Workspace::loadFinished, &loop, announce);
    QList<int> sources;
    for (const QString& path : paths) {
        const int id = workspace.open(path, command.follow);
        if (!sources.contains(id)) // the same file named twice is one source
            sources << id;
    }
    announce();
    if (!stopped)
        loop.exec();
    if (status == WatchCommand::ExitOnAlertStatus)
        return status;
    for (int id : sources) {
        const Workspace::SourceInfo info = workspace.source(id);
        if (info.state == Workspace::SourceState::Failed) {
            std::fprintf(stderr, "telemetry-viewer: %s\n", qUtf8Printable(info.message));
            status = 1;
        }
    }
    return status;
}

} // namespace viewer
