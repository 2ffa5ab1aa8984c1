#include "run_cache.hpp"

#include "run_builder.hpp"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <cerrno>
#include <fcntl.h>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace viewer {

namespace {

constexpr auto EntrySuffix = QLatin1String(".runcache");
constexpr auto TempMarker = QLatin1String(".tmp-");
// A temporary file this old was left by a process that died while writing it.
constexpr qint64 StaleTempSeconds = 3600;

std::mutex sharedMutex;
std::shared_ptr<const RunCache>& sharedCache()
{
    static std::shared_ptr<const RunCache> cache;
    return cache;
}

struct FileStat
{
    qint64 size = 0;
    qint64 mtimeNs = 0;
    quint64 inode = 0;
    quint64 device = 0;
};

std::optional<FileStat> statRegular(int fd)
{
    struct stat st = {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return std::nullopt;
    return FileStat { qint64(st.st_size),
        qint64(st.st_mtim.tv_sec) * 1000000000 + qint64(st.st_mtim.tv_nsec), quint64(st.st_ino),
        quint64(st.st_dev) };
}

// The hash of bytes [from, to) of the file; nothing if they cannot all be read.
std::optional<quint64> hashRange(int fd, qint64 from, qint64 to)
{
    std::vector<char> bytes(static_cast<std::size_t>(std::max<qint64>(0, to - from)));
    std::size_t got = 0;
    while (got < bytes.size()) {
        const ssize_t n =
            ::pread(fd, bytes.data() + got, bytes.size() - got, off_t(from + qint64(got)));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return std::nullopt;
        got += std::size_t(n);
    }
    return RunCacheFile::hash(bytes.data(), bytes.size(), 0);
}

// The key of the file open as `fd`, its content hashed up to `end`.
std::optional<RunCacheKey> keyOf(int fd, const QString& path, qint64 end)
{
    const std::optional<FileStat> st = statRegular(fd);
    if (!st || st->size < end)
        return std::nullopt;
    const QFileInfo info(path);
    const std::optional<quint64> head = hashRange(fd, 0, std::min(end, RunCacheKey::HashedBytes));
    const std::optional<quint64> tail =
        hashRange(fd, std::max<qint64>(0, end - RunCacheKey::HashedBytes), end);
    if (!head || !tail)
        return std::nullopt;
    RunCacheKey key;
    key.path = info.canonicalFilePath();
    key.openedAs = info.absoluteFilePath();
    key.size = st->size;
    key.mtimeNs = st->mtimeNs;
    key.inode = st->inode;
    key.device = st->device;
    key.headHash = *head;
    key.tailHash = *tail;
    return key;
}

struct Fd
{
    int fd = -1;
    explicit Fd(const QString& path)
        : fd(::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC | O_NONBLOCK))
    {
    }
    ~Fd()
    {
        if (fd >= 0)
            ::close(fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
};

} // namespace

RunCache::Settings RunCache::userSettings()
{
    Settings settings;
    if (qEnvironmentVariableIsSet("TELEMETRY_VIEWER_NO_CACHE"))
        return settings; // as --no-cache (benchmarks that must parse every time)
    settings.folder = qEnvironmentVariable("TELEMETRY_VIEWER_CACHE_DIR");
    if (settings.folder.isEmpty()) {
        const QString location = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
        if (!location.isEmpty()) // no cache folder (no HOME): no cache, never "/runs"
            settings.folder = location + QStringLiteral("/runs");
    }
    return settings;
}

RunCache::RunCache(Settings settings)
    : m_settings(std::move(settings))
{
}

std::shared_ptr<const RunCache> RunCache::shared()
{
    const std::lock_guard lock(sharedMutex);
    return sharedCache();
}

void RunCache::setShared(std::shared_ptr<const RunCache> cache)
{
    const std::lock_guard lock(sharedMutex);
    sharedCache() = std::move(cache);
}

QString RunCache::entryPath(const QString& path) const
{
    QString canonical = QFileInfo(path).canonicalFilePath();
    if (canonical.isEmpty())
        canonical = QFileInfo(path).absoluteFilePath();
    const QByteArray name =
        QCryptographicHash::hash(canonical.toUtf8(), QCryptographicHash::Sha256).toHex().left(32);
    return m_settings.folder + QLatin1Char('/') + QString::fromLatin1(name) + EntrySuffix;
}

std::optional<RunCache::Restored> RunCache::restore(const QString& path, int threads) const
{
    if (m_settings.folder.isEmpty())
        return std::nullopt;
    const Fd file(path);
    const std::optional<FileStat> st = file.fd >= 0 ? statRegular(file.fd) : std::nullopt;
    if (!st || st->size < m_settings.minFileBytes)
        return std::nullopt;
    const QString entry = entryPath(path);
    RunCacheFile cached(entry);
    const std::optional<RunCacheFile::Header> header = cached.header();
    if (!header)
        return std::nullopt;
    const RunCacheKey& was = header->key;
    const std::optional<RunCacheKey> now = keyOf(file.fd, path, header->end.offset);
    if (!now || now->path != was.path || now->openedAs != was.openedAs || now->inode != was.inode
        || now->device != was.device || now->headHash != was.headHash
        || now->tailHash != was.tailHash)
        return std::nullopt;
    Match match = Match::Unchanged;
    if (now->size == was.size && now->mtimeNs == was.mtimeNs)
        match = Match::Unchanged;
    else if (now->size > was.size)
        match = Match::Appended;
    else
        return std::nullopt; // same size or shorter with another mtime: rewritten
    // Appended: the last run's columns get room for the new bytes' share (with a margin, as
    // RunBuilder plans a bulk load's), so that its appends never copy them whole.
    const double growth = match == Match::Appended && header->end.offset > 0
        ? double(now->size) / double(header->end.offset) * 1.02
        : 1.0;
    std::unique_ptr<RunBuilder> builder = cached.builder(path, threads, growth);
    if (!builder) {
        QFile::remove(entry); // corrupt: rebuilt after this load
        return std::nullopt;
    }
    ::utimensat(AT_FDCWD, QFile::encodeName(entry).constData(), nullptr, 0); // last use: now
    return Restored { std::move(builder), header->end, match, now->size };
}

bool RunCache::save(const QString& path, const RunBuilder& builder, const LinePosition& end,
    qint64 loadedSize, QString* error) const
{
    if (m_settings.folder.isEmpty() || loadedSize < m_settings.minFileBytes)
        return false;
    const Fd file(path);
    if (file.fd < 0)
        return false;
    const std::optional<RunCacheKey> key = keyOf(file.fd, path, end.offset);
    // Grown or rewritten since it was read: its size and mtime would not describe these runs.
    if (!key || key->size != loadedSize)
        return false;
    if (!QDir().mkpath(m_settings.folder)) {
        if (error)
            *error = QStringLiteral("cannot create %1").arg(m_settings.folder);
        return false;
    }
    const QString entry = entryPath(path);
    const QString temp = entry + TempMarker + QString::number(QCoreApplication::applicationPid())
        + QLatin1Char('-') + QString::number(quintptr(&builder), 16);
    if (!RunCacheFile::write(temp, { *key, end }, builder, error)
        || ::rename(QFile::encodeName(temp).constData(), QFile::encodeName(entry).constData())
            != 0) {
        if (error && error->isEmpty())
            *error = qt_error_string(errno);
        QFile::remove(temp);
        return false;
    }
    evict(entry);
    return QFileInfo::exists(entry);
}

void RunCache::evict(const QString& keep) const
{
    const QDir dir(m_settings.folder);
    // Newest first; the entry just written counts as the newest whatever the clock says.
    const QFileInfoList entries =
        dir.entryInfoList({ QStringLiteral("*") + EntrySuffix }, QDir::Files, QDir::Time);
    qint64 total = 0;
    std::vector<QFileInfo> ordered;
    for (const QFileInfo& info : entries) {
        if (info.absoluteFilePath() == QFileInfo(keep).absoluteFilePath())
            ordered.insert(ordered.begin(), info);
        else
            ordered.push_back(info);
    }
    for (const QFileInfo& info : ordered) {
        total += info.size();
        if (total > m_settings.maxTotalBytes)
            QFile::remove(info.absoluteFilePath()); // the oldest beyond the bound
    }
    const QDateTime stale = QDateTime::currentDateTime().addSecs(-StaleTempSeconds);
    for (const QFileInfo& info :
        dir.entryInfoList({ QStringLiteral("*") + EntrySuffix + TempMarker + QStringLiteral("*") },
            QDir::Files)) {
        if (info.lastModified() < stale)
            QFile::remove(info.absoluteFilePath());
    }
}

} // namespace viewer
