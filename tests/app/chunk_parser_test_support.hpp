#pragma once

// What the ChunkParser suites (tst_chunk_parser, tst_chunk_parser_input) share: parsing a text and
// a chunk's points and malformed lines as comparable text.

#include "chunk_parser.hpp"
#include "json_line_scanner.hpp"

#include <QStringList>

#include <cmath>
#include <limits>

namespace chunk_parser_test {

using viewer::ChunkParser;
using viewer::JsonLineScanner;
using viewer::ParsedChunk;
using RecordKind = viewer::ParsedChunk::RecordKind;

inline ParsedChunk parseText(
    const QByteArray& text, std::uint64_t offset = 0, std::uint64_t line = 1)
{
    ChunkParser parser;
    return parser.parse(text.constData(), static_cast<std::size_t>(text.size()), offset, line);
}

inline QString formatValue(double v)
{
    if (ParsedChunk::isNullGap(v))
        return QStringLiteral("null");
    if (std::isnan(v))
        return QStringLiteral("nan");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    if (v == 0 && std::signbit(v))
        return QStringLiteral("-0");
    return QString::number(v, 'g', 17);
}

// "tag/path=value" of each point of record r, joined by ';' (in record order).
inline QString pointsOf(const ParsedChunk& chunk, std::size_t r)
{
    const ParsedChunk::Record& record = chunk.records[r];
    QStringList parts;
    for (std::uint32_t p = record.firstPoint; p < record.firstPoint + record.pointCount; ++p) {
        const ParsedChunk::SeriesName& name = chunk.series[chunk.pointSeries[p]];
        parts << QStringLiteral("%1%2/%3=%4")
                     .arg(name.topLevel ? QStringLiteral("^") : QString())
                     .arg(QString::fromStdString(chunk.tags[name.tag].name))
                     .arg(QString::fromUtf8(name.path.data(), qsizetype(name.path.size())))
                     .arg(formatValue(chunk.pointValues[p]));
    }
    return parts.join(QLatin1Char(';'));
}

inline QString malformedOf(const ParsedChunk& chunk)
{
    QStringList parts;
    for (const viewer::MalformedLine& m : chunk.malformed)
        parts << QStringLiteral("%1@%2: %3").arg(m.line).arg(m.offset).arg(m.reason);
    return parts.join(QLatin1Char('\n'));
}

inline const double NaN = std::numeric_limits<double>::quiet_NaN();

// QCOMPARE for doubles where NaN == NaN.
inline bool sameDouble(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

} // namespace chunk_parser_test
