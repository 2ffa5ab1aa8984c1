#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QString>

#include <memory>

namespace viewer {

// Where a line starts in a stream: the byte offset of its first byte and its 1-based number.
// A bulk loader hands the position after its last complete line to a follower as the resume point.
struct LinePosition
{
    qint64 offset = 0;
    qint64 lineNumber = 1;

    friend bool operator==(const LinePosition&, const LinePosition&) = default;
};

// Complete lines of one source (a file, or "-" for standard input), produced by a follower on its
// thread and handed to the reader by value (queued signal). Lines are cut at '\n' only; everything
// else is the parser's business: a '\r' before the '\n' (CRLF) and a UTF-8 BOM at the very start
// of the file are passed through untouched, and a blank line is still a line (it counts).
//
// Invariants:
//   bytes == the source's bytes [offset, offset + bytes.size())
//   bytes holds exactly lineCount lines, each ending with its '\n' (kept), numbered
//   firstLine .. firstLine + lineCount - 1; bytes is empty when lineCount == 0.
//   If hasOverlongLine(), the line right after them (number overlongLine == firstLine + lineCount,
//   starting at overlongOffset) was longer than the assembler's cap: its bytes were skipped, not
//   buffered. The reader lists it as malformed ("line longer than 16 MiB", see
//   LineAssembler::describeOverlong). A chunk may carry only such a line (lineCount == 0).
// Example: "a\n" + 20 MiB without '\n' gives {offset 0, firstLine 1, lineCount 1, bytes "a\n",
// overlongLine 2, overlongOffset 2}; when that line's '\n' arrives at byte N, the next chunk
// starts at offset N + 1, firstLine 3.
struct LineChunk
{
    QString path; // the followed file's path as given to the follower, "-" for standard input
    // Incremented each time the follower starts the file over (fileReset) or moves on to a new
    // file after a rotation (fileRotated); offsets and line numbers are relative to that file.
    quint64 generation = 0;
    qint64 offset = 0;
    qint64 firstLine = 1;
    qint64 lineCount = 0;
    QByteArray bytes;
    qint64 overlongLine = 0; // 0: none
    qint64 overlongOffset = -1;
    // The reader's ChunkBudget credit for these bytes (null when the reader has no budget): keep a
    // copy until the chunk is merged, so that the reader reads on only as fast as it is consumed.
    std::shared_ptr<const void> credit;
    // More chunks of the same read pass follow at once (a folder's pass over its changed files
    // emits them back to back): a consumer may hold this one and hand the whole pass on in one
    // go, one wake-up of its thread per pass rather than per file (issue 15). False on the last
    // chunk of a pass, and on every chunk of a reader that does not batch.
    bool moreFollow = false;

    bool hasOverlongLine() const
    {
        return overlongLine > 0;
    }
    // The offset just past the last complete line in bytes.
    qint64 endOffset() const
    {
        return offset + bytes.size();
    }
};

} // namespace viewer

Q_DECLARE_METATYPE(viewer::LinePosition)
Q_DECLARE_METATYPE(viewer::LineChunk)
