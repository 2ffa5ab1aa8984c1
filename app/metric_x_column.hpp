#pragma once

#include "record_table.hpp"

#include <QString>

#include <cstddef>
#include <vector>

namespace viewer {

struct Run;

// x from another numeric metric of the plotted series' own tag (--x METRIC): tokens seen,
// samples. Per record of a run: the metric's value at that record; between two of its points
// (a step_begin, an epoch_end, another tag) its last finite value, so every series of the run can
// use the column; NaN before its first finite value (such points have no x and are not drawn).
// Example: step_end/loss against step_end/tokens_seen; epoch_end/val_loss then sits at the
// tokens seen when the epoch ended. The values are kept as logged: a metric that goes back
// (a counter reset) goes back on the axis too. Incremental while the run grows; lives with the
// chart on the thread that owns the run.
class MetricXColumn
{
public:
    // "tokens_seen" for a chart of tag "step_end" -> "step_end/tokens_seen"; a name that
    // already starts with the tag and '/' is kept ("step_end/tokens_seen").
    static QString seriesKey(const QString& plottedTag, const QString& metric);

    explicit MetricXColumn(QString seriesKey);

    const QString& key() const
    {
        return m_key;
    }
    // Brings the column up to run.records.size() and returns it for the decimator (values
    // nullptr when the run has no such series: the caller says so rather than plot nothing).
    RecordTable::XColumn update(const Run& run);
    bool found() const
    {
        return m_found;
    }
    const std::vector<double>& values() const
    {
        return m_values;
    }

private:
    QString m_key;
    std::vector<double> m_values;
    std::size_t m_point = 0; // next point of the metric's series to read
    double m_last; // last finite value (NaN before any)
    bool m_found = false;
};

} // namespace viewer
