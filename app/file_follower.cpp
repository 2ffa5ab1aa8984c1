#include "file_follower.hpp"

#include "state_change.hpp"

#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTimer>

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef Q_OS_LINUX
#include <sys/vfs.h>
#endif

namespace viewer {

namespace {

constexpr qsizetype fingerprintBytes = 1024;

qint64 changeTimeNs(const struct stat& st)
{
    return qint64(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

// inotify sees only local changes: on these file systems another machine's appends never
// notify, so the follower must poll.
bool isRemoteFileSystem(const QString& dir)
{
#ifdef Q_OS_LINUX
    struct statfs fs = {};
    if (::statfs(QFile::encodeName(dir).constData(), &fs) != 0)
        return false;
    switch (static_cast<unsigned long>(fs.f_type)) {
    case 0x6969: // NFS
    case 0x517B: // SMB
    case 0xFF534D42: // CIFS
    case 0xFE534D42: // SMB2
    case 0x65735546: // FUSE (sshfs, rclone, ...)
    case 0x01021997: // 9P (WSL, VMs)
    case 0x00C36400: // Ceph
    case 0x5346414F: // AFS
    case 0x73757245: // Coda
        return true;
    default:
        return false;
    }
#else
    Q_UNUSED(dir);
    return false;
#endif
}

QString errorText(int error)
{
    if (error == EACCES || error == EPERM)
        return QStringLiteral("permission denied");
    return qt_error_string(error);
}

// Reads up to `want` bytes at `at`; returns the count, or -1 with errno set if nothing was read.
qint64 readAt(int fd, char* into, qint64 want, qint64 at)
{
    qint64 got = 0;
    while (got < want) {
        const ssize_t n = ::pread(fd, into + got, size_t(want - got), off_t(at + got));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return got > 0 ? got : -1;
        }
        if (n == 0)
            break;
        got += n;
    }
    return got;
}

bool startsWith(int fd, const QByteArray& prefix)
{
    if (prefix.isEmpty())
        return false;
    QByteArray head(prefix.size(), Qt::Uninitialized);
    const qint64 got = readAt(fd, head.data(), head.size(), 0);
    return got > 0 && head.first(got) == prefix.first(got);
}

} // namespace

FileFollower::FileFollower(const QString& path, QObject* parent)
    : QObject(parent)
    , m_path(path)
{
    init(nullptr);
}

FileFollower::FileFollower(const QString& path, QFileSystemWatcher* sharedWatcher, QObject* parent)
    : QObject(parent)
    , m_path(path)
{
    init(sharedWatcher);
}

FileFollower::~FileFollower()
{
    // A shared watcher may already be gone (its owner decides); only the descriptor is ours.
    closeCurrent();
}

void FileFollower::init(QFileSystemWatcher* sharedWatcher)
{
    qRegisterMetaType<viewer::LineChunk>();
    qRegisterMetaType<viewer::LinePosition>();
    qRegisterMetaType<viewer::FileFollower::State>();
    m_dir = QFileInfo(m_path).absolutePath();
    if (sharedWatcher) {
        m_watcher = sharedWatcher;
        m_sharedWatcher = true;
    }
}

void FileFollower::setMaxLineBytes(qsizetype bytes)
{
    m_assembler.setMaxLineBytes(bytes);
}

void FileFollower::setMaxReadBytes(qsizetype bytes)
{
    m_maxReadBytes = std::max<qsizetype>(4096, bytes);
}

void FileFollower::start(viewer::LinePosition from)
{
    if (m_started)
        stop();
    // Timers and the watcher are created here, on the thread the follower was moved to.
    if (!m_checkTimer) {
        m_checkTimer = new QTimer(this);
        m_checkTimer->setSingleShot(true);
        connect(m_checkTimer, &QTimer::timeout, this, &FileFollower::check);
        m_pollTimer = new QTimer(this);
        connect(m_pollTimer, &QTimer::timeout, this, &FileFollower::check);
        // While the budget is full: a cheap look at it every millisecond, the full check only
        // once there is room (a credit is given back on the GUI thread, which cannot call us).
        m_budgetTimer = new QTimer(this);
        m_budgetTimer->setInterval(BudgetRetryMs);
        connect(m_budgetTimer, &QTimer::timeout, this, [this] {
            if (!m_budget->hasRoom())
                return;
            m_budgetTimer->stop();
            check();
        });
        m_tailTimer = new QTimer(this);
        m_tailTimer->setSingleShot(true);
        connect(m_tailTimer, &QTimer::timeout, this, [this] {
            check();
            if (!m_tailTimer->isActive()) // no new bytes arrived meanwhile
                reportIncompleteTail();
        });
    }
    if (!m_pollingOnly && !m_watcher)
        m_watcher = new QFileSystemWatcher(this);
    if (m_watcher && !m_pollingOnly && !m_schedule) {
        connect(m_watcher, &QFileSystemWatcher::fileChanged, this,
            &FileFollower::onWatcherFileChanged, Qt::UniqueConnection);
        connect(m_watcher, &QFileSystemWatcher::directoryChanged, this,
            &FileFollower::onWatcherDirectoryChanged, Qt::UniqueConnection);
    }
    m_started = true;
    m_resumeAt = from;
    m_assembler.reset(from);
    m_nameMissing = false;
    m_fingerprint.clear();
    m_lastSize = -1;
    m_lastChangeNs = -1;
    m_reportedIncompleteLine = 0;
    m_remoteFileSystem = isRemoteFileSystem(m_dir);
    check();
}

void FileFollower::stop()
{
    if (!m_started)
        return;
    m_started = false;
    m_checkTimer->stop();
    m_pollTimer->stop();
    m_tailTimer->stop();
    m_budgetTimer->stop();
    m_waitingForBudget = false;
    if (m_watcher) {
        disconnect(m_watcher, nullptr, this, nullptr);
        if (m_watcher->files().contains(m_path))
            m_watcher->removePath(m_path);
        if (!m_sharedWatcher && m_watcher->directories().contains(m_dir))
            m_watcher->removePath(m_dir);
    }
    closeCurrent();
    m_released = false;
    setState(State::Stopped, {});
}

void FileFollower::checkNow()
{
    check();
}

void FileFollower::setChunkBudget(std::shared_ptr<ChunkBudget> budget)
{
    if (budget)
        m_budget = std::move(budget);
}

void FileFollower::setScheduledBy(std::function<void(int msecs)> schedule)
{
    m_schedule = std::move(schedule);
}

void FileFollower::scheduleCheck(int msecs)
{
    if (!m_started)
        return;
    if (m_waitingForBudget) { // the budget timer checks once there is room
        if (!m_budgetTimer->isActive())
            m_budgetTimer->start();
        return;
    }
    if (m_schedule) {
        m_schedule(msecs);
        return;
    }
    if (!m_checkTimer->isActive() || m_checkTimer->remainingTime() > msecs)
        m_checkTimer->start(msecs);
}

void FileFollower::onWatcherFileChanged(const QString& path)
{
    if (path == m_path)
        scheduleCheck(m_coalesceMs);
}

void FileFollower::onWatcherDirectoryChanged(const QString& path)
{
    if (path == m_dir)
        scheduleCheck(m_coalesceMs);
}

void FileFollower::check()
{
    if (!m_started)
        return;
    ++m_checkCount;
    const QByteArray name = QFile::encodeName(m_path);
    struct stat st = {};
    const bool nameOk = ::stat(name.constData(), &st) == 0;
    const int nameError = nameOk ? 0 : errno;
    const bool nameAbsent = !nameOk && (nameError == ENOENT || nameError == ENOTDIR);

    if (m_fd >= 0) {
        if (nameAbsent) {
            // Deleted or moved away: a writer may still append to the old inode until it reopens
            // the name (rotation), so keep draining the descriptor while waiting.
            m_nameMissing = true;
            updateWatches();
            const bool more = readAvailable();
            setState(State::Waiting,
                QStringLiteral("waiting for the file to reappear (deleted or moved away)"));
            if (more)
                scheduleCheck(0);
            return;
        }
        if (!nameOk) {
            updateWatches();
            setState(State::Failed, errorText(nameError));
            return;
        }
        if (Identity { st.st_dev, st.st_ino } == m_identity) {
            m_nameMissing = false; // moved away and back: watched again below
        } else {
            if (readAvailable()) { // the old file's unread bytes first, one bounded read a pass
                scheduleCheck(0);
                return;
            }
            switchFile();
            if (m_fd < 0)
                return;
        }
    } else {
        if (!nameOk) {
            updateWatches();
            if (nameAbsent)
                setState(State::Waiting,
                    m_released
                        ? QStringLiteral("waiting for the file to reappear (deleted or moved away)")
                        : QStringLiteral("waiting for the file to appear"));
            else
                setState(State::Failed, errorText(nameError));
            return;
        }
        if (m_released) {
            // Read to its end and not modified since: nothing to read, no descriptor needed.
            if (Identity { st.st_dev, st.st_ino } == m_identity
                && st.st_size == m_assembler.offset() && changeTimeNs(st) == m_lastChangeNs
                && !m_readFailed) {
                if (m_state != State::Following)
                    setState(State::Following, followingMessage());
                return;
            }
            if (!reopenReleased(st))
                return;
        } else if (!openCurrent()) {
            return;
        }
    }
    updateWatches();

    // Revoked permission does not affect an open descriptor, but the user must see it: pause.
    if (::access(name.constData(), R_OK) != 0 && (errno == EACCES || errno == EPERM)) {
        setState(State::Failed, errorText(EACCES));
        return;
    }

    struct stat fst = {};
    if (::fstat(m_fd, &fst) != 0) {
        setState(State::Failed, errorText(errno));
        return;
    }
    if (fst.st_size < m_assembler.offset()) {
        startOver(QStringLiteral("file truncated"), false);
    } else if ((fst.st_size != m_lastSize || changeTimeNs(fst) != m_lastChangeNs)
        && prefixChanged()) {
        startOver(QStringLiteral("file rewritten"), false);
    }
    m_lastSize = fst.st_size;
    m_lastChangeNs = changeTimeNs(fst);

    const bool more = readAvailable();
    if (!m_readFailed)
        setState(State::Following, followingMessage());
    if (more)
        scheduleCheck(0);
}

bool FileFollower::openCurrent()
{
    const QByteArray name = QFile::encodeName(m_path);
    // O_NONBLOCK: opening a FIFO must not block the thread until a writer appears.
    const int fd = ::open(name.constData(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        const int error = errno;
        if (error == ENOENT || error == ENOTDIR)
            setState(State::Waiting, QStringLiteral("waiting for the file to appear"));
        else
            setState(State::Failed, errorText(error));
        return false;
    }
    struct stat st = {};
    if (::fstat(fd, &st) != 0) {
        const int error = errno;
        ::close(fd);
        setState(State::Failed, errorText(error));
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        setState(State::Failed,
            S_ISDIR(st.st_mode)
                ? QStringLiteral("is a folder, not a file")
                : QStringLiteral("not a regular file (read pipes as standard input)"));
        return false;
    }
    if (m_identity != Identity {} && m_identity != Identity { st.st_dev, st.st_ino }) {
        m_previousIdentities.append(m_identity);
        if (m_previousIdentities.size() > 8)
            m_previousIdentities.removeFirst();
    }
    m_fd = fd;
    m_identity = { st.st_dev, st.st_ino };
    m_nameMissing = false;
    m_released = false;
    m_assembler.reset(m_resumeAt);
    m_fingerprint.clear();
    if (m_resumeAt.offset > 0) {
        // The bulk loader delivered these bytes; they are the reference for "rewritten".
        QByteArray head(std::min<qint64>(fingerprintBytes, m_resumeAt.offset), Qt::Uninitialized);
        const qint64 got = readAt(m_fd, head.data(), head.size(), 0);
        if (got > 0)
            m_fingerprint = head.first(got);
    }
    m_resumeAt = {}; // any later file is read from its start
    m_lastSize = -1;
    m_lastChangeNs = -1;
    m_remoteFileSystem = isRemoteFileSystem(m_dir);
    if (m_watcher && !m_pollingOnly) {
        // Qt keeps watching the old inode after a rename over the path, or silently forgets
        // the path once the inode is deleted: always watch the name afresh.
        if (m_watcher->files().contains(m_path))
            m_watcher->removePath(m_path);
        m_watcher->addPath(m_path);
    }
    emit descriptorOpened();
    return true;
}

bool FileFollower::hasFollowed(quint64 device, quint64 inode) const
{
    const Identity identity { dev_t(device), ino_t(inode) };
    return ((m_fd >= 0 || m_released) && identity == m_identity)
        || m_previousIdentities.contains(identity);
}

bool FileFollower::releaseDescriptor()
{
    if (m_fd < 0 || m_nameMissing)
        return false;
    closeCurrent();
    m_released = true;
    return true;
}

// The name again, after releaseDescriptor(): the same file resumes where it was; another file
// under the name cannot be drained (see the class comment).
bool FileFollower::reopenReleased(const struct stat& nameStat)
{
    if (Identity { nameStat.st_dev, nameStat.st_ino } == m_identity) {
        const QByteArray name = QFile::encodeName(m_path);
        const int fd = ::open(name.constData(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) {
            setState(State::Failed, errorText(errno));
            return false;
        }
        struct stat st = {};
        if (::fstat(fd, &st) == 0 && Identity { st.st_dev, st.st_ino } == m_identity) {
            m_fd = fd;
            m_released = false;
            emit descriptorOpened();
            return true;
        }
        ::close(fd); // switched between stat and open: taken below on the next check
        scheduleCheck(0);
        return false;
    }
    bool rewrittenCopy = false;
    const int probe =
        ::open(QFile::encodeName(m_path).constData(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (probe >= 0) {
        rewrittenCopy = startsWith(probe, m_fingerprint);
        ::close(probe);
    }
    m_released = false;
    if (!rewrittenCopy)
        reportIncompleteTail(); // the old file's unfinished last line will not complete here
    m_resumeAt = {};
    startOver(rewrittenCopy ? QStringLiteral("file replaced") : QStringLiteral("file rotated"),
        !rewrittenCopy);
    return openCurrent();
}

void FileFollower::closeCurrent()
{
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
}

void FileFollower::switchFile()
{
    const QByteArray name = QFile::encodeName(m_path);
    struct stat oldStat = {};
    const bool oldLinked = ::fstat(m_fd, &oldStat) == 0 && oldStat.st_nlink > 0;
    struct stat linkStat = {};
    const bool isSymlink = ::lstat(name.constData(), &linkStat) == 0 && S_ISLNK(linkStat.st_mode);

    bool rewrittenCopy = false;
    if (oldLinked && !isSymlink) {
        // A new file that starts with the old one's bytes is a rewrite of it (an editor saving
        // with a backup), not the continuation a rotation gives.
        const int probe = ::open(name.constData(), O_RDONLY | O_CLOEXEC);
        if (probe >= 0) {
            rewrittenCopy = startsWith(probe, m_fingerprint);
            ::close(probe);
        }
    }
    const bool rotated = oldLinked && !isSymlink && !rewrittenCopy;
    QString reason;
    if (isSymlink)
        reason = QStringLiteral("symlink target changed");
    else if (rotated)
        reason = QStringLiteral("file rotated");
    else if (m_nameMissing)
        reason = QStringLiteral("file deleted and recreated");
    else
        reason = QStringLiteral("file replaced");

    if (rotated)
        reportIncompleteTail(); // the old file's unfinished last line will not complete here
    closeCurrent();
    m_resumeAt = {};
    startOver(reason, rotated);
    openCurrent();
}

void FileFollower::startOver(const QString& reason, bool rotated)
{
    ++m_generation;
    m_assembler.reset({});
    m_fingerprint.clear();
    m_reportedIncompleteLine = 0;
    m_lastSize = -1;
    m_lastChangeNs = -1;
    if (m_tailTimer)
        m_tailTimer->stop();
    if (rotated)
        emit fileRotated(reason);
    else
        emit fileReset(reason);
}

bool FileFollower::readAvailable()
{
    m_readFailed = false;
    m_waitingForBudget = false;
    struct stat st = {};
    if (::fstat(m_fd, &st) != 0) {
        m_readFailed = true;
        setState(State::Failed, errorText(errno));
        return false;
    }
    const qint64 at = m_assembler.offset();
    if (st.st_size <= at)
        return false;
    m_waitingForBudget = !m_budget->hasRoom();
    if (m_waitingForBudget)
        return true; // more to read once the reader has merged what is in flight
    const qint64 want = std::min<qint64>(st.st_size - at, m_maxReadBytes);
    QByteArray bytes(want, Qt::Uninitialized);
    const qint64 got = readAt(m_fd, bytes.data(), want, at);
    if (got < 0) {
        m_readFailed = true;
        setState(State::Failed, QStringLiteral("read error: %1").arg(errorText(errno)));
        return false;
    }
    if (got == 0)
        return false;
    bytes.truncate(got);
    extendFingerprint(bytes, at);

    QList<LineChunk> chunks;
    m_assembler.feed(std::move(bytes), chunks);
    for (qsizetype i = 0; i < chunks.size(); ++i) {
        LineChunk& chunk = chunks[i];
        chunk.path = m_path;
        chunk.generation = m_generation;
        chunk.credit = m_budget->take(chunk.bytes.size());
        chunk.moreFollow = i + 1 < chunks.size();
        emit linesRead(chunk);
    }
    if (m_assembler.pendingBytes() > 0)
        m_tailTimer->start(m_idleTailMs);
    else
        m_tailTimer->stop();
    return at + got < st.st_size;
}

void FileFollower::extendFingerprint(const QByteArray& bytes, qint64 at)
{
    const qint64 have = m_fingerprint.size();
    if (have >= fingerprintBytes || at > have)
        return;
    const qint64 from = have - at;
    const qint64 take = std::min<qint64>(fingerprintBytes - have, bytes.size() - from);
    if (take > 0)
        m_fingerprint.append(bytes.constData() + from, take);
}

bool FileFollower::prefixChanged()
{
    if (m_fingerprint.isEmpty())
        return false;
    QByteArray head(m_fingerprint.size(), Qt::Uninitialized);
    const qint64 got = readAt(m_fd, head.data(), head.size(), 0);
    if (got < 0)
        return false; // a read error shows up in readAvailable()
    return got < m_fingerprint.size() || head != m_fingerprint;
}

void FileFollower::reportIncompleteTail()
{
    if (m_assembler.isSkipping() || m_assembler.pendingBytes() == 0)
        return;
    const LinePosition tail = m_assembler.position();
    if (tail.lineNumber == m_reportedIncompleteLine)
        return;
    m_reportedIncompleteLine = tail.lineNumber;
    emit incompleteLineFound(tail.lineNumber, tail.offset, m_assembler.pendingLine());
}

void FileFollower::updateWatches()
{
    if (m_pollingOnly || !m_watcher) {
        m_notifying = false;
        updatePollTimer();
        return;
    }
    bool folderWatched = m_watcher->directories().contains(m_dir);
    if (!folderWatched && !m_sharedWatcher)
        folderWatched = m_watcher->addPath(m_dir);
    bool fileWatched = true;
    if (m_fd >= 0 && !m_nameMissing) {
        fileWatched = m_watcher->files().contains(m_path);
        if (!fileWatched)
            fileWatched = m_watcher->addPath(m_path);
    }
    m_notifying = folderWatched && fileWatched && !m_remoteFileSystem;
    updatePollTimer();
}

void FileFollower::updatePollTimer()
{
    if (m_schedule && m_notifying) {
        m_pollTimer->stop(); // the owner's safety poll checks every file at once
        return;
    }
    const int interval = m_notifying ? m_safetyPollIntervalMs : m_pollIntervalMs;
    if (!m_pollTimer->isActive() || m_pollTimer->interval() != interval)
        m_pollTimer->start(interval);
}

QString FileFollower::followingMessage() const
{
    if (m_notifying)
        return {};
    if (m_pollingOnly)
        return QStringLiteral("file change notification disabled; polling every %1 ms")
            .arg(m_pollIntervalMs);
    if (m_remoteFileSystem)
        return QStringLiteral("network file system: polling every %1 ms").arg(m_pollIntervalMs);
    return QStringLiteral("file change notification unavailable; polling every %1 ms")
        .arg(m_pollIntervalMs);
}

void FileFollower::setState(State state, const QString& message)
{
    if (changeState(m_state, m_message, state, message))
        emit stateChanged(state, message);
}

} // namespace viewer
