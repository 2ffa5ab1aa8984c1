#include "line_assembler.hpp"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

namespace viewer {

namespace {

// A chunk being assembled: the held partial line (prefix) followed by bytes[begin, end).
struct Piece
{
    QByteArray prefix;
    qsizetype begin = 0;
    qsizetype end = 0;
    qint64 offset = 0;
    qint64 firstLine = 1;
    qint64 lineCount = 0;
    qint64 overlongLine = 0;
    qint64 overlongOffset = -1;
};

} // namespace

LineAssembler::LineAssembler(qsizetype maxLineBytes)
    : m_maxLineBytes(std::max<qsizetype>(1, maxLineBytes))
{
}

void LineAssembler::setMaxLineBytes(qsizetype maxLineBytes)
{
    m_maxLineBytes = std::max<qsizetype>(1, maxLineBytes);
}

void LineAssembler::reset(LinePosition start)
{
    m_pending = QByteArray();
    m_offset = start.offset;
    m_lineStart = start.offset;
    m_lineNumber = start.lineNumber;
    m_skipping = false;
    m_overlongCount = 0;
}

void LineAssembler::feed(QByteArray bytes, QList<LineChunk>& out)
{
    const char* const base = bytes.constData();
    const qsizetype size = bytes.size();
    const qint64 baseOffset = m_offset; // stream offset of bytes[0]
    m_offset += size;

    std::vector<Piece> pieces;
    bool open = false; // pieces.back() still accepts lines

    auto reportOverlong = [&] {
        if (!open) {
            Piece piece;
            piece.begin = piece.end = 0;
            piece.offset = m_lineStart;
            piece.firstLine = m_lineNumber;
            pieces.push_back(std::move(piece));
        }
        pieces.back().overlongLine = m_lineNumber;
        pieces.back().overlongOffset = m_lineStart;
        open = false;
        ++m_overlongCount;
        m_pending = QByteArray();
    };

    qsizetype pos = 0;
    while (pos < size) {
        const auto* newline = static_cast<const char*>(std::memchr(base + pos, '\n', size - pos));
        if (m_skipping) {
            if (!newline)
                break;
            m_skipping = false;
            pos = newline - base + 1;
            ++m_lineNumber;
            m_lineStart = baseOffset + pos;
            continue;
        }
        if (!newline) {
            // The partial line: hold it (bounded), or give up on it once it is over the cap.
            const qsizetype need = m_pending.size() + (size - pos);
            if (need > m_maxLineBytes) {
                reportOverlong();
                m_skipping = true;
            } else {
                if (need > m_pending.capacity()) {
                    // Grow geometrically but never past the cap (QByteArray alone may double it).
                    m_pending.reserve(
                        std::min(m_maxLineBytes, std::max(need, 2 * m_pending.capacity())));
                }
                m_pending.append(base + pos, size - pos);
            }
            break;
        }
        const qsizetype end = newline - base + 1;
        const qsizetype length = m_pending.size() + (end - 1 - pos); // without the '\n'
        if (length > m_maxLineBytes) {
            reportOverlong();
        } else {
            if (!open) {
                Piece piece;
                piece.prefix = std::exchange(m_pending, QByteArray()); // only at the first line
                piece.begin = pos;
                piece.offset = m_lineStart;
                piece.firstLine = m_lineNumber;
                pieces.push_back(std::move(piece));
                open = true;
            }
            Piece& piece = pieces.back();
            piece.end = end;
            ++piece.lineCount;
        }
        pos = end;
        ++m_lineNumber;
        m_lineStart = baseOffset + pos;
    }

    for (Piece& piece : pieces) {
        LineChunk chunk;
        chunk.offset = piece.offset;
        chunk.firstLine = piece.firstLine;
        chunk.lineCount = piece.lineCount;
        chunk.overlongLine = piece.overlongLine;
        chunk.overlongOffset = piece.overlongOffset;
        if (piece.lineCount > 0) {
            if (piece.prefix.isEmpty() && piece.begin == 0 && pieces.size() == 1) {
                // The common case: whole lines from the start of the read; take its buffer.
                // Only when this is the one piece: `bytes` is not used again.
                // NOLINTNEXTLINE(bugprone-use-after-move): the loop body runs once on this path
                bytes.truncate(piece.end);
                chunk.bytes = std::move(bytes);
            } else {
                chunk.bytes = std::move(piece.prefix);
                chunk.bytes.append(base + piece.begin, piece.end - piece.begin);
            }
        }
        out.append(std::move(chunk));
    }
}

QString LineAssembler::describeOverlong(qsizetype maxLineBytes)
{
    constexpr qsizetype mebibyte = 1024 * 1024;
    constexpr qsizetype kibibyte = 1024;
    if (maxLineBytes % mebibyte == 0)
        return QStringLiteral("line longer than %1 MiB").arg(maxLineBytes / mebibyte);
    if (maxLineBytes % kibibyte == 0)
        return QStringLiteral("line longer than %1 KiB").arg(maxLineBytes / kibibyte);
    return QStringLiteral("line longer than %1 bytes").arg(maxLineBytes);
}

} // namespace viewer
