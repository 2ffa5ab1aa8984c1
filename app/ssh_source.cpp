#include "ssh_source.hpp"

#include "remote_source.hpp"
#include "ssh_command.hpp"

namespace viewer {

namespace {

QString parseError(const QString& address)
{
    QString error;
    RemoteUrl::parse(address, &error);
    return error;
}

QString shownAddress(const QString& address)
{
    const RemoteUrl url = RemoteUrl::parse(address, nullptr);
    return url.isValid() ? url.toString() : address;
}

} // namespace

SshSource::SshSource(const QString& address, QObject* parent)
    : Source(shownAddress(address),
        RemoteUrl::parse(address, nullptr).isValid() ? SourceState::Loading : SourceState::Failed,
        parseError(address), parent)
    , m_thread(QStringLiteral("follow %1").arg(address))
{
}

SshSource::~SshSource()
{
    stop();
}

bool SshSource::canReadBack() const
{
    return false;
}

bool SshSource::canResume() const
{
    return initialState() != SourceState::Failed;
}

SourceState SshSource::resumeState() const
{
    return SourceState::Loading;
}

void SshSource::start(const QHash<QString, LinePosition>& resumeAt, bool follow)
{
    auto* remote = new RemoteSource(RemoteUrl::parse(path(), nullptr), follow);
    if (const auto bytes = maxBytesInFlight())
        remote->chunkBudget()->setMaxBytesInFlight(*bytes);
    m_reported = resumeState();
    connect(remote, &RemoteSource::linesRead, this, &Source::linesRead, Qt::DirectConnection);
    connect(remote, &RemoteSource::fileReset, this, &Source::fileReset, Qt::DirectConnection);
    connect(remote, &RemoteSource::fileStateChanged, this, &Source::fileProblemChanged,
        Qt::DirectConnection);
    connect(
        remote, &RemoteSource::stateChanged, this,
        [this, follow](RemoteSource::State state, const QString& message) {
            using R = RemoteSource::State;
            const bool loading = m_reported == SourceState::Loading;
            m_reported = state == R::Following                   ? SourceState::Following
                : state == R::Waiting                            ? SourceState::Waiting
                : state == R::Finished                           ? SourceState::Idle
                : state == R::Failed                             ? SourceState::Failed
                : state == R::Reconnecting && follow && !loading ? SourceState::Waiting
                                                                 : SourceState::Loading;
            emit stateChanged(m_reported, message);
        },
        Qt::DirectConnection);
    connect(remote, &RemoteSource::incompleteLineFound, this, &Source::incompleteLineFound,
        Qt::DirectConnection);
    m_thread.start(remote);
    QMetaObject::invokeMethod(remote, [remote, resumeAt] { remote->start(resumeAt); });
}

void SshSource::stop()
{
    m_thread.stop();
}

} // namespace viewer
