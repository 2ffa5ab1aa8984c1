// F1: the record reader on a whole chunk of arbitrary bytes (ChunkParser with its slow path
// JsonLineScanner), merged into Runs by RunBuilder. Besides "no crash, no sanitizer report, no
// timeout", every line must be accounted for exactly once: a record, a blank line or a malformed
// line with a reason; no record may be nested deeper than the depth limit, and every record must
// be a JSON object that JsonLineScanner::diagnose (the slow path's own scanner) finds no fault in,
// and must read as its line alone reads (a chunk of one line: no fast path by an earlier line's
// text, LineTemplate).
#include "chunk_parser.hpp"
#include "fuzz_support.hpp"
#include "json_line_scanner.hpp"
#include "parsed_chunk.hpp"
#include "run.hpp"
#include "run_builder.hpp"

#include <QString>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

using viewer::ChunkParser;
using viewer::JsonLineScanner;
using viewer::ParsedChunk;
using viewer::RunBuilder;

namespace {

// Offsets of the lines' first bytes, as the reader cuts them: at '\n', the bytes after the last
// '\n' are one more line.
std::vector<std::size_t> lineStarts(const char* data, std::size_t size)
{
    std::vector<std::size_t> starts;
    std::size_t pos = 0;
    while (pos < size) {
        starts.push_back(pos);
        const void* newline = std::memchr(data + pos, '\n', size - pos);
        if (!newline)
            break;
        pos = static_cast<std::size_t>(static_cast<const char*>(newline) - data) + 1;
    }
    return starts;
}

// Nesting depth of a line that is valid JSON (the top-level object is 1), counted without
// recursion: brackets outside strings.
int nestingDepth(const char* p, std::size_t n)
{
    int depth = 0;
    int deepest = 0;
    bool inString = false;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = p[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            deepest = std::max(deepest, ++depth);
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return deepest;
}

bool sameBits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

// Record r of `chunk` is what the same line reads as in a chunk of its own.
bool readsAsAlone(const ParsedChunk& chunk, const ParsedChunk::Record& r, const ParsedChunk& alone)
{
    if (alone.records.size() != 1)
        return false;
    const ParsedChunk::Record& a = alone.records[0];
    if (!sameBits(r.ts, a.ts) || !sameBits(r.step, a.step) || !sameBits(r.epoch, a.epoch)
        || r.kind != a.kind || chunk.tags[r.tag].name != alone.tags[a.tag].name
        || r.pointCount != a.pointCount || (r.detail < 0) != (a.detail < 0))
        return false;
    for (std::uint32_t k = 0; k < r.pointCount; ++k) {
        const ParsedChunk::SeriesName& x = chunk.series[chunk.pointSeries[r.firstPoint + k]];
        const ParsedChunk::SeriesName& y = alone.series[alone.pointSeries[a.firstPoint + k]];
        if (x.path != y.path || x.topLevel != y.topLevel
            || chunk.tags[x.tag].name != alone.tags[y.tag].name
            || !sameBits(chunk.pointValues[r.firstPoint + k], alone.pointValues[a.firstPoint + k]))
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    // One parser for all inputs, as a reader thread keeps one: its scratch state must not leak
    // from one chunk into the next.
    static ChunkParser parser;
    const auto* data = reinterpret_cast<const char*>(bytes);
    const ParsedChunk chunk = parser.parse(data, size, 0, 1);

    const std::vector<std::size_t> starts = lineStarts(data, size);
    FUZZ_CHECK(chunk.lineCount == starts.size());
    FUZZ_CHECK(chunk.firstLine == 1 && chunk.offset == 0 && chunk.endOffset == size);
    FUZZ_CHECK(chunk.records.size() + chunk.malformedLines + chunk.blankLines == chunk.lineCount);
    FUZZ_CHECK(chunk.malformed.size() <= chunk.malformedLines);
    FUZZ_CHECK(chunk.trailingBlankLines <= chunk.blankLines);
    FUZZ_CHECK(chunk.pointSeries.size() == chunk.pointValues.size());

    // Each record and malformed line names its own line, in order, once.
    std::vector<char> seen(starts.size(), 0);
    std::uint64_t blankBefore = 0;
    std::uint64_t previous = 0;
    std::size_t nextPoint = 0;
    for (const ParsedChunk::Record& r : chunk.records) {
        FUZZ_CHECK(r.line > previous && r.line <= chunk.lineCount);
        previous = r.line;
        FUZZ_CHECK(r.offset == starts[r.line - 1]);
        FUZZ_CHECK(seen[r.line - 1]++ == 0);
        FUZZ_CHECK(r.tag < chunk.tags.size());
        FUZZ_CHECK(r.firstPoint == nextPoint);
        nextPoint += r.pointCount;
        FUZZ_CHECK(nextPoint <= chunk.pointValues.size());
        FUZZ_CHECK(r.detail < 0 || std::size_t(r.detail) < chunk.details.size());
        blankBefore += r.blankBefore;

        // A record is a well-formed JSON object within the depth limit, by the slow path's
        // independent scanner too (the fast path's shortcuts must not accept more).
        std::size_t begin = r.offset;
        std::size_t end = r.line < starts.size() ? starts[r.line] - 1 : size;
        if (end > begin && data[end - 1] == '\r')
            --end;
        if (begin == 0 && end >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0)
            begin = 3;
        const std::string_view text(data + begin, end - begin);
        const int depth = nestingDepth(text.data(), text.size());
        FUZZ_CHECK(depth >= 1 && depth <= parser.limits().maxDepth);
        FUZZ_CHECK(JsonLineScanner::diagnose(text, parser.limits().maxDepth).isEmpty());

        // (Unless the chunk reached the series limit, which depends on the lines before.)
        const std::size_t lineEnd = r.line < starts.size() ? starts[r.line] - 1 : size;
        static ChunkParser lineParser;
        FUZZ_CHECK(chunk.series.size() >= parser.limits().maxSeries
            || readsAsAlone(
                chunk, r, lineParser.parse(data + r.offset, lineEnd - r.offset, r.offset, r.line)));
    }
    FUZZ_CHECK(nextPoint == chunk.pointValues.size());
    FUZZ_CHECK(blankBefore + chunk.trailingBlankLines == chunk.blankLines);
    for (std::uint32_t s : chunk.pointSeries)
        FUZZ_CHECK(s < chunk.series.size());
    for (const ParsedChunk::SeriesName& name : chunk.series)
        FUZZ_CHECK(
            name.tag < chunk.tags.size() && name.path.size() <= parser.limits().maxKeyPathBytes);
    FUZZ_CHECK(chunk.series.size() <= parser.limits().maxSeries);

    previous = 0;
    for (const viewer::MalformedLine& m : chunk.malformed) {
        FUZZ_CHECK(m.line > previous && m.line <= chunk.lineCount);
        previous = m.line;
        FUZZ_CHECK(m.offset == starts[m.line - 1]);
        FUZZ_CHECK(seen[m.line - 1]++ == 0);
        FUZZ_CHECK(!m.reason.isEmpty());
    }

    // The merge keeps every record, malformed line and blank line, each in exactly one run.
    RunBuilder builder(QStringLiteral("fuzz.jsonl"));
    builder.append(chunk);
    std::uint64_t records = 0;
    std::uint64_t malformed = 0;
    std::uint64_t malformedListed = 0;
    std::uint64_t blank = builder.pendingBlankLines();
    for (int i = 0; i < builder.runCount(); ++i) {
        const viewer::Run& run = builder.run(i);
        records += run.records.size();
        malformed += run.malformedCount;
        malformedListed += run.malformed.size();
        blank += run.blankLines;
    }
    FUZZ_CHECK(records == chunk.records.size());
    FUZZ_CHECK(malformed == chunk.malformedLines);
    FUZZ_CHECK(malformedListed == chunk.malformed.size());
    FUZZ_CHECK(blank == chunk.blankLines);
    FUZZ_CHECK(builder.linesSeen() == chunk.lineCount);
    return 0;
}
