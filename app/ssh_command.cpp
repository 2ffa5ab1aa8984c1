#include "ssh_command.hpp"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QFileInfo>
#include <QHash>
#include <QProcess>
#include <QTemporaryDir>

#include <memory>
#include <mutex>

namespace viewer {

namespace {

constexpr QLatin1StringView Scheme("ssh://");

QStringList baseCommand()
{
    const QByteArray custom = qgetenv("TELEMETRY_SSH_COMMAND");
    if (custom.isNull())
        return { QStringLiteral("ssh") };
    return QProcess::splitCommand(QString::fromLocal8Bit(custom));
}

QStringList withDestination(QStringList args, const RemoteUrl& url, const QString& remoteCommand)
{
    if (url.port > 0)
        args << QStringLiteral("-p") << QString::number(url.port);
    // -T: no terminal (the remote side writes raw bytes); "--": the destination is never an option.
    args << QStringLiteral("-T") << QStringLiteral("--") << url.destination() << remoteCommand;
    return args;
}

} // namespace

bool RemoteUrl::isRemote(const QString& text)
{
    return text.startsWith(Scheme);
}

RemoteUrl RemoteUrl::parse(const QString& text, QString* error)
{
    RemoteUrl url;
    const auto fail = [&](const QString& why) {
        if (error)
            *error = why;
        return RemoteUrl {};
    };
    if (!isRemote(text))
        return fail(QStringLiteral("not an ssh:// address"));
    const QString rest = text.mid(Scheme.size());
    const qsizetype slash = rest.indexOf(QLatin1Char('/'));
    if (slash < 0 || slash + 1 == rest.size())
        return fail(QStringLiteral("%1: no remote path (ssh://[user@]host[:port]/path)").arg(text));
    QString authority = rest.left(slash);
    QString path = rest.mid(slash);
    const qsizetype at = authority.lastIndexOf(QLatin1Char('@'));
    if (at >= 0) {
        url.user = authority.left(at);
        authority = authority.mid(at + 1);
    }
    // host, host:port, [v6], [v6]:port
    QString portText;
    if (authority.startsWith(QLatin1Char('['))) {
        const qsizetype close = authority.indexOf(QLatin1Char(']'));
        if (close < 0)
            return fail(QStringLiteral("%1: unclosed '[' in the host").arg(text));
        url.host = authority.mid(1, close - 1);
        if (authority.size() > close + 1) {
            if (authority.at(close + 1) != QLatin1Char(':'))
                return fail(QStringLiteral("%1: bad host").arg(text));
            portText = authority.mid(close + 2);
        }
    } else {
        const qsizetype colon = authority.lastIndexOf(QLatin1Char(':'));
        url.host = colon < 0 ? authority : authority.left(colon);
        if (colon >= 0)
            portText = authority.mid(colon + 1);
    }
    if (!portText.isNull()) {
        bool ok = false;
        url.port = portText.toInt(&ok);
        if (!ok || url.port < 1 || url.port > 65535)
            return fail(QStringLiteral("%1: bad port \"%2\"").arg(text, portText));
    }
    const auto badName = [](const QString& name) {
        if (name.startsWith(QLatin1Char('-')))
            return true;
        for (QChar c : name)
            if (c.isSpace() || c.unicode() < 0x20 || c == QLatin1Char('\''))
                return true;
        return false;
    };
    if (url.host.isEmpty() || badName(url.host) || badName(url.user))
        return fail(QStringLiteral("%1: bad user or host name").arg(text));
    if (path.contains(QLatin1Char('\n')) || path.contains(QLatin1Char('\0'))
        || path.contains(QLatin1Char('\r')))
        return fail(QStringLiteral("%1: a remote path with a newline or NUL is refused")
                        .arg(QString(text)
                                 .replace(QLatin1Char('\n'), QStringLiteral("\\n"))
                                 .replace(QLatin1Char('\r'), QStringLiteral("\\r"))
                                 .replace(QLatin1Char('\0'), QStringLiteral("\\0"))));
    url.isFolder = path.size() > 1 && path.endsWith(QLatin1Char('/'));
    while (path.size() > 1 && path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.path = path;
    return url;
}

QString RemoteUrl::destination() const
{
    return user.isEmpty() ? host : user + QLatin1Char('@') + host;
}

QString RemoteUrl::toString() const
{
    QString text = Scheme + (user.isEmpty() ? QString() : user + QLatin1Char('@'))
        + (host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host);
    if (port > 0)
        text += QLatin1Char(':') + QString::number(port);
    return text + path + (isFolder ? QStringLiteral("/") : QString());
}

QString RemoteUrl::fileUrl(const QString& remoteFile) const
{
    RemoteUrl file = *this;
    file.path = remoteFile;
    file.isFolder = false;
    return file.toString();
}

QString RemoteUrl::shownName() const
{
    QString where =
        host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    if (port > 0)
        where += QLatin1Char(':') + QString::number(port);
    const QString name = path.mid(path.lastIndexOf(QLatin1Char('/')) + 1);
    return where + QLatin1Char(':') + (name.isEmpty() ? path : name);
}

QString RemoteUrl::shownNameOf(const QString& text)
{
    if (!isRemote(text))
        return {};
    const RemoteUrl url = parse(text, nullptr);
    return url.isValid() ? url.shownName() : QString();
}

QString SshCommand::shellQuote(const QString& text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QString SshCommand::controlDirectory()
{
    // Created once, removed at exit; 0700, so no other user can reach the sockets.
    static const std::unique_ptr<QTemporaryDir> dir = [] {
        auto created = std::make_unique<QTemporaryDir>(QStringLiteral("/tmp/tv-ssh-XXXXXX"));
        return created->isValid() ? std::move(created) : nullptr;
    }();
    return dir ? dir->path() : QString();
}

QStringList SshCommand::plainArgv(const RemoteUrl& url, const QString& remoteCommand)
{
    return withDestination(baseCommand(), url, remoteCommand);
}

QString SshCommand::controlPath(const RemoteUrl& url)
{
    const QString dir = controlDirectory();
    if (dir.isEmpty())
        return {};
    // Only the same ssh command (keys, config) to the same destination shares a connection. The
    // name is ours, not ssh's %C, so that mayStart() can see whether the socket exists.
    const QByteArray key = baseCommand().join(QLatin1Char('\n')).toUtf8() + '\n'
        + url.destination().toUtf8() + '\n' + QByteArray::number(url.port);
    return dir + QLatin1Char('/')
        + QString::fromLatin1(
            QCryptographicHash::hash(key, QCryptographicHash::Sha1).toHex().left(24));
}

namespace {

std::mutex openingMutex;
QHash<QString, QDeadlineTimer> opening; // control path -> until when its opening is awaited

} // namespace

bool SshCommand::mayStart(const RemoteUrl& url, bool* opens)
{
    *opens = false;
    const QString path = controlPath(url);
    if (path.isEmpty() || QFileInfo::exists(path))
        return true;
    const std::lock_guard lock(openingMutex);
    const auto it = opening.constFind(path);
    if (it != opening.cend() && !it->hasExpired())
        return false;
    opening.insert(path, QDeadlineTimer(OpeningTimeoutMs));
    *opens = true;
    return true;
}

void SshCommand::openingEnded(const RemoteUrl& url)
{
    const QString path = controlPath(url);
    const std::lock_guard lock(openingMutex);
    opening.remove(path);
}

QStringList SshCommand::argv(const RemoteUrl& url, const QString& remoteCommand)
{
    QStringList args = baseCommand();
    if (args.isEmpty())
        return {};
    const QString path = controlPath(url);
    // Appended after the user's own options: for ssh the first value given wins, so a
    // TELEMETRY_SSH_COMMAND with its own ControlPath or keepalive keeps it.
    if (!path.isEmpty())
        args << QStringLiteral("-o") << QStringLiteral("ControlMaster=auto") << QStringLiteral("-o")
             << QStringLiteral("ControlPath=%1").arg(path) << QStringLiteral("-o")
             << QStringLiteral("ControlPersist=10");
    args << QStringLiteral("-o") << QStringLiteral("ServerAliveInterval=15") << QStringLiteral("-o")
         << QStringLiteral("ServerAliveCountMax=3");
    return withDestination(args, url, remoteCommand);
}

} // namespace viewer
