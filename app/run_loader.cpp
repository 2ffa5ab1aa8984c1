#include "run_loader.hpp"

#include "chunk_parser.hpp"
#include "line_assembler.hpp"
#include "run_builder.hpp"

#include <QFile>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <mutex>
#include <optional>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace viewer {

namespace {

constexpr qsizetype fingerprintBytes = 1024; // as FileFollower's: the reference for "rewritten"

struct Block
{
    qint64 begin = 0;
    qint64 end = 0; // just past its last '\n'
    bool overlong = false; // one line longer than maxLineBytes: named, its bytes never kept
};

// Reads up to `want` bytes at `at`; the count read (short only at the end of the file), or -1.
qint64 readAt(int fd, char* into, qint64 want, qint64 at)
{
    qint64 got = 0;
    while (got < want) {
        const ssize_t n = ::pread(fd, into + got, std::size_t(want - got), off_t(at + got));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            break;
        got += n;
    }
    return got;
}

// Cuts the file into blocks of about blockBytes ending just after a '\n', in file order, reading
// each into the claiming thread's own buffer with pread(): a file that shrinks meanwhile gives a
// short read (noticed and reported), never the SIGBUS a mapping gives. Not thread-safe: callers
// hold a lock around next().
class BlockReader
{
public:
    BlockReader(int fd, qint64 size, qint64 blockBytes, qint64 maxLineBytes, qint64 from)
        : m_fd(fd)
        , m_size(size)
        , m_blockBytes(std::max<qint64>(1, blockBytes))
        , m_maxLineBytes(maxLineBytes)
        , m_next(from)
    {
    }

    // The next block, its bytes in `buffer` (overlong blocks: none), or nullopt at the end: the
    // last complete line was read, the file shrank (shrunk()) or a read failed (error()).
    std::optional<Block> next(std::vector<char>& buffer)
    {
        if (m_stopped || m_next >= m_size)
            return std::nullopt;
        const qint64 begin = m_next;
        qint64 have = 0;
        // Grows past one block only for a line longer than a block (up to maxLineBytes + 1).
        for (;;) {
            const qint64 want = std::min(m_blockBytes, m_size - (begin + have));
            if (want <= 0)
                return stop(); // the rest is an unfinished last line, left for the follower
            if (qint64(buffer.size()) < have + want)
                buffer.resize(std::size_t(have + want));
            if (!readFully(buffer.data() + have, want, begin + have))
                return std::nullopt;
            const qint64 searchFrom = have;
            have += want;
            if (const qint64 end = lastNewline(buffer.data(), searchFrom, have); end > 0) {
                m_next = begin + end;
                if (begin == 0)
                    m_head.assign(buffer.data(), std::size_t(std::min(end, fingerprintBytes)));
                return Block { begin, begin + end, false };
            }
            if (have > m_maxLineBytes)
                return skipOverlong(begin, have, buffer);
        }
    }

    bool shrunk() const
    {
        return m_shrunk;
    }
    // Every block was handed out (or reading stopped at a shrink or an error).
    bool atEnd() const
    {
        return m_stopped || m_next >= m_size;
    }
    int error() const
    {
        return m_error;
    }
    // The first bytes of the file as read (up to 1 KiB of its first block).
    const std::string& head() const
    {
        return m_head;
    }

private:
    std::nullopt_t stop()
    {
        m_stopped = true;
        return std::nullopt;
    }

    bool readFully(char* into, qint64 want, qint64 at)
    {
        const qint64 got = readAt(m_fd, into, want, at);
        if (got < 0)
            m_error = errno;
        else if (got < want)
            m_shrunk = true; // the size was taken at the start: bytes before it are gone
        if (got == want)
            return true;
        m_stopped = true;
        return false;
    }

    // One past the last '\n' in data[from, to), or 0.
    static qint64 lastNewline(const char* data, qint64 from, qint64 to)
    {
        for (qint64 i = to; i > from; --i)
            if (data[i - 1] == '\n')
                return i;
        return 0;
    }

    // A line longer than maxLineBytes: its end is found reading blocks into the same buffer.
    std::optional<Block> skipOverlong(qint64 begin, qint64 scanned, std::vector<char>& buffer)
    {
        qint64 at = begin + scanned;
        for (;;) {
            const qint64 want = std::min(m_blockBytes, m_size - at);
            if (want <= 0)
                return stop(); // unfinished last line
            if (!readFully(buffer.data(), want, at))
                return std::nullopt;
            if (const void* nl = std::memchr(buffer.data(), '\n', std::size_t(want))) {
                m_next = at + (static_cast<const char*>(nl) - buffer.data()) + 1;
                return Block { begin, m_next, true };
            }
            at += want;
        }
    }

    int m_fd;
    qint64 m_size;
    qint64 m_blockBytes;
    qint64 m_maxLineBytes;
    qint64 m_next;
    bool m_stopped = false;
    bool m_shrunk = false;
    int m_error = 0;
    std::string m_head;
};

// True if the file now is shorter than `end`, or no longer starts with `head`: it was truncated
// (and perhaps regrown) while it was read.
bool changedSince(int fd, qint64 end, const std::string& head)
{
    struct stat st = {};
    if (::fstat(fd, &st) != 0 || st.st_size < end)
        return true;
    if (head.empty())
        return false;
    std::string now(head.size(), '\0');
    return readAt(fd, now.data(), qint64(now.size()), 0) != qint64(head.size()) || now != head;
}

} // namespace

RunLoader::Result RunLoader::load(const QString& path, RunBuilder& builder,
    const std::atomic<bool>& cancel, const Progress& progress, int threads, qint64 blockBytes,
    LinePosition from)
{
    Result result;
    result.end = from;
    // O_NONBLOCK: opening a FIFO must never wait for a writer (streams are not loaded here).
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        result.error = qt_error_string(errno);
        return result;
    }
    struct Closer
    {
        int fd;
        ~Closer()
        {
            ::close(fd);
        }
    } closer { fd };
    struct stat st = {};
    if (::fstat(fd, &st) != 0) {
        result.error = qt_error_string(errno);
        return result;
    }
    if (S_ISDIR(st.st_mode)) {
        result.error = QStringLiteral("is a folder, not a file");
        return result;
    }
    if (!S_ISREG(st.st_mode)) {
        result.error = QStringLiteral("not a regular file (a pipe or device is read as a stream)");
        return result;
    }
    result.fileSize = st.st_size;
    if (result.fileSize < from.offset) {
        result.changedWhileReading = QStringLiteral("file truncated while it was read");
        return result;
    }
    if (result.fileSize == 0)
        return result;

    builder.expectFileSize(static_cast<std::uint64_t>(result.fileSize));
    BlockReader reader(
        fd, result.fileSize, blockBytes, qint64(LineAssembler::DefaultMaxLineBytes), from.offset);
    std::mutex readMutex; // orders claims: blocks are numbered in file order
    std::mutex mutex; // guards blocks, parsed, nextMerge, merging, spare
    std::deque<Block> blocks;
    std::deque<std::optional<ParsedChunk>> parsed;
    std::size_t nextMerge = 0;
    auto nextLine = static_cast<std::uint64_t>(from.lineNumber); // first line of block nextMerge
    bool merging = false;
    // Merged chunks, handed back to the parsers: their arrays are reused rather than allocated
    // (and page-faulted) again for every block.
    std::vector<ParsedChunk> spare;

    const auto mergeOne = [&](ParsedChunk& ready, const Block& block) {
        if (block.overlong) {
            builder.addMalformed(nextLine, static_cast<std::uint64_t>(block.begin),
                LineAssembler::describeOverlong());
            nextLine += 1;
        } else {
            ready.renumber(nextLine);
            nextLine += ready.lineCount;
            builder.append(ready);
        }
        if (progress)
            progress(block.end, result.fileSize);
    };

    // Parses blocks in any order; whoever finds the next block in file order ready merges it (and
    // those after it), so merging never waits for a dedicated thread and stays in order.
    auto work = [&] {
        ChunkParser parser;
        std::vector<char> buffer; // this thread's, reused for every block it reads
        for (;;) {
            if (cancel.load(std::memory_order_relaxed))
                return;
            std::size_t i = 0;
            Block block;
            {
                const std::lock_guard readLock(readMutex);
                const std::optional<Block> next = reader.next(buffer);
                if (!next)
                    return;
                block = *next;
                const std::lock_guard lock(mutex);
                i = blocks.size();
                blocks.push_back(block);
                parsed.emplace_back();
            }
            ParsedChunk recycled;
            {
                const std::lock_guard lock(mutex);
                if (!spare.empty()) {
                    recycled = std::move(spare.back());
                    spare.pop_back();
                }
            }
            ParsedChunk chunk = block.overlong
                ? ParsedChunk {}
                : parser.parse(buffer.data(), static_cast<std::size_t>(block.end - block.begin),
                    static_cast<std::uint64_t>(block.begin), 1, std::move(recycled));
            std::unique_lock lock(mutex);
            parsed[i] = std::move(chunk);
            if (merging)
                continue;
            merging = true;
            while (nextMerge < parsed.size() && parsed[nextMerge]
                && !cancel.load(std::memory_order_relaxed)) {
                ParsedChunk ready = std::move(*parsed[nextMerge]);
                parsed[nextMerge].reset();
                const std::size_t merged = nextMerge;
                const Block mergedBlock = blocks[merged];
                lock.unlock();
                mergeOne(ready, mergedBlock);
                lock.lock();
                spare.push_back(std::move(ready));
                nextMerge = merged + 1;
            }
            merging = false;
        }
    };

    std::vector<std::thread> helpers;
    for (int t = 1; t < std::max(1, threads); ++t)
        helpers.emplace_back(work);
    work();
    for (std::thread& t : helpers)
        t.join();
    // A helper may have parsed the next block after the last merger left: merge what is ready.
    while (nextMerge < parsed.size() && parsed[nextMerge] && !cancel.load()) {
        mergeOne(*parsed[nextMerge], blocks[nextMerge]);
        ++nextMerge;
    }

    builder.expectFileSize(0); // appends after the load (following) grow as they come

    if (nextMerge > 0) {
        result.end.offset = blocks[nextMerge - 1].end;
        result.end.lineNumber = static_cast<qint64>(nextLine);
    }
    if (reader.error() != 0) {
        result.error = QStringLiteral("read error: %1").arg(qt_error_string(reader.error()));
        return result;
    }
    if (reader.shrunk() || changedSince(fd, result.end.offset, reader.head())) {
        // What was merged may mix the old content with the new: the caller starts over.
        result.changedWhileReading = QStringLiteral("file truncated while it was read");
        return result;
    }

    // Pyramids and spare capacity once per series, split between the threads.
    std::vector<Series*> series;
    for (int r = 0; r < builder.runCount(); ++r) {
        builder.run(r).records.finishAppending();
        for (Series& s : builder.run(r).series)
            series.push_back(&s);
    }
    std::atomic<std::size_t> nextSeries { 0 };
    auto finish = [&] {
        for (std::size_t i = nextSeries.fetch_add(1); i < series.size();
             i = nextSeries.fetch_add(1))
            series[i]->finishAppending();
    };
    helpers.clear();
    for (int t = 1; t < std::max(1, threads); ++t)
        helpers.emplace_back(finish);
    finish();
    for (std::thread& t : helpers)
        t.join();

    // Cancelled when a claimed block was not merged, or blocks were left unclaimed.
    result.cancelled = cancel.load() && (nextMerge < blocks.size() || !reader.atEnd());
    return result;
}

} // namespace viewer
