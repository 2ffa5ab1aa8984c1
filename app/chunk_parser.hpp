#pragma once

#include "parsed_chunk.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>

namespace viewer {

struct LineChunk;

// Reads chunks of complete JSONL lines into ParsedChunk values (records, points, malformed
// lines), with simdjson On-Demand. Not thread-safe: use one instance per thread (it keeps the
// simdjson parser and scratch buffers between calls, so a line costs no allocation).
//
// Rules (the README's "Reading records" should carry them; tests/app/tst_chunk_parser.cpp and
// tst_chunk_parser_input.cpp pin them):
// - A line is a record when it is a JSON object. A UTF-8 BOM at offset 0, a '\r' before the '\n'
//   and empty or whitespace-only lines are fine (blank lines are counted, not malformed).
// - Python's bare NaN, Infinity, -Infinity tokens, and the strings "NaN", "Infinity",
//   "-Infinity" that our logger writes in strict mode, are those values; "loss is NaN" stays
//   text. Only a line that fails the fast parse and holds such a token is rewritten (tokens
//   quoted) and parsed again: a file with a NaN every 1000 lines costs nothing measurable.
// - Every numeric leaf of "context" is a point of the series "<tag>/<path>", nested groups
//   joined by '/' ({"context": {"metrics": {"acc": 1}}} is "step_end/metrics/acc"); a '/' or
//   '\' inside one key is escaped ("\/", "\\": {"a/b": 1} is "a\/b", apart from "a/b"). Top-level
//   numeric fields of custom tags are series too; reserved fields (ts, tag, step, epoch, seq,
//   run, run_id, host, pid, start_time, logger, global_step, iteration, iter) never are, nor are
//   top-level fields of the known tags (step_begin/_end, epoch_begin/_end, error, run_begin:
//   static fields like "rank" sit there). Records without "tag" are Flat: their numeric fields
//   are series of the tag "metrics", and step is "step", "global_step", "iteration", "iter" or
//   "epoch", the first present (else RunBuilder uses the record's index).
// - Not plotted, counted in skippedValues: strings, booleans (they are states, not metrics),
//   arrays. null is a gap (ParsedChunk::nullGap(); RunBuilder breaks the series' line there,
//   with no point and no NaN marker) in a series that has numbers (it drops it otherwise). Numbers
//   are doubles: integers beyond 2^53 lose precision, beyond int64 (e.g. 18446744073709551616) are
//   read as doubles, 1e-400 is 0, -0 is -0.0 (equal to 0).
// - Duplicate keys: the last one wins ({"loss":1,"loss":2} is 2; a second "tag" too). A \u0000
//   in a key is kept (full length). Field order is free (a "tag" after the payload is fine).
// - "ts" missing or not a number: NaN (the previous record's time is used). "step" or "epoch"
//   present but not a number ("3", null, true) makes the line malformed, and so does one that
//   is NaN or +-Infinity (bare or as a string: "\"step\" is not a finite number"); a step that
//   is 1.5, -1 or 1e300 is kept as is.
// - Malformed lines (not JSON, not an object, truncated, text after the object, invalid UTF-8,
//   lone surrogate escapes, raw control characters in strings, nesting deeper than maxDepth,
//   numbers out of range like 1e400, "tag" not a string or longer than maxTagBytes, lines
//   longer than maxLineBytes) are listed with their line number and a reason naming the column,
//   e.g. "not JSON: text after the object at column 8"; nothing of them is kept. A chunk lists
//   its first ParsedChunk::MaxListedMalformed (and as many again after each run_begin) and
//   counts the others by reason (ParsedChunk::unlistedMalformed): memory stays bounded.
// - Limits: series paths longer than maxKeyPathBytes and series beyond maxSeries per chunk are
//   dropped (counted in droppedPoints, one Warning each); memory is bounded by the chunk.
class ChunkParser
{
public:
    struct Limits
    {
        int maxDepth = 64; // the record object is level 1, "context" level 2
        std::size_t maxKeyPathBytes = 512; // longer series paths are dropped (counted, warned)
        std::size_t maxSeries = 10000; // distinct series per chunk; more are dropped (counted)
        std::size_t maxTagBytes = 4096; // a longer tag makes the line malformed
        std::size_t maxLineBytes = std::size_t(16) * 1024 * 1024; // same as LineAssembler's
    };

    ChunkParser();
    explicit ChunkParser(const Limits& limits);
    ~ChunkParser();
    ChunkParser(const ChunkParser&) = delete;
    ChunkParser& operator=(const ChunkParser&) = delete;

    const Limits& limits() const;

    // Parses `size` bytes of whole lines that start at byte `offset` of their file with line
    // number `firstLine`. Each '\n' ends a line; bytes after the last '\n' count as one more line
    // (pass them only when they are known to be complete, e.g. at the end of a file that is no
    // longer written). A BOM is skipped only at offset 0.
    // `recycled`: a chunk that is no longer needed, whose arrays are reused (see
    // ParsedChunk::clear).
    ParsedChunk parse(const char* data, std::size_t size, std::uint64_t offset,
        std::uint64_t firstLine, ParsedChunk recycled = {});
    // The same for a follower's chunk, including its over-long line (listed as malformed with
    // LineAssembler::describeOverlong's reason after the chunk's lines).
    ParsedChunk parse(const LineChunk& chunk);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace viewer
