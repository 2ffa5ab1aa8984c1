#include "chunk_parser_p.hpp"

#include <algorithm>
#include <cmath>

// One line's top-level fields into a ParsedChunk::Record: ts, step, epoch, tag (read again when
// it comes after the payload), error details and run_begin's fields. Values below a payload
// field become series points in chunk_parser_values.cpp.

namespace viewer {

ParsedChunk::RecordKind recordKindOfTag(std::string_view tag)

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

std::uint32_t ChunkParser::Private::internTag(std::string_view name)
{
    const auto it = m_tagIds.find(name);
    if (it != m_tagIds.end())
        return it->second;
    const auto id = static_cast<std::uint32_t>(m_out->tags.size());
    m_out->tags.push_back({ std::string(name), recordKindOfTag(name) });
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

    const auto recordIndex = static_cast<std::uint32_t>(m_out->records.size());
    ParsedChunk::Record& record = addRecord(st, line, offset);
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
    const std::uint64_t skipped = m_out->skippedValues - st.start.skipped;
    const std::uint64_t dropped = m_out->droppedPoints - st.start.dropped;
    if (skipped > 0 || dropped > 0) {
        m_out->tallies.push_back({ recordIndex, static_cast<std::uint32_t>(skipped),
            static_cast<std::uint32_t>(dropped) });
    }
    if (record.kind == RecordKind::RunBegin)
        m_out->listedInRun = 0; // a new run lists its own first malformed lines
    // A line whose reading set anything aside (skipped or dropped values, details, a second
    // pass under a late tag) is not one a template can repeat.
    if (m_learning && !st.redo && skipped == 0 && dropped == 0 && record.detail < 0)
        learnTemplate(p, len, st);
    return Failure::None;
}

ParsedChunk::Record& ChunkParser::Private::addRecord(
    const State& st, std::uint64_t line, std::uint64_t offset)
{
    // Filled in place: a record built aside and then pushed is copied with 16-byte loads of
    // fields just stored one by one (failed store forwards, perf annotate).
    ParsedChunk::Record& record = m_out->records.emplace_back();
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
    record.blankBefore = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(blankRun, std::numeric_limits<std::uint32_t>::max()));
    blankRun = 0;
    return record;
}

Failure ChunkParser::Private::walkFields(od::object& object, State& st, bool second)
{
    for (auto entry : object) {
        if (auto e = entry.error())
            return fail(e);
        od::field& field = fieldOf(entry);
        RecordField kind = recordFieldOfRaw(field.key().raw());
        std::string_view key;
        if (kind == RecordField::Payload) {
            if (auto e = keyOf(field, key))
                return fail(e);
            kind = recordFieldOf(key); // an escaped spelling of a known name
        }
        od::value& value = field.value();
        if (second && kind != RecordField::Context && kind != RecordField::Payload)
            continue; // read in the first pass
        Failure f = Failure::None;
        switch (kind) {
        case RecordField::Ts:
            f = readNumber(value, st.ts, Failure::None, LineTemplate::Sink::Ts);
            break;
        case RecordField::Step:
            // NaN or Infinity (bare or as our strict strings) places the record nowhere: the
            // line is malformed rather than put at the previous step.
            f = readNumber(value, st.step, Failure::StepType, LineTemplate::Sink::Step);
            if (f == Failure::None && !std::isfinite(st.step))
                f = Failure::StepNotFinite;
            break;
        case RecordField::Epoch:
            f = readNumber(value, st.epoch, Failure::EpochType, LineTemplate::Sink::Epoch);
            if (f == Failure::None && !std::isfinite(st.epoch))
                f = Failure::EpochNotFinite;
            break;
        case RecordField::GlobalStep:
            f = readNumber(value, st.globalStep, Failure::None, LineTemplate::Sink::GlobalStep);
            break;
        case RecordField::Iteration:
            f = readNumber(value, st.iteration, Failure::None, LineTemplate::Sink::Iteration);
            break;
        case RecordField::Iter:
            f = readNumber(value, st.iter, Failure::None, LineTemplate::Sink::Iter);
            break;
        case RecordField::Type:
            f = readText(value, m_errorType, st.hasType);
            break;
        case RecordField::Message:
            f = readText(value, m_errorMessage, st.hasMessage);
            break;
        case RecordField::Reserved:
            f = walkValue(value, 2, false, false, 1, NoKey);
            break;
        case RecordField::Tag:
            f = readTag(value, st);
            break;
        case RecordField::Context: {
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
        case RecordField::Payload: {
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

Failure ChunkParser::Private::readNumber(
    od::value& value, double& out, Failure notNumber, LineTemplate::Sink sink)
{
    const simdjson::error_code numberError = value.get_double().get(out);
    if (numberError == simdjson::SUCCESS) {
        noteNumber(sink);
        return Failure::None;
    }
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
        if (nonFiniteString(s, out)) {
            noteNumber(sink); // not a number token: the line is not learned
            return Failure::None;
        }
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

} // namespace viewer
