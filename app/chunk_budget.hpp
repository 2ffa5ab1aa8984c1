#pragma once

#include <QtGlobal>

#include <atomic>
#include <memory>

namespace viewer {

// Back-pressure between a source's reader and the GUI thread's merge. A reader that is faster
// than parsing and merging (a 1 GB burst, `telemetry-viewer - < /dev/urandom`) would otherwise
// queue chunks without bound: 800 MB of queued bytes was measured for urandom on standard input.
// A chunk takes a credit for its bytes when it is read; the credit travels with the chunk (and
// with its parsed form) and gives the bytes back when its last copy is destroyed, after the merge.
// Readers do not read more while the bytes in flight are at the limit: a blocking reader
// (StdinReader's own thread) waits in waitForRoom(); an event-loop reader (FileFollower) checks
// hasRoom() and looks again a little later, so that its thread stays free to stop. The writer of
// a pipe is then held up by the pipe itself, and a file simply waits on disk.
// One chunk is always let through when nothing is in flight, whatever its size, so a chunk bigger
// than the limit cannot stall the source. Thread-safe; credits may outlive the budget object.
class ChunkBudget
{
public:
    // 64 MiB for a followed file or folder: eight of the followers' 8 MiB reads. A follower
    // reads and parses on one thread, so a budget of two chunks left it idle while the GUI thread
    // merged (7.9 M lines appended: 15.5 s against 12.0 s unbounded; 64 MiB: same time), and a
    // file waits on disk anyway. A stream's reader has its own thread and a smaller budget
    // (StdinReader::DefaultMaxBytesInFlight).
    static constexpr qint64 DefaultMaxBytesInFlight = qint64(64) * 1024 * 1024;

    explicit ChunkBudget(qint64 maxBytesInFlight = DefaultMaxBytesInFlight);

    // <= 0: no limit (hasRoom() is always true; credits still count).
    void setMaxBytesInFlight(qint64 bytes);
    qint64 maxBytesInFlight() const;

    qint64 bytesInFlight() const;
    // The most bytes that were in flight at once since construction.
    qint64 peakBytesInFlight() const;
    bool hasRoom() const;

    // Waits until hasRoom() or `stop` becomes true, looking at `stop` at least every 20 ms.
    // Returns true when it had to wait.
    bool waitForRoom(const std::atomic<bool>& stop) const;

    // Counts `bytes` as in flight until the last copy of the returned credit is destroyed.
    std::shared_ptr<const void> take(qint64 bytes);

private:
    struct State;
    std::shared_ptr<State> m_state;
};

} // namespace viewer
