#pragma once

// What the RunBuilder suites (tst_run_builder, tst_run_builder_input) share: feeding text in
// chunks as a loader would, and a builder's contents as comparable text.

#include "chunk_parser.hpp"
#include "run_builder.hpp"

#include <QFile>
#include <QTest>

#include <cmath>
#include <limits>
#include <memory>

namespace run_builder_test {

using viewer::AppendSummary;
using viewer::ChunkParser;
using viewer::ParsedChunk;
using viewer::Run;
using viewer::RunBuilder;
using viewer::RunEvent;
using viewer::Series;

inline const double NaN = std::numeric_limits<double>::quiet_NaN();

inline QString number(double v)
{
    if (std::isnan(v))
        return QStringLiteral("nan");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return QString::number(v, 'g', 17);
}

// Feeds `text` to a builder in pieces cut after the given line ends (byte offsets just past a
// '\n'), each piece parsed on its own like a loader or follower would.
inline void feed(RunBuilder& builder, const QByteArray& text, QList<qsizetype> cuts = {})
{
    ChunkParser parser;
    cuts.append(text.size());
    qsizetype start = 0;
    std::uint64_t line = builder.linesSeen() + 1;
    for (const qsizetype cut : cuts) {
        if (cut <= start)
            continue;
        const ParsedChunk chunk = parser.parse(text.constData() + start,
            static_cast<std::size_t>(cut - start), static_cast<std::uint64_t>(start), line);
        builder.append(chunk);
        line += chunk.lineCount;
        start = cut;
    }
}

inline std::unique_ptr<RunBuilder> build(const QByteArray& text, const QString& path = "run.jsonl")
{
    auto builder = std::make_unique<RunBuilder>(path);
    feed(*builder, text);
    return builder;
}

inline QString seriesPoints(
    const Run& run, const QString& key, viewer::XAxisMode mode = viewer::XAxisMode::Step)
{
    const int index = run.findSeries(key);
    if (index < 0)
        return QStringLiteral("<none>");
    const Series& s = run.series[std::size_t(index)];
    QStringList parts;
    std::size_t segment = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (segment < s.segmentStarts().size() && s.segmentStarts()[segment] == i) {
            parts << QStringLiteral("|");
            ++segment;
        }
        parts << number(run.records.x(mode, s.records()[i])) + QLatin1Char(':')
                + number(s.values()[i]);
    }
    return parts.join(QLatin1Char(' '));
}

inline QString eventsOf(const Run& run)
{
    QStringList parts;
    for (const RunEvent& e : run.events) {
        QString text = QStringLiteral("%1@%2 step %3")
                           .arg(RunEvent::kindName(e.kind))
                           .arg(e.record)
                           .arg(number(e.step));
        if (!e.type.isEmpty() || !e.message.isEmpty())
            text += QStringLiteral(" %1: %2").arg(e.type, e.message);
        parts << text;
    }
    return parts.join(QLatin1String("; "));
}

inline QString tagsOf(const Run& run)
{
    QStringList parts;
    for (qsizetype i = 0; i < run.tags.size(); ++i)
        parts << QStringLiteral("%1=%2").arg(run.tags[i]).arg(run.tagCounts[std::size_t(i)]);
    return parts.join(QLatin1Char(' '));
}

// Everything a builder holds, as text: two builders are equal when their dumps are.
inline QString dump(const RunBuilder& builder)
{
    QString out;
    for (int i = 0; i < builder.runCount(); ++i) {
        const Run& run = builder.run(i);
        out += QStringLiteral("run %1 / %2 / %3 info %4\n")
                   .arg(run.id, run.displayName, run.sourcePath,
                       QStringList(run.info.keys()).join(','));
        for (std::uint32_t r = 0; r < run.records.size(); ++r)
            out += QStringLiteral("  rec %1 %2 %3 @%4 tag %5\n")
                       .arg(number(run.records.time(r)), number(run.records.step(r)),
                           number(run.records.epoch(r)))
                       .arg(run.records.offset(r))
                       .arg(run.records.tag(r));
        out += QStringLiteral("  tags %1\n").arg(tagsOf(run));
        for (const Series& s : run.series)
            out += QStringLiteral("  series %1: %2\n")
                       .arg(s.key(), seriesPoints(run, s.key(), viewer::XAxisMode::Sequence));
        out += QStringLiteral("  events %1\n").arg(eventsOf(run));
        for (const viewer::MalformedLine& m : run.malformed)
            out += QStringLiteral("  malformed %1@%2 %3\n").arg(m.line).arg(m.offset).arg(m.reason);
        out += QStringLiteral("  malformed count %1\n").arg(run.malformedCount);
        for (const viewer::MalformedCount& c : run.malformedByReason)
            out += QStringLiteral("  malformed %1: %2\n").arg(c.reason).arg(c.count);
        for (const Series& s : run.series)
            out += QStringLiteral("  nulls %1: %2\n").arg(s.key()).arg(s.nullCount());
        out += QStringLiteral("  blank %1 skipped %2 dropped %3 warnings %4\n")
                   .arg(run.blankLines)
                   .arg(run.skippedValues)
                   .arg(run.droppedPoints)
                   .arg(run.warnings.join('|'));
    }
    return out;
}

inline QByteArray pythonSample()
{
    QFile file(QFINDTESTDATA("../data/python_logger_sample.jsonl"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("python_logger_sample.jsonl not found");
    return file.readAll();
}

} // namespace run_builder_test
