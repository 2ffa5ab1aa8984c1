#pragma once

// ChunkParser's insides, shared by the files that implement it: chunk_parser.cpp (the walk over
// a chunk's lines), chunk_parser_record.cpp (one line's top-level fields into a Record),
// chunk_parser_values.cpp (values below them into series points) and chunk_parser_template.cpp
// (lines read by the text of a line read before). Not part of the API.

#include "chunk_parser.hpp"
#include "line_template.hpp"
#include "raw_text.hpp"
#include "record_field.hpp"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <simdjson.h>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace viewer {

namespace chunk_parser_detail {

namespace od = simdjson::ondemand;
using RecordKind = ParsedChunk::RecordKind;

inline constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr std::uint32_t NoId = std::numeric_limits<std::uint32_t>::max();
inline constexpr std::uint32_t LongPath =
    NoId - 1; // internSeries: the escaped path is over the limit

// Why a line is not a record. Json: simdjson refused it (the slow path may rescue it or explain
// it); the others are our own rules.
enum class Failure
{
    None,
    Json,
    Depth,
    NotObject,
    StepType,
    EpochType,
    StepNotFinite,
    EpochNotFinite,
    TagType,
    TagTooLong,
};

// Our strict-JSON spelling of non-finite numbers (and what the slow path turns Python's bare
// tokens into).
inline bool nonFiniteString(std::string_view s, double& value)
{
    if (s.size() < 3 || s.size() > 9)
        return false;
    if (s == "NaN") {
        value = NaN;
        return true;
    }
    if (s == "Infinity") {
        value = std::numeric_limits<double>::infinity();
        return true;
    }
    if (s == "-Infinity") {
        value = -std::numeric_limits<double>::infinity();
        return true;
    }
    return false;
}

inline bool isBlank(const char* p, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i) {
        const char c = p[i];
        if (c != ' ' && c != '\t' && c != '\r')
            return false;
    }
    return true;
}

// A field's key. Keys without escapes (nearly all) are read in place, without a copy.
inline simdjson::error_code keyOf(od::field& field, std::string_view& key)
{
    const char* start = field.key().raw();
    const char* end = start;
    // The closing quote exists: simdjson's first stage validated the string.
    while (*end != '"' && *end != '\\')
        ++end;
    if (*end == '"') {
        key = std::string_view(start, static_cast<std::size_t>(end - start));
        return simdjson::SUCCESS;
    }
    return field.unescaped_key().get(key);
}

// The field of an object entry, used where it lies. Moving it out (get(field)) copies the value
// iterator the entry has just stored piecewise with one 16-byte load: a failed store forward on
// every field, a sixth of the parser's time (perf annotate, bench_reader). The entry is a
// non-const local of the caller's loop, so writing through the reference is fine.
inline od::field& fieldOf(simdjson::simdjson_result<od::field>& entry)
{
    return const_cast<od::field&>(entry.value_unsafe());
}

struct StringHash
{
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept
    {
        return std::hash<std::string_view> {}(s);
    }
};

inline std::uint64_t mix(std::uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

} // namespace chunk_parser_detail

// The parser files speak of these unqualified; only they include this header.
using namespace chunk_parser_detail;

class ChunkParser::Private
{
public:
    explicit Private(const Limits& l)
        : limits(l)
    {
    }

    void begin(ParsedChunk& chunk);
    void parseLine(const char* p, std::size_t len, std::size_t capacity, std::uint64_t line,
        std::uint64_t offset);

    std::string& scratch()
    {
        return m_padded;
    }
    // Blank lines since the last record (moved into the next record's blankBefore).
    std::uint64_t blankRun = 0;

    Limits limits;

private:
    // Undoes what a record that turned out malformed (or is read again) added.
    struct Mark
    {
        std::size_t points = 0;
        std::uint64_t skipped = 0;
        std::uint64_t dropped = 0;
    };
    Mark mark() const
    {
        return { m_out->pointValues.size(), m_out->skippedValues, m_out->droppedPoints };
    }
    // The record being read.
    struct State
    {
        double ts = NaN;
        double step = NaN;
        double epoch = NaN;
        double globalStep = NaN;
        double iteration = NaN;
        double iter = NaN;
        std::uint32_t tag = NoId;
        RecordKind kind = RecordKind::Flat; // of the tag used for emitting (Flat until "tag")
        bool walkedPayload = false; // context/payload read before the tag was known
        bool redo = false;
        bool hasType = false;
        bool hasMessage = false;
        Mark start;
    };
    // One key of a tag's last record, in walk order (depth first). Records of a tag nearly
    // always repeat the same keys in the same order, so each key is first compared in place
    // with the key at the same position last time. While every key so far matched (same key,
    // depth and origin), the path is the same too, and a leaf takes the cached series id: no
    // path hashing, no scanning for the end of a key.
    struct ShapeKey
    {
        std::string key; // unescaped
        std::uint32_t series = NoId; // of the numeric leaf under this key, if known
        std::uint32_t depth = 0; // 1 for a child of "context" or a top-level payload field
        bool topLevel = false;
        RawText raw; // for comparing in place (invalid for long or escaped keys)
        bool longPlain = false; // 16 bytes or more, nothing JSON escapes: compared by matchesLong
    };
    static constexpr std::size_t NoKey = std::numeric_limits<std::size_t>::max();

    Failure parseRecord(const char* p, std::size_t len, std::size_t capacity, std::uint64_t line,
        std::uint64_t offset);
    // The record of a line read (by the walk or a template), from its state.
    ParsedChunk::Record& addRecord(const State& st, std::uint64_t line, std::uint64_t offset);
    // A line read by a template learned from an earlier line; false when none matches.
    bool readByTemplate(const char* p, std::size_t len, std::uint64_t line, std::uint64_t offset);
    // After the walk read a line in full while learning: a template of it, if it can have one.
    void learnTemplate(const char* p, std::size_t len, const State& st);
    // Whether the line about to be walked is to be learned.
    bool learnNext(std::size_t len)
    {
        if (len > MaxTemplateBytes || --m_learnCountdown > 0)
            return false;
        m_learnCountdown = m_learnInterval;
        return true;
    }
    // While learning, what the number token the walk just read became (see m_numbers).
    void noteNumber(LineTemplate::Sink sink, std::uint32_t series = 0)
    {
        if (m_learning)
            m_numbers.push_back({ sink, series });
    }
    Failure walkFields(od::object& object, State& st, bool second);
    Failure walkValue(od::value& value, int level, bool plot, bool topLevel, std::uint32_t keyDepth,
        std::size_t keyIndex);
    // The same for a value that get_double() just found not to be a number.
    Failure walkNotNumber(od::value& value, int level, bool plot, bool topLevel,
        std::uint32_t keyDepth, std::size_t keyIndex);
    Failure walkObject(
        od::object& object, int level, bool plot, bool topLevel, std::uint32_t keyDepth);
    // The next key of a plotted object, with its shape position: compared in place with the
    // key at that position last time, learned (unescaped, stored) when it differs.
    simdjson::error_code nextKey(od::field& field, std::uint32_t keyDepth, bool topLevel,
        std::string_view& key, std::size_t& keyIndex)
    {
        keyIndex = m_shapePos++;
        if (m_shapeMatch && keyIndex < m_shape->size()) {
            const ShapeKey& expected = (*m_shape)[keyIndex];
            if (expected.depth == keyDepth && expected.topLevel == topLevel
                && (expected.raw.matches(field.key().raw())
                    || (expected.longPlain && matchesLong(expected.key, field.key().raw())))) {
                key = expected.key;
                return simdjson::SUCCESS;
            }
        }
        return learnKey(field, keyDepth, topLevel, key, keyIndex);
    }
    // Whether the key whose JSON text starts at `raw` is `key` (which JSON writes as is). Stops
    // at the first difference, at the latest on the key's closing quote: never reads past it.
    static bool matchesLong(const std::string& key, const char* raw)
    {
        const std::size_t n = key.size();
        for (std::size_t i = 0; i < n; ++i) {
            if (raw[i] != key[i])
                return false;
        }
        return raw[n] == '"';
    }
    // Sets what a shape key is compared by.
    static void setRaw(ShapeKey& entry, std::string_view key)
    {
        entry.raw.set(key);
        entry.longPlain = key.size() >= 16 && std::none_of(key.begin(), key.end(), [](char c) {
            return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
        });
    }
    [[gnu::noinline]] simdjson::error_code learnKey(od::field& field, std::uint32_t keyDepth,
        bool topLevel, std::string_view& key, std::size_t keyIndex);
    std::size_t nextKnownKey(std::string_view key, std::uint32_t keyDepth, bool topLevel);
    Failure readNumber(od::value& value, double& out, Failure notNumber, LineTemplate::Sink sink);
    Failure readText(od::value& value, std::string& out, bool& has);
    Failure readTag(od::value& value, State& st);
    // A numeric leaf's point. Inline for the common case (the record repeats its tag's shape so
    // far, the leaf's series is known and not yet in this record); the rest in emitPointSlow,
    // which also notes the point of a line being learned.
    void emitPoint(double value, bool topLevel, std::size_t keyIndex)
    {
        if (keyIndex != NoKey && m_shapeMatch && !m_learning
            && m_pathBytes <= limits.maxKeyPathBytes) {
            const std::uint32_t id = (*m_shape)[keyIndex].series;
            if (id < LongPath && m_seriesStamp[id] != m_stamp) {
                m_seriesStamp[id] = m_stamp;
                m_out->pointSeries.push_back(id);
                m_out->pointValues.push_back(value);
                return;
            }
        }
        emitPointSlow(value, topLevel, keyIndex);
    }
    [[gnu::noinline]] void emitPointSlow(double value, bool topLevel, std::size_t keyIndex);
    std::uint32_t internSeries(bool topLevel);
    void buildPath();
    void pushKey(std::size_t keyIndex, std::size_t keyBytes)
    {
        m_pathBytes += keyBytes + (m_keyCount == 0 ? 0 : 1);
        m_keyStack[m_keyCount++] = keyIndex;
    }
    void popKey(std::size_t keyBytes)
    {
        --m_keyCount;
        m_pathBytes -= keyBytes + (m_keyCount == 0 ? 0 : 1);
    }
    void clearPath()
    {
        m_keyCount = 0;
        m_pathBytes = 0;
    }
    std::uint32_t internTag(std::string_view name);
    std::uint32_t flatTag();
    void setEmitTag(std::uint32_t tag);
    void setTagForPayload(State& st);
    // A point not plotted (counted in droppedPoints); the chunk's first of each kind is warned.
    void dropPoint(ParsedChunk::Warning::Kind kind);
    QVariant toVariant(od::value& value, int depth);
    QVariantMap runInfo(od::document& doc);
    void newAttempt();
    void finishShape();
    QString describe(Failure f, std::string_view text) const;
    void rollback(const Mark& mark);
    Failure fail(simdjson::error_code code)
    {
        m_lastError = code;
        return Failure::Json;
    }

    od::parser m_parser;
    ParsedChunk* m_out = nullptr;
    // Path of the value being walked, as shape key positions (one per depth); the text is only
    // built (buildPath) when a leaf's series is not cached.
    std::vector<std::size_t> m_keyStack; // maxDepth + 2 entries, m_keyCount used
    std::size_t m_keyCount = 0;
    std::size_t m_pathBytes = 0; // length of the joined path
    std::string m_path; // scratch for buildPath
    std::string m_rewritten; // a line with its NaN/Infinity tokens quoted, padded
    std::string m_padded; // a line near the end of the input, copied to get simdjson's padding
    std::string m_errorType;
    std::string m_errorMessage;
    std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> m_tagIds;
    std::vector<RawText> m_tagRaw; // per tag id
    std::uint32_t m_flatTag = NoId;
    // Series intern table (chunk-local): open addressing over ids + 1, 0 = empty slot.
    std::vector<std::uint32_t> m_slots;
    std::vector<std::uint64_t> m_seriesHash; // per series id
    std::vector<std::uint32_t> m_seriesStamp; // per series id: stamp of its last point's record
    std::uint32_t m_stamp = 0;
    std::uint32_t m_emitTag = NoId; // tag id the walk emits points under
    std::deque<std::vector<ShapeKey>> m_shapes; // per tag id (a deque: m_shape stays valid)
    std::vector<ShapeKey>* m_shape = nullptr; // m_shapes[m_emitTag]
    std::size_t m_shapePos = 0; // next key position in m_shapes[m_emitTag]
    bool m_shapeMatch = true; // every key of this record so far matched the shape
    bool m_warned[2] = { false, false };
    std::uint64_t m_line = 0; // of the line being parsed
    simdjson::error_code m_lastError = simdjson::SUCCESS;

    // Templates (LineTemplate) of lines read in full, tried on each line before the walk.
    struct Learned
    {
        LineTemplate text;
        std::uint64_t hits = 0;
        std::uint64_t lastUse = 0; // line learned or last matched
    };
    static constexpr std::size_t MaxTemplates = 4;
    static constexpr std::size_t MaxTemplateBytes = 64 * 1024;
    static constexpr std::uint64_t MaxIdleLines = 256; // a template unused so long is dropped
    static constexpr std::uint32_t MaxLearnInterval = 1024;
    // Learning costs a little and pays only when the line's text comes back: a template dropped
    // without a match doubles the walked lines between two lines learned, the first match of a
    // template resets it, so that a chunk whose lines never repeat soon stops paying for it.
    void dropTemplate(std::size_t index);
    std::vector<Learned> m_templates;
    std::uint32_t m_learnInterval = 1;
    std::uint32_t m_learnCountdown = 1; // walked lines until the next one learned
    std::vector<double> m_templateValues;
    // While the walk reads a line to learn it: one entry per number token read (get_double()),
    // in text order, plus one per point or field that came from something else (a null, a
    // "NaN" string), which makes the count differ from the line's tokens: not learned.
    bool m_learning = false;
    bool m_learnFailed = false; // a number was dropped or overwrote another: not learned
    std::vector<LineTemplate::Number> m_numbers;
};

} // namespace viewer
