// telemetry-viewer: parses the command line and wires the engine to the window, nothing else.
// The command line is parsed before any application object exists, so that --help, --version,
// option errors and --summary work without a display (--summary runs on a QCoreApplication).

#include "command_line_options.hpp"
#include "main_window.hpp"
#include "run_cache.hpp"
#include "settings.hpp"
#include "summary_command.hpp"
#include "watch_command.hpp"
#include "workspace.hpp"

#include <QApplication>
#include <QCoreApplication>
#include <QEventLoop>
#include <QIcon>
#include <QTimer>

#include <cstdio>
#include <functional>
#include <memory>

namespace {

constexpr int BatchTimeoutMs = 300000; // --screenshot/--export-csv give up waiting after this
constexpr int SettleMs = 150; // after loading: let coalesced redraws and layouts run
constexpr int CheckEveryMs = 20; // how often a batch run asks whether loading has settled

void printTo(FILE* stream, const QString& text)
{
    const QByteArray bytes = text.toLocal8Bit();
    std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stream);
    std::fflush(stream);
}

// Runs the event loop asleep between events until done() or timeoutMs. Not a processEvents() loop:
// processEvents(flags, ms) drops WaitForMoreEvents, so such a loop spins a core that the loading
// threads need (on 2 cores, a window of 5,000 runs loaded a third slower than --summary).
void runEventsUntil(const std::function<bool()>& done, int timeoutMs)
{
    if (done())
        return;
    QEventLoop loop;
    QTimer check;
    check.setInterval(CheckEveryMs);
    QObject::connect(&check, &QTimer::timeout, &loop, [&loop, &done] {
        if (done())
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    check.start();
    loop.exec();
}

bool hasDisplay()
{
#if defined(Q_OS_LINUX) || defined(Q_OS_FREEBSD)
    return !qEnvironmentVariableIsEmpty("DISPLAY")
        || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
#else
    return true;
#endif
}

// --screenshot / --export-csv: load, wait until settled, write, exit.
int runBatch(viewer::MainWindow& window, const viewer::CommandLineOptions& options)
{
    window.setAttribute(Qt::WA_DontShowOnScreen);
    window.resize(options.screenshotSize);
    window.show();
    // A FIFO nobody writes to, or `tail -f`, never ends: give up on it and say so.
    window.workspace()->setStreamIdleTimeout(options.streamTimeoutMs);
    window.openPaths(options.paths);

    runEventsUntil([&window] { return window.isSettled(); }, BatchTimeoutMs);
    if (!window.isSettled())
        printTo(stderr,
            QStringLiteral("telemetry-viewer: still loading after %1 s; writing what "
                           "was read so far\n")
                .arg(BatchTimeoutMs / 1000));
    runEventsUntil([] { return false; }, SettleMs);
    window.flushPendingUpdates();

    int status = window.problems().isEmpty() ? 0 : 1;
    QString error;
    if (!options.exportCsvPath.isEmpty()) {
        if (!window.exportCsv(options.exportCsvPath, &error)) {
            printTo(stderr, QStringLiteral("telemetry-viewer: %1\n").arg(error));
            status = 1;
        }
    }
    if (!options.screenshotPath.isEmpty()) {
        if (!window.saveScreenshot(options.screenshotPath, &error)) {
            printTo(stderr, QStringLiteral("telemetry-viewer: %1\n").arg(error));
            status = 1;
        }
    }
    return status;
}

} // namespace

int main(int argc, char* argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    const viewer::CommandLineOptions options = viewer::CommandLineOptions::parse(arguments);
    // The re-open cache lives in the user's cache folder (CacheLocation needs the name).
    QCoreApplication::setApplicationName(QStringLiteral("telemetry-viewer"));
    if (options.useCache)
        viewer::RunCache::setShared(
            std::make_shared<viewer::RunCache>(viewer::RunCache::userSettings()));

    switch (options.action) {
    case viewer::CommandLineOptions::Action::Help:
        printTo(stdout, viewer::CommandLineOptions::helpText());
        return 0;
    case viewer::CommandLineOptions::Action::Version:
        printTo(stdout,
            viewer::CommandLineOptions::versionText(QStringLiteral(TELEMETRY_VIEWER_VERSION)));
        return 0;
    case viewer::CommandLineOptions::Action::Error:
        printTo(stderr,
            QStringLiteral("telemetry-viewer: %1\nTry 'telemetry-viewer --help'.\n")
                .arg(options.error));
        return viewer::CommandLineOptions::UsageExitCode;
    case viewer::CommandLineOptions::Action::Summary: {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("telemetry-viewer"));
        QCoreApplication::setApplicationVersion(QStringLiteral(TELEMETRY_VIEWER_VERSION));
        return viewer::runSummaryCommand(options.paths,
            viewer::HeadlessCommand {
                options.summary, options.exportRunsPath, options.streamTimeoutMs });
    }
    case viewer::CommandLineOptions::Action::Watch: {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("telemetry-viewer"));
        viewer::WatchCommand watch;
        watch.rules = options.alertRules.value_or(viewer::AlertRule::defaults());
        watch.follow = options.follow;
        watch.exitOnAlert = options.exitOnAlert;
        return viewer::runWatchCommand(options.paths, watch);
    }
    case viewer::CommandLineOptions::Action::Run:
        break;
    }

    if (!hasDisplay()) {
        if (options.isBatch()) {
            qputenv("QT_QPA_PLATFORM", "offscreen"); // a screenshot needs no screen
        } else {
            printTo(stderr,
                QStringLiteral("telemetry-viewer: no display (DISPLAY and WAYLAND_DISPLAY are "
                               "unset).\nUse --screenshot OUT.png to render the window to an "
                               "image, or --summary for a JSON summary.\n"));
            return 1;
        }
    }

    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("telemetry-viewer"));
    QCoreApplication::setApplicationName(QStringLiteral("telemetry-viewer"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TELEMETRY_VIEWER_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("telemetry-viewer"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/telemetry-viewer.svg")));

    // A batch run is reproducible: it starts from the defaults and leaves the user's settings
    // alone.
    std::unique_ptr<viewer::Settings> settings =
        options.isBatch() ? viewer::Settings::ephemeral() : std::make_unique<viewer::Settings>();
    viewer::MainWindow window(settings.get());
    QObject::connect(&window, &viewer::MainWindow::problemFound, [](const QString& message) {
        printTo(stderr, QStringLiteral("telemetry-viewer: %1\n").arg(message));
    });
    QObject::connect(&window, &viewer::MainWindow::noticeFound, [](const QString& message) {
        printTo(stderr, QStringLiteral("telemetry-viewer: %1\n").arg(message));
    });
    window.applyCommandLine(options);

    if (options.isBatch())
        return runBatch(window, options);

    window.show();
    window.openPaths(options.paths);
    return app.exec();
}
