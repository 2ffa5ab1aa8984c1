#pragma once

#include "alert_rules.hpp"
#include "chart_options.hpp"

#include <QSize>
#include <QString>
#include <QStringList>

#include <optional>

namespace viewer {

// The command line of telemetry-viewer, parsed without any QCoreApplication (so that --help,
// --version and option errors work on a machine without a display, and main() can pick a
// QCoreApplication for --summary). Pure: no I/O, no globals; main() prints and exits.
//
//   telemetry-viewer [FILE|FOLDER|-]... [--no-follow] [--tags LIST] [--metrics REGEX]
//       [--x step|epoch|wall|relative|seq] [--smoothing W] [--screenshot OUT.png [--size WxH]]
//       [--export-csv OUT.csv] [--summary] [--export-runs OUT.csv] [--group-by FIELD]
//       [--group-members]
//       [--color-by FIELD] [--stream-timeout SECONDS] [--watch [--exit-on-alert]]
//       [--alert LIST]
class CommandLineOptions
{
public:
    enum class Action
    {
        Run, // open the window (or --screenshot / --export-csv and exit)
        Summary, // --summary and/or --export-runs: headless (JSON on stdout, runs table as CSV)
        Watch, // --watch: follow headless, one JSON line per alert on stdout (runWatchCommand)
        Help, // print helpText() to stdout, exit 0
        Version, // print versionText() to stdout, exit 0
        Error, // print error (and a hint to --help) to stderr, exit 2
    };

    static constexpr int UsageExitCode = 2;
    static constexpr int MaxImageSide = 16384;

    // arguments[0] is the program name, as in QCoreApplication::arguments().
    static CommandLineOptions parse(const QStringList& arguments);
    static QString helpText(const QString& programName = QStringLiteral("telemetry-viewer"));
    // "telemetry-viewer 0.1.0 (Qt 6.4.2)"; the version comes from the build (main.cpp).
    static QString versionText(const QString& version);

    Action action = Action::Run;
    QString error; // Action::Error: one line, says which option and why

    QStringList paths; // files, folders, "-" for standard input, in command-line order
    bool follow = true; // --no-follow clears it
    bool useCache = true; // --no-cache clears it: RunCache is neither read nor written
    std::optional<QStringList> tags; // --tags a,b: only these tags are shown
    std::optional<QString> metricsRegex; // --metrics: a valid QRegularExpression pattern
    std::optional<XAxisMode> xMode;
    // --x METRIC: x is this metric of each chart's own tag ("tokens_seen" plots step_end/loss
    // against step_end/tokens_seen; see MetricXColumn). Set instead of xMode.
    std::optional<QString> xMetric;
    std::optional<SmoothingKind> smoothing; // --smoothing
    bool logY = false; // --log-y: a log y axis on every chart
    double smoothingParam = 0.0; // EMA weight or moving-average window, with smoothing
    QString screenshotPath;
    QSize screenshotSize { 1400, 900 };
    bool sizeGiven = false;
    QString exportCsvPath;
    bool summary = false; // --summary (Action::Summary may also be --export-runs alone)
    QString exportRunsPath; // --export-runs: the runs table as CSV
    // --group-by / --color-by: a runs-table field (run, host, rank, folder, config.lr, ...).
    std::optional<QString> groupBy;
    std::optional<QString> colorBy;
    bool groupMembers = false; // --group-members: groups also draw their members, faint
    // --stream-timeout: headless modes give up on a stream (FIFO, -) silent this long without
    // ending, and report it; 0 waits forever. The window follows streams without a limit.
    int streamTimeoutMs = 10000;
    // --alert nan,error,stall=600,loss>10: the alert rules (window and --watch); unset: the
    // settings' rules (window) or the defaults (--watch).
    std::optional<QList<AlertRule>> alertRules;
    bool exitOnAlert = false; // --exit-on-alert, with --watch

    // --screenshot or --export-csv: load, write the files, exit (no interaction).
    bool isBatch() const
    {
        return !screenshotPath.isEmpty() || !exportCsvPath.isEmpty();
    }

    // Value parsers shared with the settings (names as on the command line). Return nullopt for
    // an unknown name.
    static std::optional<XAxisMode> parseXMode(const QString& name);
    static QString xModeName(XAxisMode mode);
    // A metric path for --x: non-empty '/'-separated names, no control characters, at most
    // MaxMetricPathBytes of UTF-8 (the reader's key-path limit).
    static bool isMetricPath(const QString& text);
    static constexpr int MaxMetricPathBytes = 512;
    // "0.6" (EMA weight in [0, 0.999]; 0 means none), "ema:0.9", "ma:25", "none".
    static bool parseSmoothing(
        const QString& text, SmoothingKind* kind, double* param, QString* error);
    static bool parseSize(const QString& text, QSize* size, QString* error);
    // A field to group or colour by: "run", "host", "rank", "folder", "file", or a run_begin
    // field such as "config.lr" (letters, digits and _ . - / : only).
    static bool isFieldName(const QString& text);
};

} // namespace viewer
