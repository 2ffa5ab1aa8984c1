#pragma once

#include "line_chunk.hpp"

#include <QByteArray>
#include <QList>
#include <QString>

namespace viewer {

// Cuts a byte stream that arrives in arbitrary pieces into chunks of complete lines (LineChunk).
// A plain value used by one thread at a time. Guarantees: splitting a stream anywhere (even inside
// a UTF-8 sequence or a CRLF pair) yields exactly the lines of a one-shot feed; it never holds
// more than maxLineBytes of a partial line, so a 100 MB line without '\n' costs at most the cap:
// once a line exceeds the cap its bytes are skipped up to the next '\n' and it is reported once,
// in the chunk that crossed the cap (LineChunk::overlongLine).
class LineAssembler
{
public:
    static constexpr qsizetype DefaultMaxLineBytes = qsizetype(16) * 1024 * 1024;

    explicit LineAssembler(qsizetype maxLineBytes = DefaultMaxLineBytes);

    // A line is over-long when its length without the '\n' exceeds this (>= 1).
    void setMaxLineBytes(qsizetype maxLineBytes);
    qsizetype maxLineBytes() const
    {
        return m_maxLineBytes;
    }

    // Forgets the partial line and starts over with a stream whose next byte is at `start`.
    void reset(LinePosition start = {});

    // Consumes bytes that directly follow everything fed so far and appends the chunks they
    // complete to `out` (usually one; one more per over-long line). Pass an rvalue: when the bytes
    // hold no partial line from before, the chunk shares or takes their buffer instead of copying.
    void feed(QByteArray bytes, QList<LineChunk>& out);

    // The offset of the next byte to feed (everything consumed so far).
    qint64 offset() const
    {
        return m_offset;
    }
    // The start of the line not yet delivered (the partial line, or the next one).
    LinePosition position() const
    {
        return { m_lineStart, m_lineNumber };
    }
    // Bytes of the partial line held back until its '\n' arrives (0 while skipping an over-long
    // line).
    qsizetype pendingBytes() const
    {
        return m_pending.size();
    }
    QByteArray pendingLine() const
    {
        return m_pending;
    }
    // Memory held for the partial line; never more than maxLineBytes.
    qsizetype bufferCapacity() const
    {
        return m_pending.capacity();
    }
    // True while the current line is over-long and its bytes are being skipped.
    bool isSkipping() const
    {
        return m_skipping;
    }
    // Over-long lines reported since construction or the last reset.
    qint64 overlongCount() const
    {
        return m_overlongCount;
    }

    // The malformed-line reason for an over-long line, e.g. "line longer than 16 MiB".
    static QString describeOverlong(qsizetype maxLineBytes = DefaultMaxLineBytes);

private:
    qsizetype m_maxLineBytes;
    QByteArray m_pending; // head of the current line (no '\n'); empty while skipping
    qint64 m_offset = 0; // offset of the next byte to be fed
    qint64 m_lineStart = 0; // offset of the current (partial or next) line
    qint64 m_lineNumber = 1; // its 1-based number
    bool m_skipping = false;
    qint64 m_overlongCount = 0;
};

} // namespace viewer
