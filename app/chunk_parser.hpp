#pragma once

#include "parsed_chunk.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>

namespace viewer {

struct LineChunk;

// Reads chunks of complete JSONL lines into ParsedChunk values (records, points, malformed
// lines), with simdjson On-Demand. Not thread-safe: use one instance per thread (it keeps the
// simdjson parser and scratch buffers between calls, so a chunk costs no per-line allocation).
//
// Rules (see the README's "Reading records"):
// - A line is a record when it is a JSON object. A UTF-8 BOM at the start of the file, a '\r'
//   before the '\n' and blank or whitespace-only lines are fine (blank lines are counted).
// - Python's bare NaN, Infinity, -Infinity tokens, and the strings "NaN", "Infinity",
//   "-Infinity" that our logger writes in strict mode, are those values. Only a line that fails
//   the fast parse and holds such a token is rewritten and parsed again.
// - Every numeric leaf of "context" is a point of the series "<tag>/<path>", nested groups
//   joined by '/' ("metrics/acc"). Top-level numeric payload fields of custom tags are series
//   too; reserved fields (ts, tag, step, epoch, seq, run, run_id, host, pid, start_time, logger,
//   global_step, iteration, iter) never are. Records without "tag" are Flat: their numeric fields
//   are series of the tag "metrics", and step is "step", "global_step", "iteration", "iter" or
//   "epoch" (the first present).
// - Strings, booleans and arrays are not plotted (counted in skippedValues); null is a gap.
//   Duplicate keys: the last one wins. A \u0000 in a key is kept (full length).
// - "ts" that is missing or not a number: NaN (the previous record's time is used). "step" or
//   "epoch" present but not a number: the line is malformed; a non-integer or negative step is
//   kept as is.
// - Malformed lines (not JSON, not an object, truncated, trailing text, invalid UTF-8, lone
//   surrogates, nesting deeper than maxDepth, numbers out of range like 1e400, lines longer than
//   maxLineBytes) are listed with their line number and a reason; parsing goes on.
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
    ParsedChunk parse(const char* data, std::size_t size, std::uint64_t offset,
                      std::uint64_t firstLine);
    // The same for a follower's chunk, including its over-long line (listed as malformed with
    // LineAssembler::describeOverlong's reason after the chunk's lines).
    ParsedChunk parse(const LineChunk& chunk);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace viewer
