#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace viewer {

// One condition a watched run is checked against (issue 16, "Alerts"). Written as text on the
// command line (--alert nan,error,stall=600,loss>10) and in the settings:
//   nan                 a NaN or ±Inf in a step_end or epoch_end metric
//   error               an `error` record
//   stall               no record for 10x the run's median record interval, at least 60 s
//   stall=SECONDS       no record for SECONDS
//   METRIC>VALUE        a point of METRIC above VALUE          (loss>10, "loss > 10")
//   METRIC<VALUE        a point of METRIC below VALUE
//   METRIC<best-DELTA   below the highest value so far minus DELTA   (val_acc<best-0.05)
//   METRIC>best+DELTA   above the lowest value so far plus DELTA     (val_loss>best+0.1)
// METRIC is a series key ("step_end/loss") or its trailing path ("loss" matches step_end/loss and
// epoch_end/loss, "metrics/acc" matches step_end/metrics/acc). Spaces around the parts are ignored.
struct AlertRule
{
    enum class Kind
    {
        NonFinite,
        Error,
        Stall,
        Above, // value > threshold (or > best + threshold)
        Below, // value < threshold (or < best - threshold)
    };

    static constexpr double MinAutoStallSeconds = 60.0;
    static constexpr double AutoStallFactor = 10.0; // times the median record interval
    static constexpr double MaxStallSeconds = 1e7;

    Kind kind = Kind::NonFinite;
    QString metric; // Above/Below
    double threshold = 0.0; // Above/Below: the value, or the distance from the best when fromBest
    bool fromBest = false;
    double stallSeconds = 0.0; // Stall: 0 = automatic (10x the median interval, at least 60 s)

    // The rule as text, canonical: "nan", "stall=600", "loss>10", "val_acc<best-0.05". Parsing
    // name() gives the same rule back.
    QString name() const;
    // The kind as one word, for JSON and the events table: nan, error, stall, threshold.
    QString kindName() const;
    // Whether a threshold rule applies to the series `key` ("step_end/loss").
    bool matchesSeries(const QString& key) const;

    // One rule; nullopt with *error set (plain text naming the rule and what is accepted).
    static std::optional<AlertRule> parse(const QString& text, QString* error);
    // A comma-separated list ("nan,error,stall=600"); duplicates are kept once. Empty text or
    // any bad rule is an error.
    static std::optional<QList<AlertRule>> parseList(const QString& text, QString* error);
    // Each text one rule; bad ones are left out and the first one's error is set.
    static QList<AlertRule> parseList(const QStringList& texts, QString* error);
    // nan, error, stall.
    static QList<AlertRule> defaults();
    static QStringList names(const QList<AlertRule>& rules);

    bool operator==(const AlertRule& other) const
    {
        return name() == other.name();
    }
};

} // namespace viewer
