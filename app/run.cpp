#include "run.hpp"

#include <array>

namespace viewer {

QString RunEvent::kindName(Kind kind)
{
    // In the order of Kind.
    static constexpr std::array<const char*, 4> Names { "error", "epoch_begin", "epoch_end",
        "restart" };
    static_assert(Names.size() == std::size_t(Kind::Restart) + 1);
    return QString::fromLatin1(Names.at(static_cast<std::size_t>(kind)));
}

QString MalformedLine::kindOf(const QString& reason)
{
    // Every reason that names a place ends with " at column N" (JsonLineScanner).
    static const QLatin1String marker(" at column ");
    const qsizetype at = reason.lastIndexOf(marker);
    if (at < 0)
        return reason;
    for (qsizetype i = at + marker.size(); i < reason.size(); ++i) {
        if (!reason[i].isDigit())
            return reason;
    }
    return reason.left(at);
}

void Run::addMalformed(MalformedLine line)
{
    const QString kind = MalformedLine::kindOf(line.reason);
    if (malformed.size() < MaxListedMalformed)
        malformed.push_back(std::move(line));
    addUnlistedMalformed(kind, 1);
}

void Run::addUnlistedMalformed(const QString& kind, std::uint64_t count)
{
    malformedCount += count;
    for (MalformedCount& c : malformedByReason) {
        if (c.reason == kind) {
            c.count += count;
            return;
        }
    }
    malformedByReason.push_back({ kind, count });
}

std::size_t Run::pointCount() const
{
    std::size_t n = 0;
    for (const Series& s : series)
        n += s.size();
    return n;
}

std::size_t Run::bytesUsed() const
{
    std::size_t bytes = sizeof(Run) + records.bytesUsed()
        + tagCounts.capacity() * sizeof(std::uint64_t) + events.capacity() * sizeof(RunEvent)
        + malformed.capacity() * sizeof(MalformedLine);
    for (const Series& s : series)
        bytes += s.bytesUsed();
    // QHash node: key + value + bookkeeping, roughly.
    bytes += static_cast<std::size_t>(seriesByKey.size()) * 64;
    return bytes;
}

} // namespace viewer
