#pragma once

// A private OpenSSH server for tests and benchmarks: Debian's sshd on a free 127.0.0.1 port with
// a temporary host key, user key, authorized_keys and known_hosts (host key checking stays on).
// start() returns false with the reason when sshd cannot run here (the caller QSKIPs, saying so).
// stop() ends the sshd it started and that sshd's session processes (found by parent pid), so a
// restart looks like a server that went away.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>

#include <csignal>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

class SshTestServer
{
public:
    QTemporaryDir dir;
    int port = 0;

    ~SshTestServer()
    {
        stop();
    }

    QString path(const QString& name) const
    {
        return dir.filePath(name);
    }

    // TELEMETRY_SSH_COMMAND for this server (with `key`, default the authorized one).
    QString sshCommand(const QString& key = {}) const
    {
        return QStringLiteral("ssh -p %1 -i %2 -o UserKnownHostsFile=%3 -o BatchMode=yes "
                              "-o IdentitiesOnly=yes -o GlobalKnownHostsFile=/dev/null -F none")
            .arg(port)
            .arg(key.isEmpty() ? path(QStringLiteral("user_key")) : key,
                path(QStringLiteral("known_hosts")));
    }

    // ssh://127.0.0.1<path> (the port comes from TELEMETRY_SSH_COMMAND).
    static QString url(const QString& remotePath)
    {
        return QStringLiteral("ssh://127.0.0.1") + remotePath;
    }

    // start(), then this server as TELEMETRY_SSH_COMMAND of this process and the viewers it starts.
    bool startAsTheSshCommand(QString* why)
    {
        if (!start(why))
            return false;
        qputenv("TELEMETRY_SSH_COMMAND", sshCommand().toLocal8Bit());
        return true;
    }

    bool start(QString* why)
    {
        const QString sshd = QStringLiteral("/usr/sbin/sshd");
        if (!QFile::exists(sshd))
            return fail(why,
                QStringLiteral("%1 is not installed (apt-get install openssh-server)").arg(sshd));
        if (!dir.isValid())
            return fail(why, QStringLiteral("no temporary folder"));
        QDir().mkpath(QStringLiteral("/run/sshd")); // privilege separation folder (Debian)
        for (const char* key : { "host_key", "user_key", "other_key" })
            if (!run(QStringLiteral("ssh-keygen"),
                    { QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"),
                        QStringLiteral("-N"), QString(), QStringLiteral("-f"),
                        path(QString::fromLatin1(key)) }))
                return fail(why, QStringLiteral("ssh-keygen failed"));
        QFile::copy(path(QStringLiteral("user_key.pub")), path(QStringLiteral("authorized_keys")));
        port = freePort();
        QFile hostPub(path(QStringLiteral("host_key.pub")));
        hostPub.open(QIODevice::ReadOnly);
        const QByteArray hostKey = hostPub.readAll().trimmed();
        QFile knownHosts(path(QStringLiteral("known_hosts")));
        knownHosts.open(QIODevice::WriteOnly);
        knownHosts.write(QStringLiteral("[127.0.0.1]:%1 ").arg(port).toUtf8() + hostKey + '\n');
        knownHosts.close();
        QFile config(path(QStringLiteral("sshd_config")));
        config.open(QIODevice::WriteOnly);
        config.write(QStringLiteral("Port %1\nListenAddress 127.0.0.1\nHostKey %2\nPidFile %3\n"
                                    "AuthorizedKeysFile %4\nStrictModes no\nPermitRootLogin "
                                    "prohibit-password\nUsePAM no\nPasswordAuthentication no\n"
                                    "KbdInteractiveAuthentication no\nLogLevel ERROR\n")
                         .arg(port)
                         .arg(path(QStringLiteral("host_key")), path(QStringLiteral("sshd.pid")),
                             path(QStringLiteral("authorized_keys")))
                         .toUtf8());
        config.close();
        return restart(why);
    }

    // Starts sshd again on the same port and keys (after stop()).
    bool restart(QString* why)
    {
        m_sshd.setProgram(QStringLiteral("/usr/sbin/sshd"));
        m_sshd.setArguments({ QStringLiteral("-D"), QStringLiteral("-e"), QStringLiteral("-f"),
            path(QStringLiteral("sshd_config")) });
        m_sshd.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_sshd.start();
        if (!m_sshd.waitForStarted(5000))
            return fail(why, QStringLiteral("sshd did not start: %1").arg(m_sshd.errorString()));
        // Ready when a command runs through it.
        for (int i = 0; i < 100; ++i) {
            if (m_sshd.state() != QProcess::Running)
                return fail(why,
                    QStringLiteral("sshd exited (status %1); see its stderr above")
                        .arg(m_sshd.exitCode()));
            QStringList args = QProcess::splitCommand(sshCommand());
            const QString program = args.takeFirst();
            if (run(program, args << QStringLiteral("127.0.0.1") << QStringLiteral("true")))
                return true;
            QThread::msleep(100);
        }
        return fail(why, QStringLiteral("sshd does not accept the test key"));
    }

    // Ends sshd and every session process it started (a server that went away).
    void stop()
    {
        if (m_sshd.state() == QProcess::NotRunning)
            return;
        const pid_t root = static_cast<pid_t>(m_sshd.processId());
        const QList<pid_t> sessions = descendants(root);
        m_sshd.kill();
        m_sshd.waitForFinished(5000);
        for (pid_t pid : sessions)
            ::kill(pid, SIGKILL);
    }

private:
    QProcess m_sshd;

    static bool fail(QString* why, const QString& text)
    {
        if (why)
            *why = text;
        return false;
    }

    static bool run(const QString& program, const QStringList& args)
    {
        QProcess process;
        process.setStandardInputFile(QProcess::nullDevice());
        process.start(program, args);
        return process.waitForFinished(10000) && process.exitStatus() == QProcess::NormalExit
            && process.exitCode() == 0;
    }

    static int freePort()
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address = {};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
        socklen_t length = sizeof address;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
        ::close(fd);
        return ntohs(address.sin_port);
    }

    // Processes whose parent chain leads to root (from /proc/<pid>/stat's ppid field).
    static QList<pid_t> descendants(pid_t root)
    {
        QHash<pid_t, pid_t> parentOf;
        for (const QString& entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
            bool ok = false;
            const pid_t pid = entry.toInt(&ok);
            if (!ok)
                continue;
            QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
            if (!stat.open(QIODevice::ReadOnly))
                continue;
            const QByteArray text = stat.readAll();
            const qsizetype close = text.lastIndexOf(')');
            const QList<QByteArray> fields = text.mid(close + 2).split(' ');
            if (fields.size() > 1)
                parentOf.insert(pid, static_cast<pid_t>(fields.at(1).toInt()));
        }
        QList<pid_t> found;
        for (auto it = parentOf.cbegin(); it != parentOf.cend(); ++it) {
            for (pid_t p = it.value(); p > 1; p = parentOf.value(p, 0))
                if (p == root) {
                    found << it.key();
                    break;
                }
        }
        return found;
    }
};
