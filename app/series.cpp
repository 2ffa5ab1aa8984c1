#include "series.hpp"

#include "spare_capacity.hpp"

#include <cmath>

namespace viewer {

Series::Series(QString tag, QString path)
    : m_tag(std::move(tag))
    , m_path(std::move(path))
{
}

QString Series::makeKey(const QString& tag, const QString& path)
{
    return escapeSegment(tag) + QLatin1Char('/') + path;
}

QString Series::escapeSegment(const QString& segment)
{
    if (!segment.contains(QLatin1Char('/')) && !segment.contains(QLatin1Char('\\')))
        return segment;
    QString out;
    out.reserve(segment.size() + 4);
    for (const QChar c : segment) {
        if (c == u'/' || c == u'\\')
            out += QLatin1Char('\\');
        out += c;
    }
    return out;
}

QString Series::unescapeSegment(const QString& segment)
{
    if (!segment.contains(QLatin1Char('\\')))
        return segment;
    QString out;
    out.reserve(segment.size());
    for (qsizetype i = 0; i < segment.size(); ++i) {
        if (segment[i] == u'\\' && i + 1 < segment.size())
            ++i;
        out += segment[i];
    }
    return out;
}

QStringList Series::splitPath(const QString& path)
{
    QStringList parts;
    qsizetype start = 0;
    for (qsizetype i = 0; i < path.size(); ++i) {
        if (path[i] == u'\\') {
            ++i; // the escaped character belongs to this segment
        } else if (path[i] == u'/') {
            parts << path.mid(start, i - start);
            start = i + 1;
        }
    }
    parts << path.mid(start);
    return parts;
}

void Series::appendGap()
{
    ++m_nullCount;
    m_gapPending = true;
}

void Series::append(double value, std::uint32_t record, bool restart)
{
    const auto index = static_cast<std::uint32_t>(m_values.size());
    if ((restart || m_gapPending) && index > 0)
        m_segmentStarts.push_back(index);
    m_gapPending = false;
    m_values.push_back(value);
    m_records.append(record);
    if (std::isfinite(value)) {
        if (!(value >= m_min))
            m_min = value;
        if (!(value <= m_max))
            m_max = value;
        return;
    }
    m_nonFinite.push_back(index);
    if (std::isnan(value))
        ++m_nanCount;
    else if (value > 0)
        ++m_posInfCount;
    else
        ++m_negInfCount;
}

void Series::reserve(std::size_t n)
{
    m_values.reserve(n);
    m_records.reserve(n);
}

const MinMaxPyramid& Series::pyramid() const
{
    if (m_pyramid.size() != m_values.size()) {
        if (m_pyramid.size() == 0)
            m_pyramid.rebuild(m_values);
        else
            m_pyramid.appended(m_values);
    }
    return m_pyramid;
}

void Series::finishAppending()
{
    dropSpareCapacity(m_values);
    m_records.shrinkToFit();
    pyramid();
}

std::size_t Series::bytesUsed() const
{
    return sizeof(Series) + m_values.capacity() * sizeof(double) + m_records.bytesUsed()
        + (m_segmentStarts.capacity() + m_nonFinite.capacity()) * sizeof(std::uint32_t)
        + m_pyramid.bytesUsed() + (m_tag.capacity() + m_path.capacity()) * sizeof(QChar);
}

} // namespace viewer
