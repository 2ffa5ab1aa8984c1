#pragma once

#include "chunk_budget.hpp"
#include "line_assembler.hpp"
#include "line_chunk.hpp"
#include "ssh_command.hpp"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

class QSocketNotifier;
class QTimer;

namespace viewer {

// Follows a set of files on one host like `tail -F`, over ONE ssh session, into the same
// LineChunk stream as FileFollower (chunk path: each file's ssh:// address). One session per
// source, whatever its number of files: sshd's MaxSessions (10 by default) bounds the sessions of
// one connection, not the files. Lives on one thread with an event loop (QProcess, QTimer,
// QSocketNotifier); consumers on other threads connect with queued connections.
// The remote side is a POSIX sh loop using only coreutils (stat -c, tail -c, head -c; see
// remote_session.cpp) that polls all its files with one `stat` every 100 ms and sends what is new
// as framed messages naming the file by its number.
// Guarantees:
//  - every complete line of every file is delivered once, in order, with its byte offset and line
//    number;
//  - a dropped connection (ssh killed, network gone, server restarted) reconnects with backoff
//    (0.5 s doubling to 30 s) and resumes every file at its last complete line's offset; the
//    remote side compares each file's identity (device:inode) and size with what was read, so a
//    file replaced or truncated while disconnected starts over (fileReset), as while connected;
//  - back-pressure: chunks take credits from a ChunkBudget; while it is full nothing is read from
//    ssh (its stdout is a pipe of ours, not QProcess's eager buffer), so ssh's channel window
//    makes the remote loop wait;
//  - ssh failing before it ever connected (auth failure, unknown host key, no such host), or a
//    single file missing when it is read once, is Failed with ssh's (or stat's) own stderr as
//    plain text; a missing single file while following is Waiting, as locally.
//  - a rotation (mv f f.1; new f, the old file still in f's folder) reads the old file to its end
//    before the new one, keeping the data (as FileFollower); the old file is not read again under
//    its new name (a folder lists it: its identity is known). The old file moved to another
//    folder or deleted is a replacement (fileReset).
// Not detected (as with local `tail -F` between two polls): a file truncated and regrown past the
// offset while disconnected.
class RemoteSession : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Connecting, // ssh started, first read not finished yet
        Following, // read to the current end, following appends
        Waiting, // connected; the (single) file does not exist (yet)
        Reconnecting, // the connection dropped; message says attempt n and when the next one is
        Finished, // follow == false: read to the end that was current, stopped
        Failed, // message: ssh's or the remote command's error, plain text
    };
    Q_ENUM(State)

    static constexpr int MaxBackoffMs = 30000;
    static constexpr int FirstBackoffMs = 500;
    static constexpr int NoFollowMaxAttempts = 5; // reading once: give up after this many drops
    static constexpr int BudgetRetryMs = 1; // while the budget is full, look again this often

    // url: its host and options. singleFile: the source is one file (a missing file is Waiting,
    // or Failed when read once); else the files of a folder (a file gone is simply not read).
    RemoteSession(const RemoteUrl& url, bool singleFile, bool follow, QObject* parent = nullptr);
    ~RemoteSession() override;

    RemoteSession(const RemoteSession&) = delete;
    RemoteSession& operator=(const RemoteSession&) = delete;

    State state() const
    {
        return m_state;
    }
    QString message() const
    {
        return m_message;
    }
    // The ssh process now running (0: none). Tests kill it to cut the connection.
    qint64 processId() const;
    int fileCount() const
    {
        return static_cast<int>(m_files.size());
    }
    // Where the next undelivered line of a file (by ssh:// address) starts.
    LinePosition position(const QString& address) const;
    // The budget chunks take their credits from (default: its own, 64 MiB in flight).
    void setChunkBudget(std::shared_ptr<ChunkBudget> budget);
    std::shared_ptr<ChunkBudget> chunkBudget() const
    {
        return m_budget;
    }

public slots:
    // Adds remote files (absolute paths) to follow; resumeAt (by ssh:// address): where each
    // starts. Starts the session, or starts it again at once with the longer list (every file
    // resumes where it was: nothing lost, nothing twice).
    void addFiles(
        const QStringList& remotePaths, const QHash<QString, viewer::LinePosition>& resumeAt);
    void stop();

signals:
    void linesRead(const viewer::LineChunk& chunk);
    void fileReset(const QString& address, const QString& reason);
    void stateChanged(viewer::RemoteSession::State state, const QString& message);
    // follow == false: a file ends with a line without '\n' (it stays unread).
    void incompleteLineFound(
        const QString& address, qint64 lineNumber, qint64 offset, const QByteArray& bytes);

private:
    struct File
    {
        QString remotePath;
        QString address; // its ssh:// address, the chunks' path
        LineAssembler assembler;
        quint64 generation = 0;
        QString identity; // device:inode of what was read so far; empty before the first
    };

    void connectOnce();
    void endProcess();
    void endOpening();
    void readOutput();
    void drainOutput();
    void parse();
    bool handleHeader(const QByteArray& line);
    File* fileOf(const QByteArray& number);
    void feedData(File& file, QByteArray bytes);
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void scheduleReconnect(const QString& why);
    void protocolError(const QString& what);
    void setState(State state, const QString& message);

    RemoteUrl m_url;
    bool m_singleFile;
    bool m_follow;
    State m_state = State::Connecting;
    QString m_message;
    std::vector<std::unique_ptr<File>> m_files; // the remote loop's file n is m_files[n - 1]
    std::shared_ptr<ChunkBudget> m_budget;
    QStringList m_retired; // identities of files rotated away: never read under another name
    QProcess* m_process = nullptr;
    int m_output = -1; // the read end of ssh's stdout (non-blocking)
    QSocketNotifier* m_outputNotifier = nullptr;
    QTimer* m_retryTimer = nullptr;
    QTimer* m_budgetTimer = nullptr; // while the budget is full
    QByteArray m_buffer; // output not yet parsed
    File* m_dataFile = nullptr; // the file of the current data frame
    qint64 m_dataLeft = 0; // bytes of the current data frame still to come
    QByteArray m_stderr; // this attempt's, last 4 KiB
    bool m_opening = false; // this attempt opens the host's shared connection (SshCommand)
    bool m_connected = false; // this attempt said hello
    bool m_everConnected = false;
    bool m_caughtUp = false;
    bool m_ended = false; // 'E': read once, done
    bool m_stopping = false;
    int m_attempt = 0; // reconnection attempts since the last successful hello
};

} // namespace viewer

Q_DECLARE_METATYPE(viewer::RemoteSession::State)
