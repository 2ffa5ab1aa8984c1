#pragma once

// The lines of a stream as a reader must see them, cut directly with no LineAssembler: the
// reference that tst_line_assembler and fuzz_line_assembler hold the assembler's chunks to.

#include <QByteArray>

#include <vector>

namespace viewer::test {

// One line as a reader sees it: a complete line (its bytes with the '\n') or an over-long one
// (no bytes).
struct ReferenceLine
{
    qint64 number = 0;
    qint64 offset = 0;
    QByteArray bytes;
    bool overlong = false;
    friend bool operator==(const ReferenceLine&, const ReferenceLine&) = default;
};

// The lines of a stream that stops after `stream`: complete lines, and an over-long line as soon
// as it is longer than `maxLineBytes` (complete or not); an unfinished short last line is not one.
inline std::vector<ReferenceLine> referenceLines(const QByteArray& stream, qsizetype maxLineBytes)
{
    std::vector<ReferenceLine> lines;
    qint64 number = 1;
    qsizetype start = 0;
    while (start < stream.size()) {
        const qsizetype newline = stream.indexOf('\n', start);
        const qsizetype length = (newline < 0 ? stream.size() : newline) - start;
        if (length > maxLineBytes)
            lines.push_back({ number, start, {}, true });
        else if (newline >= 0)
            lines.push_back({ number, start, stream.mid(start, newline + 1 - start), false });
        if (newline < 0)
            break;
        start = newline + 1;
        ++number;
    }
    return lines;
}

} // namespace viewer::test
