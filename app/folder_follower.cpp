#include "folder_follower.hpp"

#include "state_change.hpp"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTimer>

#include <algorithm>
#include <sys/resource.h>
#include <sys/stat.h>

namespace viewer {

FolderFollower::FolderFollower(const QString& folder, QObject* parent)
    : QObject(parent)
    , m_folder(QFileInfo(folder).absoluteFilePath())
{
    qRegisterMetaType<viewer::LineChunk>();
    qRegisterMetaType<viewer::FileFollower::State>();
}

FolderFollower::~FolderFollower()
{
    // The followers use m_watcher: they go first.
    for (auto& [path, follower] : m_followers)
        delete follower;
    m_followers.clear();
}

void FolderFollower::setNameFilters(const QStringList& filters)
{
    m_nameFilters = filters;
}

void FolderFollower::setMaxLineBytes(qsizetype bytes)
{
    m_maxLineBytes = bytes;
}

void FolderFollower::setMaxReadBytes(qsizetype bytes)
{
    m_maxReadBytes = bytes;
}

void FolderFollower::setMaxBytesInFlight(qint64 bytes)
{
    m_budget->setMaxBytesInFlight(bytes);
}

void FolderFollower::setMaxOpenFiles(int files)
{
    m_maxOpenFiles = std::max(0, files);
}

int FolderFollower::defaultMaxOpenFiles()
{
    rlimit limit = {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return 256;
    return int(std::clamp<rlim_t>(limit.rlim_cur / 4, 8, 256));
}

// The follower just opened a descriptor: it is the most recent; the least recent ones beyond
// the limit let theirs go (they open it again when their file changes).
void FolderFollower::noteDescriptorOpened(FileFollower* follower)
{
    if (const auto it = m_openPosition.constFind(follower); it != m_openPosition.cend())
        m_openOrder.erase(it.value());
    m_openOrder.push_back(follower);
    m_openPosition.insert(follower, std::prev(m_openOrder.end()));
    while (int(m_openOrder.size()) > m_openLimit && m_openOrder.front() != follower) {
        FileFollower* oldest = m_openOrder.front();
        m_openOrder.pop_front();
        m_openPosition.remove(oldest);
        oldest->releaseDescriptor();
    }
}

QStringList FolderFollower::files() const
{
    QStringList paths;
    paths.reserve(qsizetype(m_followers.size()));
    for (const auto& [path, follower] : m_followers)
        paths.append(path);
    return paths;
}

void FolderFollower::start(const QHash<QString, viewer::LinePosition>& resumeAt)
{
    if (m_started)
        stop();
    if (!m_rescanTimer) {
        m_rescanTimer = new QTimer(this);
        m_rescanTimer->setSingleShot(true);
        connect(m_rescanTimer, &QTimer::timeout, this, &FolderFollower::rescan);
        m_pollTimer = new QTimer(this);
        connect(m_pollTimer, &QTimer::timeout, this, &FolderFollower::rescan);
    }
    if (!m_pollingOnly && !m_watcher) {
        m_watcher = new QFileSystemWatcher(this);
        connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, [this](const QString& p) {
            if (p == m_folder)
                scheduleRescan(m_coalesceMs);
        });
    }
    m_started = true;
    m_openLimit = m_maxOpenFiles > 0 ? m_maxOpenFiles : defaultMaxOpenFiles();
    updateWatch(); // before the first followers look for the shared folder watch
    for (auto it = resumeAt.cbegin(); it != resumeAt.cend(); ++it)
        addFile(QFileInfo(it.key()).absoluteFilePath(), it.value(), false);
    rescan();
}

void FolderFollower::stop()
{
    if (!m_started)
        return;
    m_started = false;
    m_rescanTimer->stop();
    m_pollTimer->stop();
    for (auto& [path, follower] : m_followers) {
        follower->stop();
        disconnect(follower, nullptr, this, nullptr);
        follower->deleteLater(); // stop() may run inside one of its signals
    }
    m_followers.clear();
    m_openOrder.clear();
    m_openPosition.clear();
    m_renamedFiles.clear();
    if (m_watcher && m_watcher->directories().contains(m_folder))
        m_watcher->removePath(m_folder);
    setState(FileFollower::State::Stopped, {});
}

void FolderFollower::checkNow()
{
    rescan();
    for (auto& [path, follower] : m_followers)
        follower->checkNow();
}

void FolderFollower::scheduleRescan(int msecs)
{
    if (m_started && (!m_rescanTimer->isActive() || m_rescanTimer->remainingTime() > msecs))
        m_rescanTimer->start(msecs);
}

void FolderFollower::rescan()
{
    if (!m_started)
        return;
    updateWatch();
    const QFileInfo info(m_folder);
    if (!info.exists()) {
        setState(FileFollower::State::Waiting, QStringLiteral("waiting for the folder to appear"));
        return;
    }
    if (!info.isDir()) {
        setState(FileFollower::State::Failed, QStringLiteral("not a folder"));
        return;
    }
    if (!info.isReadable()) {
        setState(FileFollower::State::Failed, QStringLiteral("permission denied"));
        return;
    }
    // Sorted by name, so ranks join in a stable order when several appear at once.
    for (const QString& path : listFiles(m_folder, m_nameFilters)) {
        if (m_followers.find(path) == m_followers.end() && !isRenamedFollowedFile(path))
            addFile(path, {}, true);
    }
    QString message;
    if (!m_notifying) {
        message = m_pollingOnly
            ? QStringLiteral("file change notification disabled; polling every %1 ms")
            : QStringLiteral("file change notification unavailable; polling every %1 ms");
        message = message.arg(m_pollIntervalMs);
    }
    setState(FileFollower::State::Following, message);
}

QStringList FolderFollower::listFiles(const QString& folder, const QStringList& nameFilters)
{
    const QDir dir(folder);
    QStringList paths;
    for (const QString& name :
        dir.entryList(nameFilters, QDir::Files | QDir::Hidden | QDir::System, QDir::Name))
        paths << dir.absoluteFilePath(name);
    return paths;
}

bool FolderFollower::isRenamedFollowedFile(const QString& path)
{
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return false;
    const std::pair<quint64, quint64> identity { quint64(st.st_dev), quint64(st.st_ino) };
    const auto known = m_renamedFiles.constFind(path);
    if (known != m_renamedFiles.cend() && known.value() == identity)
        return true;
    m_renamedFiles.remove(path);
    // `mv rank0.jsonl rank0.1.jsonl`: the rank0 follower already read (and drains) that inode;
    // following it again under the new name would duplicate every line of it.
    for (const auto& [followedPath, follower] : m_followers) {
        if (follower->hasFollowed(identity.first, identity.second)) {
            m_renamedFiles.insert(path, identity);
            return true;
        }
    }
    return false;
}

void FolderFollower::addFile(const QString& path, LinePosition from, bool announce)
{
    if (m_followers.find(path) != m_followers.end())
        return;
    auto* follower =
        m_watcher ? new FileFollower(path, m_watcher, this) : new FileFollower(path, this);
    follower->setPollingOnly(m_pollingOnly);
    follower->setPollInterval(m_pollIntervalMs);
    follower->setSafetyPollInterval(m_safetyPollIntervalMs);
    follower->setCoalesceInterval(m_coalesceMs);
    follower->setIdleTailTimeout(m_idleTailMs);
    follower->setMaxLineBytes(m_maxLineBytes);
    follower->setMaxReadBytes(m_maxReadBytes);
    follower->setChunkBudget(m_budget);
    m_followers.emplace(path, follower);

    // Same thread: direct connections keep each file's signals in order.
    connect(follower, &FileFollower::linesRead, this, &FolderFollower::linesRead);
    connect(follower, &FileFollower::descriptorOpened, this,
        [this, follower] { noteDescriptorOpened(follower); });
    connect(follower, &FileFollower::fileReset, this,
        [this, path](const QString& reason) { emit fileReset(path, reason); });
    connect(follower, &FileFollower::fileRotated, this,
        [this, path](const QString& reason) { emit fileRotated(path, reason); });
    connect(follower, &FileFollower::stateChanged, this,
        [this, path](FileFollower::State state, const QString& message) {
            emit fileStateChanged(path, state, message);
        });
    connect(follower, &FileFollower::incompleteLineFound, this,
        [this, path](qint64 lineNumber, qint64 offset, const QByteArray& bytes) {
            emit incompleteLineFound(path, lineNumber, offset, bytes);
        });

    if (announce)
        emit fileAdded(path);
    follower->start(from);
}

void FolderFollower::updateWatch()
{
    bool watched = false;
    if (m_watcher && !m_pollingOnly) {
        watched = m_watcher->directories().contains(m_folder);
        if (!watched && QFileInfo(m_folder).isDir())
            watched = m_watcher->addPath(m_folder);
    }
    m_notifying = watched;
    const int interval = m_notifying ? m_safetyPollIntervalMs : m_pollIntervalMs;
    if (!m_pollTimer->isActive() || m_pollTimer->interval() != interval)
        m_pollTimer->start(interval);
}

void FolderFollower::setState(FileFollower::State state, const QString& message)
{
    if (changeState(m_state, m_message, state, message))
        emit stateChanged(state, message);
}

} // namespace viewer
