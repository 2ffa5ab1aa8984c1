#pragma once

#include <QString>
#include <QStringList>

#include <cstddef>
#include <limits>

namespace viewer {

struct Run;
class Series;

// The result columns of one series of one run: last value, min, max, and the step of the best
// value (lowest for a loss-like series, highest otherwise). Kept up to date incrementally: update()
// reads only the points appended since the last call, so a live batch costs O(new points).
class SeriesResult
{
public:
    static constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

    explicit SeriesResult(QString key = {});

    const QString& key() const
    {
        return m_key;
    }
    // Re-reads the run's series (points appended since the last call only).
    void update(const Run& run);

    bool present() const
    {
        return m_points > 0;
    }
    double last() const
    {
        return m_last;
    } // may be NaN/±Inf: what the run logged last
    double min() const
    {
        return m_min;
    } // over finite values; NaN when none
    double max() const
    {
        return m_max;
    }
    double bestStep() const
    {
        return m_bestStep;
    }
    bool hasNonFinite() const
    {
        return m_nonFinite;
    }

    // "loss", "val_loss", "train/error", "perplexity": lower is better.
    static bool isLossLike(const QString& key);
    // "acc", "val_acc", "metrics/accuracy", "f1", "auc": higher is better.
    static bool isAccuracyLike(const QString& key);
    // The default result series: the first loss-like key and the first accuracy-like key (step_end
    // keys preferred over others for the loss, epoch_end keys for the accuracy).
    static QStringList defaultKeys(const QStringList& keys);

private:
    QString m_key;
    bool m_lowerIsBetter = false;
    std::size_t m_points = 0; // points read so far
    double m_last = NaN;
    double m_min = NaN;
    double m_max = NaN;
    double m_best = NaN;
    double m_bestStep = NaN;
    bool m_nonFinite = false;
};

} // namespace viewer
