#pragma once

#include <QString>
#include <QStringList>

namespace viewer {

// Where a remote source is: `ssh://[user@]host[:port]/path` (a file) or `.../path/` (a folder of
// *.jsonl files). The path is taken literally (no %-decoding): what follows the host is the
// remote path, quotes, spaces and `$()` included; it is always passed to the remote shell
// single-quoted (SshCommand::shellQuote). A value; parse() never throws.
struct RemoteUrl
{
    QString user; // empty: ssh's default (~/.ssh/config, the local user name)
    QString host;
    int port = -1; // -1: ssh's default
    QString path; // absolute remote path, without the folder's trailing '/'
    bool isFolder = false;

    static bool isRemote(const QString& text); // starts with "ssh://"
    // Empty host or path, a host or user starting with '-' (it would be read as an ssh option),
    // a path holding a newline or NUL (it cannot be quoted for every remote shell): *error says
    // why, in plain text, and the result is invalid.
    static RemoteUrl parse(const QString& text, QString* error);

    bool isValid() const
    {
        return !host.isEmpty() && !path.isEmpty();
    }
    // "user@host" or "host": ssh's destination argument.
    QString destination() const;
    // The same source as text ("ssh://user@host:2222/runs/"); a file of a folder: url(file).
    QString toString() const;
    QString fileUrl(const QString& remoteFile) const;
    // The short name views show: the host, the port when the address gives one, and the last
    // part of the path: "node1:job7", "127.0.0.1:2201:job7", "[::1]:rank0.jsonl". A remote name
    // always says where it is, so that `ssh://node1/runs/job7/` and `ssh://node2/runs/job7/` (or
    // two ports of one host) never show the same name; no user: it does not tell hosts apart.
    QString shownName() const;
    // shownName() of an ssh:// address, or "" when text is not one.
    static QString shownNameOf(const QString& text);
};

// Builds the ssh command lines of remote sources. The program and its first arguments are
// TELEMETRY_SSH_COMMAND split shell-style (like git's GIT_SSH_COMMAND: `ssh -F cfg -i key`) or
// `ssh` from PATH. Every command shares one connection per host: ControlMaster=auto with a
// ControlPath in a private (0700) temporary folder of this process, kept 10 s after its last
// session. Host keys are checked as the user's ssh configuration says: nothing here weakens it.
// Thread-safe (the temporary folder is created once).
class SshCommand
{
public:
    // `'it'\''s'` for "it's": a word the remote shell reads back exactly.
    static QString shellQuote(const QString& text);
    // The ssh program and arguments that run `remoteCommand` (one shell command line, already
    // quoted) on the url's host. Empty program when TELEMETRY_SSH_COMMAND is set but empty.
    static QStringList argv(const RemoteUrl& url, const QString& remoteCommand);
    // argv without the connection sharing options (tests, benchmarks: `ssh host cat FILE`).
    static QStringList plainArgv(const RemoteUrl& url, const QString& remoteCommand);
    // The folder holding the control sockets ("" if it could not be created: no sharing).
    static QString controlDirectory();
    // The control socket the url's commands share ("" without sharing): one per ssh command
    // (keys, config) and destination.
    static QString controlPath(const RemoteUrl& url);

    // The first command to a host opens the shared connection; commands started before its
    // control socket exists would each open one of their own, and more than 10 at once meet
    // sshd's MaxStartups (one of 12 sources opened at once failed so). Whether to start now:
    // yes when the socket exists or no command of this process is opening it (then *opens is
    // set: the caller opens it and calls openingEnded() when its ssh said hello or ended); else
    // ask again a little later (OpeningRetryMs). An opening is forgotten after OpeningTimeoutMs.
    static bool mayStart(const RemoteUrl& url, bool* opens);
    static void openingEnded(const RemoteUrl& url);
    static constexpr int OpeningRetryMs = 50;
    static constexpr int OpeningTimeoutMs = 15000;
};

} // namespace viewer
