#pragma once

#include "run.hpp"

#include <QString>
#include <QVariantMap>

#include <bit>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace viewer {

// The records of one chunk of complete lines, as ChunkParser read them: flat arrays with
// chunk-local ids for tags and series, so that a worker thread can produce it without touching a
// Run and RunBuilder can merge it later (in file order) by translating each local id once.
// A plain value: built on one thread, moved or read on another.
//
// Example: the line
//   {"ts": 5.0, "tag": "step_end", "step": 3, "context": {"loss": NaN, "metrics": {"acc": 0.5}}}
// gives one ParsedRecord {ts 5, step 3, kind StepEnd, tag t} with tags[t].name == "step_end"
// and two points whose series are {t, "loss"} (value NaN) and {t, "metrics/acc"} (value 0.5).
struct ParsedChunk
{
    enum class RecordKind : std::uint8_t
    {
        Custom, // any other tag: its numeric top-level payload fields are series too
        StepBegin,
        StepEnd,
        EpochBegin,
        EpochEnd,
        Error,
        RunBegin,
        Flat, // no "tag" field (a flat metric log of another tool): tag FlatTag
    };

    // The tag under which the numeric fields of records without a "tag" are kept.
    static QString flatTag()
    {
        return QStringLiteral("metrics");
    }

    struct Record
    {
        double ts = 0.0; // NaN when missing or not a number (the previous record's time is used)
        double step = 0.0; // NaN when missing (the last step seen is used, or for Flat records
                           // without a step-like field, the record's index in its run)
        double epoch = 0.0; // NaN when missing
        std::uint64_t offset = 0; // byte offset of the line's first byte in the file
        std::uint64_t line = 0; // 1-based line number
        std::uint32_t tag = 0; // index into tags
        std::uint32_t firstPoint = 0; // index into pointSeries / pointValues
        std::uint32_t pointCount = 0;
        std::int32_t detail = -1; // index into details (error and run_begin records), else -1
        std::uint32_t blankBefore = 0; // blank lines between the previous record and this one
        RecordKind kind = RecordKind::Custom;
    };

    // Leaves of one record that made no point: strings, booleans, arrays (skipped) and numbers
    // over the key-path or series limits (dropped). Only records that have some are listed.
    struct Tally
    {
        std::uint32_t record = 0; // index into records
        std::uint32_t skipped = 0;
        std::uint32_t dropped = 0;
    };

    // The text and fields of an error or run_begin record. Strings come from the file: plain text.
    struct Detail
    {
        QString type; // error: "type"
        QString message; // error: "message"
        QVariantMap info; // run_begin: every field but ts and tag (nested objects as maps)
    };

    struct Tag
    {
        std::string name; // UTF-8, unescaped
        RecordKind kind = RecordKind::Custom;
    };

    struct SeriesName
    {
        std::uint32_t tag = 0; // index into tags
        // True for a top-level payload field of a Custom or Flat record (not from "context"):
        // RunBuilder ignores it when it names one of the run's static fields (run_begin info).
        bool topLevel = false;
        std::string path; // UTF-8, nested groups joined by '/': "metrics/acc"; a '/' or '\\'
                          // inside a key escaped ("a\\/b", Series::escapeSegment)
    };

    // Something the parser left out on purpose, reported once per kind and chunk.
    struct Warning
    {
        enum class Kind : std::uint8_t
        {
            LongKeyPath, // a key path longer than the limit: its points are dropped
            TooManySeries, // more distinct series than the limit: points of new ones dropped
        };
        Kind kind = Kind::LongKeyPath;
        std::uint64_t line = 0; // first line where it happened
        QString text; // plain text, e.g. "key path longer than 512 bytes (line 7): dropped"
    };

    // A point whose JSON value was null: a gap in a series that has numbers, nothing otherwise.
    // A NaN with this exact bit pattern, only in ParsedChunk: RunBuilder turns it into
    // Series::appendGap() (a line break, no point, no NaN marker).
    static constexpr std::uint64_t NullGapBits = 0x7ff8'0000'0000'4e55ULL;
    static double nullGap()
    {
        return std::bit_cast<double>(NullGapBits);
    }
    static bool isNullGap(double value)
    {
        return std::bit_cast<std::uint64_t>(value) == NullGapBits;
    }

    std::uint64_t offset = 0; // of the chunk's first byte
    std::uint64_t firstLine = 1; // number of its first line
    std::uint64_t lineCount = 0; // lines in the chunk (records + malformed + blank)
    std::uint64_t endOffset = 0; // offset + bytes parsed

    std::vector<Record> records; // in line order
    std::vector<std::uint32_t> pointSeries; // index into series, per point
    std::vector<double> pointValues; // per point; NaN/+-Inf as read, nullGap() for null
    std::vector<Tag> tags;
    std::vector<SeriesName> series;
    std::vector<Detail> details;
    // Malformed lines: the first MaxListedMalformed of the chunk (and again after each run_begin
    // record) are listed; the others only counted, by reason kind and by the record they precede
    // (so that each lands in the right run), which keeps a chunk of garbage small.
    static constexpr std::size_t MaxListedMalformed = Run::MaxListedMalformed;
    struct UnlistedMalformed
    {
        std::uint32_t beforeRecord = 0; // index into records of the next record (or records.size())
        std::uint32_t reason = 0; // index into malformedReasons
        std::uint64_t count = 0;
    };
    std::vector<MalformedLine> malformed; // the listed ones, in line order
    std::vector<UnlistedMalformed> unlistedMalformed; // ascending beforeRecord
    std::vector<QString> malformedReasons; // reason kinds (MalformedLine::kindOf) of unlisted ones
    std::uint64_t malformedLines = 0; // listed or not
    std::size_t listedInRun = 0; // listed since the chunk's start or its last run_begin record
    std::vector<Warning> warnings;
    std::vector<Tally> tallies; // ascending record index
    std::uint64_t blankLines = 0; // empty or whitespace-only lines (not malformed)
    std::uint64_t trailingBlankLines = 0; // of them, those after the last record
    // Totals of tallies: leaves of context/payload that are not numbers (strings, booleans,
    // arrays) and so make no point (null leaves are counted by RunBuilder when they make no
    // gap), and numeric leaves dropped by the key-path or series limits.
    std::uint64_t skippedValues = 0;
    std::uint64_t droppedPoints = 0;

    // Lists a malformed line, or counts it when MaxListedMalformed are listed already.
    void addMalformed(MalformedLine line)
    {
        ++malformedLines;
        if (listedInRun < MaxListedMalformed) {
            ++listedInRun;
            malformed.push_back(std::move(line));
            return;
        }
        const QString kind = MalformedLine::kindOf(line.reason);
        std::uint32_t reason = 0;
        while (reason < malformedReasons.size() && malformedReasons[reason] != kind)
            ++reason;
        if (reason == malformedReasons.size())
            malformedReasons.push_back(kind);
        // One entry per reason between two records (they all land in the same run): a chunk of
        // garbage holds a few entries whatever its size.
        const auto before = static_cast<std::uint32_t>(records.size());
        for (auto it = unlistedMalformed.rbegin();
             it != unlistedMalformed.rend() && it->beforeRecord == before; ++it) {
            if (it->reason == reason) {
                ++it->count;
                return;
            }
        }
        unlistedMalformed.push_back({ before, reason, 1 });
    }

    std::size_t pointCount() const
    {
        return pointValues.size();
    }

    // Numbers the chunk's lines from `first` on (records, malformed lines, warnings), for a
    // loader that parses blocks before it knows how many lines precede them.
    void renumber(std::uint64_t first)
    {
        const std::uint64_t shift = first - firstLine; // modular: also right when first < firstLine
        for (Record& r : records)
            r.line += shift;
        for (MalformedLine& m : malformed)
            m.line += shift;
        for (Warning& w : warnings)
            w.line += shift;
        firstLine = first;
    }

    // Empties the chunk but keeps its arrays' capacity, so that a loader can hand a merged chunk
    // back to a parser: the next chunk then costs no allocation and no fresh pages.
    void clear()
    {
        offset = 0;
        firstLine = 1;
        lineCount = 0;
        endOffset = 0;
        records.clear();
        pointSeries.clear();
        pointValues.clear();
        tags.clear();
        series.clear();
        details.clear();
        malformed.clear();
        unlistedMalformed.clear();
        malformedReasons.clear();
        malformedLines = 0;
        listedInRun = 0;
        warnings.clear();
        tallies.clear();
        blankLines = 0;
        trailingBlankLines = 0;
        skippedValues = 0;
        droppedPoints = 0;
    }
};

} // namespace viewer
