#include "run_cache_file.hpp"

#include "run_builder.hpp"
#include "run_builder_p.hpp"
#include "run_cache_io_p.hpp"

#include <QFile>
#include <QVariant>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <functional>
#include <mutex>
#include <sys/stat.h>
#include <thread>
#include <type_traits>
#include <unistd.h>
#include <vector>

namespace viewer {

namespace {

constexpr char Magic[8] = { 'T', 'V', 'R', 'U', 'N', 'C', 'A', '\n' };
constexpr std::uint32_t ByteOrderMark = 0x01020304;

// Runs work pushed to it on `helpers` threads; finish() does what is left on the calling thread
// and joins them. With no helpers, push() queues and finish() does it all. A task may push more
// (a column's room made, then its pieces handed out): finish() returns once none is queued or
// running.
class TaskPool
{
public:
    explicit TaskPool(int helpers)
    {
        for (int t = 0; t < helpers; ++t)
            m_threads.emplace_back([this] { work(); });
    }
    ~TaskPool()
    {
        finish();
    }
    TaskPool(const TaskPool&) = delete;
    TaskPool& operator=(const TaskPool&) = delete;

    void push(std::function<void()> task)
    {
        {
            const std::lock_guard lock(m_mutex);
            m_tasks.push_back(std::move(task));
        }
        m_wake.notify_one();
    }
    void finish()
    {
        {
            const std::lock_guard lock(m_mutex);
            m_closed = true;
        }
        m_wake.notify_all();
        work();
        for (std::thread& t : m_threads) {
            if (t.joinable())
                t.join();
        }
    }

private:
    // Until the pool is closed and nothing is queued or running (a running task may push more).
    void work()
    {
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_wake.wait(lock, [this] { return !m_tasks.empty() || (m_closed && m_running == 0); });
            if (m_tasks.empty())
                return;
            std::function<void()> task = std::move(m_tasks.front());
            m_tasks.pop_front();
            ++m_running;
            lock.unlock();
            task();
            lock.lock();
            if (--m_running == 0 && m_tasks.empty())
                m_wake.notify_all(); // the others may be waiting for the last one to end
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void()>> m_tasks;
    std::vector<std::thread> m_threads;
    int m_running = 0;
    bool m_closed = false;
};

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
    // The big columns are filled by a helper while reading goes on (records stay put: a Run is
    // held by pointer), so their sizes are checked by the counts read and their elements once
    // read (the tags by the helper that reads them).
    const std::size_t n = in.count(sizeof(double));
    const std::size_t times = in.vectorLater(records.m_time);
    const std::size_t steps = in.vectorLater(records.m_step);
    in.vector(records.m_epoch.m_starts);
    in.vector(records.m_epoch.m_values);
    const std::size_t offsets = in.vectorLater(records.m_offsetLow);
    in.vector(records.m_offsetHigh.m_starts);
    in.vector(records.m_offsetHigh.m_values);
    const std::size_t tags = in.vectorLater(records.m_tag, [&records, tagCount] {
        return std::all_of(records.m_tag.begin(), records.m_tag.end(),
            [tagCount](std::uint16_t tag) { return tag < tagCount || tag == RecordTable::NoTag; });
    });
    records.m_firstLoggedStep = in.f64();
    records.m_epoch.m_size = n;
    records.m_offsetHigh.m_size = n;
    const auto runLengthOk = [n](const auto& c) {
        return c.m_starts.size() == c.m_values.size() && c.m_starts.empty() == (n == 0)
            && (n == 0 || c.m_starts.front() == 0) && ascending(c.m_starts, 0, n);
    };
    if (!in.ok() || n > UINT32_MAX || times != n || steps != n || offsets != n || tags != n
        || !runLengthOk(records.m_epoch) || !runLengthOk(records.m_offsetHigh))
        return in.fail();
    return in.ok();
}

void RunCacheFile::writeSeries(Writer& out, const Series& s)
{
    out.string(s.m_tag);
    out.string(s.m_path);
    out.vector(s.m_values);
    writeIndexColumn(out, s.m_records);
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

bool RunCacheFile::readSeries(Reader& in, Series& s, std::size_t recordCount, bool staysPut)
{
    s.m_tag = in.string();
    s.m_path = in.string();
    // Where the series stays put its values are filled by helpers piece by piece, each piece's
    // blocks of the pyramid summarised as it lands, while in cache (derived, so rebuilt rather
    // than read: one from the file could not be trusted; read again from memory, the pyramid's
    // level 0 was a sixth of a re-open); the levels above once all have landed.
    std::size_t n = 0;
    if (staysPut) {
        Reader::Late late;
        late.sized = [&s](std::size_t size) { s.m_pyramid.beginPieces(size); };
        late.landed = [&s](std::size_t first, std::size_t last) {
            s.m_pyramid.summarizePiece(s.m_values.data(), first, last);
        };
        late.then = [&s] {
            s.m_pyramid.finishPieces(s.m_values);
            return s.pyramid().size() == s.m_values.size();
        };
        n = in.vectorLater(s.m_values, std::move(late));
    } else {
        in.vector(s.m_values);
        n = s.m_values.size();
    }
    readIndexColumn(in, s.m_records);
    in.vector(s.m_segmentStarts);
    in.vector(s.m_nonFinite);
    s.m_nanCount = in.u64();
    s.m_posInfCount = in.u64();
    s.m_negInfCount = in.u64();
    s.m_nullCount = in.u64();
    s.m_gapPending = in.u8() != 0;
    s.m_min = in.f64();
    s.m_max = in.f64();
    s.m_records.m_size = n;
    if (!in.ok() || n > UINT32_MAX
        || !StridedIndexColumn::isConsistent(s.m_records.m_blocks, s.m_records.m_plain, n)
        || !ascending(s.m_segmentStarts, 1, n) || !ascending(s.m_nonFinite, 0, n)
        || s.m_nanCount + s.m_posInfCount + s.m_negInfCount != s.m_nonFinite.size())
        return in.fail();
    if (!s.m_records.allBelow(recordCount))
        return in.fail();
    const auto nonFiniteOk = [&s] {
        return std::none_of(s.m_nonFinite.begin(), s.m_nonFinite.end(),
            [&s](std::uint32_t i) { return std::isfinite(s.m_values[i]); });
    };
    if (staysPut)
        in.checkLater(nonFiniteOk);
    else if (!nonFiniteOk())
        return in.fail();
    return in.ok();
}

void RunCacheFile::writeIndexColumn(Writer& out, const StridedIndexColumn& column)
{
    std::vector<std::uint32_t> blocks;
    blocks.reserve(column.m_blocks.size() * 3);
    for (const StridedIndexColumn::Block& b : column.m_blocks)
        blocks.insert(blocks.end(), { b.first, b.stride, b.plainAt });
    out.vector(blocks);
    out.vector(column.m_plain);
}

void RunCacheFile::readIndexColumn(Reader& in, StridedIndexColumn& column)
{
    std::vector<std::uint32_t> blocks;
    in.vector(blocks);
    in.vector(column.m_plain);
    column.m_blocks.clear();
    if (blocks.size() % 3 != 0) {
        in.fail();
        return;
    }
    column.m_blocks.reserve(blocks.size() / 3);
    for (std::size_t i = 0; i < blocks.size(); i += 3)
        column.m_blocks.push_back({ blocks[i], blocks[i + 1], blocks[i + 2] });
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
        // Owned by the builder at once: deferred work on its columns may outlive a failure here.
        Run& run = *d.runs.emplace_back(std::make_unique<Run>());
        RunBuilder::Private::RunState& st = d.states.emplace_back();
        run.sourcePath = d.sourcePath;
        run.id = in.string();
        run.displayName = in.string();
        const QVariant info = in.variant();
        if (info.typeId() != QMetaType::QVariantMap)
            return in.fail();
        run.info = info.toMap();
        run.tags = in.strings();
        in.vector(run.tagCounts);
        if (!in.ok() || std::size_t(run.tags.size()) > d.maxTags
            || run.tagCounts.size() != std::size_t(run.tags.size()))
            return in.fail();
        for (qsizetype t = 0; t < run.tags.size(); ++t) {
            if (st.tagIndex.contains(run.tags[t]))
                return in.fail();
            st.tagIndex.insert(run.tags[t], int(t));
        }
        if (!readRecords(in, run.records, std::size_t(run.tags.size())))
            return false;
        const std::size_t recordCount = run.records.m_epoch.size(); // m_time may be filling
        const std::size_t seriesCount = in.count(64);
        if (seriesCount > d.maxSeries)
            return in.fail();
        // The series stay put when reserved (only when the bytes left could hold that many):
        // their values are then read and their pyramids built by helpers, else by this thread.
        const bool reserved = seriesCount * sizeof(Series) <= in.remaining();
        if (reserved)
            run.series.reserve(seriesCount);
        for (std::size_t s = 0; s < seriesCount && in.ok(); ++s) {
            Series& series = run.series.emplace_back(QString(), QString());
            if (!readSeries(in, series, recordCount, reserved))
                return false;
            const QString key = series.key();
            if (run.seriesByKey.contains(key))
                return in.fail();
            run.seriesByKey.insert(key, int(s));
        }
        if (!reserved) {
            for (const Series& series : run.series)
                in.later([&series] { (void)series.pyramid(); });
        }
        const std::size_t eventCount = in.count(37);
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
            run.events.push_back(std::move(event));
        }
        const std::size_t listed = in.count(24);
        if (listed > Run::MaxListedMalformed)
            return in.fail();
        for (std::size_t m = 0; m < listed && in.ok(); ++m) {
            MalformedLine line;
            line.line = in.u64();
            line.offset = in.u64();
            line.reason = in.string();
            run.malformed.push_back(std::move(line));
        }
        run.malformedCount = in.u64();
        const std::size_t reasons = in.count(16);
        for (std::size_t m = 0; m < reasons && in.ok(); ++m) {
            MalformedCount c;
            c.reason = in.string();
            c.count = in.u64();
            run.malformedByReason.push_back(std::move(c));
        }
        run.blankLines = in.u64();
        run.skippedValues = in.u64();
        run.droppedPoints = in.u64();
        run.warnings = in.strings();

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

void RunCacheFile::setLateColumnBytes(std::size_t bytes)
{
    m_reader->setLateColumnBytes(bytes);
}

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
    // The big columns' digests and the pyramids are computed by helpers while reading goes on.
    TaskPool pool(threads - 1);
    if (threads > 1)
        in.setDefer([&pool](Reader::Task task) { pool.push(std::move(task)); });
    auto builder = std::make_unique<RunBuilder>(sourcePath);
    const bool read = readBuilder(in, *builder, lastRunGrowth);
    pool.finish(); // before the builder can go: the work reads its columns
    in.setDefer({});
    if (!read)
        return nullptr;
    const quint64 expected = in.checksum();
    m_computedChecksum = expected; // before the late checks: a fuzzer gets past the checksum
    if (!in.lateOk())
        return nullptr;
    quint64 stored = 0;
    if (in.remaining() != sizeof stored || !in.raw(&stored, sizeof stored) || stored != expected)
        return nullptr;
    return builder;
}

} // namespace viewer
