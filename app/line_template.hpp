#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace viewer {

// The text of a line the parser read in full, with its numbers cut out: the literal bytes
// between the number tokens, and what each number became (a record field, a series point, or
// nothing). Records of one tag nearly always repeat the same text but for the numbers
// ({"ts":..,"tag":"step_end","step":..,"context":{"loss":..}}), and such a line is read by
// comparing its text with the template and parsing its numbers, without simdjson's stage 1 and
// the walk. A line with the same literal bytes and valid JSON numbers in the slots is the same
// JSON with other numbers, so it means what the learned line meant: the same keys, tag and
// series. Anything else (another key, a string where a number was, a space) is not a match,
// and the line takes the full walk.
class LineTemplate
{
public:
    enum class Sink : std::uint8_t
    {
        Ignore, // a number that is not plotted (metadata, an array element)
        Ts,
        Step,
        Epoch,
        GlobalStep,
        Iteration,
        Iter,
        Point, // a point of `series`
    };
    struct Number
    {
        Sink sink = Sink::Ignore;
        std::uint32_t series = 0;
    };

    // Learns `line`, whose number tokens the walk read, in text order, as `numbers`. False
    // (and nothing learned) when the line's number tokens are not exactly those, e.g. when a
    // point came from a "NaN" string or a null.
    bool learn(std::string_view line, const std::vector<Number>& numbers);

    // Whether `line` is this template's text with other numbers; if so, its numbers in
    // `values` (one per numbers() entry). `line` must be followed by simdjson's padding.
    bool read(std::string_view line, std::vector<double>& values);

    const std::vector<Number>& numbers() const
    {
        return m_numbers;
    }

    // Record state that is not a number: the record's "tag" id (or none for a flat record).
    std::uint32_t tag = 0;

private:
    static constexpr std::size_t Slack = 8; // zero bytes after the pieces, for word compares
    std::string m_text; // the literal pieces, one after the other, then Slack
    std::vector<std::uint32_t> m_pieceEnds; // end of each piece in m_text: numbers + 1 pieces
    std::vector<Number> m_numbers;
    std::vector<const char*> m_starts; // scratch for read: each number's first byte
};

} // namespace viewer
