#include "chunk_parser_p.hpp"

// Values below a record's payload fields into series points: the depth-first walk, the series
// path of each numeric leaf (cached per key position while records repeat their tag's shape),
// and the chunk's series intern table.

namespace viewer {

Failure ChunkParser::Private::walkObject(
    od::object& object, int level, bool plot, bool topLevel, std::uint32_t keyDepth)
{
    for (auto entry : object) {
        if (auto e = entry.error())
            return fail(e);
        od::field& field = fieldOf(entry);
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
            f = walkNotNumber(field.value(), level + 1, true, topLevel, keyDepth + 1, keyIndex);
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
        else
            noteNumber(LineTemplate::Sink::Ignore);
        return Failure::None;
    }
    if (numberError != simdjson::INCORRECT_TYPE)
        return fail(numberError); // "-Infinity", "1e400", "01": the slow path decides
    return walkNotNumber(value, level, plot, topLevel, keyDepth, keyIndex);
}

Failure ChunkParser::Private::walkNotNumber(od::value& value, int level, bool plot, bool topLevel,
    std::uint32_t keyDepth, std::size_t keyIndex)
{
    od::json_type type {};
    if (auto e = value.type().get(type))
        return fail(e);
    switch (type) {
    case od::json_type::number:
        return fail(simdjson::INCORRECT_TYPE); // what get_double() said
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

void ChunkParser::Private::emitPointSlow(double value, bool topLevel, std::size_t keyIndex)
{
    if (m_pathBytes > limits.maxKeyPathBytes) {
        m_learnFailed = true;
        dropPoint(ParsedChunk::Warning::Kind::LongKeyPath);
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
    if (id == LongPath || id == NoId)
        m_learnFailed = true;
    if (id == LongPath) {
        dropPoint(ParsedChunk::Warning::Kind::LongKeyPath);
        return;
    }
    if (id == NoId) {
        dropPoint(ParsedChunk::Warning::Kind::TooManySeries);
        return;
    }
    if (m_seriesStamp[id] == m_stamp) {
        // Duplicate key in one record: the last one wins (like nlohmann and Python).
        m_learnFailed = true;
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
    noteNumber(LineTemplate::Sink::Point, id);
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
    setRaw(entry, key);
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
    setRaw(entry, key);
    return keyIndex;
}

} // namespace viewer
