#pragma once

#include "run.hpp"
#include "source.hpp"

#include <QHash>
#include <QObject>
#include <QString>

#include <memory>
#include <vector>

namespace viewer {

// Everything the viewer has open: sources (a file, a folder of *.jsonl files, "-" for standard
// input, a FIFO, an ssh:// address: each a Source, see source.hpp), each giving one or more runs.
// Lives on the GUI thread. Loading and following run on worker threads; their results arrive here
// as values and are merged in file order, so a Run is only ever touched on this thread and the UI
// can read it directly between signals. No code here knows which kind a source is.
class Workspace : public QObject
{
    Q_OBJECT
public:
    using SourceState = viewer::SourceState;

    // A last line without its '\n' (docs/format.md: not a record yet). While following it may still
    // be completed; once the source is read to its end (--no-follow, standard input closed) it
    // stays unread, and is named rather than dropped in silence (V20).
    struct IncompleteLine
    {
        QString file;
        qint64 line = 0;
        qint64 offset = 0;
        qint64 bytes = 0;

        // The one wording of V20 (banner, run list, --summary): "line N is incomplete (...)",
        // prefixed with the file's name when it is not the source itself (a folder's file).
        // final: the source was read to its end, so the line stays unread.
        QString describe(const QString& sourcePath, bool final) const;
    };

    // A file of a folder that cannot be read now (e.g. "Too many open files", "permission
    // denied"): named in the UI and in --summary, never skipped in silence. Plain text.
    struct FileProblem
    {
        QString file;
        QString message;
    };

    // "r7.jsonl: Too many open files", or for several "3 files cannot be read: a.jsonl:
    // permission denied; b.jsonl: ...; and 1 more" (at most maxNamed named). Plain text.
    static QString describeFileProblems(const QList<FileProblem>& problems, int maxNamed = 3);

    struct SourceInfo
    {
        int id = -1;
        QString path;
        SourceState state = SourceState::Loading;
        QString message; // plain text: the reason for Failed/Waiting, notes (e.g. "polling only")
        qint64 bytesDone = 0;
        qint64 bytesTotal = 0;
        qint64 lastAppendMsecs = 0; // QDateTime::currentMSecsSinceEpoch() of the last new record
        QList<IncompleteLine> incompleteLines; // at most one per file
        QList<FileProblem> fileProblems; // at most one per file, while it cannot be read
        // Things that happened to the source, for the record (plain text), e.g. "run.jsonl: file
        // truncated while it was read; read again from the start".
        QStringList notes;
        // A stream (standard input, a FIFO, `<(cmd)`, a character device): read to its end, not by
        // offset; headless modes wait for its end (or its idle timeout).
        bool isStream = false;
    };

    explicit Workspace(QObject* parent = nullptr);
    ~Workspace() override;

    // Starts loading; returns the source id at once. follow: keep reading appended records.
    // path: anything openSource() knows (a file, a folder, "-", a FIFO, an ssh:// address).
    // A file or folder already open returns its source's id (read once, shown once).
    int open(const QString& path, bool follow = true);
    // The same for a source made by the caller (a kind openSource() does not know, a test's).
    int open(std::unique_ptr<Source> source, bool follow = true);
    // Stops loading/following and frees the source's runs (runRemoved for each).
    void close(int sourceId);
    // Closes one run and frees it (runRemoved). While its file is followed, records that keep
    // arriving for it are dropped; a run that starts later in the file is added as usual.
    // Closing the last open run of a source closes the source.
    void closeRun(int runId);
    // Stops a running load; what was loaded so far is kept (source becomes Idle).
    void cancel(int sourceId);
    void setFollowing(int sourceId, bool follow);
    // For streams opened afterwards: give up after this long without a byte and without the end
    // (the source fails, saying so). 0 (default): wait as long as it takes (the window follows).
    void setStreamIdleTimeout(int msecs);
    // For sources followed afterwards (files, folders, streams): how many bytes read but not yet
    // merged each may hold before its reader pauses (ChunkBudget; <= 0: no limit, the old
    // behaviour, kept for the benchmark's peer). By default each reader keeps its own default.
    void setMaxBytesInFlight(qint64 bytes);
    // false: runsAppended after every merge, unpaced (the old behaviour, kept for the benchmark's
    // peer). Default true (AnnouncePacer).
    void setPacedAnnouncements(bool paced);
    // How many times a file that shrinks while it is loaded is loaded again before giving up.
    static constexpr int MaxLoadAttempts = 3;

    QList<int> sourceIds() const;
    SourceInfo source(int sourceId) const;

    // Run ids are stable for the lifetime of the run.
    QList<int> runIds() const;
    const Run* run(int runId) const; // nullptr once removed
    int sourceOfRun(int runId) const;

    // The raw text of a record (its line in the file), for the record inspector; empty if gone.
    QByteArray recordText(int runId, std::uint32_t record) const;

    // True when no source is loading (for --summary / --screenshot waiting for completion).
    bool isIdle() const;

signals:
    void sourceStateChanged(int sourceId);
    void loadProgress(int sourceId, qint64 bytesDone, qint64 bytesTotal);
    void loadFinished(int sourceId);
    void runAdded(int runId);
    void runRemoved(int runId);
    // New records/points/events/malformed lines reached these runs. Paced (AnnouncePacer): at
    // once after a quiet spell, then as often as the views' share of the GUI thread allows, at
    // least once a second while records arrive; the records are in the store before.
    void runsAppended(const QList<int>& runIds);
    // A followed file was truncated or replaced: its runs were dropped and are being re-read.
    void sourceReset(int sourceId, const QString& reason);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace viewer
