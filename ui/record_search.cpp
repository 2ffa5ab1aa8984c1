#include "record_search.hpp"

#include <QFile>
#include <QList>
#include <QThread>

#include <algorithm>
#include <cstring>
#include <functional>

namespace viewer {

struct RecordSearch::Job
{
    std::atomic<bool> stop { false };
};

namespace {

void lowerAscii(char* begin, char* end)
{
    for (char* p = begin; p != end; ++p) {
        if (*p >= 'A' && *p <= 'Z')
            *p = char(*p + ('a' - 'A'));
    }
}

} // namespace

RecordSearch::RecordSearch(QObject* parent)
    : QObject(parent)
{
}

RecordSearch::~RecordSearch()
{
    cancel();
}

bool RecordSearch::isRunning() const
{
    return m_thread && m_thread->isRunning();
}

void RecordSearch::cancel()
{
    ++m_generation;
    if (m_job)
        m_job->stop = true;
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
    }
    m_job.reset();
}

void RecordSearch::start(const QString& path, std::uint32_t first,
    std::vector<std::uint64_t> offsets, const QString& text)
{
    cancel();
    const quint64 generation = ++m_generation;
    auto job = std::make_shared<Job>();
    m_job = job;
    QByteArray needle = text.toUtf8();
    lowerAscii(needle.data(), needle.data() + needle.size());
    const auto covered = quint32(first + offsets.size());
    m_thread = QThread::create(
        [this, job, generation, path, first, covered, offsets = std::move(offsets), needle]() {
            QString error;
            const std::vector<std::uint32_t> found =
                searchFile(path, first, offsets, needle, job->stop, &error);
            QList<quint32> matches(found.cbegin(), found.cend());
            // Queued to this object: dropped if it is deleted first, ignored if superseded (a
            // stopped search always is: only cancel() stops one, and it bumps the generation).
            QMetaObject::invokeMethod(
                this,
                [this, generation, matches = std::move(matches), covered, error]() {
                    if (generation == m_generation)
                        emit finished(matches, covered, error);
                },
                Qt::QueuedConnection);
        });
    m_thread->start(QThread::LowPriority);
}

std::vector<std::uint32_t> RecordSearch::searchFile(const QString& path, std::uint32_t first,
    const std::vector<std::uint64_t>& offsets, const QByteArray& needle,
    const std::atomic<bool>& stop, QString* error)
{
    std::vector<std::uint32_t> matches;
    if (offsets.empty())
        return matches;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = file.errorString();
        return matches;
    }
    const std::boyer_moore_horspool_searcher searcher(needle.cbegin(), needle.cend());
    QByteArray buffer;
    qint64 bufferStart = -1; // file offset of buffer[0]
    for (std::size_t i = 0; i < offsets.size(); ++i) {
        if ((i & 0xfff) == 0 && stop.load(std::memory_order_relaxed))
            break;
        const auto offset = qint64(offsets[i]);
        auto lineIn = [&](qint64* begin, qint64* end) {
            if (bufferStart < 0 || offset < bufferStart || offset >= bufferStart + buffer.size())
                return false;
            *begin = offset - bufferStart;
            const char* base = buffer.constData();
            const void* nl = std::memchr(base + *begin, '\n', std::size_t(buffer.size() - *begin));
            if (!nl)
                return false;
            *end = static_cast<const char*>(nl) - base;
            return true;
        };
        qint64 begin = 0;
        qint64 end = 0;
        if (!lineIn(&begin, &end)) {
            // Refill from this line's start; grow the block when one line does not fit.
            qint64 want = BlockBytes;
            for (;;) {
                if (!file.seek(offset))
                    break;
                buffer = file.read(want);
                bufferStart = offset;
                lowerAscii(buffer.data(), buffer.data() + buffer.size());
                if (lineIn(&begin, &end))
                    break;
                if (buffer.size() < want || want >= MaxLineBytes) {
                    begin = 0; // the last line without its newline, or a line over the cap
                    end = buffer.size();
                    break;
                }
                want = std::min(want * 4, MaxLineBytes);
            }
            if (buffer.isEmpty())
                break; // the file shrank under us
        }
        const char* base = buffer.constData();
        if (std::search(base + begin, base + end, searcher) != base + end)
            matches.push_back(first + std::uint32_t(i));
    }
    return matches;
}

} // namespace viewer
