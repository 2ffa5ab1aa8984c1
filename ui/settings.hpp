#pragma once

#include "alert_rules.hpp"
#include "chart_layout_plan.hpp"
#include "chart_options.hpp"
#include "theme.hpp"

#include <QByteArray>
#include <QStringList>
#include <QVariantMap>

#include <memory>

class QSettings;
class QTemporaryDir;

namespace viewer {

// What the viewer remembers between sessions: view options (x mode, smoothing, scales, grouping),
// filters, theme, recent runs and the window layout. A typed front of QSettings; GUI thread.
// Values read back are validated (a hand-edited or old settings file never yields an invalid
// mode or an out-of-range weight: the default is used instead).
class Settings
{
public:
    static constexpr int MaxRecentPaths = 10;

    // The user's settings (QSettings with the application's organization and name).
    Settings();
    // An INI file at `path` (tests).
    explicit Settings(const QString& path);
    // Settings that start from the defaults and are forgotten at exit (--screenshot runs, which
    // must be reproducible and must not touch the user's settings).
    static std::unique_ptr<Settings> ephemeral();
    ~Settings();

    Settings(const Settings&) = delete;
    Settings& operator=(const Settings&) = delete;

    ChartOptions chartOptions() const;
    void setChartOptions(const ChartOptions& options);
    // The last parameter of each smoothing kind, so switching kinds keeps both.
    double emaWeight() const;
    void setEmaWeight(double weight);
    int movingAverageWindow() const;
    void setMovingAverageWindow(int points);

    // A plain wheel over a chart zooms it (default); off: Ctrl+wheel zooms.
    bool wheelZoomsCharts() const;
    void setWheelZoomsCharts(bool on);

    // The chosen height of a chart row in pixels (ChartGrid::setChartHeight; the grid fits whole
    // rows near it). Out-of-range values read back as the default.
    int chartHeight() const;
    void setChartHeight(int pixels);

    // The metric keys pinned to the top of the grid, the most recently pinned first (at most
    // MaxPinnedCharts; keys are untrusted text, longer than MaxPinnedKeyChars are not kept).
    static constexpr int MaxPinnedCharts = 50;
    static constexpr int MaxPinnedKeyChars = 1000;
    QStringList pinnedCharts() const;
    void setPinnedCharts(const QStringList& keys);

    Theme theme() const;
    void setTheme(Theme theme);

    QStringList recentPaths() const; // most recent first
    void addRecentPath(const QString& path);
    void removeRecentPath(const QString& path);
    void clearRecentPaths();
    QString lastDirectory() const;
    void setLastDirectory(const QString& dir);

    QStringList hiddenTags() const;
    void setHiddenTags(const QStringList& tags);
    QString metricSearch() const;
    bool metricSearchIsRegex() const;
    void setMetricSearch(const QString& text, bool regex);
    QStringList uncheckedMetrics() const;
    void setUncheckedMetrics(const QStringList& keys);

    // The run colours (RunColors::toVariant): a run id keeps its colour across restarts. And the
    // "group by" / "colour by" fields ("" = the defaults).
    QVariantMap runColors() const;
    void setRunColors(const QVariantMap& colors);
    QString groupBy() const;
    QString colorBy() const;
    void setCompareFields(const QString& groupBy, const QString& colorBy);
    // The alert rules of followed runs (default nan, error, stall; empty: no alerts). Stored as
    // their text ("nan,error,stall=600,loss>10"); a rule that no longer parses is left out.
    QList<AlertRule> alertRules() const;
    void setAlertRules(const QList<AlertRule>& rules);

    QByteArray windowGeometry() const;
    QByteArray windowState() const;
    void setWindowLayout(const QByteArray& geometry, const QByteArray& state);

    void sync();
    QString fileName() const;

private:
    std::unique_ptr<QTemporaryDir> m_tempDir; // ephemeral() only
    std::unique_ptr<QSettings> m_settings;
};

} // namespace viewer
