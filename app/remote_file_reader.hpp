#pragma once

#include "line_assembler.hpp"
#include "line_chunk.hpp"
#include "ssh_command.hpp"

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QString>

class QTimer;

namespace viewer {

// Follows one file on another host like `tail -F`, over ssh, into the same LineChunk stream as
// FileFollower (chunk path: the file's ssh:// address). Lives on one thread with an event loop
// (QProcess and QTimer); consumers on other threads connect with queued connections.
// The remote side is a POSIX sh loop using only coreutils (stat -c, tail -c, head -c; see
// remote_file_reader.cpp) that polls the file every 100 ms and sends framed messages.
// Guarantees:
//  - every complete line is delivered once, in order, with its byte offset and line number;
//  - a dropped connection (ssh killed, network gone, server restarted) reconnects with backoff
//    (0.5 s doubling to 30 s) and resumes at the last complete line's offset; the remote side
//    compares the file's identity (device:inode) and size with what was read, so a file replaced
//    or truncated while disconnected starts over (fileReset), as it does while connected;
//  - ssh failing before it ever connected (auth failure, unknown host key, no such host) or the
//    file missing when it is read once (follow == false) is Failed with ssh's (or stat's) own
//    stderr as plain text; a missing file while following is Waiting, as locally.
// Not detected (as with local `tail -F` between two polls): a file truncated and regrown past the
// offset while disconnected; a rotation (mv f f.1) is taken as a replacement (re-read).
class RemoteFileReader : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Connecting, // ssh started, first read not finished yet
        Following, // read to the current end, following appends
        Waiting, // connected; the file does not exist (yet)
        Reconnecting, // the connection dropped; message says attempt n and when the next one is
        Finished, // follow == false: read to the end that was current, stopped
        Failed, // message: ssh's or the remote command's error, plain text
    };
    Q_ENUM(State)

    static constexpr int MaxBackoffMs = 30000;
    static constexpr int FirstBackoffMs = 500;
    static constexpr int NoFollowMaxAttempts = 5; // reading once: give up after this many drops

    // url: its host and options; remotePath: the file on that host.
    RemoteFileReader(
        const RemoteUrl& url, const QString& remotePath, bool follow, QObject* parent = nullptr);
    ~RemoteFileReader() override;

    RemoteFileReader(const RemoteFileReader&) = delete;
    RemoteFileReader& operator=(const RemoteFileReader&) = delete;

    QString path() const
    {
        return m_chunkPath;
    }
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
    // Where the next undelivered line starts (the resume point after a drop).
    LinePosition position() const
    {
        return m_assembler.position();
    }

public slots:
    // from: resume there (a previous reader's position); the identity is checked from then on.
    void start(viewer::LinePosition from = {});
    void stop();

signals:
    void linesRead(const viewer::LineChunk& chunk);
    void fileReset(const QString& reason);
    void stateChanged(viewer::RemoteFileReader::State state, const QString& message);
    // follow == false: the file ends with a line without '\n' (it stays unread).
    void incompleteLineFound(qint64 lineNumber, qint64 offset, const QByteArray& bytes);

private:
    void connectOnce();
    void readOutput();
    bool handleHeader(const QByteArray& line);
    void feedData(QByteArray bytes);
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void scheduleReconnect(const QString& why);
    void protocolError(const QString& what);
    void setState(State state, const QString& message);

    RemoteUrl m_url;
    QString m_remotePath;
    QString m_chunkPath;
    bool m_follow;
    State m_state = State::Connecting;
    QString m_message;
    LineAssembler m_assembler;
    quint64 m_generation = 0;
    QString m_identity; // device:inode of the file read so far; empty before the first
    QProcess* m_process = nullptr;
    QTimer* m_retryTimer = nullptr;
    QByteArray m_buffer; // output not yet parsed
    qint64 m_dataLeft = 0; // bytes of the current data frame still to come
    QByteArray m_stderr; // this attempt's, last 4 KiB
    bool m_connected = false; // this attempt said hello
    bool m_everConnected = false;
    bool m_caughtUp = false;
    bool m_ended = false; // 'E': read once, done
    bool m_stopping = false;
    int m_attempt = 0; // reconnection attempts since the last successful hello
};

} // namespace viewer

Q_DECLARE_METATYPE(viewer::RemoteFileReader::State)
