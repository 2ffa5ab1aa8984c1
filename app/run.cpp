#include "run.hpp"

namespace viewer {

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
