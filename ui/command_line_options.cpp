#include "command_line_options.hpp"

#include <QCommandLineParser>
#include <QRegularExpression>

#include <cmath>

namespace viewer {

namespace {

const QString OptNoFollow = QStringLiteral("no-follow");
const QString OptLogY = QStringLiteral("log-y");
const QString OptTags = QStringLiteral("tags");
const QString OptMetrics = QStringLiteral("metrics");
const QString OptXMode = QStringLiteral("x");
const QString OptSmoothing = QStringLiteral("smoothing");
const QString OptScreenshot = QStringLiteral("screenshot");
const QString OptSize = QStringLiteral("size");
const QString OptExportCsv = QStringLiteral("export-csv");
const QString OptSummary = QStringLiteral("summary");
const QString OptStreamTimeout = QStringLiteral("stream-timeout");
const QString OptExportRuns = QStringLiteral("export-runs");
const QString OptGroupBy = QStringLiteral("group-by");
const QString OptColorBy = QStringLiteral("color-by");
const QString OptGroupMembers = QStringLiteral("group-members");
const QString OptWatch = QStringLiteral("watch");
const QString OptAlert = QStringLiteral("alert");
const QString OptExitOnAlert = QStringLiteral("exit-on-alert");
const QString OptNoCache = QStringLiteral("no-cache");

CommandLineOptions failed(const QString& message)
{
    CommandLineOptions options;
    options.action = CommandLineOptions::Action::Error;
    options.error = message;
    return options;
}

} // namespace

std::optional<XAxisMode> CommandLineOptions::parseXMode(const QString& name)
{
    return xAxisModeFromName(name);
}

bool CommandLineOptions::isMetricPath(const QString& text)
{
    if (text.isEmpty() || text.toUtf8().size() > MaxMetricPathBytes)
        return false;
    for (const QString& part : text.split(QLatin1Char('/'))) {
        if (part.isEmpty())
            return false;
    }
    return std::none_of(
        text.begin(), text.end(), [](QChar c) { return c.category() == QChar::Other_Control; });
}

QString CommandLineOptions::xModeName(XAxisMode mode)
{
    return xAxisModeName(mode);
}

bool CommandLineOptions::parseSmoothing(
    const QString& text, SmoothingKind* kind, double* param, QString* error)
{
    const QString t = text.trimmed().toLower();
    auto number = [](const QString& s, bool* ok) { return s.toDouble(ok); };
    if (t == QLatin1String("none") || t == QLatin1String("off")) {
        *kind = SmoothingKind::None;
        *param = 0.0;
        return true;
    }
    if (t.startsWith(QLatin1String("ma:"))) {
        bool ok = false;
        const int window = t.mid(3).toInt(&ok);
        if (!ok || window < 1 || window > 1000000) {
            *error = QStringLiteral("the moving-average window must be a whole number of points "
                                    "from 1 to 1000000, e.g. ma:25");
            return false;
        }
        *kind = window == 1 ? SmoothingKind::None : SmoothingKind::MovingAverage;
        *param = window;
        return true;
    }
    const QString weightText = t.startsWith(QLatin1String("ema:")) ? t.mid(4) : t;
    bool ok = false;
    const double weight = number(weightText, &ok);
    if (!ok || !std::isfinite(weight) || weight < 0.0 || weight > 0.999) {
        *error = QStringLiteral("the EMA weight must be a number from 0 to 0.999 (e.g. 0.6), or "
                                "use ma:N for a moving average of N points, or none");
        return false;
    }
    *kind = weight == 0.0 ? SmoothingKind::None : SmoothingKind::Ema;
    *param = weight;
    return true;
}

bool CommandLineOptions::parseSize(const QString& text, QSize* size, QString* error)
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d{1,6})[xX](\\d{1,6})$"));
    const QRegularExpressionMatch match = pattern.match(text.trimmed());
    if (!match.hasMatch()) {
        *error = QStringLiteral("the size must be WIDTHxHEIGHT in pixels, e.g. 1400x900");
        return false;
    }
    const int w = match.captured(1).toInt();
    const int h = match.captured(2).toInt();
    if (w < 200 || h < 150 || w > MaxImageSide || h > MaxImageSide) {
        *error = QStringLiteral("the size must be at least 200x150 and at most %1x%1 pixels")
                     .arg(MaxImageSide);
        return false;
    }
    *size = QSize(w, h);
    return true;
}

bool CommandLineOptions::isFieldName(const QString& text)
{
    static const QRegularExpression pattern(
        QStringLiteral("^[A-Za-z0-9_][A-Za-z0-9_.\\-/:]{0,255}$"));
    return pattern.match(text).hasMatch();
}

QString CommandLineOptions::versionText(const QString& version)
{
    return QStringLiteral("telemetry-viewer %1 (Qt %2)\n")
        .arg(version, QString::fromLatin1(qVersion()));
}

QString CommandLineOptions::helpText(const QString& programName)
{
    return QStringLiteral(
        "Usage: %1 [FILE|FOLDER|-]... [OPTIONS]\n"
        "Follow and compare machine-learning training runs written as JSON Lines.\n"
        "\n"
        "Arguments:\n"
        "  FILE                 a .jsonl run file (followed live while it grows)\n"
        "  FOLDER               a folder of *.jsonl files (new files join as they appear)\n"
        "  -                    standard input (e.g. ssh host tail -f run.jsonl | %1 -)\n"
        "\n"
        "Options:\n"
        "  --no-follow          read what the files hold now, do not follow appends\n"
        "  --no-cache           neither read nor write the re-open cache (large files'\n"
        "                       parsed runs, kept in the user's cache folder)\n"
        "  --log-y              a log y axis on every chart\n"
        "  --tags LIST          show only these tags, comma separated (e.g. step_end,error)\n"
        "  --metrics REGEX      show only metrics whose key matches REGEX\n"
        "                       (keys look like step_end/loss, step_end/metrics/acc)\n"
        "  --x MODE|METRIC      x axis: step, global (steps counted on across epochs and\n"
        "                       passes), epoch, wall, relative, seq, or a metric of the\n"
        "                       plotted tag, e.g. tokens_seen (a full key such as\n"
        "                       step_end/tokens_seen: that series for every chart)\n"
        "  --smoothing W        EMA weight 0..0.999 (0 = none), or ma:N (moving average\n"
        "                       of N points), or none\n"
        "  --screenshot OUT.png load, save the window as a PNG image and exit\n"
        "                       (works without a display: QT_QPA_PLATFORM=offscreen)\n"
        "  --size WxH           window size for --screenshot (default 1400x900)\n"
        "  --export-csv OUT.csv load, write the visible series as CSV and exit\n"
        "  --summary            print a JSON summary of the runs to stdout and exit\n"
        "                       (no display needed)\n"
        "  --stream-timeout S   --summary, --screenshot, --export-csv: give up on a FIFO or\n"
        "                       standard input after S seconds without a byte and without\n"
        "                       its end, and report it (default 10; 0 waits forever)\n"
        "  --export-runs OUT.csv  write the runs table as CSV and exit (no display\n"
        "                       needed): name, state, config.*, <series>:last/min/max\n"
        "  --group-by FIELD     group runs by run, host, rank, folder or a config field\n"
        "                       (e.g. config.optimizer)\n"
        "  --color-by FIELD     colour runs by a field (numbers: a continuous colormap)\n"
        "  --group-members      with groups, draw each member run thin and faint under\n"
        "                       its group's mean and min/max band\n"
        "  --alert LIST         alert rules, comma separated (default nan,error,stall):\n"
        "                       nan, error, stall, stall=SECONDS, METRIC>VALUE,\n"
        "                       METRIC<VALUE, METRIC<best-DELTA, METRIC>best+DELTA\n"
        "  --watch              follow without a window and print one JSON line per\n"
        "                       alert to stdout (no display needed)\n"
        "  --exit-on-alert      with --watch: exit with status 3 at the first alert\n"
        "  -h, --help           show this help and exit\n"
        "  -v, --version        show the version and exit\n"
        "\n"
        "Exit status: 0 on success, 1 when a path could not be read or an output could\n"
        "not be written, 2 for invalid options, 3 for an alert with --exit-on-alert.\n")
        .arg(programName);
}

CommandLineOptions CommandLineOptions::parse(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addOptions({
        { { QStringLiteral("h"), QStringLiteral("help"), QStringLiteral("?") }, QString() },
        { { QStringLiteral("v"), QStringLiteral("version") }, QString() },
        { OptNoFollow, QString() },
        { OptLogY, QString() },
        { OptTags, QString(), QStringLiteral("LIST") },
        { OptMetrics, QString(), QStringLiteral("REGEX") },
        { OptXMode, QString(), QStringLiteral("MODE") },
        { OptSmoothing, QString(), QStringLiteral("W") },
        { OptScreenshot, QString(), QStringLiteral("OUT.png") },
        { OptSize, QString(), QStringLiteral("WxH") },
        { OptExportCsv, QString(), QStringLiteral("OUT.csv") },
        { OptSummary, QString() },
        { OptStreamTimeout, QString(), QStringLiteral("SECONDS") },
        { OptExportRuns, QString(), QStringLiteral("OUT.csv") },
        { OptGroupBy, QString(), QStringLiteral("FIELD") },
        { OptColorBy, QString(), QStringLiteral("FIELD") },
        { OptGroupMembers, QString() },
        { OptWatch, QString() },
        { OptAlert, QString(), QStringLiteral("LIST") },
        { OptExitOnAlert, QString() },
        { OptNoCache, QString() },
    });

    QStringList args = arguments;
    if (args.isEmpty())
        args << QStringLiteral("telemetry-viewer");
    if (!parser.parse(args))
        return failed(parser.errorText());

    CommandLineOptions options;
    if (parser.isSet(QStringLiteral("help"))) {
        options.action = Action::Help;
        return options;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        options.action = Action::Version;
        return options;
    }

    options.paths = parser.positionalArguments();
    for (const QString& path : std::as_const(options.paths)) {
        if (path.isEmpty())
            return failed(QStringLiteral("an empty path was given"));
    }
    if (options.paths.count(QStringLiteral("-")) > 1)
        return failed(QStringLiteral("standard input (-) can be given only once"));
    options.follow = !parser.isSet(OptNoFollow);
    options.useCache = !parser.isSet(OptNoCache);
    options.logY = parser.isSet(OptLogY);
    options.groupMembers = parser.isSet(OptGroupMembers);

    if (parser.isSet(OptTags)) {
        QStringList tags;
        const QStringList parts = parser.value(OptTags).split(QLatin1Char(','));
        for (const QString& part : parts) {
            const QString tag = part.trimmed();
            if (!tag.isEmpty() && !tags.contains(tag))
                tags << tag;
        }
        if (tags.isEmpty())
            return failed(QStringLiteral("--tags needs a comma-separated list of tags, e.g. "
                                         "--tags step_end,epoch_end"));
        options.tags = tags;
    }

    if (parser.isSet(OptMetrics)) {
        const QString pattern = parser.value(OptMetrics);
        const QRegularExpression re(pattern);
        if (!re.isValid())
            return failed(QStringLiteral("--metrics: invalid regular expression \"%1\": %2 at "
                                         "offset %3")
                              .arg(pattern, re.errorString())
                              .arg(re.patternErrorOffset()));
        options.metricsRegex = pattern;
    }

    if (parser.isSet(OptXMode)) {
        const QString value = parser.value(OptXMode).trimmed();
        if (const std::optional<XAxisMode> mode = parseXMode(value))
            options.xMode = mode;
        else if (isMetricPath(value))
            options.xMetric = value;
        else
            return failed(QStringLiteral("--x \"%1\": neither a mode (step, global, epoch, wall, "
                                         "relative, seq) nor a metric name (tokens_seen, "
                                         "metrics/samples)")
                              .arg(value));
    }

    if (parser.isSet(OptSmoothing)) {
        SmoothingKind kind = SmoothingKind::None;
        double param = 0.0;
        QString error;
        if (!parseSmoothing(parser.value(OptSmoothing), &kind, &param, &error))
            return failed(
                QStringLiteral("--smoothing \"%1\": %2").arg(parser.value(OptSmoothing), error));
        options.smoothing = kind;
        options.smoothingParam = param;
    }

    if (parser.isSet(OptScreenshot)) {
        options.screenshotPath = parser.value(OptScreenshot);
        if (options.screenshotPath.isEmpty())
            return failed(QStringLiteral("--screenshot needs an output file name"));
    }
    if (parser.isSet(OptSize)) {
        if (options.screenshotPath.isEmpty())
            return failed(QStringLiteral("--size is only used with --screenshot"));
        QString error;
        if (!parseSize(parser.value(OptSize), &options.screenshotSize, &error))
            return failed(QStringLiteral("--size \"%1\": %2").arg(parser.value(OptSize), error));
        options.sizeGiven = true;
    }
    if (parser.isSet(OptExportCsv)) {
        options.exportCsvPath = parser.value(OptExportCsv);
        if (options.exportCsvPath.isEmpty())
            return failed(QStringLiteral("--export-csv needs an output file name"));
    }

    if (parser.isSet(OptStreamTimeout)) {
        bool ok = false;
        const double seconds = parser.value(OptStreamTimeout).toDouble(&ok);
        if (!ok || !(seconds >= 0) || seconds > 86400)
            return failed(QStringLiteral("--stream-timeout \"%1\": the timeout must be a number "
                                         "of seconds from 0 to 86400")
                              .arg(parser.value(OptStreamTimeout)));
        options.streamTimeoutMs = int(seconds * 1000);
    }

    for (const QString& name : { OptGroupBy, OptColorBy }) {
        if (!parser.isSet(name))
            continue;
        const QString field = parser.value(name).trimmed();
        if (!isFieldName(field))
            return failed(QStringLiteral("--%1 \"%2\": name a field such as run, host, rank, "
                                         "folder or config.lr")
                              .arg(name, parser.value(name).left(80)));
        (name == OptGroupBy ? options.groupBy : options.colorBy) = field;
    }
    if (parser.isSet(OptExportRuns)) {
        options.exportRunsPath = parser.value(OptExportRuns);
        if (options.exportRunsPath.isEmpty())
            return failed(QStringLiteral("--export-runs needs an output file name"));
    }

    if (parser.isSet(OptAlert)) {
        QString error;
        options.alertRules = AlertRule::parseList(parser.value(OptAlert), &error);
        if (!options.alertRules)
            return failed(QStringLiteral("--alert: %1").arg(error));
    }
    options.exitOnAlert = parser.isSet(OptExitOnAlert);
    if (parser.isSet(OptWatch)) {
        if (options.paths.isEmpty())
            return failed(QStringLiteral("--watch needs at least one FILE, FOLDER or -"));
        if (options.isBatch() || parser.isSet(OptSummary) || parser.isSet(OptExportRuns))
            return failed(QStringLiteral("--watch cannot be combined with --summary, "
                                         "--export-runs, --screenshot or --export-csv"));
        options.action = Action::Watch;
        return options;
    }
    if (options.exitOnAlert)
        return failed(QStringLiteral("--exit-on-alert is only used with --watch"));

    options.summary = parser.isSet(OptSummary);
    if (options.summary || !options.exportRunsPath.isEmpty()) {
        const QString what =
            options.summary ? QStringLiteral("--summary") : QStringLiteral("--export-runs");
        if (options.paths.isEmpty())
            return failed(QStringLiteral("%1 needs at least one FILE, FOLDER or -").arg(what));
        if (options.isBatch())
            return failed(QStringLiteral("%1 cannot be combined with --screenshot or "
                                         "--export-csv")
                              .arg(what));
        options.action = Action::Summary;
    }
    return options;
}

} // namespace viewer
