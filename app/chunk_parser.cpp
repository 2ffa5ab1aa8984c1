#include "chunk_parser.hpp"

#include "json_line_scanner.hpp"
#include "line_assembler.hpp"
#include "line_chunk.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <deque>
#include <functional>
#include <limits>
#include <simdjson.h>
#include <string>
#include <string_view>
#include <unordered_map>

namespace viewer {

namespace {

namespace od = simdjson::ondemand;
using RecordKind = ParsedChunk::RecordKind;

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint32_t NoId = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint32_t LongPath = NoId - 1; // internSeries: the escaped path is over the limit

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

enum class Field
{
    Ts,
    Tag,
    Step,
    Epoch,
    Context,
    Type,
    Message,
    GlobalStep,
    Iteration,
    Iter,
    Reserved,
    Payload,
};

Field classify(std::string_view key)
{
    switch (key.size()) {
    case 2:
        if (key == "ts")
            return Field::Ts;
        break;
    case 3:
        if (key == "tag")
            return Field::Tag;
        if (key == "seq" || key == "run" || key == "pid")
            return Field::Reserved;
        break;
    case 4:
        if (key == "step")
            return Field::Step;
        if (key == "type")
            return Field::Type;
        if (key == "iter")
            return Field::Iter;
        if (key == "host")
            return Field::Reserved;
        break;
    case 5:
        if (key == "epoch")
            return Field::Epoch;
        break;
    case 6:
        if (key == "run_id" || key == "logger")
            return Field::Reserved;
        break;
    case 7:
        if (key == "context")
            return Field::Context;
        if (key == "message")
            return Field::Message;
        break;
    case 9:
        if (key == "iteration")
            return Field::Iteration;
        break;
    case 10:
        if (key == "start_time")
            return Field::Reserved;
        break;
    case 11:
        if (key == "global_step")
            return Field::GlobalStep;
        break;
    default:
        break;
    }
    return Field::Payload;
}

RecordKind kindOfTag(std::string_view tag)
{
    if (tag == "step_begin")
        return RecordKind::StepBegin;
    if (tag == "step_end")
        return RecordKind::StepEnd;
    if (tag == "epoch_begin")
        return RecordKind::EpochBegin;
    if (tag == "epoch_end")
        return RecordKind::EpochEnd;
    if (tag == "error")
        return RecordKind::Error;
    if (tag == "run_begin")
        return RecordKind::RunBegin;
    return RecordKind::Custom;
}

// Our strict-JSON spelling of non-finite numbers (and what the slow path turns Python's bare
// tokens into).
bool nonFiniteString(std::string_view s, double& value)
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

bool isBlank(const char* p, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i) {
        const char c = p[i];
        if (c != ' ' && c != '\t' && c != '\r')
            return false;
    }
    return true;
}

// A field's key. Keys without escapes (nearly all) are read in place, without a copy.
simdjson::error_code keyOf(od::field& field, std::string_view& key)
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

struct StringHash
{
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept
    {
        return std::hash<std::string_view> {}(s);
    }
};

// A string as its JSON text would start (the string, then the closing quote), for comparing
// with a key or value in place: two word compares instead of a byte loop. Only for strings that
// JSON writes unescaped and shorter than 16 bytes; `raw` must have 16 readable bytes, which the
// parser's padding guarantees for any position inside a line.
class RawText
{
public:
    constexpr RawText() = default;
    constexpr explicit RawText(std::string_view s)
    {
        set(s);
    }
    constexpr void set(std::string_view s)
    {
        // Word compares assume little-endian words; elsewhere every compare takes the slow path.
        m_valid = s.size() < 16 && std::endian::native == std::endian::little;
        for (const char c : s) {
            if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
                m_valid = false;
        }
        m_word[0] = m_word[1] = m_mask[0] = m_mask[1] = 0;
        if (!m_valid)
            return;
        for (std::size_t i = 0; i <= s.size(); ++i) {
            const auto byte = static_cast<std::uint64_t>(
                i < s.size() ? static_cast<unsigned char>(s[i]) : static_cast<unsigned char>('"'));
            m_word[i / 8] |= byte << (8 * (i % 8));
            m_mask[i / 8] |= std::uint64_t(0xff) << (8 * (i % 8));
        }
    }
    // True when the JSON string whose text starts at `raw` (after its opening quote) is this.
    bool matches(const char* raw) const
    {
        std::uint64_t text[2];
        std::memcpy(text, raw, sizeof text);
        return m_valid && ((text[0] ^ m_word[0]) & m_mask[0]) == 0
            && ((text[1] ^ m_word[1]) & m_mask[1]) == 0;
    }

private:
    std::uint64_t m_word[2] = { 0, 0 };
    std::uint64_t m_mask[2] = { 0, 0 };
    bool m_valid = false;
};

constexpr RawText TsKey("ts"), TagKey("tag"), TypeKey("type"), StepKey("step"), SeqKey("seq"),
    StartTimeKey("start_time"), EpochKey("epoch"), ContextKey("context"), MessageKey("message"),
    GlobalStepKey("global_step"), IterationKey("iteration"), IterKey("iter"), RunKey("run"),
    RunIdKey("run_id"), HostKey("host"), PidKey("pid"), LoggerKey("logger");

std::uint64_t mix(std::uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

} // namespace

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
    };
    static constexpr std::size_t NoKey = std::numeric_limits<std::size_t>::max();

    Failure parseRecord(const char* p, std::size_t len, std::size_t capacity, std::uint64_t line,
        std::uint64_t offset);
    Failure walkFields(od::object& object, State& st, bool second);
    Failure walkValue(od::value& value, int level, bool plot, bool topLevel, std::uint32_t keyDepth,
        std::size_t keyIndex);
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
                && expected.raw.matches(field.key().raw())) {
                key = expected.key;
                return simdjson::SUCCESS;
            }
        }
        return learnKey(field, keyDepth, topLevel, key, keyIndex);
    }
    [[gnu::noinline]] simdjson::error_code learnKey(od::field& field, std::uint32_t keyDepth,
        bool topLevel, std::string_view& key, std::size_t keyIndex);
    std::size_t nextKnownKey(std::string_view key, std::uint32_t keyDepth, bool topLevel);
    Failure readNumber(od::value& value, double& out, Failure notNumber);
    Failure readText(od::value& value, std::string& out, bool& has);
    Failure readTag(od::value& value, State& st);
    void emitPoint(double value, bool topLevel, std::size_t keyIndex);
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
    void warn(ParsedChunk::Warning::Kind kind, QString text);
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
};

namespace {

// The field a key names, from its JSON text (escaped keys come out as Payload and are classified
// again once unescaped).
Field classifyRaw(const char* raw)
{
    switch (raw[0]) {
    case 't':
        if (TsKey.matches(raw))
            return Field::Ts;
        if (TagKey.matches(raw))
            return Field::Tag;
        if (TypeKey.matches(raw))
            return Field::Type;
        break;
    case 's':
        if (StepKey.matches(raw))
            return Field::Step;
        if (SeqKey.matches(raw) || StartTimeKey.matches(raw))
            return Field::Reserved;
        break;
    case 'e':
        if (EpochKey.matches(raw))
            return Field::Epoch;
        break;
    case 'c':
        if (ContextKey.matches(raw))
            return Field::Context;
        break;
    case 'm':
        if (MessageKey.matches(raw))
            return Field::Message;
        break;
    case 'g':
        if (GlobalStepKey.matches(raw))
            return Field::GlobalStep;
        break;
    case 'i':
        if (IterationKey.matches(raw))
            return Field::Iteration;
        if (IterKey.matches(raw))
            return Field::Iter;
        break;
    case 'r':
        if (RunKey.matches(raw) || RunIdKey.matches(raw))
            return Field::Reserved;
        break;
    case 'h':
        if (HostKey.matches(raw))
            return Field::Reserved;
        break;
    case 'p':
        if (PidKey.matches(raw))
            return Field::Reserved;
        break;
    case 'l':
        if (LoggerKey.matches(raw))
            return Field::Reserved;
        break;
    default:
        break;
    }
    return Field::Payload;
}

} // namespace

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

std::uint32_t ChunkParser::Private::internTag(std::string_view name)
{
    const auto it = m_tagIds.find(name);
    if (it != m_tagIds.end())
        return it->second;
    const auto id = static_cast<std::uint32_t>(m_out->tags.size());
    m_out->tags.push_back({ std::string(name), kindOfTag(name) });
    m_tagIds.emplace(std::string(name), id);
    m_tagRaw.emplace_back(name);
    m_shapes.emplace_back();
    return id;
}

std::uint32_t ChunkParser::Private::flatTag()
{
    if (m_flatTag == NoId)
        m_flatTag = internTag("metrics");
    return m_flatTag;
}

void ChunkParser::Private::buildPath()
{
    m_path.clear();
    for (std::size_t i = 0; i < m_keyCount; ++i) {
        if (i > 0)
            m_path.push_back('/');
        // Keys are data: a '/' or '\\' inside one is escaped (Series::escapeSegment), so that
        // {"a/b": 1} and {"a": {"b": 1}} are two series.
        const std::string& key = (*m_shape)[m_keyStack[i]].key;
        if (key.find_first_of("/\\") == std::string::npos) {
            m_path.append(key);
            continue;
        }
        for (const char c : key) {
            if (c == '/' || c == '\\')
                m_path.push_back('\\');
            m_path.push_back(c);
        }
    }
}

std::uint32_t ChunkParser::Private::internSeries(bool topLevel)
{
    buildPath();
    const std::uint64_t hash = mix(std::hash<std::string_view> {}(m_path)
        ^ (std::uint64_t(m_emitTag) << 1 | std::uint64_t(topLevel)));
    std::size_t mask = m_slots.size() - 1;
    std::size_t i = hash & mask;
    std::vector<ParsedChunk::SeriesName>& names = m_out->series;
    while (m_slots[i] != 0) {
        const std::uint32_t id = m_slots[i] - 1;
        const ParsedChunk::SeriesName& name = names[id];
        if (m_seriesHash[id] == hash && name.tag == m_emitTag && name.topLevel == topLevel
            && name.path == m_path)
            return id;
        i = (i + 1) & mask;
    }
    if (m_path.size() > limits.maxKeyPathBytes)
        return LongPath; // within the limit until its '/' and '\\' were escaped
    if (names.size() >= limits.maxSeries)
        return NoId;
    const auto id = static_cast<std::uint32_t>(names.size());
    names.push_back({ m_emitTag, topLevel, m_path });
    m_seriesHash.push_back(hash);
    m_seriesStamp.push_back(0);
    if ((names.size() + 1) * 2 > m_slots.size()) {
        // Grow and reinsert every id (rare: the table doubles).
        m_slots.assign(m_slots.size() * 2, 0);
        mask = m_slots.size() - 1;
        for (std::uint32_t k = 0; k < names.size(); ++k) {
            std::size_t j = m_seriesHash[k] & mask;
            while (m_slots[j] != 0)
                j = (j + 1) & mask;
            m_slots[j] = k + 1;
        }
    } else {
        m_slots[i] = id + 1;
    }
    return id;
}

void ChunkParser::Private::warn(ParsedChunk::Warning::Kind kind, QString text)
{
    bool& warned = m_warned[static_cast<int>(kind)];
    if (warned)
        return;
    warned = true;
    m_out->warnings.push_back({ kind, m_line, std::move(text) });
}

simdjson::error_code ChunkParser::Private::learnKey(od::field& field, std::uint32_t keyDepth,
    bool topLevel, std::string_view& key, std::size_t keyIndex)
{
    m_shapeMatch = false;
    if (auto e = keyOf(field, key))
        return e;
    std::vector<ShapeKey>& shape = *m_shape;
    if (keyIndex == shape.size())
        shape.emplace_back();
    ShapeKey& entry = shape[keyIndex];
    entry.key.assign(key);
    entry.series = NoId;
    entry.depth = keyDepth;
    entry.topLevel = topLevel;
    entry.raw.set(key);
    key = entry.key;
    return simdjson::SUCCESS;
}

std::size_t ChunkParser::Private::nextKnownKey(
    std::string_view key, std::uint32_t keyDepth, bool topLevel)
{
    std::vector<ShapeKey>& shape = *m_shape;
    const std::size_t keyIndex = m_shapePos++;
    if (m_shapeMatch && keyIndex < shape.size()) {
        const ShapeKey& expected = shape[keyIndex];
        if (expected.depth == keyDepth && expected.topLevel == topLevel && expected.key == key)
            return keyIndex;
    }
    m_shapeMatch = false;
    if (keyIndex == shape.size())
        shape.emplace_back();
    ShapeKey& entry = shape[keyIndex];
    entry.key.assign(key);
    entry.series = NoId;
    entry.depth = keyDepth;
    entry.topLevel = topLevel;
    entry.raw.set(key);
    return keyIndex;
}

void ChunkParser::Private::emitPoint(double value, bool topLevel, std::size_t keyIndex)
{
    using WarningKind = ParsedChunk::Warning::Kind;
    if (m_pathBytes > limits.maxKeyPathBytes) {
        ++m_out->droppedPoints;
        warn(WarningKind::LongKeyPath,
            QStringLiteral("key paths longer than %1 bytes are not plotted")
                .arg(limits.maxKeyPathBytes));
        return;
    }
    std::uint32_t id = NoId;
    if (keyIndex != NoKey) {
        ShapeKey& entry = (*m_shape)[keyIndex];
        // m_shapeMatch: every key up to this leaf's matched, so the cached id has this path.
        if (m_shapeMatch && entry.series != NoId) {
            id = entry.series;
        } else {
            id = internSeries(topLevel);
            entry.series = id;
        }
    } else {
        id = internSeries(topLevel);
    }
    if (id == LongPath) {
        ++m_out->droppedPoints;
        warn(WarningKind::LongKeyPath,
            QStringLiteral("key paths longer than %1 bytes are not plotted")
                .arg(limits.maxKeyPathBytes));
        return;
    }
    if (id == NoId) {
        ++m_out->droppedPoints;
        warn(WarningKind::TooManySeries,
            QStringLiteral("more than %1 distinct series in a chunk: the others are not plotted")
                .arg(limits.maxSeries));
        return;
    }
    if (m_seriesStamp[id] == m_stamp) {
        // Duplicate key in one record: the last one wins (like nlohmann and Python).
        for (std::size_t k = m_out->pointSeries.size(); k-- > 0;) {
            if (m_out->pointSeries[k] == id) {
                m_out->pointValues[k] = value;
                break;
            }
        }
        return;
    }
    m_seriesStamp[id] = m_stamp;
    m_out->pointSeries.push_back(id);
    m_out->pointValues.push_back(value);
}

Failure ChunkParser::Private::walkObject(
    od::object& object, int level, bool plot, bool topLevel, std::uint32_t keyDepth)
{
    for (auto entry : object) {
        od::field field;
        if (auto e = std::move(entry).get(field))
            return fail(e);
        std::string_view key;
        if (!plot) {
            if (auto e = keyOf(field, key)) // unescaping validates the key's escapes
                return fail(e);
            if (const Failure f = walkValue(field.value(), level + 1, false, topLevel, 0, NoKey);
                f != Failure::None)
                return f;
            continue;
        }
        std::size_t keyIndex = NoKey;
        if (auto e = nextKey(field, keyDepth, topLevel, key, keyIndex))
            return fail(e);
        const std::size_t keyBytes = key.size();
        pushKey(keyIndex, keyBytes);
        // Most leaves are numbers: read them here rather than in a call.
        double number = 0;
        const simdjson::error_code numberError = field.value().get_double().get(number);
        Failure f = Failure::None;
        if (numberError == simdjson::SUCCESS)
            emitPoint(number, topLevel, keyIndex);
        else if (numberError != simdjson::INCORRECT_TYPE)
            f = fail(numberError);
        else
            f = walkValue(field.value(), level + 1, true, topLevel, keyDepth + 1, keyIndex);
        popKey(keyBytes);
        if (f != Failure::None)
            return f;
    }
    return Failure::None;
}

// `level`: nesting level of the value (a top-level field's value is 2); `keyDepth`: depth of the
// keys of its children in the series path.
Failure ChunkParser::Private::walkValue(od::value& value, int level, bool plot, bool topLevel,
    std::uint32_t keyDepth, std::size_t keyIndex)
{
    // Numbers first: they are nearly every leaf, and a failed get_double() consumes nothing.
    double number = 0;
    const simdjson::error_code numberError = value.get_double().get(number);
    if (numberError == simdjson::SUCCESS) {
        if (plot)
            emitPoint(number, topLevel, keyIndex);
        return Failure::None;
    }
    if (numberError != simdjson::INCORRECT_TYPE)
        return fail(numberError); // "-Infinity", "1e400", "01": the slow path decides
    od::json_type type {};
    if (auto e = value.type().get(type))
        return fail(e);
    switch (type) {
    case od::json_type::number:
        return fail(numberError);
    case od::json_type::string: {
        std::string_view s;
        if (auto e = value.get_string().get(s))
            return fail(e);
        double d = 0;
        if (plot && nonFiniteString(s, d))
            emitPoint(d, topLevel, keyIndex);
        else if (plot)
            ++m_out->skippedValues;
        return Failure::None;
    }
    case od::json_type::boolean: {
        bool b = false;
        if (auto e = value.get_bool().get(b))
            return fail(e);
        if (plot)
            ++m_out->skippedValues;
        return Failure::None;
    }
    case od::json_type::null: {
        bool isNull = false;
        if (auto e = value.is_null().get(isNull))
            return fail(e);
        if (!isNull)
            return fail(simdjson::N_ATOM_ERROR);
        if (plot)
            emitPoint(ParsedChunk::nullGap(), topLevel, keyIndex);
        return Failure::None;
    }
    case od::json_type::array: {
        if (level > limits.maxDepth)
            return Failure::Depth;
        od::array array;
        if (auto e = value.get_array().get(array))
            return fail(e);
        if (plot)
            ++m_out->skippedValues;
        // Arrays are not plotted, but walked: a line is a record only if all of it is JSON.
        for (auto element : array) {
            od::value child;
            if (auto e = std::move(element).get(child))
                return fail(e);
            if (const Failure f = walkValue(child, level + 1, false, topLevel, keyDepth, NoKey);
                f != Failure::None)
                return f;
        }
        return Failure::None;
    }
    case od::json_type::object: {
        if (level > limits.maxDepth)
            return Failure::Depth;
        od::object object;
        if (auto e = value.get_object().get(object))
            return fail(e);
        return walkObject(object, level, plot, topLevel, keyDepth);
    }
    }
    return fail(simdjson::TAPE_ERROR);
}

Failure ChunkParser::Private::readNumber(od::value& value, double& out, Failure notNumber)
{
    const simdjson::error_code numberError = value.get_double().get(out);
    if (numberError == simdjson::SUCCESS)
        return Failure::None;
    if (numberError != simdjson::INCORRECT_TYPE)
        return fail(numberError);
    od::json_type type {};
    if (auto e = value.type().get(type))
        return fail(e);
    if (type == od::json_type::number)
        return fail(numberError); // a bare -Infinity starts like a number: the slow path reads it
    if (type == od::json_type::string) {
        std::string_view s;
        if (auto e = value.get_string().get(s))
            return fail(e);
        if (nonFiniteString(s, out))
            return Failure::None;
    }
    if (notNumber != Failure::None)
        return notNumber;
    out = NaN;
    return walkValue(value, 2, false, false, 1, NoKey);
}

Failure ChunkParser::Private::readText(od::value& value, std::string& out, bool& has)
{
    od::json_type type {};
    if (auto e = value.type().get(type))
        return fail(e);
    if (type != od::json_type::string)
        return walkValue(value, 2, false, false, 1, NoKey);
    std::string_view s;
    if (auto e = value.get_string().get(s))
        return fail(e);
    out.assign(s);
    has = true;
    return Failure::None;
}

Failure ChunkParser::Private::readTag(od::value& value, State& st)
{
    std::uint32_t id = NoId;
    // Tags alternate among a handful (step_begin, step_end): compare the text in place first.
    const std::string_view token = value.raw_json_token();
    if (!token.empty() && token[0] == '"') {
        const std::size_t n = std::min<std::size_t>(m_out->tags.size(), 8);
        for (std::size_t i = 0; i < n; ++i) {
            if (m_tagRaw[i].matches(token.data() + 1)) {
                // Consume the string: left unread, On-Demand would skip it without checking
                // what follows ({"tag":"st":}} after a "st" record was taken as a record).
                od::raw_json_string consumed;
                if (auto e = value.get_raw_json_string().get(consumed))
                    return fail(e);
                id = static_cast<std::uint32_t>(i);
                break;
            }
        }
    }
    if (id == NoId) {
        std::string_view name;
        if (auto e = value.get_string().get(name)) {
            od::json_type type {};
            if (value.type().get(type) || type == od::json_type::string)
                return fail(e);
            return Failure::TagType;
        }
        if (name.size() > limits.maxTagBytes)
            return Failure::TagTooLong;
        id = internTag(name);
    }
    if (st.walkedPayload)
        st.redo = true;
    st.tag = id;
    st.kind = m_out->tags[id].kind;
    setEmitTag(id);
    return Failure::None;
}

void ChunkParser::Private::setTagForPayload(State& st)
{
    if (st.tag == NoId) {
        // Unknown yet: most likely a flat record. Should a "tag" follow, the record is read again.
        st.walkedPayload = true;
        st.kind = RecordKind::Flat;
        setEmitTag(flatTag());
    }
}

Failure ChunkParser::Private::walkFields(od::object& object, State& st, bool second)
{
    for (auto entry : object) {
        od::field field;
        if (auto e = std::move(entry).get(field))
            return fail(e);
        Field kind = classifyRaw(field.key().raw());
        std::string_view key;
        if (kind == Field::Payload) {
            if (auto e = keyOf(field, key))
                return fail(e);
            kind = classify(key); // an escaped spelling of a known name
        }
        od::value& value = field.value();
        if (second && kind != Field::Context && kind != Field::Payload)
            continue; // read in the first pass
        Failure f = Failure::None;
        switch (kind) {
        case Field::Ts:
            f = readNumber(value, st.ts, Failure::None);
            break;
        case Field::Step:
            // NaN or Infinity (bare or as our strict strings) places the record nowhere: the
            // line is malformed rather than put at the previous step.
            f = readNumber(value, st.step, Failure::StepType);
            if (f == Failure::None && !std::isfinite(st.step))
                f = Failure::StepNotFinite;
            break;
        case Field::Epoch:
            f = readNumber(value, st.epoch, Failure::EpochType);
            if (f == Failure::None && !std::isfinite(st.epoch))
                f = Failure::EpochNotFinite;
            break;
        case Field::GlobalStep:
            f = readNumber(value, st.globalStep, Failure::None);
            break;
        case Field::Iteration:
            f = readNumber(value, st.iteration, Failure::None);
            break;
        case Field::Iter:
            f = readNumber(value, st.iter, Failure::None);
            break;
        case Field::Type:
            f = readText(value, m_errorType, st.hasType);
            break;
        case Field::Message:
            f = readText(value, m_errorMessage, st.hasMessage);
            break;
        case Field::Reserved:
            f = walkValue(value, 2, false, false, 1, NoKey);
            break;
        case Field::Tag:
            f = readTag(value, st);
            break;
        case Field::Context: {
            setTagForPayload(st);
            od::object context;
            const simdjson::error_code e = value.get_object().get(context);
            clearPath();
            if (e == simdjson::SUCCESS) {
                f = walkObject(context, 2, true, false, 1);
            } else if (e == simdjson::INCORRECT_TYPE) {
                // "context": 5 is the series "context".
                const std::size_t keyIndex = nextKnownKey("context", 1, false);
                pushKey(keyIndex, 7);
                f = walkValue(value, 2, true, false, 2, keyIndex);
            } else {
                f = fail(e);
            }
            break;
        }
        case Field::Payload: {
            setTagForPayload(st);
            // Known tags carry metadata at the top level (static fields such as "rank"); only
            // custom and flat records have metrics there.
            const bool plot = st.kind == RecordKind::Custom || st.kind == RecordKind::Flat;
            clearPath();
            std::size_t keyIndex = NoKey;
            if (plot) {
                keyIndex = nextKnownKey(key, 1, true);
                pushKey(keyIndex, key.size());
            }
            f = walkValue(value, 2, plot, true, 2, keyIndex);
            break;
        }
        }
        if (f != Failure::None)
            return f;
    }
    return Failure::None;
}

QVariant ChunkParser::Private::toVariant(od::value& value, int depth)
{
    od::json_type type {};
    if (value.type().get(type))
        return {};
    switch (type) {
    case od::json_type::number: {
        od::number n;
        if (!value.get_number().get(n)) {
            if (n.is_int64())
                return QVariant::fromValue(static_cast<qint64>(n.get_int64()));
            if (n.is_uint64())
                return QVariant::fromValue(static_cast<quint64>(n.get_uint64()));
            return n.get_double();
        }
        double d = 0;
        return value.get_double().get(d) ? QVariant() : QVariant(d);
    }
    case od::json_type::string: {
        std::string_view s;
        if (value.get_string().get(s))
            return {};
        return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
    }
    case od::json_type::boolean: {
        bool b = false;
        return value.get_bool().get(b) ? QVariant() : QVariant(b);
    }
    case od::json_type::null:
        return QVariant::fromValue(nullptr);
    case od::json_type::array: {
        QVariantList list;
        od::array array;
        if (depth > limits.maxDepth || value.get_array().get(array))
            return list;
        for (auto element : array) {
            od::value child;
            if (std::move(element).get(child))
                break;
            list.append(toVariant(child, depth + 1));
        }
        return list;
    }
    case od::json_type::object: {
        QVariantMap map;
        od::object object;
        if (depth > limits.maxDepth || value.get_object().get(object))
            return map;
        for (auto entry : object) {
            od::field field;
            std::string_view key;
            if (std::move(entry).get(field) || field.unescaped_key().get(key))
                break;
            const QString name = QString::fromUtf8(key.data(), static_cast<qsizetype>(key.size()));
            map.insert(name, toVariant(field.value(), depth + 1));
        }
        return map;
    }
    }
    return {};
}

QVariantMap ChunkParser::Private::runInfo(od::document& doc)
{
    QVariantMap info;
    doc.rewind();
    od::object object;
    if (doc.get_object().get(object))
        return info;
    for (auto entry : object) {
        od::field field;
        std::string_view key;
        if (std::move(entry).get(field) || field.unescaped_key().get(key))
            break;
        if (key == "ts" || key == "tag")
            continue;
        const QString name = QString::fromUtf8(key.data(), static_cast<qsizetype>(key.size()));
        info.insert(name, toVariant(field.value(), 2));
    }
    return info;
}

Failure ChunkParser::Private::parseRecord(
    const char* p, std::size_t len, std::size_t capacity, std::uint64_t line, std::uint64_t offset)
{
    newAttempt();
    od::document doc;
    if (auto e = m_parser.iterate(simdjson::padded_string_view(p, len, capacity)).get(doc))
        return fail(e);
    od::object object;
    if (auto e = doc.get_object().get(object)) {
        od::json_type type {};
        if (e != simdjson::INCORRECT_TYPE || doc.type().get(type))
            return fail(e);
        return Failure::NotObject;
    }

    State st;
    st.start = mark();
    m_errorType.clear();
    m_errorMessage.clear();
    if (const Failure f = walkFields(object, st, false); f != Failure::None)
        return f;
    const char* trailing = nullptr;
    if (!doc.current_location().get(trailing))
        return fail(simdjson::TRAILING_CONTENT); // "{...} x": more after the object
    if (st.redo) {
        // A "tag" came after payload fields: read them again under the right tag.
        rollback(st.start);
        newAttempt();
        setEmitTag(st.tag);
        doc.rewind();
        if (auto e = doc.get_object().get(object))
            return fail(e);
        if (const Failure f = walkFields(object, st, true); f != Failure::None)
            return f;
    }

    ParsedChunk::Record record;
    record.ts = st.ts;
    record.step = st.step;
    record.epoch = st.epoch;
    record.offset = offset;
    record.line = line;
    if (st.tag == NoId) {
        record.tag = flatTag();
        record.kind = RecordKind::Flat;
    } else {
        record.tag = st.tag;
        record.kind = m_out->tags[st.tag].kind;
    }
    if (record.kind == RecordKind::Flat || record.kind == RecordKind::Custom) {
        // x of other tools' logs: the first step-like field present.
        for (const double x : { st.globalStep, st.iteration, st.iter }) {
            if (!std::isnan(record.step))
                break;
            record.step = x;
        }
        if (record.kind == RecordKind::Flat && std::isnan(record.step))
            record.step = st.epoch;
    }
    if (!std::isfinite(record.step))
        record.step = NaN;
    if (!std::isfinite(record.epoch))
        record.epoch = NaN;
    if (!std::isfinite(record.ts))
        record.ts = NaN;
    record.firstPoint = static_cast<std::uint32_t>(st.start.points);
    record.pointCount = static_cast<std::uint32_t>(m_out->pointValues.size() - st.start.points);
    if (record.kind == RecordKind::Error) {
        ParsedChunk::Detail detail;
        detail.type =
            QString::fromUtf8(m_errorType.data(), static_cast<qsizetype>(m_errorType.size()));
        detail.message =
            QString::fromUtf8(m_errorMessage.data(), static_cast<qsizetype>(m_errorMessage.size()));
        record.detail = static_cast<std::int32_t>(m_out->details.size());
        m_out->details.push_back(std::move(detail));
    } else if (record.kind == RecordKind::RunBegin) {
        ParsedChunk::Detail detail;
        detail.info = runInfo(doc);
        record.detail = static_cast<std::int32_t>(m_out->details.size());
        m_out->details.push_back(std::move(detail));
    }
    record.blankBefore = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(blankRun, std::numeric_limits<std::uint32_t>::max()));
    const std::uint64_t skipped = m_out->skippedValues - st.start.skipped;
    const std::uint64_t dropped = m_out->droppedPoints - st.start.dropped;
    if (skipped > 0 || dropped > 0) {
        m_out->tallies.push_back({ static_cast<std::uint32_t>(m_out->records.size()),
            static_cast<std::uint32_t>(skipped), static_cast<std::uint32_t>(dropped) });
    }
    m_out->records.push_back(record);
    if (record.kind == RecordKind::RunBegin)
        m_out->listedInRun = 0; // a new run lists its own first malformed lines
    blankRun = 0;
    return Failure::None;
}

void ChunkParser::Private::parseLine(
    const char* p, std::size_t len, std::size_t capacity, std::uint64_t line, std::uint64_t offset)
{
    m_line = line;
    const Mark start = mark();
    Failure f = parseRecord(p, len, capacity, line, offset);
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
