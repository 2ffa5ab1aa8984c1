// F3: the follower's reassembly. A stream (the input's bytes) fed to LineAssembler in pieces cut
// at fuzzer-chosen offsets, optionally with a reset at a fuzzer-chosen offset (the file was
// truncated or replaced: the partial line is dropped and the stream starts over at offset 0), must
// give exactly the lines of a one-shot feed of each part, and, through ChunkParser, the same
// records, malformed lines and blank lines. The lines are also checked against a direct cut of
// the bytes at '\n' that does not use LineAssembler at all.
#include "../app/reference_lines.hpp"
#include "chunk_parser.hpp"
#include "fuzz_support.hpp"
#include "line_assembler.hpp"
#include "line_chunk.hpp"
#include "parsed_chunk.hpp"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QVariant>
#include <QVariantMap>

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fuzzer/FuzzedDataProvider.h>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

using viewer::ChunkParser;
using viewer::LineAssembler;
using viewer::LineChunk;
using viewer::ParsedChunk;

namespace {

using Line = viewer::test::ReferenceLine;

// What the reader keeps of a record, with chunk-local ids replaced by names.
struct Point
{
    std::string tag;
    std::string path;
    bool topLevel = false;
    std::uint64_t value = 0; // bits
    friend bool operator==(const Point&, const Point&) = default;
};

struct Record
{
    std::uint64_t line = 0;
    std::uint64_t offset = 0;
    std::uint64_t ts = 0; // bits (NaN payloads included)
    std::uint64_t step = 0;
    std::uint64_t epoch = 0;
    ParsedChunk::RecordKind kind = ParsedChunk::RecordKind::Custom;
    std::string tag;
    std::vector<Point> points;
    QString type;
    QString message;
    QString info; // run_begin's fields, spelled out (a NaN in them must compare equal)
    friend bool operator==(const Record&, const Record&) = default;
};

struct Reading
{
    std::vector<Line> lines;
    std::vector<Record> records;
    // Listed malformed lines. Each chunk lists its first ParsedChunk::MaxListedMalformed, so
    // how the stream was cut changes which later ones are listed: compare() looks at the first
    // MaxListedMalformed (listed however it was cut) and at the exact counts by reason.
    std::vector<std::tuple<std::uint64_t, std::uint64_t, QString>> malformed;
    std::map<QString, std::uint64_t> malformedByKind;
    std::uint64_t lineCount = 0;
    std::uint64_t blankLines = 0;
    std::uint64_t skippedValues = 0;
    std::uint64_t droppedPoints = 0;
    friend bool operator==(const Reading&, const Reading&) = default;
};

// A value of run_begin's info as text, doubles by their bits.
QString spell(const QVariant& value)
{
    if (value.typeId() == QMetaType::Double)
        return QString::number(std::bit_cast<quint64>(value.toDouble()), 16);
    if (value.typeId() == QMetaType::QVariantMap) {
        const QVariantMap map = value.toMap();
        QString text = QStringLiteral("{");
        for (auto it = map.cbegin(); it != map.cend(); ++it)
            text += it.key() + QLatin1Char(':') + spell(it.value()) + QLatin1Char(',');
        return text + QLatin1Char('}');
    }
    if (value.typeId() == QMetaType::QVariantList) {
        QString text = QStringLiteral("[");
        for (const QVariant& item : value.toList())
            text += spell(item) + QLatin1Char(',');
        return text + QLatin1Char(']');
    }
    return QString::number(value.typeId()) + QLatin1Char('=') + value.toString();
}

// Adds a chunk's lines and parse to `reading`, checking LineChunk's invariants on the way.
void read(ChunkParser& parser, const LineChunk& chunk, Reading& reading)
{
    FUZZ_CHECK(chunk.lineCount >= 0);
    FUZZ_CHECK(chunk.bytes.count('\n') == chunk.lineCount);
    FUZZ_CHECK(chunk.bytes.isEmpty() || chunk.bytes.endsWith('\n'));
    FUZZ_CHECK(chunk.lineCount > 0 || chunk.hasOverlongLine());
    qsizetype start = 0;
    for (qint64 i = 0; i < chunk.lineCount; ++i) {
        const qsizetype end = chunk.bytes.indexOf('\n', start) + 1;
        reading.lines.push_back(
            { chunk.firstLine + i, chunk.offset + start, chunk.bytes.mid(start, end - start) });
        start = end;
    }
    if (chunk.hasOverlongLine()) {
        FUZZ_CHECK(chunk.overlongLine == chunk.firstLine + chunk.lineCount);
        FUZZ_CHECK(chunk.overlongOffset == chunk.endOffset());
        reading.lines.push_back({ chunk.overlongLine, chunk.overlongOffset, {}, true });
    }

    const ParsedChunk parsed = parser.parse(chunk);
    reading.lineCount += parsed.lineCount;
    reading.blankLines += parsed.blankLines;
    reading.skippedValues += parsed.skippedValues;
    reading.droppedPoints += parsed.droppedPoints;
    for (const viewer::MalformedLine& m : parsed.malformed) {
        reading.malformed.emplace_back(m.line, m.offset, m.reason);
        ++reading.malformedByKind[viewer::MalformedLine::kindOf(m.reason)];
    }
    for (const ParsedChunk::UnlistedMalformed& u : parsed.unlistedMalformed)
        reading.malformedByKind[parsed.malformedReasons.at(u.reason)] += u.count;
    FUZZ_CHECK(parsed.malformed.size() <= parsed.malformedLines);
    for (const ParsedChunk::Record& r : parsed.records) {
        Record record;
        record.line = r.line;
        record.offset = r.offset;
        record.ts = std::bit_cast<std::uint64_t>(r.ts);
        record.step = std::bit_cast<std::uint64_t>(r.step);
        record.epoch = std::bit_cast<std::uint64_t>(r.epoch);
        record.kind = r.kind;
        record.tag = parsed.tags.at(r.tag).name;
        for (std::uint32_t p = r.firstPoint; p < r.firstPoint + r.pointCount; ++p) {
            const ParsedChunk::SeriesName& s = parsed.series.at(parsed.pointSeries.at(p));
            record.points.push_back({ parsed.tags.at(s.tag).name, s.path, s.topLevel,
                std::bit_cast<std::uint64_t>(parsed.pointValues.at(p)) });
        }
        if (r.detail >= 0) {
            const ParsedChunk::Detail& detail = parsed.details.at(std::size_t(r.detail));
            record.type = detail.type;
            record.message = detail.message;
            record.info = spell(detail.info);
        }
        reading.records.push_back(std::move(record));
    }
}

// One part of the stream (up to a reset, or after it) fed as pieces that end at `cuts`
// (ascending offsets within the part).
void feed(LineAssembler& assembler, ChunkParser& parser, const QByteArray& part,
    const std::vector<qsizetype>& cuts, Reading& reading)
{
    qsizetype from = 0;
    QList<LineChunk> chunks;
    for (qsizetype cut : cuts) {
        assembler.feed(part.mid(from, cut - from), chunks);
        from = cut;
        FUZZ_CHECK(assembler.offset() == from);
        FUZZ_CHECK(assembler.pendingBytes() <= assembler.maxLineBytes());
        FUZZ_CHECK(assembler.bufferCapacity() <= std::max<qsizetype>(assembler.maxLineBytes(), 64));
    }
    assembler.feed(part.mid(from), chunks);
    FUZZ_CHECK(assembler.offset() == part.size());
    for (const LineChunk& chunk : chunks)
        read(parser, chunk, reading);
}

// For a failed comparison: what each side read.
void print(const char* name, const Reading& reading)
{
    std::fprintf(stderr, "%s: %zu lines, %llu counted, %llu blank, %zu records, %zu malformed\n",
        name, reading.lines.size(), static_cast<unsigned long long>(reading.lineCount),
        static_cast<unsigned long long>(reading.blankLines), reading.records.size(),
        reading.malformed.size());
    for (const Record& r : reading.records) {
        std::fprintf(stderr, "  record line %llu @%llu tag '%s' points %zu\n",
            static_cast<unsigned long long>(r.line), static_cast<unsigned long long>(r.offset),
            r.tag.c_str(), r.points.size());
    }
    for (const auto& [line, offset, reason] : reading.malformed) {
        std::fprintf(stderr, "  malformed line %llu @%llu: %s\n",
            static_cast<unsigned long long>(line), static_cast<unsigned long long>(offset),
            qPrintable(reason));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    FuzzedDataProvider input(bytes, size);
    // Parameters come from the input's end (FuzzedDataProvider), the stream is what is left:
    // a small line cap now and then, so that over-long lines (skipped up to their '\n') occur.
    const qsizetype maxLineBytes = input.ConsumeBool()
        ? qsizetype(input.ConsumeIntegralInRange<int>(1, 300))
        : LineAssembler::DefaultMaxLineBytes;
    const bool withReset = input.ConsumeBool();
    const auto resetAt = input.ConsumeIntegral<std::uint32_t>();
    std::vector<std::uint32_t> rawCuts(input.ConsumeIntegralInRange<std::size_t>(0, 32));
    for (std::uint32_t& cut : rawCuts)
        cut = input.ConsumeIntegral<std::uint32_t>();
    const std::string rest = input.ConsumeRemainingBytesAsString();
    const QByteArray stream(rest.data(), qsizetype(rest.size()));

    ChunkParser::Limits limits;
    limits.maxLineBytes = std::size_t(maxLineBytes);
    limits.maxSeries =
        std::numeric_limits<std::size_t>::max(); // per chunk: must not depend on cuts
    static std::unique_ptr<ChunkParser> parser;
    if (!parser || parser->limits().maxLineBytes != limits.maxLineBytes)
        parser = std::make_unique<ChunkParser>(limits);

    // The logical content: one part, or two when the stream starts over after a reset.
    std::vector<QByteArray> parts;
    if (withReset) {
        const qsizetype at = qsizetype(resetAt % (std::uint32_t(stream.size()) + 1));
        parts = { stream.left(at), stream.mid(at) };
    } else {
        parts = { stream };
    }

    Reading split;
    Reading oneShot;
    std::vector<Line> direct;
    LineAssembler assembler(maxLineBytes);
    qsizetype partStart = 0;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const QByteArray& part = parts[i];
        std::vector<qsizetype> cuts;
        for (std::uint32_t cut : rawCuts) {
            const qsizetype at = qsizetype(cut % (std::uint32_t(stream.size()) + 1)) - partStart;
            if (at >= 0 && at <= part.size())
                cuts.push_back(at);
        }
        std::sort(cuts.begin(), cuts.end());
        if (i > 0)
            assembler.reset();
        feed(assembler, *parser, part, cuts, split);

        LineAssembler whole(maxLineBytes);
        feed(whole, *parser, part, {}, oneShot);
        FUZZ_CHECK(assembler.position() == whole.position());
        FUZZ_CHECK(assembler.pendingLine() == whole.pendingLine());
        FUZZ_CHECK(assembler.isSkipping() == whole.isSkipping());
        FUZZ_CHECK(assembler.overlongCount() == whole.overlongCount());

        const std::vector<Line> lines = viewer::test::referenceLines(part, maxLineBytes);
        direct.insert(direct.end(), lines.begin(), lines.end());
        partStart += part.size();
    }

    FUZZ_CHECK(split.lines == direct);
    FUZZ_CHECK(oneShot.lines == direct);
    FUZZ_CHECK(split.lineCount == direct.size());
    for (Reading* reading : { &split, &oneShot }) {
        if (reading->malformed.size() > ParsedChunk::MaxListedMalformed)
            reading->malformed.resize(ParsedChunk::MaxListedMalformed);
    }
    if (!(split == oneShot)) {
        print("split", split);
        print("one-shot", oneShot);
    }
    FUZZ_CHECK(split == oneShot);
    return 0;
}
