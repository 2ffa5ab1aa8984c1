#include "folder_follower.hpp"

#include "state_change.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QSocketNotifier>
#include <QTimer>

#include <algorithm>
#include <poll.h>
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

quint64 FolderFollower::fileCheckCount() const
{
    quint64 checks = 0;
    for (const auto& [path, follower] : m_followers)
        checks += follower->checkCount();
    return checks;
}

void FolderFollower::start(const QHash<QString, viewer::LinePosition>& resumeAt)
{
    if (m_started)
        stop();
    if (!m_passTimer) {
        m_passTimer = new QTimer(this);
        m_passTimer->setSingleShot(true);
        connect(m_passTimer, &QTimer::timeout, this, &FolderFollower::runPass);
        m_flushTimer = new QTimer(this);
        m_flushTimer->setSingleShot(true);
        connect(m_flushTimer, &QTimer::timeout, this, &FolderFollower::flushChunks);
        m_pollTimer = new QTimer(this);
        connect(m_pollTimer, &QTimer::timeout, this, [this] {
            rescan();
            if (m_notifying) { // otherwise each file polls on its own, at the polling interval
                markAllDue();
                runPass();
            }
        });
    }
    if (!m_pollingOnly && !m_watcher) {
        m_watcher = new QFileSystemWatcher(this);
        // A change in the folder (a file created, deleted, renamed) may concern any followed
        // name: every file is looked at. An appended file concerns its own follower only.
        connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, [this](const QString& p) {
            if (p != m_folder)
                return;
            m_rescanDue = true;
            markAllDue();
            schedulePass(m_coalesceMs);
        });
        connect(m_watcher, &QFileSystemWatcher::fileChanged, this, [this](const QString& p) {
            if (m_followers.find(p) == m_followers.end())
                return;
            m_due.insert(p);
            schedulePass(m_coalesceMs);
        });
        const auto notifiers = m_watcher->findChildren<QSocketNotifier*>();
        if (notifiers.size() == 1)
            m_notifier = notifiers.first();
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
    flushChunks(); // what was read goes out, as it would have without batching
    m_started = false;
    m_passTimer->stop();
    m_pollTimer->stop();
    m_flushTimer->stop();
    holdNotifications(false);
    m_due.clear();
    m_rescanDue = false;
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
    m_rescanDue = true;
    markAllDue();
    runPass();
}

void FolderFollower::markAllDue()
{
    for (const auto& [path, follower] : m_followers)
        m_due.insert(path);
}

// msecs: what the asking follower wants (0: at once, it has more to read). A notification waits
// the coalesce interval, and at least MinPassGapMs after the last pass: 100 files appending 10
// times a second each give ~20 passes a second, not 1,000 reads and wake-ups.
void FolderFollower::schedulePass(int msecs)
{
    if (!m_started)
        return;
    int wait = msecs;
    if (msecs > 0 && m_sinceLastPass.isValid())
        wait = std::max(wait, MinPassGapMs - int(m_sinceLastPass.elapsed()));
    if (!m_passTimer->isActive() || m_passTimer->remainingTime() > wait)
        m_passTimer->start(wait);
    if (!m_inPass)
        holdNotifications(wait > 0); // the pass takes what comes meanwhile
}

void FolderFollower::holdNotifications(bool hold)
{
    if (m_notifier && m_notifier->isEnabled() == hold)
        m_notifier->setEnabled(!hold);
}

// Notifications that came while they were held: read now (Qt reads the inotify descriptor when
// its notifier is activated), so that the files they name join this pass.
void FolderFollower::takeHeldNotifications()
{
    if (!m_notifier || m_notifier->isEnabled())
        return;
    m_notifier->setEnabled(true);
    pollfd fd { static_cast<int>(m_notifier->socket()), POLLIN, 0 };
    if (::poll(&fd, 1, 0) == 1 && (fd.revents & POLLIN)) {
        QEvent activate(QEvent::SockAct);
        QCoreApplication::sendEvent(m_notifier, &activate);
    }
}

void FolderFollower::runPass()
{
    m_passTimer->stop();
    if (!m_started)
        return;
    m_sinceLastPass.start();
    m_inPass = true;
    takeHeldNotifications();
    if (std::exchange(m_rescanDue, false))
        rescan();
    const std::set<QString> due = std::exchange(m_due, {});
    for (const QString& path : due) {
        // Looked up each time: a signal of the previous file may have stopped the folder.
        const auto it = m_followers.find(path);
        if (it != m_followers.end())
            it->second->checkNow(); // asks again (schedulePass) if it has more to read
    }
    m_inPass = false;
    // The notifications taken at the start asked for a pass: this was it.
    if (m_due.empty() && !m_rescanDue)
        m_passTimer->stop();
    flushChunks();
}

void FolderFollower::bufferChunk(const viewer::LineChunk& chunk)
{
    m_chunks.append(chunk);
    if (!m_inPass && !m_flushTimer->isActive())
        m_flushTimer->start(0);
}

void FolderFollower::flushChunks()
{
    if (m_chunks.isEmpty())
        return;
    m_flushTimer->stop();
    QList<LineChunk> chunks = std::exchange(m_chunks, {});
    for (qsizetype i = 0; i < chunks.size(); ++i) {
        chunks[i].moreFollow = i + 1 < chunks.size();
        emit linesRead(chunks[i]);
    }
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
    follower->setScheduledBy([this, path](int msecs) {
        m_due.insert(path);
        schedulePass(msecs);
    });
    m_followers.emplace(path, follower);

    // Same thread: direct connections keep each file's signals in order. Chunks wait for the end
    // of the pass; any other signal first sends the chunks read before it.
    connect(follower, &FileFollower::linesRead, this, &FolderFollower::bufferChunk);
    connect(follower, &FileFollower::descriptorOpened, this,
        [this, follower] { noteDescriptorOpened(follower); });
    connect(follower, &FileFollower::fileReset, this, [this, path](const QString& reason) {
        flushChunks();
        emit fileReset(path, reason);
    });
    connect(follower, &FileFollower::fileRotated, this, [this, path](const QString& reason) {
        flushChunks();
        emit fileRotated(path, reason);
    });
    connect(follower, &FileFollower::stateChanged, this,
        [this, path](FileFollower::State state, const QString& message) {
            flushChunks();
            emit fileStateChanged(path, state, message);
        });
    connect(follower, &FileFollower::incompleteLineFound, this,
        [this, path](qint64 lineNumber, qint64 offset, const QByteArray& bytes) {
            flushChunks();
            emit incompleteLineFound(path, lineNumber, offset, bytes);
        });

    if (announce) {
        flushChunks();
        emit fileAdded(path);
    }
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
    if (changeState(m_state, m_message, state, message)) {
        flushChunks();
        emit stateChanged(state, message);
    }
}

} // namespace viewer
