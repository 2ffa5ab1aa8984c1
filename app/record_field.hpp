#pragma once

#include "parsed_chunk.hpp"
#include "raw_text.hpp"

#include <cstring>
#include <string_view>

namespace viewer {

// The top-level fields ChunkParser gives a meaning (docs/format.md); every other key is Payload.
enum class RecordField
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
    Reserved, // ts-like metadata that is never a series (seq, run, run_id, host, pid, ...)
    Payload,
};

namespace record_field_keys {
inline constexpr RawText Ts("ts"), Tag("tag"), Type("type"), Step("step"), Seq("seq"),
    StartTime("start_time"), Epoch("epoch"), Context("context"), Message("message"),
    GlobalStep("global_step"), Iteration("iteration"), Iter("iter"), Run("run"), RunId("run_id"),
    Host("host"), Pid("pid"), Logger("logger");
} // namespace record_field_keys

// The field a key names, from its JSON text after the opening quote (16 readable bytes, which
// simdjson's padding guarantees). Escaped keys come out as Payload: classify them again once
// unescaped, with recordFieldOf. Inline: the parser calls it for every top-level field.
inline RecordField recordFieldOfRaw(const char* raw)
{
    namespace k = record_field_keys;
    using F = RecordField;
    switch (raw[0]) {
    case 't':
        return k::Ts.matches(raw)  ? F::Ts
            : k::Tag.matches(raw)  ? F::Tag
            : k::Type.matches(raw) ? F::Type
                                   : F::Payload;
    case 's':
        if (k::Step.matches(raw))
            return F::Step;
        return k::Seq.matches(raw) || k::StartTime.matches(raw) ? F::Reserved : F::Payload;
    case 'e':
        return k::Epoch.matches(raw) ? F::Epoch : F::Payload;
    case 'c':
        return k::Context.matches(raw) ? F::Context : F::Payload;
    case 'm':
        return k::Message.matches(raw) ? F::Message : F::Payload;
    case 'g':
        return k::GlobalStep.matches(raw) ? F::GlobalStep : F::Payload;
    case 'i':
        return k::Iteration.matches(raw) ? F::Iteration
            : k::Iter.matches(raw)       ? F::Iter
                                         : F::Payload;
    case 'r':
        return k::Run.matches(raw) || k::RunId.matches(raw) ? F::Reserved : F::Payload;
    case 'h':
        return k::Host.matches(raw) ? F::Reserved : F::Payload;
    case 'p':
        return k::Pid.matches(raw) ? F::Reserved : F::Payload;
    case 'l':
        return k::Logger.matches(raw) ? F::Reserved : F::Payload;
    default:
        return F::Payload;
    }
}

// The field an unescaped key names: the same rule, applied to the key written as JSON would
// write it. A key with a quote, backslash or control character is never one of the names.
inline RecordField recordFieldOf(std::string_view key)
{
    constexpr std::size_t Longest = 15; // RawText compares up to 15 bytes and the closing quote
    if (key.size() > Longest || key.find_first_of("\"\\") != std::string_view::npos)
        return RecordField::Payload;
    char text[32] = {};
    std::memcpy(text, key.data(), key.size());
    text[key.size()] = '"';
    return recordFieldOfRaw(text);
}

// The record kind a "tag" names; other tags are Custom.
ParsedChunk::RecordKind recordKindOfTag(std::string_view tag);

} // namespace viewer
