#pragma once

#include "chunk_budget.hpp"
#include "follow_timing.hpp"
#include "line_assembler.hpp"
#include "line_chunk.hpp"

#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <sys/stat.h>
#include <sys/types.h>

class QFileSystemWatcher;
class QTimer;

namespace viewer {

// Follows one path like `tail -F`, turning appended bytes into LineChunks. Lives on one thread
// (a worker: construct, configure, moveToThread, then invoke start() there); all its slots,
// timers and signals run on that thread, and each event reads at most maxReadBytes so several
// followers can share the thread. Consumers on other threads connect with queued connections.
// Guarantees: every complete line of the followed file is delivered once, in order; a partial last
// line is held until its '\n'; when the file is truncated, rewritten, replaced, deleted and
// recreated or its symlink is switched, fileReset() tells the consumer to drop this file's data,
// and lines start again from offset 0, line 1 (nothing stale, nothing twice).
//
// Detection, on each notification or poll of the name:
//   size < offset                         -> fileReset("file truncated")
//   first bytes (<= 1 KiB) changed        -> fileReset("file rewritten") (truncated and regrown
//                                            past the offset between two polls)
//   name missing                          -> Waiting; the open descriptor is still drained
//   name -> other inode, old one unlinked -> drain old, fileReset("file replaced"/"... recreated")
//   name is a symlink to another file     -> drain old, fileReset("symlink target changed")
//   name -> other inode, old one still    -> rotation (mv f f.1; new f): drain old to its end,
//   linked elsewhere and new file does       incompleteLineFound for its unfinished tail, then
//   not start with the old file's bytes      fileRotated(): keep the data, the new file's lines
//                                            follow from offset 0, line 1 (generation + 1)
//   not readable (access(R_OK) fails)     -> Failed("permission denied"), reading paused; resumes
//                                            from the same offset when readable again
//   not a regular file (FIFO, device)     -> Failed: it cannot be followed by offset (a pipe is
//                                            read with StdinReader's descriptor constructor)
// Descriptors: one is held while following. releaseDescriptor() (a folder's pool of descriptors,
// see FolderFollower) closes it between reads: the follower then checks the name (stat) and
// opens it again only when the file changed. While released, a switch of the name to another
// file cannot drain the old one: it is taken as a rotation (the data kept), unless the new file
// starts with the old one's bytes (a rewrite: fileReset).
// Notification: QFileSystemWatcher on the file and its folder (the file is re-added after every
// switch: Qt silently keeps watching the old inode or drops the path), plus a safety poll
// (default 1 s). When notification is unavailable (disabled, addPath fails, or a network/FUSE
// file system) it polls every pollInterval (250 ms) and says so in the state message.
class FileFollower : public QObject, public FollowTiming
{
    Q_OBJECT
public:
    enum class State
    {
        Stopped, // not started, or stopped
        Following, // reading appended lines (message may note "polling only")
        Waiting, // the file does not exist (yet); resumes when it appears
        Failed, // the file exists but cannot be read (message says why); retried on each poll
    };
    Q_ENUM(State)

    static constexpr qsizetype DefaultMaxReadBytes = qsizetype(8) * 1024 * 1024;

    explicit FileFollower(const QString& path, QObject* parent = nullptr);
    // With a shared watcher (one inotify instance for a whole folder, see FolderFollower): it must
    // live on this follower's thread, outlive it, and its owner watches the parent folder.
    FileFollower(const QString& path, QFileSystemWatcher* sharedWatcher, QObject* parent = nullptr);
    ~FileFollower() override;

    FileFollower(const FileFollower&) = delete;
    FileFollower& operator=(const FileFollower&) = delete;

    // Settings (with FollowTiming's); call before start().
    void setMaxLineBytes(qsizetype bytes);
    void setMaxReadBytes(qsizetype bytes); // per chunk (one read per event-loop pass)
    // The budget this follower's chunks take their credits from (default: its own, 64 MiB in
    // flight). While it is full the follower reads nothing and looks at it every BudgetRetryMs.
    // A folder shares one budget among its files.
    void setChunkBudget(std::shared_ptr<ChunkBudget> budget);
    std::shared_ptr<ChunkBudget> chunkBudget() const
    {
        return m_budget;
    }
    static constexpr int BudgetRetryMs = 1;
    // Driven by an owner (FolderFollower, with the shared watcher): the owner hands the watcher's
    // events to the follower concerned and checks the followers that asked, all in one pass. The
    // follower then does not listen to the watcher itself, asks `schedule` (on its thread) instead
    // of its own check timer, and has no safety poll of its own while notification works (the
    // owner's covers every file at once); when it does not, it polls as usual. Call before start().
    void setScheduledBy(std::function<void(int msecs)> schedule);

    QString path() const
    {
        return m_path;
    }
    State state() const
    {
        return m_state;
    }
    QString message() const
    {
        return m_message;
    }
    // False when only polling sees changes (disabled, or the watcher refused the path).
    bool isNotifying() const
    {
        return m_notifying;
    }
    // Where the next undelivered line starts (the partial line, if any) in the current file.
    LinePosition position() const
    {
        return m_assembler.position();
    }
    quint64 generation() const
    {
        return m_generation;
    }
    // How many times it has looked at its file (a stat of the name at least): work done, for
    // tests and diagnostics (a folder checks only the files that changed).
    quint64 checkCount() const
    {
        return m_checkCount;
    }
    // True if `device`/`inode` is the file followed now or one followed before (the last few):
    // a folder must not follow a rotated file again under its new name.
    bool hasFollowed(quint64 device, quint64 inode) const;
    bool holdsDescriptor() const
    {
        return m_fd >= 0;
    }
    // Closes the descriptor until the file changes (see above). False if it must stay open (the
    // name is gone and the old file is still being drained) or none is held.
    bool releaseDescriptor();

public slots:
    // Starts following. `from`: where to resume in the file that exists now (the bulk loader's
    // offset after its last complete line, and the number of the line there); a file that
    // appears later, or replaces this one, is read from its start.
    void start(viewer::LinePosition from = {});
    void stop();
    // Looks at the file now (as a poll would).
    void checkNow();

signals:
    void linesRead(const viewer::LineChunk& chunk);
    // Drop everything read from this file: it starts over (offset 0, line 1, generation + 1).
    void fileReset(const QString& reason);
    // The old file was read to its end and moved away; keep its data. New lines come from the new
    // file at offset 0, line 1, generation + 1.
    void fileRotated(const QString& reason);
    // Emitted on change only (no repeated errors). message is plain text.
    void stateChanged(viewer::FileFollower::State state, const QString& message);
    // The last line has had no '\n' for idleTailTimeout (a writer that crashed mid-line), or the
    // file rotated away with it unfinished. Reported once per line; not an error. If the line
    // completes later it simply arrives in linesRead: any later linesRead, fileReset or
    // fileRotated supersedes this note.
    void incompleteLineFound(qint64 lineNumber, qint64 offset, const QByteArray& bytes);
    // A descriptor was opened (for a pool that bounds how many are held at once).
    void descriptorOpened();

private:
    struct Identity
    {
        dev_t device = 0;
        ino_t inode = 0;
        friend bool operator==(const Identity&, const Identity&) = default;
    };

    void init(QFileSystemWatcher* sharedWatcher);
    void check();
    void scheduleCheck(int msecs);
    bool openCurrent();
    bool reopenReleased(const struct ::stat& nameStat);
    void closeCurrent();
    void switchFile();
    bool readAvailable();
    bool prefixChanged();
    void extendFingerprint(const QByteArray& bytes, qint64 at);
    void startOver(const QString& reason, bool rotated);
    void reportIncompleteTail();
    void updateWatches();
    void updatePollTimer();
    void setState(State state, const QString& message);
    QString followingMessage() const;
    void onWatcherFileChanged(const QString& path);
    void onWatcherDirectoryChanged(const QString& path);

    QString m_path;
    QString m_dir;
    QFileSystemWatcher* m_watcher = nullptr;
    bool m_sharedWatcher = false;
    std::function<void(int msecs)> m_schedule; // the owner's, when it drives the checks
    QTimer* m_checkTimer = nullptr;
    QTimer* m_pollTimer = nullptr;
    QTimer* m_tailTimer = nullptr;
    QTimer* m_budgetTimer = nullptr;

    qsizetype m_maxReadBytes = DefaultMaxReadBytes;
    std::shared_ptr<ChunkBudget> m_budget = std::make_shared<ChunkBudget>();
    bool m_waitingForBudget = false; // the last readAvailable() found the budget full

    bool m_started = false;
    bool m_notifying = false;
    bool m_remoteFileSystem = false;
    State m_state = State::Stopped;
    QString m_message;

    int m_fd = -1;
    Identity m_identity;
    QList<Identity> m_previousIdentities; // the last few files followed before this one
    bool m_nameMissing = false; // the name vanished while m_fd was open
    bool m_released = false; // m_fd closed by releaseDescriptor(); m_identity still the file's
    bool m_readFailed = false; // the last readAvailable() hit an error (state is Failed)
    LinePosition m_resumeAt; // where the next open starts
    LineAssembler m_assembler;
    QByteArray m_fingerprint; // the file's first bytes (<= 1 KiB) as read
    qint64 m_lastSize = -1;
    qint64 m_lastChangeNs = -1;
    qint64 m_reportedIncompleteLine = 0;
    quint64 m_generation = 0;
    quint64 m_checkCount = 0;
};

} // namespace viewer
