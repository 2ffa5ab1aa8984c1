#include "settings.hpp"

#include "command_line_options.hpp"
#include "enum_names.hpp"

#include <QDir>
#include <QSettings>
#include <QTemporaryDir>

#include <cmath>

namespace viewer {

namespace {

const QString XModeKey = QStringLiteral("view/x");
const QString SmoothingKey = QStringLiteral("view/smoothing");
const QString EmaWeightKey = QStringLiteral("view/emaWeight");
const QString WindowKey = QStringLiteral("view/movingAverageWindow");
const QString LogXKey = QStringLiteral("view/logX");
const QString LogYKey = QStringLiteral("view/logY");
const QString OutliersKey = QStringLiteral("view/ignoreOutliers");
const QString GroupKey = QStringLiteral("view/group");
const QString GroupMembersKey = QStringLiteral("view/groupMembersFaint");
const QString ThemeKey = QStringLiteral("view/theme");
const QString WheelZoomKey = QStringLiteral("view/wheelZoomsCharts");
const QString ChartHeightKey = QStringLiteral("view/chartHeight");
const QString PinnedChartsKey = QStringLiteral("view/pinnedCharts");
const QString RecentKey = QStringLiteral("files/recent");
const QString LastDirKey = QStringLiteral("files/lastDirectory");
const QString HiddenTagsKey = QStringLiteral("filters/hiddenTags");
const QString SearchKey = QStringLiteral("filters/metricSearch");
const QString SearchRegexKey = QStringLiteral("filters/metricSearchRegex");
const QString UncheckedKey = QStringLiteral("filters/uncheckedMetrics");
const QString RunColorsKey = QStringLiteral("compare/runColors");
const QString GroupByKey = QStringLiteral("compare/groupBy");
const QString ColorByKey = QStringLiteral("compare/colorBy");
const QString AlertRulesKey = QStringLiteral("alerts/rules");
const QString GeometryKey = QStringLiteral("window/geometry");
const QString StateKey = QStringLiteral("window/state");

constexpr double DefaultEmaWeight = 0.6;
constexpr int DefaultWindow = 10;

constexpr EnumNames<SmoothingKind, 3> SmoothingNames { { { SmoothingKind::Ema, "ema" },
    { SmoothingKind::MovingAverage, "moving-average" }, { SmoothingKind::None, "none" } } };

QString smoothingName(SmoothingKind kind)
{
    return nameOf(SmoothingNames, kind, QStringLiteral("none"));
}

SmoothingKind smoothingFromName(const QString& name)
{
    return valueOf(SmoothingNames, name).value_or(SmoothingKind::None);
}

double validWeight(double w)
{
    return std::isfinite(w) && w >= 0.0 && w <= 0.999 ? w : DefaultEmaWeight;
}

int validWindow(int n)
{
    return n >= 1 && n <= 1000000 ? n : DefaultWindow;
}

} // namespace

Settings::Settings()
    : m_settings(std::make_unique<QSettings>())
{
}

Settings::Settings(const QString& path)
    : m_settings(std::make_unique<QSettings>(path, QSettings::IniFormat))
{
}

std::unique_ptr<Settings> Settings::ephemeral()
{
    auto dir = std::make_unique<QTemporaryDir>();
    auto settings = std::make_unique<Settings>(dir->filePath(QStringLiteral("settings.ini")));
    settings->m_tempDir = std::move(dir);
    return settings;
}

Settings::~Settings() = default;

ChartOptions Settings::chartOptions() const
{
    ChartOptions o;
    const std::optional<XAxisMode> chosen =
        CommandLineOptions::parseXMode(m_settings->value(XModeKey).toString());
    o.xMode = chosen.value_or(XAxisMode::Step);
    o.xModeChosen = chosen.has_value();
    o.smoothing = smoothingFromName(m_settings->value(SmoothingKey).toString());
    // Remembered as the user left it; never chosen: the per-chart default (ChartOptions).
    o.smoothingChosen = m_settings->contains(SmoothingKey);
    o.smoothingParam =
        o.smoothing == SmoothingKind::MovingAverage ? movingAverageWindow() : emaWeight();
    o.logX = m_settings->value(LogXKey, false).toBool();
    o.logY = m_settings->value(LogYKey, false).toBool();
    o.ignoreOutliers = m_settings->value(OutliersKey, true).toBool();
    o.groupMode = m_settings->value(GroupKey).toString() == QLatin1String("mean-band")
        ? GroupMode::MeanBand
        : GroupMode::Overlay;
    o.groupMembersFaint = m_settings->value(GroupMembersKey, false).toBool();
    return o;
}

void Settings::setChartOptions(const ChartOptions& o)
{
    // Remembered only when chosen: otherwise the automatic choice (GlobalStep for restarting
    // counters) stays automatic.
    m_settings->setValue(
        XModeKey, o.xModeChosen ? CommandLineOptions::xModeName(o.xMode) : QString());
    if (o.smoothingChosen)
        m_settings->setValue(SmoothingKey, smoothingName(o.smoothing));
    else
        m_settings->remove(SmoothingKey); // "Auto" again: the first-run default, not "none"
    if (o.smoothing == SmoothingKind::Ema)
        setEmaWeight(o.smoothingParam);
    else if (o.smoothing == SmoothingKind::MovingAverage)
        setMovingAverageWindow(static_cast<int>(std::lround(o.smoothingParam)));
    m_settings->setValue(LogXKey, o.logX);
    m_settings->setValue(LogYKey, o.logY);
    m_settings->setValue(OutliersKey, o.ignoreOutliers);
    m_settings->setValue(GroupKey,
        o.groupMode == GroupMode::MeanBand ? QStringLiteral("mean-band")
                                           : QStringLiteral("overlay"));
    m_settings->setValue(GroupMembersKey, o.groupMembersFaint);
}

double Settings::emaWeight() const
{
    bool ok = false;
    const double w = m_settings->value(EmaWeightKey, DefaultEmaWeight).toDouble(&ok);
    return ok ? validWeight(w) : DefaultEmaWeight;
}

void Settings::setEmaWeight(double weight)
{
    m_settings->setValue(EmaWeightKey, validWeight(weight));
}

int Settings::movingAverageWindow() const
{
    bool ok = false;
    const int n = m_settings->value(WindowKey, DefaultWindow).toInt(&ok);
    return ok ? validWindow(n) : DefaultWindow;
}

void Settings::setMovingAverageWindow(int points)
{
    m_settings->setValue(WindowKey, validWindow(points));
}

bool Settings::wheelZoomsCharts() const
{
    return m_settings->value(WheelZoomKey, true).toBool();
}

void Settings::setWheelZoomsCharts(bool on)
{
    m_settings->setValue(WheelZoomKey, on);
}

int Settings::chartHeight() const
{
    bool ok = false;
    const int pixels = m_settings->value(ChartHeightKey).toInt(&ok);
    return ok && pixels >= ChartLayoutPlan::MinChartHeight
            && pixels <= ChartLayoutPlan::MaxChartHeight
        ? pixels
        : ChartLayoutPlan::DefaultChartHeight;
}

void Settings::setChartHeight(int pixels)
{
    m_settings->setValue(ChartHeightKey, pixels);
}

QStringList Settings::pinnedCharts() const
{
    QStringList keys;
    for (const QString& key : m_settings->value(PinnedChartsKey).toStringList()) {
        if (!key.isEmpty() && key.size() <= MaxPinnedKeyChars && !keys.contains(key))
            keys << key;
        if (keys.size() == MaxPinnedCharts)
            break;
    }
    return keys;
}

void Settings::setPinnedCharts(const QStringList& keys)
{
    QStringList kept;
    for (const QString& key : keys) {
        if (!key.isEmpty() && key.size() <= MaxPinnedKeyChars && !kept.contains(key))
            kept << key;
        if (kept.size() == MaxPinnedCharts)
            break;
    }
    if (kept.isEmpty())
        m_settings->remove(PinnedChartsKey);
    else
        m_settings->setValue(PinnedChartsKey, kept);
}

Theme Settings::theme() const
{
    return themeFromName(m_settings->value(ThemeKey).toString()).value_or(Theme::System);
}

void Settings::setTheme(Theme theme)
{
    m_settings->setValue(ThemeKey, themeName(theme));
}

QStringList Settings::recentPaths() const
{
    QStringList paths = m_settings->value(RecentKey).toStringList();
    paths.removeAll(QString());
    paths.removeDuplicates();
    return paths.mid(0, MaxRecentPaths);
}

void Settings::addRecentPath(const QString& path)
{
    if (path.isEmpty() || path == QLatin1String("-"))
        return; // standard input cannot be reopened
    QStringList paths = recentPaths();
    paths.removeAll(path);
    paths.prepend(path);
    m_settings->setValue(RecentKey, paths.mid(0, MaxRecentPaths));
}

void Settings::removeRecentPath(const QString& path)
{
    QStringList paths = recentPaths();
    paths.removeAll(path);
    m_settings->setValue(RecentKey, paths);
}

void Settings::clearRecentPaths()
{
    m_settings->remove(RecentKey);
}

QString Settings::lastDirectory() const
{
    return m_settings->value(LastDirKey, QDir::homePath()).toString();
}

void Settings::setLastDirectory(const QString& dir)
{
    m_settings->setValue(LastDirKey, dir);
}

QStringList Settings::hiddenTags() const
{
    return m_settings->value(HiddenTagsKey).toStringList();
}

void Settings::setHiddenTags(const QStringList& tags)
{
    m_settings->setValue(HiddenTagsKey, tags);
}

QList<AlertRule> Settings::alertRules() const
{
    if (!m_settings->contains(AlertRulesKey))
        return AlertRule::defaults();
    // Written as one string; a hand-edited INI line "nan, error" reads back as a list.
    const QVariant value = m_settings->value(AlertRulesKey);
    const QStringList texts = value.typeId() == QMetaType::QStringList
        ? value.toStringList()
        : value.toString().split(QLatin1Char(','), Qt::SkipEmptyParts);
    QString ignored; // a rule that does not parse is left out
    return AlertRule::parseList(texts, &ignored);
}

void Settings::setAlertRules(const QList<AlertRule>& rules)
{
    m_settings->setValue(AlertRulesKey, AlertRule::names(rules).join(QLatin1Char(',')));
}

QString Settings::metricSearch() const
{
    return m_settings->value(SearchKey).toString();
}

bool Settings::metricSearchIsRegex() const
{
    return m_settings->value(SearchRegexKey, false).toBool();
}

void Settings::setMetricSearch(const QString& text, bool regex)
{
    m_settings->setValue(SearchKey, text);
    m_settings->setValue(SearchRegexKey, regex);
}

QStringList Settings::uncheckedMetrics() const
{
    return m_settings->value(UncheckedKey).toStringList();
}

void Settings::setUncheckedMetrics(const QStringList& keys)
{
    m_settings->setValue(UncheckedKey, keys);
}

QByteArray Settings::windowGeometry() const
{
    return m_settings->value(GeometryKey).toByteArray();
}

QByteArray Settings::windowState() const
{
    return m_settings->value(StateKey).toByteArray();
}

void Settings::setWindowLayout(const QByteArray& geometry, const QByteArray& state)
{
    m_settings->setValue(GeometryKey, geometry);
    m_settings->setValue(StateKey, state);
}

void Settings::sync()
{
    m_settings->sync();
}

QString Settings::fileName() const
{
    return m_settings->fileName();
}

QVariantMap Settings::runColors() const
{
    return m_settings->value(RunColorsKey).toMap(); // RunColors::fromVariant validates it
}

void Settings::setRunColors(const QVariantMap& colors)
{
    m_settings->setValue(RunColorsKey, colors);
}

QString Settings::groupBy() const
{
    return m_settings->value(GroupByKey).toString().left(200);
}

QString Settings::colorBy() const
{
    return m_settings->value(ColorByKey).toString().left(200);
}

void Settings::setCompareFields(const QString& groupBy, const QString& colorBy)
{
    m_settings->setValue(GroupByKey, groupBy);
    m_settings->setValue(ColorByKey, colorBy);
}

} // namespace viewer
