#include "run_cache_file.hpp"

#include "run_builder.hpp"
#include "run_builder_p.hpp"

#include <QFile>
#include <QVariant>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <thread>
#include <type_traits>
#include <unistd.h>
#include <vector>

namespace viewer {

namespace {

constexpr char Magic[8] = { 'T', 'V', 'R', 'U', 'N', 'C', 'A', '\n' };
constexpr std::uint32_t ByteOrderMark = 0x01020304;
constexpr int MaxVariantDepth = 64; // the parser keeps run_begin info far shallower
constexpr std::size_t BufferBytes = std::size_t(1) << 20; // small fields go through it
constexpr double MaxGrowth = 2.0; // the room a restored run's columns get for appends

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

// xxHash64's structure: four lanes of 8 bytes, so it runs at memory speed.
constexpr quint64 P1 = 11400714785074694791ULL;
constexpr quint64 P2 = 14029467366897019727ULL;
constexpr quint64 P3 = 1609587929392839161ULL;
constexpr quint64 P4 = 9650029242287828579ULL;
constexpr quint64 P5 = 2870177450012600261ULL;

quint64 rotl(quint64 x, int r)
{
    return (x << r) | (x >> (64 - r));
}
quint64 load64(const unsigned char* p)
{
    quint64 v = 0;
    std::memcpy(&v, p, sizeof v);
    return v;
}
quint64 round64(quint64 acc, quint64 input)
{
    return rotl(acc + input * P2, 31) * P1;
}
quint64 merge64(quint64 acc, quint64 val)
{
    return (acc ^ round64(0, val)) * P1 + P4;
}

} // namespace

quint64 RunCacheFile::hash(const void* data, std::size_t size, quint64 seed)
{
    const auto* p = static_cast<const unsigned char*>(data);
    const unsigned char* const end = p + size;
    quint64 h = 0;
    if (size >= 32) {
        quint64 v1 = seed + P1 + P2;
        quint64 v2 = seed + P2;
        quint64 v3 = seed;
        quint64 v4 = seed - P1;
        for (; p + 32 <= end; p += 32) {
            v1 = round64(v1, load64(p));
            v2 = round64(v2, load64(p + 8));
            v3 = round64(v3, load64(p + 16));
            v4 = round64(v4, load64(p + 24));
        }
        h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
        h = merge64(merge64(merge64(merge64(h, v1), v2), v3), v4);
    } else {
        h = seed + P5;
    }
    h += static_cast<quint64>(size);
    for (; p + 8 <= end; p += 8)
        h = rotl(h ^ round64(0, load64(p)), 27) * P1 + P4;
    for (; p < end; ++p)
        h = rotl(h ^ (quint64(*p) * P5), 11) * P1;
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    h ^= h >> 32;
    return h;
}

// Appends fields to memory or to a file, chaining the checksum over each field as written.
class RunCacheFile::Writer
{
public:
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
        m_checksum = hash(data, size, m_checksum);
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
        const quint64 sum = m_checksum;
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
    int m_error = 0;
};

// Reads fields from memory or a file, never past its end, chaining the checksum as the writer
// did. Any failure sticks: later reads fail too, so callers check once at the end of a group.
class RunCacheFile::Reader
{
public:
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
    quint64 checksum() const
    {
        return m_checksum;
    }

    bool raw(void* into, std::size_t size)
    {
        if (!get(into, size))
            return false;
        m_checksum = hash(into, size, m_checksum);
        return true;
    }
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
        QStringList list;
        list.reserve(static_cast<qsizetype>(n));
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
        const std::size_t n = count(sizeof(T));
        // Never more than the file holds (times the growth asked for).
        if (m_growth > 1.0 && n > 0)
            v.reserve(static_cast<std::size_t>(double(n) * m_growth) + 16);
        else
            v.shrink_to_fit();
        v.resize(n);
        return raw(v.data(), n * sizeof(T));
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
    bool get(void* into, std::size_t size)
    {
        if (m_failed || size > remaining())
            return fail();
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
    double m_growth = 1.0;
    bool m_failed = false;
};

namespace {

bool ascending(const std::vector<std::uint32_t>& v, std::uint32_t from, std::size_t below)
{
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] < from || v[i] >= below || (i > 0 && v[i] <= v[i - 1]))
            return false;
    }
    return true;
}

} // namespace

void RunCacheFile::writeRecords(Writer& out, const RecordTable& records)
{
    out.count(records.size());
    out.vector(records.m_time);
    out.vector(records.m_step);
    out.vector(records.m_epoch.m_starts);
    out.vector(records.m_epoch.m_values);
    out.vector(records.m_offsetLow);
    out.vector(records.m_offsetHigh.m_starts);
    out.vector(records.m_offsetHigh.m_values);
    out.vector(records.m_tag);
    out.f64(records.m_firstLoggedStep);
}

bool RunCacheFile::readRecords(Reader& in, RecordTable& records, std::size_t tagCount)
{
    const std::size_t n = in.count(sizeof(double));
    in.vector(records.m_time);
    in.vector(records.m_step);
    in.vector(records.m_epoch.m_starts);
    in.vector(records.m_epoch.m_values);
    in.vector(records.m_offsetLow);
    in.vector(records.m_offsetHigh.m_starts);
    in.vector(records.m_offsetHigh.m_values);
    in.vector(records.m_tag);
    records.m_firstLoggedStep = in.f64();
    records.m_epoch.m_size = n;
    records.m_offsetHigh.m_size = n;
    const auto runLengthOk = [n](const auto& c) {
        return c.m_starts.size() == c.m_values.size() && c.m_starts.empty() == (n == 0)
            && (n == 0 || c.m_starts.front() == 0) && ascending(c.m_starts, 0, n);
    };
    if (!in.ok() || n > UINT32_MAX || records.m_time.size() != n || records.m_step.size() != n
        || records.m_offsetLow.size() != n || records.m_tag.size() != n
        || !runLengthOk(records.m_epoch) || !runLengthOk(records.m_offsetHigh))
        return in.fail();
    for (const std::uint16_t tag : records.m_tag) {
        if (tag >= tagCount && tag != RecordTable::NoTag)
            return in.fail();
    }
    return true;
}

void RunCacheFile::writeSeries(Writer& out, const Series& s)
{
    out.string(s.m_tag);
    out.string(s.m_path);
    out.vector(s.m_values);
    out.vector(s.m_records);
    out.vector(s.m_segmentStarts);
    out.vector(s.m_nonFinite);
    out.count(s.m_nanCount);
    out.count(s.m_posInfCount);
    out.count(s.m_negInfCount);
    out.count(s.m_nullCount);
    out.u8(s.m_gapPending ? 1 : 0);
    out.f64(s.m_min);
    out.f64(s.m_max);
}

bool RunCacheFile::readSeries(Reader& in, Series& s, std::size_t recordCount)
{
    s.m_tag = in.string();
    s.m_path = in.string();
    in.vector(s.m_values);
    in.vector(s.m_records);
    in.vector(s.m_segmentStarts);
    in.vector(s.m_nonFinite);
    s.m_nanCount = in.u64();
    s.m_posInfCount = in.u64();
    s.m_negInfCount = in.u64();
    s.m_nullCount = in.u64();
    s.m_gapPending = in.u8() != 0;
    s.m_min = in.f64();
    s.m_max = in.f64();
    const std::size_t n = s.m_values.size();
    if (!in.ok() || n > UINT32_MAX || s.m_records.size() != n || !ascending(s.m_segmentStarts, 1, n)
        || !ascending(s.m_nonFinite, 0, n)
        || s.m_nanCount + s.m_posInfCount + s.m_negInfCount != s.m_nonFinite.size())
        return in.fail();
    for (const std::uint32_t r : s.m_records) {
        if (r >= recordCount)
            return in.fail();
    }
    for (const std::uint32_t i : s.m_nonFinite) {
        if (std::isfinite(s.m_values[i]))
            return in.fail();
    }
    return true;
}

void RunCacheFile::writeBuilder(Writer& out, const Header& header, const RunBuilder& builder)
{
    out.raw(Magic, sizeof Magic);
    out.u32(Version);
    out.u32(ByteOrderMark);
    const RunCacheKey& key = header.key;
    out.string(key.path);
    out.string(key.openedAs);
    out.value(key.size);
    out.value(key.mtimeNs);
    out.u64(key.inode);
    out.u64(key.device);
    out.u64(key.headHash);
    out.u64(key.tailHash);
    out.value(header.end.offset);
    out.value(header.end.lineNumber);

    const RunBuilder::Private& d = *builder.d;
    out.count(d.maxSeries);
    out.count(d.maxTags);
    out.u64(d.pendingBlank);
    out.u64(d.lines);
    out.u32(d.generation);
    out.count(d.runs.size());
    for (std::size_t i = 0; i < d.runs.size(); ++i) {
        const Run& run = *d.runs[i];
        const RunBuilder::Private::RunState& st = d.states[i];
        out.string(run.id);
        out.string(run.displayName);
        out.variant(run.info);
        out.strings(run.tags);
        out.vector(run.tagCounts);
        writeRecords(out, run.records);
        out.count(run.series.size());
        for (const Series& s : run.series)
            writeSeries(out, s);
        out.count(run.events.size());
        for (const RunEvent& e : run.events) {
            out.u8(static_cast<std::uint8_t>(e.kind));
            out.u32(e.record);
            out.f64(e.time);
            out.f64(e.step);
            out.f64(e.epoch);
            out.string(e.type);
            out.string(e.message);
        }
        out.count(run.malformed.size());
        for (const MalformedLine& m : run.malformed) {
            out.u64(m.line);
            out.u64(m.offset);
            out.string(m.reason);
        }
        out.u64(run.malformedCount);
        out.count(run.malformedByReason.size());
        for (const MalformedCount& c : run.malformedByReason) {
            out.string(c.reason);
            out.u64(c.count);
        }
        out.u64(run.blankLines);
        out.u64(run.skippedValues);
        out.u64(run.droppedPoints);
        out.strings(run.warnings);

        const bool flags[] = { st.fromRunBegin, st.warnedSeries, st.warnedTags, st.warnedKeyPath,
            st.warnedChunkSeries, st.capacityPlanned, st.discarded };
        for (const bool flag : flags)
            out.u8(flag ? 1 : 0);
        for (const double v : { st.firstEpoch, st.maxEpochBegun, st.maxEpochEnded, st.lastStep,
                 st.lastStepEpoch, st.lastRestartStep, st.beginStep, st.beginTime, st.rpsBucket })
            out.f64(v);
        out.u64(st.rpsCount);
        out.u32(st.rpsLastRecord);
        out.value<qint32>(st.durationSeries);
        out.value<qint32>(st.rpsSeries);
        out.vector(st.seriesLastStep);
        out.vector(st.seriesStamp);
    }
}

bool RunCacheFile::readBuilder(Reader& in, RunBuilder& builder, double lastRunGrowth)
{
    RunBuilder::Private& d = *builder.d;
    // Made under other limits, the runs would differ from a parse under these.
    if (in.u64() != d.maxSeries || in.u64() != d.maxTags)
        return in.fail();
    d.pendingBlank = in.u64();
    d.lines = in.u64();
    d.generation = in.u32();
    const std::size_t runCount = in.count(64); // a run takes far more than 64 bytes
    for (std::size_t i = 0; i < runCount && in.ok(); ++i) {
        in.setGrowth(i + 1 == runCount ? lastRunGrowth : 1.0); // appends go to the last run
        auto run = std::make_unique<Run>();
        RunBuilder::Private::RunState st;
        run->sourcePath = d.sourcePath;
        run->id = in.string();
        run->displayName = in.string();
        const QVariant info = in.variant();
        if (info.typeId() != QMetaType::QVariantMap)
            return in.fail();
        run->info = info.toMap();
        run->tags = in.strings();
        in.vector(run->tagCounts);
        if (!in.ok() || std::size_t(run->tags.size()) > d.maxTags
            || run->tagCounts.size() != std::size_t(run->tags.size()))
            return in.fail();
        for (qsizetype t = 0; t < run->tags.size(); ++t) {
            if (st.tagIndex.contains(run->tags[t]))
                return in.fail();
            st.tagIndex.insert(run->tags[t], int(t));
        }
        if (!readRecords(in, run->records, std::size_t(run->tags.size())))
            return false;
        const std::size_t recordCount = run->records.size();
        const std::size_t seriesCount = in.count(64);
        if (seriesCount > d.maxSeries)
            return in.fail();
        run->series.reserve(seriesCount);
        for (std::size_t s = 0; s < seriesCount && in.ok(); ++s) {
            Series& series = run->series.emplace_back(QString(), QString());
            if (!readSeries(in, series, recordCount))
                return false;
            const QString key = series.key();
            if (run->seriesByKey.contains(key))
                return in.fail();
            run->seriesByKey.insert(key, int(s));
        }
        const std::size_t eventCount = in.count(37);
        run->events.reserve(eventCount);
        for (std::size_t e = 0; e < eventCount && in.ok(); ++e) {
            RunEvent event;
            const std::uint8_t kind = in.u8();
            event.kind = static_cast<RunEvent::Kind>(kind);
            event.record = in.u32();
            event.time = in.f64();
            event.step = in.f64();
            event.epoch = in.f64();
            event.type = in.string();
            event.message = in.string();
            if (kind > std::uint8_t(RunEvent::Kind::Restart) || event.record >= recordCount)
                return in.fail();
            run->events.push_back(std::move(event));
        }
        const std::size_t listed = in.count(24);
        if (listed > Run::MaxListedMalformed)
            return in.fail();
        run->malformed.reserve(listed);
        for (std::size_t m = 0; m < listed && in.ok(); ++m) {
            MalformedLine line;
            line.line = in.u64();
            line.offset = in.u64();
            line.reason = in.string();
            run->malformed.push_back(std::move(line));
        }
        run->malformedCount = in.u64();
        const std::size_t reasons = in.count(16);
        run->malformedByReason.reserve(reasons);
        for (std::size_t m = 0; m < reasons && in.ok(); ++m) {
            MalformedCount c;
            c.reason = in.string();
            c.count = in.u64();
            run->malformedByReason.push_back(std::move(c));
        }
        run->blankLines = in.u64();
        run->skippedValues = in.u64();
        run->droppedPoints = in.u64();
        run->warnings = in.strings();

        bool* const flags[] = { &st.fromRunBegin, &st.warnedSeries, &st.warnedTags,
            &st.warnedKeyPath, &st.warnedChunkSeries, &st.capacityPlanned, &st.discarded };
        for (bool* flag : flags)
            *flag = in.u8() != 0;
        for (double* v :
            { &st.firstEpoch, &st.maxEpochBegun, &st.maxEpochEnded, &st.lastStep, &st.lastStepEpoch,
                &st.lastRestartStep, &st.beginStep, &st.beginTime, &st.rpsBucket })
            *v = in.f64();
        st.rpsCount = in.u64();
        st.rpsLastRecord = in.u32();
        st.durationSeries = in.value<qint32>();
        st.rpsSeries = in.value<qint32>();
        in.vector(st.seriesLastStep);
        in.vector(st.seriesStamp);
        const auto seriesIndexOk = [seriesCount](int index) {
            return index >= -1 && index < static_cast<int>(seriesCount);
        };
        if (!in.ok() || st.seriesLastStep.size() != seriesCount
            || st.seriesStamp.size() != seriesCount || !seriesIndexOk(st.durationSeries)
            || !seriesIndexOk(st.rpsSeries)
            || (st.rpsLastRecord >= recordCount && st.rpsLastRecord != 0))
            return in.fail();
        d.runs.push_back(std::move(run));
        d.states.push_back(std::move(st));
    }
    return in.ok();
}

bool RunCacheFile::write(
    const QString& path, const Header& header, const RunBuilder& builder, QString* error)
{
    const int fd =
        ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (error)
            *error = qt_error_string(errno);
        return false;
    }
    Writer out(fd);
    writeBuilder(out, header, builder);
    const bool written = out.finish();
    const bool closed = ::close(fd) == 0;
    if ((!written || !closed) && error)
        *error = qt_error_string(written ? errno : out.error());
    return written && closed;
}

QByteArray RunCacheFile::toBytes(const Header& header, const RunBuilder& builder)
{
    QByteArray bytes;
    Writer out(&bytes);
    writeBuilder(out, header, builder);
    out.finish();
    return bytes;
}

RunCacheFile::RunCacheFile(const QString& path)
    : m_reader(std::make_unique<Reader>(path))
{
}

RunCacheFile::RunCacheFile(const char* data, std::size_t size)
    : m_reader(std::make_unique<Reader>(data, size))
{
}

RunCacheFile::~RunCacheFile() = default;

std::optional<RunCacheFile::Header> RunCacheFile::header()
{
    Reader& in = *m_reader;
    m_headerRead = true;
    char magic[sizeof Magic] = {};
    in.raw(magic, sizeof magic);
    if (!in.ok() || std::memcmp(magic, Magic, sizeof Magic) != 0 || in.u32() != Version
        || in.u32() != ByteOrderMark) {
        in.fail();
        return std::nullopt;
    }
    Header header;
    RunCacheKey& key = header.key;
    key.path = in.string();
    key.openedAs = in.string();
    key.size = in.value<qint64>();
    key.mtimeNs = in.value<qint64>();
    key.inode = in.u64();
    key.device = in.u64();
    key.headHash = in.u64();
    key.tailHash = in.u64();
    header.end.offset = in.value<qint64>();
    header.end.lineNumber = in.value<qint64>();
    if (!in.ok() || header.end.offset < 0 || header.end.offset > key.size
        || header.end.lineNumber < 1) {
        in.fail();
        return std::nullopt;
    }
    return header;
}

std::unique_ptr<RunBuilder> RunCacheFile::builder(
    const QString& sourcePath, int threads, double lastRunGrowth)
{
    Reader& in = *m_reader;
    if (!m_headerRead || !in.ok())
        return nullptr;
    auto builder = std::make_unique<RunBuilder>(sourcePath);
    if (!readBuilder(in, *builder, lastRunGrowth))
        return nullptr;
    const quint64 expected = in.checksum();
    m_computedChecksum = expected;
    quint64 stored = 0;
    if (in.remaining() != sizeof stored || !in.raw(&stored, sizeof stored) || stored != expected)
        return nullptr;
    // Derived, so rebuilt rather than read: a pyramid from the cache could not be trusted.
    // Split between threads by series, as after a parse (RunLoader).
    std::vector<Series*> series;
    for (int r = 0; r < builder->runCount(); ++r) {
        for (Series& s : builder->run(r).series)
            series.push_back(&s);
    }
    std::atomic<std::size_t> next { 0 };
    const auto build = [&] {
        for (std::size_t i = next.fetch_add(1); i < series.size(); i = next.fetch_add(1))
            series[i]->finishAppending();
    };
    std::vector<std::thread> helpers;
    for (int t = 1; t < std::min<int>(threads, int(series.size())); ++t)
        helpers.emplace_back(build);
    build();
    for (std::thread& t : helpers)
        t.join();
    return builder;
}

} // namespace viewer
