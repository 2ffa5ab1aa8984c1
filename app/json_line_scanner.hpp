#pragma once

#include <QString>

#include <string>
#include <string_view>

namespace viewer {

// The slow path of ChunkParser, for the few lines the fast simdjson parse refused: it rewrites
// Python's bare NaN/Infinity tokens so that the line can be parsed again, and explains in words
// what is wrong with a line that is not a JSON object. Stateless functions: any thread. Both scan
// iteratively (no recursion), so a line of a million '[' costs time, never stack.
class JsonLineScanner
{
public:
    // Copies `line` to `out` with every bare NaN, Infinity and -Infinity token outside strings
    // replaced by the strings "NaN", "Infinity", "-Infinity" (our strict-JSON spelling, which the
    // parser reads as those values). Tokens inside strings stay text:
    //   {"loss": NaN, "note": "loss is NaN"}  ->  {"loss": "NaN", "note": "loss is NaN"}
    // Returns false (out unspecified) when the line holds no such token.
    static bool quoteNonFiniteTokens(std::string_view line, std::string& out);

    // The first problem of `line` as a JSON object, in words, with a 1-based byte column:
    //   {"a":1          ->  "not JSON: truncated (the line ends inside an object)"
    //   {"a":1}x        ->  "not JSON: text after the object at column 8"
    //   {"a":1,}        ->  "not JSON: expected a key in double quotes at column 8"
    //   {"a":1e400}     ->  "number out of range at column 6"
    //   [1,2]           ->  "not a JSON object (an array)"
    // Python's NaN/Infinity tokens are accepted as values. Empty when the line is a well-formed
    // JSON object nested at most maxDepth levels (the object itself is level 1).
    static QString diagnose(std::string_view line, int maxDepth);

    // The reason for a line nested deeper than maxDepth, e.g. "nested deeper than 64 levels at
    // column 130".
    static QString describeDepth(int maxDepth, std::size_t column);
    // The reason for a top-level value that is not an object, from its first byte.
    static QString describeNotObject(char firstByte);
};

} // namespace viewer
