#pragma once

#include "file_follower.hpp"
#include "line_chunk.hpp"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <list>
#include <map>
#include <set>
#include <utility>

class QFileSystemWatcher;
class QSocketNotifier;
class QTimer;

namespace viewer {

// Follows a folder of `*.jsonl` files (e.g. one per rank): one FileFollower per file, all sharing
// one QFileSystemWatcher (one inotify instance, not one per file), and files that appear later
// join (fileAdded, then their lines from offset 0). Lives on one worker thread like FileFollower:
// configure, moveToThread, invoke start() there; consumers connect with queued connections.
// Every chunk carries its file's path (LineChunk::path); per-file signals name the file. Files
// are not followed into subfolders; a file that disappears stays followed (Waiting) and starts
// over (fileReset) if it reappears; a followed file renamed to another matching name (rotation,
// `mv rank0.jsonl rank0.1.jsonl`) is not followed again under that name.
// Descriptors are bounded: at most maxOpenFiles files hold one (the most recently active); the
// others are released and opened again when they change (FileFollower::releaseDescriptor), so a
// folder of 5,000 files under `ulimit -n 1024` is followed whole. A file that still cannot be
// opened is Failed in fileStateChanged, with the reason.
// Work per change, not per file (issue 15): the watcher's events go to the one follower whose file
// changed (by path), and the followers that asked are checked together in one pass, at most one
// pass per MinPassGapMs while files keep changing (the first change after a quiet spell waits only
// the coalesce interval). A pass's chunks go out back to back, every one but the last marked
// LineChunk::moreFollow, so the consumer wakes once per pass, not once per file; any other signal
// goes out after the chunks read before it (a file's order is kept). One safety poll checks every
// file at once while notification works. Between a notification and its pass the watcher's
// notifications are held in the kernel (its socket notifier is paused; Qt merges them per file
// when it reads them at the pass): the thread wakes once per pass, not once per write.
class FolderFollower : public QObject, public FollowTiming
{
    Q_OBJECT
public:
    explicit FolderFollower(const QString& folder, QObject* parent = nullptr);
    ~FolderFollower() override;

    FolderFollower(const FolderFollower&) = delete;
    FolderFollower& operator=(const FolderFollower&) = delete;

    // Settings (with FollowTiming's); call before start(). They apply to every file's follower.
    void setNameFilters(const QStringList& filters); // default {"*.jsonl"}
    void setMaxLineBytes(qsizetype bytes);
    void setMaxReadBytes(qsizetype bytes);
    // Bytes read but not yet merged, for all the folder's files together (ChunkBudget).
    void setMaxBytesInFlight(qint64 bytes);
    // Most descriptors held at once; 0 (default): a quarter of RLIMIT_NOFILE, 8 to 256.
    void setMaxOpenFiles(int files);
    static int defaultMaxOpenFiles();
    // While files keep changing, one pass (one batch of chunks) per this long at most.
    static constexpr int MinPassGapMs = 50;
    // The folder's files that match, as absolute paths sorted by name: regular files, and a FIFO or
    // device with a matching name too (named as unreadable rather than skipped in silence). The
    // one listing rule, shared with the bulk load of a folder source.
    static QStringList listFiles(
        const QString& folder, const QStringList& nameFilters = { QStringLiteral("*.jsonl") });

    QString folder() const
    {
        return m_folder;
    }
    // Absolute paths of the files followed, sorted.
    QStringList files() const;
    FileFollower::State state() const
    {
        return m_state;
    }
    QString message() const
    {
        return m_message;
    }
    bool isNotifying() const
    {
        return m_notifying;
    }
    // FileFollower::checkCount() summed over the files followed now.
    quint64 fileCheckCount() const;

public slots:
    // resumeAt: files the bulk loader already read (absolute path -> position after its last
    // complete line). Those are followed from there without fileAdded; every other matching file,
    // now or later, is announced by fileAdded and read from its start.
    void start(const QHash<QString, viewer::LinePosition>& resumeAt = {});
    void stop();
    // Looks for new files and checks every file now (as a poll would).
    void checkNow();

signals:
    void fileAdded(const QString& path);
    void linesRead(const viewer::LineChunk& chunk);
    void fileReset(const QString& path, const QString& reason);
    void fileRotated(const QString& path, const QString& reason);
    void fileStateChanged(
        const QString& path, viewer::FileFollower::State state, const QString& message);
    void incompleteLineFound(
        const QString& path, qint64 lineNumber, qint64 offset, const QByteArray& bytes);
    // The folder itself: Waiting while it does not exist, Failed when it cannot be listed.
    void stateChanged(viewer::FileFollower::State state, const QString& message);

private:
    void rescan();
    void schedulePass(int msecs);
    void runPass();
    void markAllDue();
    void holdNotifications(bool hold);
    void takeHeldNotifications();
    void bufferChunk(const viewer::LineChunk& chunk);
    void flushChunks();
    bool isRenamedFollowedFile(const QString& path);
    void addFile(const QString& path, LinePosition from, bool announce);
    void updateWatch();
    void setState(FileFollower::State state, const QString& message);
    void noteDescriptorOpened(FileFollower* follower);

    QString m_folder; // absolute, as watched
    QStringList m_nameFilters { QStringLiteral("*.jsonl") };
    qsizetype m_maxLineBytes = LineAssembler::DefaultMaxLineBytes;
    qsizetype m_maxReadBytes = FileFollower::DefaultMaxReadBytes;

    QFileSystemWatcher* m_watcher = nullptr;
    // One budget for all the folder's files: the bytes in flight are bounded per folder, not per
    // file (a folder of thousands of files would otherwise multiply the bound).
    std::shared_ptr<ChunkBudget> m_budget = std::make_shared<ChunkBudget>();
    QTimer* m_passTimer = nullptr;
    QTimer* m_pollTimer = nullptr;
    QTimer* m_flushTimer = nullptr; // chunks read outside a pass (a file's own poll or timer)
    bool m_rescanDue = false; // the folder changed: look for new files in the next pass
    std::set<QString> m_due; // files to check in the next pass, in name order
    QElapsedTimer m_sinceLastPass;
    QList<LineChunk> m_chunks; // read in this pass, not emitted yet
    bool m_inPass = false;
    // The watcher's inotify socket notifier (Qt's own child object; null if Qt has none, and then
    // notifications are simply not held).
    QPointer<QSocketNotifier> m_notifier;
    std::map<QString, FileFollower*> m_followers; // by absolute path; children of this
    int m_maxOpenFiles = 0;
    int m_openLimit = 0; // m_maxOpenFiles, or the default when it is 0
    // Followers that opened a descriptor, least recently first (some may have closed it since).
    std::list<FileFollower*> m_openOrder;
    QHash<FileFollower*, std::list<FileFollower*>::iterator> m_openPosition;
    // Names under which an already followed file reappeared (rotation inside the folder), with
    // that file's (device, inode): not followed a second time.
    QHash<QString, std::pair<quint64, quint64>> m_renamedFiles;
    bool m_started = false;
    bool m_notifying = false;
    FileFollower::State m_state = FileFollower::State::Stopped;
    QString m_message;
};

} // namespace viewer
