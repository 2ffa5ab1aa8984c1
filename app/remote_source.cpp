#include "remote_source.hpp"

#include "state_change.hpp"

#include <QTimer>

namespace viewer {

namespace {

// Lists the folder's regular *.jsonl files, NUL-separated (a name may hold anything but '/').
// %1: the folder, single-quoted. Exit 3 and cd's message when it cannot be entered.
constexpr char ListScript[] = R"(cd -- %1 || exit 3
for f in *.jsonl; do if [ -f "$f" ]; then printf '%s\0' "$f"; fi; done)";

} // namespace

RemoteSource::RemoteSource(const RemoteUrl& url, bool follow, QObject* parent)
    : QObject(parent)
    , m_url(url)
    , m_follow(follow)
{
}

RemoteSource::~RemoteSource()
{
    if (m_relist)
        m_relist->stop();
    if (m_lister) {
        m_lister->disconnect(this);
        m_lister->kill();
        m_lister->waitForFinished(2000);
    }
    endListerOpening();
    if (m_session)
        m_session->stop();
}

void RemoteSource::start(const QHash<QString, LinePosition>& resumeAt)
{
    m_resumeAt = resumeAt;
    if (!m_url.isFolder) {
        addFiles({ m_url.path });
        return;
    }
    setState(State::Connecting, QStringLiteral("listing %1").arg(m_url.toString()));
    m_relist = new QTimer(this);
    m_relist->setSingleShot(true);
    connect(m_relist, &QTimer::timeout, this, &RemoteSource::list);
    list();
}

void RemoteSource::endListerOpening()
{
    if (m_listerOpens)
        SshCommand::openingEnded(m_url);
    m_listerOpens = false;
}

void RemoteSource::list()
{
    if (m_lister)
        return;
    // One opening of the host's shared connection at a time (sshd's MaxStartups): wait for it.
    if (!SshCommand::mayStart(m_url, &m_listerOpens)) {
        m_relist->start(SshCommand::OpeningRetryMs);
        return;
    }
    const QString script = QString::fromLatin1(ListScript).arg(SshCommand::shellQuote(m_url.path));
    const QStringList argv =
        SshCommand::argv(m_url, QStringLiteral("sh -c %1").arg(SshCommand::shellQuote(script)));
    if (argv.isEmpty()) {
        endListerOpening();
        setState(State::Failed, QStringLiteral("TELEMETRY_SSH_COMMAND is set but empty"));
        return;
    }
    m_lister = new QProcess(this);
    m_lister->setStandardInputFile(QProcess::nullDevice());
    connect(m_lister, &QProcess::finished, this, &RemoteSource::onListed);
    connect(m_lister, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        m_listError =
            QStringLiteral("cannot run %1: %2").arg(m_lister->program(), m_lister->errorString());
        m_lister->deleteLater();
        m_lister = nullptr;
        endListerOpening();
        updateState();
    });
    m_lister->start(argv.first(), argv.mid(1), QIODevice::ReadOnly);
}

void RemoteSource::onListed(int exitCode, QProcess::ExitStatus status)
{
    const QByteArray out = m_lister->readAllStandardOutput();
    const QString error =
        QString::fromUtf8(m_lister->readAllStandardError()).trimmed().simplified();
    m_lister->deleteLater();
    m_lister = nullptr;
    endListerOpening();
    if (status != QProcess::NormalExit || exitCode != 0) {
        m_listError =
            error.isEmpty() ? QStringLiteral("listing failed (status %1)").arg(exitCode) : error;
    } else {
        m_listError.clear();
        m_listed = true;
        QStringList added;
        for (const QByteArray& name : out.split('\0')) {
            if (name.isEmpty())
                continue;
            const QString remote = m_url.path + QLatin1Char('/') + QString::fromUtf8(name);
            const QString address = m_url.fileUrl(remote);
            if (!m_addresses.insert(address).second)
                continue;
            if (name.contains('\n') || name.contains('\r')) {
                emit fileStateChanged(
                    address, QStringLiteral("a file name with a newline is not read"));
                continue;
            }
            added << remote;
        }
        if (!added.isEmpty())
            addFiles(added);
    }
    // Following: look again for new files. Reading once: a failed listing is retried a little
    // (a connection that drops), like a file's reader.
    if (m_follow)
        m_relist->start(RelistIntervalMs);
    updateState();
}

void RemoteSource::addFiles(const QStringList& remotePaths)
{
    if (!m_session) {
        m_session = new RemoteSession(m_url, !m_url.isFolder, m_follow, this);
        m_session->setChunkBudget(m_budget);
        connect(m_session, &RemoteSession::linesRead, this, &RemoteSource::linesRead);
        connect(m_session, &RemoteSession::fileReset, this, &RemoteSource::fileReset);
        connect(m_session, &RemoteSession::incompleteLineFound, this,
            &RemoteSource::incompleteLineFound);
        connect(m_session, &RemoteSession::stateChanged, this, &RemoteSource::updateState);
    }
    // Every file in one session: one more file restarts it at once, the others resume.
    m_session->addFiles(remotePaths, m_resumeAt);
}

void RemoteSource::updateState()
{
    if (!m_url.isFolder) {
        setState(m_session->state(), m_session->message());
        return;
    }
    if (!m_listed) {
        if (!m_listError.isEmpty())
            setState(State::Failed, m_listError);
        return;
    }
    if (m_session && m_session->state() != State::Following
        && m_session->state() != State::Finished) {
        setState(m_session->state(), m_session->message());
        return;
    }
    if (m_follow)
        setState(State::Following,
            m_listError.isEmpty() ? QString()
                                  : QStringLiteral("cannot list the folder: %1").arg(m_listError));
    else
        setState(State::Finished,
            m_session ? QString() : QStringLiteral("a folder without *.jsonl files"));
}

void RemoteSource::setState(State state, const QString& message)
{
    if (changeState(m_state, m_message, state, message))
        emit stateChanged(state, message);
}

} // namespace viewer
