#pragma once

#include "min_max_pyramid.hpp"
#include "strided_index_column.hpp"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <limits>
#include <vector>

namespace viewer {

class RunCacheFile;

// One metric of one run, e.g. tag "step_end", path "metrics/acc" (nested context groups joined by
// '/'). Keys are data: a '/' or '\' inside one key (or the tag) is written "\/" or "\\" in the path
// and in key(), so that {"a/b": 1} ("a\/b") and {"a": {"b": 2}} ("a/b") stay two series, and so do
// the tag "step_end/x" with key "y" ("step_end\/x/y") and the tag "step_end" with "x": {"y"}.
// Columnar and append-only: a point is its value, the index of the record it came from (x values of
// every mode, ts and epoch live once per record in the run's RecordTable) and its share of the
// min/max pyramid: 8 + ~0.05 (a metric logged every k-th record: strided blocks) to 4 + ~0.55
// bytes. Lives on the thread that owns its Run.
class Series
{
public:
    Series(QString tag, QString path);

    const QString& tag() const
    {
        return m_tag;
    } // as written in the file (not escaped)
    const QString& path() const
    {
        return m_path;
    } // segments escaped, joined by '/'
    // "step_end/loss": unique within a run (the tag escaped like a path segment).
    QString key() const
    {
        return makeKey(m_tag, m_path);
    }

    // The key of the series `path` (escaped) of `tag` (as written).
    static QString makeKey(const QString& tag, const QString& path);
    // One key (or tag) as a path segment: '\' -> "\\", '/' -> "\/". Other text is unchanged.
    static QString escapeSegment(const QString& segment);
    // The inverse of escapeSegment for one segment.
    static QString unescapeSegment(const QString& segment);
    // A path's segments, still escaped: "a\/b/c" -> {"a\/b", "c"}.
    static QStringList splitPath(const QString& path);

    // A JSON null: no point, but the next point starts a new segment (the line is broken there,
    // like after a restart, with no NaN marker). Counted in nullCount().
    void appendGap();
    // Appends one point. restart: the step went backwards here (a resumed run): a new segment
    // starts and no line is drawn back across it.
    void append(double value, std::uint32_t record, bool restart = false);
    void reserve(std::size_t n);

    std::size_t size() const
    {
        return m_values.size();
    }
    const std::vector<double>& values() const
    {
        return m_values;
    }
    const StridedIndexColumn& records() const
    {
        return m_records;
    }
    // Brought up to date here, not on every append: a bulk load then builds it in one pass per
    // series (see RunLoader), and a live append costs no pyramid work until the next redraw.
    // Call only on the thread that owns the run.
    const MinMaxPyramid& pyramid() const;
    // Builds the pyramid and returns spare capacity after a bulk load.
    void finishAppending();
    // Point indices at which a new segment starts (never contains 0).
    const std::vector<std::uint32_t>& segmentStarts() const
    {
        return m_segmentStarts;
    }
    // Point indices of NaN, +Inf, -Inf values, ascending (markers; they break the line).
    const std::vector<std::uint32_t>& nonFinite() const
    {
        return m_nonFinite;
    }

    std::size_t nanCount() const
    {
        return m_nanCount;
    }
    std::size_t nullCount() const
    {
        return m_nullCount;
    } // gaps (appendGap), not points
    std::size_t posInfCount() const
    {
        return m_posInfCount;
    }
    std::size_t negInfCount() const
    {
        return m_negInfCount;
    }
    // Over finite values; NaN when there is none.
    double min() const
    {
        return m_min;
    }
    double max() const
    {
        return m_max;
    }

    std::size_t bytesUsed() const;

private:
    friend class RunCacheFile; // saves and restores every field (run_cache_file.cpp)
    QString m_tag;
    QString m_path;
    std::vector<double> m_values;
    StridedIndexColumn m_records;
    std::vector<std::uint32_t> m_segmentStarts;
    std::vector<std::uint32_t> m_nonFinite;
    mutable MinMaxPyramid m_pyramid; // covers m_pyramid.size() leading values
    std::size_t m_nanCount = 0;
    std::size_t m_posInfCount = 0;
    std::size_t m_negInfCount = 0;
    std::size_t m_nullCount = 0;
    bool m_gapPending = false; // a null since the last point: the next point starts a segment
    double m_min = std::numeric_limits<double>::quiet_NaN();
    double m_max = std::numeric_limits<double>::quiet_NaN();
};

} // namespace viewer
