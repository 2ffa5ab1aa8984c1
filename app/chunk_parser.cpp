#include "chunk_parser.hpp"

#include "chunk_parser_p.hpp"
#include "json_line_scanner.hpp"
#include "line_assembler.hpp"
#include "line_chunk.hpp"

#include <algorithm>
#include <cstring>

// The walk over a chunk: lines found, blank lines counted, each line parsed (with the slow path
// for NaN tokens) or listed as malformed with its reason. What a line holds is read by
// chunk_parser_record.cpp.

namespace viewer {

void ChunkParser::Private::begin(ParsedChunk& chunk)
{
    m_out = &chunk;
    m_tagIds.clear();
    m_tagRaw.clear();
    m_shapes.clear();
    m_flatTag = NoId;
    m_emitTag = NoId;
    m_shape = nullptr;
    m_keyStack.assign(static_cast<std::size_t>(std::max(limits.maxDepth, 1)) + 2, 0);
    m_keyCount = 0;
    m_slots.assign(1024, 0);
    m_seriesHash.clear();
    m_seriesStamp.clear();
    m_stamp = 0;
    m_shapePos = 0;
    m_warned[0] = m_warned[1] = false;
    blankRun = 0;
    m_templates.clear(); // their tag and series ids are the chunk's
    m_learnInterval = 1;
    m_learnCountdown = 1;
}

void ChunkParser::Private::finishShape()
{
    // The shape must be exactly the keys of one record: a stale tail from a longer record could
    // match keys whose parents differ.
    if (m_shape != nullptr && m_shapePos < m_shape->size())
        m_shape->resize(m_shapePos);
    m_shapePos = 0;
    m_shapeMatch = true;
}

void ChunkParser::Private::newAttempt()
{
    finishShape();
    m_emitTag = NoId;
    m_shape = nullptr;
    if (++m_stamp == 0) {
        std::fill(m_seriesStamp.begin(), m_seriesStamp.end(), 0);
        m_stamp = 1;
    }
}

void ChunkParser::Private::setEmitTag(std::uint32_t tag)
{
    if (tag == m_emitTag)
        return;
    finishShape();
    m_emitTag = tag;
    m_shape = &m_shapes[tag];
}

void ChunkParser::Private::rollback(const Mark& mark)
{
    m_out->pointSeries.resize(mark.points);
    m_out->pointValues.resize(mark.points);
    m_out->skippedValues = mark.skipped;
    m_out->droppedPoints = mark.dropped;
}

void ChunkParser::Private::dropPoint(ParsedChunk::Warning::Kind kind)
{
    ++m_out->droppedPoints;
    bool& warned = m_warned[static_cast<int>(kind)];
    if (warned)
        return;
    warned = true;
    const QString text = kind == ParsedChunk::Warning::Kind::LongKeyPath
        ? QStringLiteral("key paths longer than %1 bytes are not plotted")
              .arg(limits.maxKeyPathBytes)
        : QStringLiteral("more than %1 distinct series in a chunk: the others are not plotted")
              .arg(limits.maxSeries);
    m_out->warnings.push_back({ kind, m_line, text });
}

void ChunkParser::Private::parseLine(
    const char* p, std::size_t len, std::size_t capacity, std::uint64_t line, std::uint64_t offset)
{
    m_line = line;
    if (!m_templates.empty() && readByTemplate(p, len, line, offset))
        return;
    const Mark start = mark();
    m_learning = learnNext(len);
    m_learnFailed = false;
    m_numbers.clear();
    Failure f = parseRecord(p, len, capacity, line, offset);
    m_learning = false;
    if (f != Failure::None) {
        rollback(start);
        const std::string_view text(p, len);
        if (f == Failure::Json
            && (text.find("NaN") != std::string_view::npos
                || text.find("Infinity") != std::string_view::npos)
            && JsonLineScanner::quoteNonFiniteTokens(text, m_rewritten)) {
            const std::size_t n = m_rewritten.size();
            m_rewritten.resize(n + simdjson::SIMDJSON_PADDING, ' ');
            f = parseRecord(m_rewritten.data(), n, m_rewritten.size(), line, offset);
            if (f != Failure::None)
                rollback(start);
        }
        if (f != Failure::None)
            m_out->addMalformed({ line, offset, describe(f, text) });
    }
    if (len > (std::size_t(1) << 20)) {
        // Give back the buffers a huge line needed.
        m_parser = od::parser();
        m_rewritten = std::string();
        m_padded = std::string();
    }
}

QString ChunkParser::Private::describe(Failure f, std::string_view text) const
{
    switch (f) {
    case Failure::None:
        break;
    case Failure::Json:
    case Failure::Depth: {
        QString reason = JsonLineScanner::diagnose(text, limits.maxDepth);
        if (!reason.isEmpty())
            return reason;
        if (f == Failure::Depth)
            return JsonLineScanner::describeDepth(limits.maxDepth, 1);
        return QStringLiteral("not JSON (%1)")
            .arg(QString::fromUtf8(simdjson::error_message(m_lastError)));
    }
    case Failure::NotObject: {
        // From the line as written (the slow path may have quoted a bare NaN).
        const std::size_t first = text.find_first_not_of(" \t\r");
        return JsonLineScanner::describeNotObject(
            first == std::string_view::npos ? ' ' : text[first]);
    }
    case Failure::StepType:
        return QStringLiteral("\"step\" is not a number");
    case Failure::EpochType:
        return QStringLiteral("\"epoch\" is not a number");
    case Failure::StepNotFinite:
        return QStringLiteral("\"step\" is not a finite number");
    case Failure::EpochNotFinite:
        return QStringLiteral("\"epoch\" is not a finite number");
    case Failure::TagType:
        return QStringLiteral("\"tag\" is not a string");
    case Failure::TagTooLong:
        return QStringLiteral("\"tag\" longer than %1 bytes").arg(limits.maxTagBytes);
    }
    return {};
}

ChunkParser::ChunkParser()
    : ChunkParser(Limits {})
{
}

ChunkParser::ChunkParser(const Limits& limits)
    : d(std::make_unique<Private>(limits))
{
}

ChunkParser::~ChunkParser() = default;

const ChunkParser::Limits& ChunkParser::limits() const
{
    return d->limits;
}

ParsedChunk ChunkParser::parse(const char* data, std::size_t size, std::uint64_t offset,
    std::uint64_t firstLine, ParsedChunk recycled)
{
    ParsedChunk chunk = std::move(recycled);
    chunk.clear();
    chunk.offset = offset;
    chunk.firstLine = firstLine;
    chunk.endOffset = offset + size;
    chunk.records.reserve(size / 128 + 1);
    chunk.pointSeries.reserve(size / 24 + 1);
    chunk.pointValues.reserve(size / 24 + 1);
    d->begin(chunk);

    std::uint64_t line = firstLine;
    std::size_t pos = 0;
    while (pos < size) {
        const void* newline = std::memchr(data + pos, '\n', size - pos);
        const std::size_t end =
            newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - data) : size;
        std::size_t start = pos;
        std::size_t stop = end;
        if (stop > start && data[stop - 1] == '\r')
            --stop;
        if (offset + pos == 0 && stop - start >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0)
            start += 3; // UTF-8 byte order mark
        const std::size_t len = stop - start;
        const std::uint64_t lineOffset = offset + pos;
        if (len > d->limits.maxLineBytes) {
            chunk.addMalformed({ line, lineOffset,
                LineAssembler::describeOverlong(static_cast<qsizetype>(d->limits.maxLineBytes)) });
        } else if (len == 0 || (data[start] != '{' && isBlank(data + start, len))) {
            ++chunk.blankLines;
            ++d->blankRun;
        } else if (size - start >= len + simdjson::SIMDJSON_PADDING) {
            // simdjson reads up to simdjson::SIMDJSON_PADDING bytes past the line: here they are
            // the next lines, so the line is parsed in place.
            d->parseLine(data + start, len, size - start, line, lineOffset);
        } else {
            std::string& padded = d->scratch();
            padded.assign(data + start, len);
            padded.resize(len + simdjson::SIMDJSON_PADDING, ' ');
            d->parseLine(padded.data(), len, padded.size(), line, lineOffset);
        }
        ++line;
        pos = newline ? end + 1 : size;
    }
    chunk.lineCount = line - firstLine;
    chunk.trailingBlankLines = d->blankRun;
    return chunk;
}

ParsedChunk ChunkParser::parse(const LineChunk& lines)
{
    ParsedChunk chunk = parse(lines.bytes.constData(), static_cast<std::size_t>(lines.bytes.size()),
        static_cast<std::uint64_t>(lines.offset), static_cast<std::uint64_t>(lines.firstLine));
    if (lines.hasOverlongLine()) {
        chunk.addMalformed({ static_cast<std::uint64_t>(lines.overlongLine),
            static_cast<std::uint64_t>(lines.overlongOffset),
            LineAssembler::describeOverlong(static_cast<qsizetype>(d->limits.maxLineBytes)) });
        ++chunk.lineCount;
    }
    return chunk;
}

} // namespace viewer
