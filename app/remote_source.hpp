#pragma once

#include "line_chunk.hpp"
#include "remote_session.hpp"
#include "ssh_command.hpp"

#include <QHash>
#include <QObject>
#include <QProcess>
#include <QString>

#include <memory>
#include <set>

class QTimer;

namespace viewer {

// One ssh:// source of the workspace: a remote file, or a remote folder whose *.jsonl files are
// all followed by one RemoteSession (one ssh session, however many files: new files join when
// the folder is listed again, every 2 s). All its ssh commands share one connection per host
// (SshCommand's ControlMaster): a folder uses at most two sessions at once (follow, list). Lives
// on one thread with an event loop; signals as FolderFollower's, with each file's ssh:// address
// as path. State: a folder's is its listing's until it lists, then its session's; a file that
// cannot be read alone (a name with a newline) is a file problem (fileStateChanged).
class RemoteSource : public QObject
{
    Q_OBJECT
public:
    using State = RemoteSession::State;
    static constexpr int RelistIntervalMs = 2000;

    RemoteSource(const RemoteUrl& url, bool follow, QObject* parent = nullptr);
    ~RemoteSource() override;

    RemoteSource(const RemoteSource&) = delete;
    RemoteSource& operator=(const RemoteSource&) = delete;

    State state() const
    {
        return m_state;
    }
    // The session following its files (tests kill its ssh); nullptr before the first file.
    RemoteSession* session() const
    {
        return m_session;
    }
    // The budget its chunks take their credits from (64 MiB in flight unless set; see
    // RemoteSession): ssh is not read while it is full.
    std::shared_ptr<ChunkBudget> chunkBudget() const
    {
        return m_budget;
    }

public slots:
    // resumeAt: by file address, where reading resumes (a paused source followed again).
    void start(const QHash<QString, viewer::LinePosition>& resumeAt = {});

signals:
    void linesRead(const viewer::LineChunk& chunk);
    void fileReset(const QString& path, const QString& reason);
    void stateChanged(viewer::RemoteSession::State state, const QString& message);
    // A file of a folder cannot be read (message), or can again (empty message). Plain text.
    void fileStateChanged(const QString& path, const QString& message);
    void incompleteLineFound(
        const QString& path, qint64 lineNumber, qint64 offset, const QByteArray& bytes);

private:
    void list();
    void onListed(int exitCode, QProcess::ExitStatus status);
    void endListerOpening();
    void addFiles(const QStringList& remotePaths);
    void updateState();
    void setState(State state, const QString& message);

    RemoteUrl m_url;
    bool m_follow;
    State m_state = State::Connecting;
    QString m_message;
    QHash<QString, LinePosition> m_resumeAt;
    RemoteSession* m_session = nullptr; // a child; created with the first file
    std::shared_ptr<ChunkBudget> m_budget = std::make_shared<ChunkBudget>();
    std::set<QString> m_addresses; // of the files listed so far (followed, or refused by name)
    QProcess* m_lister = nullptr;
    bool m_listerOpens = false; // the lister opens the host's shared connection (SshCommand)
    QTimer* m_relist = nullptr;
    bool m_listed = false; // a listing succeeded at least once
    QString m_listError; // the last listing's failure, plain text; empty when it worked
};

} // namespace viewer
