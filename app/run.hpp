#pragma once

#include "record_table.hpp"
#include "series.hpp"

#include <QHash>
#include <QString>
#include <QStringList>
#include <QVariantMap>

#include <cstdint>
#include <vector>

namespace viewer {

// Something a person watching must see at a point in the run: an error, an epoch boundary, a
// restart (the step went backwards: a resume from a checkpoint). Text fields come from the file:
// show them as plain text only.
struct RunEvent
{
    enum class Kind
    {
        Error,
        EpochBegin,
        EpochEnd,
        Restart,
    };
    Kind kind = Kind::Error;
    std::uint32_t record = 0; // index in the run's RecordTable
    double time = 0.0; // ts
    double step = 0.0; // nearest step (NaN if none yet)
    double epoch = 0.0;
    QString type; // error type (e.g. "RuntimeError")
    QString message;

    // The kind's one name (--summary, tests): "error", "epoch_begin", "epoch_end", "restart".
    static QString kindName(Kind kind);
};

// A line that is not a record, with the reason in words a user understands.
struct MalformedLine
{
    std::uint64_t line = 0; // 1-based line number in the file
    std::uint64_t offset = 0; // byte offset of the line start
    QString reason; // e.g. "not JSON: unterminated string at byte 17"

    // The reason without its position, what lines are counted by: "not JSON: text after the
    // object at column 8" -> "not JSON: text after the object".
    static QString kindOf(const QString& reason);
};

// How many malformed lines had one kind of reason (MalformedLine::kindOf).
struct MalformedCount
{
    QString reason;
    std::uint64_t count = 0;
};

// One training run: the records of one `run_begin` (or of one file, or one stretch between epoch
// counter restarts) and everything derived from them. Owned by the thread that built it; handed
// between threads only as a whole (moved), never shared while being appended to.
struct Run
{
    QString id; // run_begin's "run", else "<file name>" or "<file name> #2" for later runs
    QString sourcePath; // the file it was read from ("-" for standard input)
    QString displayName; // short, for legends: file base name plus #n when a file holds several
    QVariantMap info; // run_begin's fields (host, pid, rank, user's static fields)

    RecordTable records;
    QStringList tags; // tag names; RecordTable stores indices into this
    std::vector<std::uint64_t> tagCounts; // records per tag, parallel to tags
    std::vector<Series> series;
    QHash<QString, int> seriesByKey; // Series::key() -> index into series
    std::vector<RunEvent> events;
    // Malformed lines: the first MaxListedMalformed are listed (line and reason); all of them are
    // counted, in total and by reason, exactly. A file of garbage costs kilobytes, not a copy of
    // every line's reason.
    static constexpr std::size_t MaxListedMalformed = 1000;
    std::vector<MalformedLine> malformed; // the listed ones, in line order
    std::uint64_t malformedCount = 0; // listed or not
    std::vector<MalformedCount> malformedByReason; // in order of first appearance
    std::uint64_t blankLines = 0;
    // Leaves that are not numbers (strings, booleans, arrays; null where no series has numbers):
    // not plotted, visible in the record's raw view.
    std::uint64_t skippedValues = 0;
    // Numeric leaves left out by the reader's limits (key path length, series and tags per run);
    // each limit that was hit is named once in warnings.
    std::uint64_t droppedPoints = 0;
    QStringList warnings; // plain text, e.g. "more than 10000 series: the others are not plotted"

    // Counts a malformed line, and lists it while fewer than MaxListedMalformed are.
    void addMalformed(MalformedLine line);
    // Counts `count` malformed lines that are not listed, of reason kind `kind`.
    void addUnlistedMalformed(const QString& kind, std::uint64_t count);

    int findSeries(const QString& key) const
    {
        return seriesByKey.value(key, -1);
    }
    std::size_t pointCount() const;
    std::size_t bytesUsed() const;
};

} // namespace viewer
