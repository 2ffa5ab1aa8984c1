#include "metric_x_column.hpp"

#include "run.hpp"

#include <cmath>
#include <limits>
#include <utility>

namespace viewer {

QString MetricXColumn::seriesKey(const QString& plottedTag, const QString& metric)
{
    const QString prefix = plottedTag + QLatin1Char('/');
    return metric.startsWith(prefix) ? metric : prefix + metric;
}

MetricXColumn::MetricXColumn(QString seriesKey)
    : m_key(std::move(seriesKey))
    , m_last(std::numeric_limits<double>::quiet_NaN())
{
}

RecordTable::XColumn MetricXColumn::update(const Run& run)
{
    const int index = run.findSeries(m_key);
    m_found = index >= 0;
    if (!m_found)
        return {};
    const Series& series = run.series[std::size_t(index)];
    const std::size_t n = run.records.size();
    if (n < m_values.size() || series.size() < m_point) { // a run read again from the start
        m_values.clear();
        m_point = 0;
        m_last = std::numeric_limits<double>::quiet_NaN();
    }
    const auto& records = series.records();
    const auto& values = series.values();
    m_values.reserve(n);
    for (std::size_t r = m_values.size(); r < n; ++r) {
        while (m_point < series.size() && records[m_point] <= r) {
            if (std::isfinite(values[m_point]))
                m_last = values[m_point];
            ++m_point;
        }
        m_values.push_back(m_last);
    }
    return { m_values.data(), 0.0 };
}

} // namespace viewer
