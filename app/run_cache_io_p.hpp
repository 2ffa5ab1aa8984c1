#pragma once
// The reading and writing halves of RunCacheFile: fields in host byte order, the checksum
// chained over each field as written, every read bounded by the bytes left. Private to
// run_cache_file.cpp and run_cache_io.cpp.

#include "run_cache_file.hpp"

#include <QFile>
#include <QStringList>
#include <QVariant>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <functional>
#include <memory>
#include <sys/mman.h>
#include <sys/stat.h>
#include <type_traits>
#include <unistd.h>
#include <vector>

namespace viewer {

namespace run_cache_io {

inline constexpr int MaxVariantDepth = 64; // the parser keeps run_begin info far shallower
inline constexpr std::size_t BufferBytes = std::size_t(1) << 20; // small fields go through it
inline constexpr double MaxGrowth = 2.0; // the room a restored run's columns get for appends

enum class VariantType : std::uint8_t
{
    Invalid,
    Null,
    Bool,
    Int64,
    UInt64,
    Double,
    String,
    List,
    Map,
};

// A field this large is checksummed on its own (its digest computed apart, on a helper thread
// while reading goes on); smaller ones are folded into the running checksum as they come.
inline constexpr std::size_t BigFieldBytes = 64 * 1024;
// A big field has one digest per piece of this many bytes (the last one shorter), so that its
// pieces are read and hashed on every core at once: a column of megabytes was one task, and
// the other core sat idle while the last one ran. A multiple of any element and of the pyramid's
// block of doubles; small enough that a piece just read is still in cache when it is hashed.
inline constexpr std::size_t PieceBytes = 256 * 1024;
inline std::size_t pieceCount(std::size_t bytes)
{
    return (bytes + PieceBytes - 1) / PieceBytes;
}
// A piece's digest: a 64-bit hash of its bytes in eight lanes (not cryptographic), twice the
// speed of RunCacheFile::hash on a piece in cache.
quint64 pieceHash(const void* data, std::size_t size, quint64 seed);

// RunCacheFile::hash in pieces: the same value for bytes added in any pieces whose sizes, all
// but the last, are multiples of 32 (what RunCacheFile::hash runs on; big columns now have a
// pieceHash per piece instead).
class StreamHash
{
public:
    explicit StreamHash(quint64 seed);
    void add(const void* data, std::size_t size);
    quint64 finish() const;

private:
    quint64 m_seed;
    quint64 m_v[4];
    unsigned char m_tail[32] = {};
    std::size_t m_tailBytes = 0;
    std::uint64_t m_total = 0;
};

// The checksum: the running fold of the small fields (a big one adds only its length there),
// then the big fields' digests in order.
inline quint64 finalChecksum(quint64 smallFields, const std::deque<quint64>& bigDigests)
{
    const std::vector<quint64> digests(bigDigests.begin(), bigDigests.end());
    return RunCacheFile::hash(digests.data(), digests.size() * sizeof(quint64), smallFields);
}

} // namespace run_cache_io

// Appends fields to memory or to a file, chaining the checksum over each field as written.
class RunCacheFile::Writer
{
public:
    using VariantType = run_cache_io::VariantType;
    static constexpr std::size_t BufferBytes = run_cache_io::BufferBytes;

    explicit Writer(int fd)
        : m_fd(fd)
    {
    }
    explicit Writer(QByteArray* bytes)
        : m_bytes(bytes)
    {
    }

    void raw(const void* data, std::size_t size)
    {
        if (size >= run_cache_io::BigFieldBytes) {
            m_checksum = hash(&size, sizeof size, m_checksum);
            const auto* bytes = static_cast<const char*>(data);
            for (std::size_t at = 0; at < size; at += run_cache_io::PieceBytes)
                m_bigDigests.push_back(run_cache_io::pieceHash(
                    bytes + at, std::min(run_cache_io::PieceBytes, size - at), 0));
        } else {
            m_checksum = hash(data, size, m_checksum);
        }
        put(data, size);
    }
    template <typename T> void value(T v)
    {
        static_assert(std::is_trivially_copyable_v<T>);
        raw(&v, sizeof v);
    }
    void u8(std::uint8_t v)
    {
        value(v);
    }
    void u32(std::uint32_t v)
    {
        value(v);
    }
    void u64(std::uint64_t v)
    {
        value(v);
    }
    void f64(double v)
    {
        value(v);
    }
    void count(std::size_t n)
    {
        u64(static_cast<std::uint64_t>(n));
    }
    void string(const QString& s)
    {
        count(static_cast<std::size_t>(s.size()));
        raw(s.constData(), static_cast<std::size_t>(s.size()) * sizeof(QChar));
    }
    void strings(const QStringList& list)
    {
        count(static_cast<std::size_t>(list.size()));
        for (const QString& s : list)
            string(s);
    }
    template <typename T> void vector(const std::vector<T>& v)
    {
        static_assert(std::is_trivially_copyable_v<T>);
        count(v.size());
        raw(v.data(), v.size() * sizeof(T));
    }
    void variant(const QVariant& v)
    {
        switch (v.typeId()) {
        case QMetaType::Nullptr:
            u8(std::uint8_t(VariantType::Null));
            break;
        case QMetaType::Bool:
            u8(std::uint8_t(VariantType::Bool));
            u8(v.toBool() ? 1 : 0);
            break;
        case QMetaType::Int:
        case QMetaType::LongLong:
            u8(std::uint8_t(VariantType::Int64));
            value(v.toLongLong());
            break;
        case QMetaType::UInt:
        case QMetaType::ULongLong:
            u8(std::uint8_t(VariantType::UInt64));
            value(v.toULongLong());
            break;
        case QMetaType::Double:
            u8(std::uint8_t(VariantType::Double));
            f64(v.toDouble());
            break;
        case QMetaType::QString:
            u8(std::uint8_t(VariantType::String));
            string(v.toString());
            break;
        case QMetaType::QVariantList: {
            u8(std::uint8_t(VariantType::List));
            const QVariantList list = v.toList();
            count(static_cast<std::size_t>(list.size()));
            for (const QVariant& item : list)
                variant(item);
            break;
        }
        case QMetaType::QVariantMap: {
            u8(std::uint8_t(VariantType::Map));
            const QVariantMap map = v.toMap();
            count(static_cast<std::size_t>(map.size()));
            for (auto it = map.cbegin(); it != map.cend(); ++it) {
                string(it.key());
                variant(it.value());
            }
            break;
        }
        default: // the parser makes none other
            u8(std::uint8_t(VariantType::Invalid));
            break;
        }
    }

    // Writes the checksum and what is buffered; false if any write failed.
    bool finish()
    {
        const quint64 sum = run_cache_io::finalChecksum(m_checksum, m_bigDigests);
        put(&sum, sizeof sum);
        flush();
        return m_error == 0;
    }
    int error() const
    {
        return m_error;
    }

private:
    void put(const void* data, std::size_t size)
    {
        if (m_bytes) {
            m_bytes->append(static_cast<const char*>(data), static_cast<qsizetype>(size));
            return;
        }
        if (m_buffer.size() + size > BufferBytes)
            flush();
        if (size >= BufferBytes)
            writeAll(static_cast<const char*>(data), size); // a column: straight to the file
        else
            m_buffer.insert(m_buffer.end(), static_cast<const char*>(data),
                static_cast<const char*>(data) + size);
    }
    void flush()
    {
        if (m_fd >= 0 && !m_buffer.empty())
            writeAll(m_buffer.data(), m_buffer.size());
        m_buffer.clear();
    }
    void writeAll(const char* data, std::size_t size)
    {
        while (size > 0 && m_error == 0) {
            const ssize_t n = ::write(m_fd, data, size);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                m_error = n < 0 ? errno : ENOSPC;
                return;
            }
            data += n;
            size -= std::size_t(n);
        }
    }

    int m_fd = -1;
    QByteArray* m_bytes = nullptr;
    std::vector<char> m_buffer;
    quint64 m_checksum = 0;
    std::deque<quint64> m_bigDigests;
    int m_error = 0;
};

// Reads fields from memory or a file, never past its end, chaining the checksum as the writer
// did. Any failure sticks: later reads fail too, so callers check once at the end of a group.
class RunCacheFile::Reader
{
public:
    using VariantType = run_cache_io::VariantType;
    static constexpr std::size_t BufferBytes = run_cache_io::BufferBytes;
    static constexpr int MaxVariantDepth = run_cache_io::MaxVariantDepth;
    static constexpr double MaxGrowth = run_cache_io::MaxGrowth;

    explicit Reader(const QString& path)
    {
        m_fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        struct stat st = {};
        if (m_fd < 0 || ::fstat(m_fd, &st) != 0 || !S_ISREG(st.st_mode))
            m_failed = true;
        else
            m_size = static_cast<std::uint64_t>(st.st_size);
    }
    Reader(const char* data, std::size_t size)
        : m_data(data)
        , m_size(size)
    {
    }
    ~Reader()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    bool ok() const
    {
        return !m_failed;
    }
    bool fail()
    {
        m_failed = true;
        return false;
    }
    std::uint64_t remaining() const
    {
        return m_size - m_pos;
    }
    // The checksum of what was read; call once the deferred work is done.
    quint64 checksum() const
    {
        return run_cache_io::finalChecksum(m_checksum, m_bigDigests);
    }

    // Work that may run on another thread while reading goes on (a big field's digest, a
    // pyramid): handed to `defer` when set, else done at once.
    using Task = std::function<void()>;
    void setDefer(std::function<void(Task)> defer)
    {
        m_defer = std::move(defer);
    }
    void later(Task task)
    {
        if (m_defer)
            m_defer(std::move(task));
        else
            task();
    }
    bool defers() const
    {
        return bool(m_defer);
    }

    // deferrable: `into` stays where it is until the deferred work is done (a column of a run
    // the builder owns), so its digest may be computed later on another thread.
    bool raw(void* into, std::size_t size, bool deferrable = false)
    {
        return get(into, size) && account(into, size, deferrable);
    }

private:
    static constexpr std::size_t BounceBytes = std::size_t(1) << 20; // a multiple of any element

    // A column of megabytes is about to be written whole: its pages are made present in one call
    // rather than by one fault per 4 KiB as the bytes land (the faults were a quarter of a
    // re-open). Whole pages inside it only; a hint (older kernels say EINVAL: nothing changes).
    static void prefault(void* data, std::size_t bytes)
    {
#ifdef MADV_POPULATE_WRITE
        constexpr std::uintptr_t Page = 4096;
        if (bytes < (std::size_t(1) << 20))
            return;
        const auto begin = reinterpret_cast<std::uintptr_t>(data);
        const std::uintptr_t first = (begin + Page - 1) & ~(Page - 1);
        const std::uintptr_t last = (begin + bytes) & ~(Page - 1);
        if (last <= first)
            return;
#ifdef MADV_HUGEPAGE
        // Huge pages inside it where they fit whole: one fault per 2 MiB instead of 512
        // (the column's own pages only, so nothing is resident that was not before).
        constexpr std::uintptr_t Huge = std::uintptr_t(2) << 20;
        const std::uintptr_t hugeFirst = (begin + Huge - 1) & ~(Huge - 1);
        const std::uintptr_t hugeLast = (begin + bytes) & ~(Huge - 1);
        if (hugeLast > hugeFirst)
            ::madvise(reinterpret_cast<void*>(hugeFirst), hugeLast - hugeFirst, MADV_HUGEPAGE);
#endif
        ::madvise(reinterpret_cast<void*>(first), last - first, MADV_POPULATE_WRITE);
#else
        (void)data;
        (void)bytes;
#endif
    }

    // Adds a field just read to the checksum.
    bool account(const void* data, std::size_t size, bool deferrable)
    {
        if (size >= run_cache_io::BigFieldBytes) {
            m_checksum = hash(&size, sizeof size, m_checksum);
            const auto* bytes = static_cast<const char*>(data);
            for (std::size_t at = 0; at < size; at += run_cache_io::PieceBytes) {
                const std::size_t piece = std::min(run_cache_io::PieceBytes, size - at);
                quint64& digest = m_bigDigests.emplace_back(0); // a deque: the slot stays put
                if (deferrable)
                    later([&digest, p = bytes + at, piece] {
                        digest = run_cache_io::pieceHash(p, piece, 0);
                    });
                else
                    digest = run_cache_io::pieceHash(bytes + at, piece, 0);
            }
        } else {
            m_checksum = hash(data, size, m_checksum);
        }
        return true;
    }

public:
    template <typename T> T value()
    {
        static_assert(std::is_trivially_copyable_v<T>);
        T v {};
        raw(&v, sizeof v);
        return v;
    }
    std::uint8_t u8()
    {
        return value<std::uint8_t>();
    }
    std::uint32_t u32()
    {
        return value<std::uint32_t>();
    }
    std::uint64_t u64()
    {
        return value<std::uint64_t>();
    }
    double f64()
    {
        return value<double>();
    }
    // A count of elements of at least `elementBytes` each: never more than the bytes left allow.
    std::size_t count(std::size_t elementBytes)
    {
        const std::uint64_t n = u64();
        if (!ok() || n > remaining() / std::max<std::size_t>(1, elementBytes)) {
            fail();
            return 0;
        }
        return static_cast<std::size_t>(n);
    }
    QString string()
    {
        const std::size_t n = count(sizeof(QChar));
        QString s(static_cast<qsizetype>(n), Qt::Uninitialized);
        if (!raw(s.data(), n * sizeof(QChar)))
            return {};
        return s;
    }
    QStringList strings()
    {
        const std::size_t n = count(sizeof(std::uint64_t));
        QStringList list; // not reserved: a count the file cannot back allocates nothing
        for (std::size_t i = 0; i < n && ok(); ++i)
            list.append(string());
        return list;
    }
    // Room for appends beyond what is read into a vector (1: none), as a share of it.
    void setGrowth(double growth)
    {
        m_growth = std::clamp(growth, 1.0, MaxGrowth);
    }

    template <typename T> bool vector(std::vector<T>& v)
    {
        static_assert(std::is_trivially_copyable_v<T>);
        static_assert(BounceBytes % sizeof(T) == 0);
        return vectorOf(v, count(sizeof(T)));
    }
    // A vector whose count was read: its n elements.
    template <typename T> bool vectorOf(std::vector<T>& v, std::size_t n)
    {
        reserveFor(v, n);
        prefault(v.data(), v.capacity() * sizeof(T));
        // Through a cache-sized buffer, appended whole: no zero-filling pass over the column
        // before the bytes land in it (that pass cost as much as the read).
        if (m_bounce.size() < BounceBytes && n * sizeof(T) > 0)
            m_bounce.resize(BounceBytes);
        for (std::size_t left = n * sizeof(T); left > 0;) {
            const std::size_t take = std::min(left, BounceBytes);
            if (!get(m_bounce.data(), take))
                return false;
            const auto* first = reinterpret_cast<const T*>(m_bounce.data());
            v.insert(v.end(), first, first + take / sizeof(T));
            left -= take;
        }
        return account(v.data(), n * sizeof(T), true);
    }
    // A big vector that stays where it is until the deferred work is done (a column of a run the
    // builder owns), read by helpers: here its count is checked and its room made (sized, so its
    // pieces can be written in any order) and its bytes skipped; each piece is then read straight
    // into it and hashed (its digest in its place in the checksum) as a task of its own, on any
    // thread, and `landed` told of it (its first and last index: first a multiple of PieceBytes'
    // elements), after `sized` was told its count; the task that does the last piece runs `then`
    // (false: the read fails, as a failed checkLater() does). So nothing here may look at its
    // elements before the deferred work is done: checks of them go to checkLater(). Returns the
    // count (0 on failure). Read at once without helpers (then only `then` is called).
    using Check = std::function<bool()>;
    struct Late
    {
        Check then;
        std::function<void(std::size_t)> sized;
        std::function<void(std::size_t, std::size_t)> landed;
    };
    template <typename T> std::size_t vectorLater(std::vector<T>& v, Check then = {})
    {
        Late late;
        late.then = std::move(then);
        return vectorLater(v, std::move(late));
    }
    template <typename T> std::size_t vectorLater(std::vector<T>& v, Late late)
    {
        Check& then = late.then;
        static_assert(std::is_trivially_copyable_v<T>);
        static_assert(BounceBytes % sizeof(T) == 0);
        static_assert(run_cache_io::PieceBytes % sizeof(T) == 0);
        const std::uint64_t at = m_pos + sizeof(std::uint64_t); // just past the count
        const std::size_t n = count(sizeof(T));
        const std::size_t bytes = n * sizeof(T);
        if (!defers() || bytes == 0 || bytes < m_lateColumnBytes) {
            if (!vectorOf(v, n))
                return 0;
            if (then && !then())
                fail();
            return n;
        }
        skip(bytes);
        m_checksum = hash(&bytes, sizeof bytes, m_checksum);
        const std::size_t pieces = run_cache_io::pieceCount(bytes);
        constexpr std::size_t PieceElements = run_cache_io::PieceBytes / sizeof(T);
        // Shared by the pieces' tasks: the last one to finish runs `then`.
        struct Column
        {
            explicit Column(std::size_t pieces, Late late)
                : left(pieces)
                , late(std::move(late))
            {
            }
            std::atomic<std::size_t> left;
            Late late;
        };
        const auto column = std::make_shared<Column>(pieces, std::move(late));
        // The digests' slots in file order, here (a deque: the slots stay put).
        std::vector<quint64*> digestSlots;
        for (std::size_t p = 0; p < pieces; ++p)
            digestSlots.push_back(&m_bigDigests.emplace_back(0));
        // Its room is made by a task too (zero-filled once, its pages made present first: as
        // much work as reading it), so the columns' rooms are made on every core; that task
        // then hands out the pieces, which land at their places.
        later([this, &v, at, n, growth = m_growth, digestSlots = std::move(digestSlots), column] {
            reserveFor(v, n, growth);
            prefault(v.data(), v.capacity() * sizeof(T));
            v.resize(n);
            if (column->late.sized)
                column->late.sized(n);
            for (std::size_t p = 0; p < digestSlots.size(); ++p)
                later([this, &v, &digest = *digestSlots[p], at, n, p, column] {
                    const std::size_t first = p * PieceElements;
                    const std::size_t last = std::min(n, first + PieceElements);
                    auto* into = reinterpret_cast<char*>(v.data() + first);
                    const std::size_t size = (last - first) * sizeof(T);
                    if (readPiece(into, size, at + first * sizeof(T))) {
                        digest = run_cache_io::pieceHash(into, size, 0);
                        if (column->late.landed)
                            column->late.landed(first, last);
                    } else {
                        m_lateFailed = true;
                    }
                    if (column->left.fetch_sub(1, std::memory_order_acq_rel) == 1
                        && column->late.then && !column->late.then())
                        m_lateFailed = true;
                });
        });
        return n;
    }
    void setLateColumnBytes(std::size_t bytes)
    {
        m_lateColumnBytes = bytes;
    }
    // A check of what vectorLater() reads: done once the deferred work is (without helpers, at
    // once); a false one fails the read.
    void checkLater(Check check)
    {
        if (!defers()) {
            if (!check())
                fail();
            return;
        }
        m_checks.push_back(std::move(check));
    }
    // After the deferred work: whether all of it read and checked well.
    bool lateOk()
    {
        if (m_lateFailed)
            return fail();
        for (const std::function<bool()>& check : m_checks) {
            if (!check())
                return fail();
        }
        m_checks.clear();
        return ok();
    }
    QVariant variant(int depth = 0)
    {
        if (depth > MaxVariantDepth) {
            fail();
            return {};
        }
        switch (static_cast<VariantType>(u8())) {
        case VariantType::Invalid:
            return {};
        case VariantType::Null:
            return QVariant::fromValue(nullptr);
        case VariantType::Bool:
            return QVariant(u8() != 0);
        case VariantType::Int64:
            return QVariant::fromValue(value<qint64>());
        case VariantType::UInt64:
            return QVariant::fromValue(value<quint64>());
        case VariantType::Double:
            return QVariant(f64());
        case VariantType::String:
            return QVariant(string());
        case VariantType::List: {
            const std::size_t n = count(1);
            QVariantList list;
            for (std::size_t i = 0; i < n && ok(); ++i)
                list.append(variant(depth + 1));
            return list;
        }
        case VariantType::Map: {
            const std::size_t n = count(sizeof(std::uint64_t) + 1);
            QVariantMap map;
            for (std::size_t i = 0; i < n && ok(); ++i) {
                const QString key = string();
                map.insert(key, variant(depth + 1));
            }
            return map;
        }
        }
        fail(); // an unknown type
        return {};
    }

private:
    template <typename T> void reserveFor(std::vector<T>& v, std::size_t n)
    {
        reserveFor(v, n, m_growth);
    }
    template <typename T> static void reserveFor(std::vector<T>& v, std::size_t n, double growth)
    {
        // Never more than the file holds (times the growth asked for).
        v.clear();
        if (growth > 1.0 && n > 0)
            v.reserve(static_cast<std::size_t>(double(n) * growth) + 16);
        else
            v.reserve(n);
    }
    // A piece of a column, on any thread: from memory, or a positioned read of the file.
    bool readPiece(char* into, std::size_t size, std::uint64_t at) const
    {
        if (m_data) {
            std::memcpy(into, m_data + at, size);
            return true;
        }
        return readAt(into, size, at);
    }
    // Moves past bytes known to be in the file (count() checked them), keeping the buffer's
    // window right.
    void skip(std::size_t bytes)
    {
        const std::size_t buffered = m_buffer.size() - m_bufferPos;
        if (bytes < buffered) {
            m_bufferPos += bytes;
        } else {
            m_buffer.clear();
            m_bufferPos = 0;
        }
        m_pos += bytes;
    }
    bool get(void* into, std::size_t size)
    {
        if (m_failed || size > remaining())
            return fail();
        if (size == 0)
            return true; // an empty vector's data() may be null: no memcpy from or to it
        auto* out = static_cast<char*>(into);
        if (m_data) {
            std::memcpy(out, m_data + m_pos, size);
            m_pos += size;
            return true;
        }
        while (size > 0) {
            if (m_bufferPos < m_buffer.size()) {
                const std::size_t n = std::min(size, m_buffer.size() - m_bufferPos);
                std::memcpy(out, m_buffer.data() + m_bufferPos, n);
                m_bufferPos += n;
                m_pos += n;
                out += n;
                size -= n;
            } else if (size >= BufferBytes) { // a column: straight into the vector
                if (!readAt(out, size, m_pos))
                    return fail();
                m_pos += size;
                return true;
            } else {
                const auto n =
                    static_cast<std::size_t>(std::min<std::uint64_t>(BufferBytes, remaining()));
                m_buffer.resize(n);
                m_bufferPos = 0;
                if (!readAt(m_buffer.data(), n, m_pos))
                    return fail();
            }
        }
        return true;
    }
    bool readAt(char* into, std::size_t size, std::uint64_t at) const
    {
        while (size > 0) {
            const ssize_t n = ::pread(m_fd, into, size, off_t(at));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return false; // an error, or the file shrank since it was opened
            into += n;
            at += std::uint64_t(n);
            size -= std::size_t(n);
        }
        return true;
    }

    const char* m_data = nullptr;
    int m_fd = -1;
    std::uint64_t m_size = 0;
    std::uint64_t m_pos = 0;
    std::vector<char> m_buffer; // file bytes [m_pos - m_bufferPos, ...)
    std::size_t m_bufferPos = 0;
    quint64 m_checksum = 0;
    std::deque<quint64> m_bigDigests;
    std::function<void(Task)> m_defer;
    std::atomic<bool> m_lateFailed { false }; // set by a helper: a deferred read failed
    std::size_t m_lateColumnBytes = run_cache_io::BigFieldBytes; // vectorLater() defers from
    std::vector<std::function<bool()>> m_checks;
    std::vector<unsigned char> m_bounce; // heap memory: aligned for any element
    double m_growth = 1.0;
    bool m_failed = false;
};

} // namespace viewer
