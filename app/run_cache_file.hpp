#pragma once

#include "line_chunk.hpp"

#include <QString>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

namespace viewer {

class RecordTable;
class RunBuilder;
class Series;
class StridedIndexColumn;

// What a cache file was made from: a file is served from its cache only while all of it matches
// (see RunCache). Hashes cover the file's bytes up to the cached end (where parsing stopped).
struct RunCacheKey
{
    QString path; // canonical path: names the entry
    QString openedAs; // absolute path as opened: the runs are named after it
    qint64 size = 0; // the file's size when it was read
    qint64 mtimeNs = 0;
    quint64 inode = 0;
    quint64 device = 0;
    quint64 headHash = 0; // of its first HashedBytes (up to the cached end)
    quint64 tailHash = 0; // of the HashedBytes before the cached end

    static constexpr qint64 HashedBytes = 64 * 1024;
    friend bool operator==(const RunCacheKey&, const RunCacheKey&) = default;
};

// One file's parsed state on disk: every field of every Run of a RunBuilder and the builder's
// per-run merging state, so that a restored builder goes on appending exactly as if it had parsed
// the file itself, and the position following resumes from.
//
// Layout (host byte order; a file written elsewhere fails the byte-order mark):
//   magic "TVRUNCA\n", u32 version, u32 0x01020304, key, end, builder, runs..., u64 checksum.
// Vectors are a u64 count and their raw elements, read in one block into exact-sized vectors. A
// StridedIndexColumn is its blocks (first, stride, plainAt: u32 each, flattened) and its plain
// entries.
// The checksum (a 64-bit hash chained over every field as written) catches a torn or damaged
// file; it is no defence against a crafted one, so nothing read is trusted: every count is
// checked against the bytes left before anything is allocated, every index against what it
// indexes, and the derived structures (key maps, pyramids) are rebuilt, never read.
class RunCacheFile
{
public:
    // 2: series record indices in strided blocks; 3: a big field's checksum in 256 KiB pieces
    static constexpr std::uint32_t Version = 3;

    struct Header
    {
        RunCacheKey key;
        LinePosition end; // just past the last line the builder holds
    };

    // Writes the whole file to `path` (created or truncated). False, with a reason, on failure.
    static bool write(
        const QString& path, const Header& header, const RunBuilder& builder, QString* error);
    // The same bytes in memory (tests, the fuzzer's seeds).
    static QByteArray toBytes(const Header& header, const RunBuilder& builder);

    // A cache file to read: header() first, then builder().
    explicit RunCacheFile(const QString& path);
    RunCacheFile(const char* data, std::size_t size);
    ~RunCacheFile();
    RunCacheFile(const RunCacheFile&) = delete;
    RunCacheFile& operator=(const RunCacheFile&) = delete;

    // Nothing when the file cannot be read or is not a cache file of this version.
    std::optional<Header> header();
    // The builder for sourcePath (the file as opened now), or nullptr when anything in the file
    // is inconsistent, truncated or fails the checksum. Call once, after header(). The series'
    // pyramids are built on `threads` threads. lastRunGrowth: the last run's columns get room
    // for that many times their points (up to 2), for the appends about to be parsed.
    std::unique_ptr<RunBuilder> builder(
        const QString& sourcePath, int threads = 1, double lastRunGrowth = 1.0);

    // From this size on, builder() has a column read by a helper while it reads on (when it has
    // helpers; 64 KiB by default): the fuzzer lowers it to reach that path with small files.
    void setLateColumnBytes(std::size_t bytes);

    // The checksum builder() computed over what it read (whether or not it matched the stored
    // one): the fuzzer writes it into a mutated file, to reach past the checksum.
    quint64 computedChecksum() const
    {
        return m_computedChecksum;
    }

    // The hash the key and the checksum use (64-bit, fast; not cryptographic).
    static quint64 hash(const void* data, std::size_t size, quint64 seed);

    class Writer;
    class Reader;

private:
    // Field by field, in file order (the friends' private members are reached only from here).
    static void writeBuilder(Writer& out, const Header& header, const RunBuilder& builder);
    static bool readBuilder(Reader& in, RunBuilder& builder, double lastRunGrowth);
    static void writeRecords(Writer& out, const RecordTable& records);
    static bool readRecords(Reader& in, RecordTable& records, std::size_t tagCount);
    static void writeSeries(Writer& out, const Series& series);
    // staysPut: `series` is not moved before the deferred work is done (it may fill it).
    static bool readSeries(Reader& in, Series& series, std::size_t recordCount, bool staysPut);
    static void writeIndexColumn(Writer& out, const StridedIndexColumn& column);
    // The column's blocks and plain entries; the caller sets and checks its size.
    static void readIndexColumn(Reader& in, StridedIndexColumn& column);

    std::unique_ptr<Reader> m_reader;
    bool m_headerRead = false;
    quint64 m_computedChecksum = 0;
};

} // namespace viewer
