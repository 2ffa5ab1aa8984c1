#include "remote_source.hpp"

#include "state_change.hpp"

#include <QTimer>

namespace viewer {

namespace {

// Lists the folder's regular *.jsonl files, NUL-separated (a name may hold anything but '/').
// %1: the folder, single-quoted. Exit 3 and cd's message when it cannot be entered.
constexpr char ListScript[] = R"(cd -- %1 || exit 3
for f in *.jsonl; do if [ -f "$f" ]; then printf '%s\0' "$f"; fi; done)";

int rank(RemoteFileReader::State state)
{
    // The least advanced state wins the source's.
    switch (state) {
    case RemoteFileReader::State::Reconnecting:
        return 0;
    case RemoteFileReader::State::Connecting:
        return 1;
    case RemoteFileReader::State::Waiting:
        return 2;
    case RemoteFileReader::State::Following:
        return 3;
    case RemoteFileReader::State::Finished:
    case RemoteFileReader::State::Failed:
        return 4;
    }
    return 4;
}

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
    for (auto& [path, reader] : m_readers)
        reader->stop();
}

RemoteFileReader* RemoteSource::reader(const QString& path) const
{
    auto it = m_readers.find(path);
    return it == m_readers.end() ? nullptr : it->second;
}

void RemoteSource::start(const QHash<QString, LinePosition>& resumeAt)
{
    m_resumeAt = resumeAt;
    if (!m_url.isFolder) {
        addFile(m_url.path, resumeAt.value(m_url.toString()));
        return;
    }
    setState(State::Connecting, QStringLiteral("listing %1").arg(m_url.toString()));
    m_relist = new QTimer(this);
    m_relist->setSingleShot(true);
    connect(m_relist, &QTimer::timeout, this, &RemoteSource::list);
    list();
}

void RemoteSource::list()
{
    if (m_lister)
        return;
    const QString script = QString::fromLatin1(ListScript).arg(SshCommand::shellQuote(m_url.path));
    const QStringList argv =
        SshCommand::argv(m_url, QStringLiteral("sh -c %1").arg(SshCommand::shellQuote(script)));
    if (argv.isEmpty()) {
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
    if (status != QProcess::NormalExit || exitCode != 0) {
        m_listError =
            error.isEmpty() ? QStringLiteral("listing failed (status %1)").arg(exitCode) : error;
    } else {
        m_listError.clear();
        m_listed = true;
        for (const QByteArray& name : out.split('\0')) {
            if (name.isEmpty())
                continue;
            const QString remote = m_url.path + QLatin1Char('/') + QString::fromUtf8(name);
            const QString address = m_url.fileUrl(remote);
            if (m_readers.count(address))
                continue;
            if (name.contains('\n') || name.contains('\r')) {
                emit fileStateChanged(
                    address, QStringLiteral("a file name with a newline is not read"));
                continue;
            }
            addFile(remote, m_resumeAt.value(address));
        }
    }
    // Following: look again for new files. Reading once: a failed listing is retried a little
    // (a connection that drops), like a file's reader.
    if (m_follow)
        m_relist->start(RelistIntervalMs);
    updateState();
}

void RemoteSource::addFile(const QString& remotePath, LinePosition from)
{
    auto* reader = new RemoteFileReader(m_url, remotePath, m_follow, this);
    const QString address = reader->path();
    m_readers[address] = reader;
    connect(reader, &RemoteFileReader::linesRead, this, &RemoteSource::linesRead);
    connect(reader, &RemoteFileReader::fileReset, this,
        [this, address](const QString& reason) { emit fileReset(address, reason); });
    connect(reader, &RemoteFileReader::incompleteLineFound, this,
        [this, address](qint64 line, qint64 offset, const QByteArray& bytes) {
            emit incompleteLineFound(address, line, offset, bytes);
        });
    connect(reader, &RemoteFileReader::stateChanged, this,
        [this, address](State state, const QString& message) {
            if (m_url.isFolder)
                emit fileStateChanged(address, state == State::Failed ? message : QString());
            updateState();
        });
    reader->start(from);
}

void RemoteSource::updateState()
{
    if (!m_url.isFolder) {
        const RemoteFileReader* only = m_readers.begin()->second;
        setState(only->state(), only->message());
        return;
    }
    if (!m_listed) {
        if (!m_listError.isEmpty())
            setState(State::Failed, m_listError);
        return;
    }
    const RemoteFileReader* least = nullptr;
    for (const auto& [path, reader] : m_readers)
        if (!least || rank(reader->state()) < rank(least->state()))
            least = reader;
    if (least && rank(least->state()) < rank(State::Following)) {
        setState(least->state(), least->message());
        return;
    }
    if (m_follow)
        setState(State::Following,
            m_listError.isEmpty() ? QString()
                                  : QStringLiteral("cannot list the folder: %1").arg(m_listError));
    else
        setState(State::Finished,
            m_readers.empty() ? QStringLiteral("a folder without *.jsonl files") : QString());
}

void RemoteSource::setState(State state, const QString& message)
{
    if (changeState(m_state, m_message, state, message))
        emit stateChanged(state, message);
}

} // namespace viewer
