#include "stream_source.hpp"

#include "stdin_reader.hpp"

#include <QFile>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace viewer {

StreamSource::Opened StreamSource::openByName(const QString& path)
{
    Opened opened;
    opened.fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (opened.fd < 0)
        opened.error = QStringLiteral("cannot read %1: %2").arg(path, qt_error_string(errno));
    return opened;
}

StreamSource::StreamSource(int idleTimeoutMs, QObject* parent)
    : StreamSource(QStringLiteral("-"), Opened { STDIN_FILENO, {} }, false, idleTimeoutMs, parent)
{
}

StreamSource::StreamSource(const QString& path, int idleTimeoutMs, QObject* parent)
    : StreamSource(path, openByName(path), true, idleTimeoutMs, parent)
{
}

StreamSource::StreamSource(const QString& path, const Opened& opened, bool ownsDescriptor,
    int idleTimeoutMs, QObject* parent)
    : Source(path, opened.error.isEmpty() ? SourceState::Following : SourceState::Failed,
        opened.error, parent)
    , m_fd(opened.fd)
    , m_ownsDescriptor(ownsDescriptor)
    , m_idleTimeoutMs(idleTimeoutMs)
    , m_parseThread(QStringLiteral("parse stdin"))
{
}

StreamSource::~StreamSource()
{
    stop();
}

void StreamSource::start(const QHash<QString, LinePosition>& /*resumeAt*/, bool /*follow*/)
{
    const QString name = path();
    auto* context = new QObject;
    m_reader = std::make_unique<StdinReader>(m_fd);
    m_reader->setPath(name);
    m_reader->setOwnsDescriptor(m_ownsDescriptor);
    m_reader->setIdleTimeout(m_idleTimeoutMs);
    if (const auto bytes = maxBytesInFlight())
        m_reader->setMaxBytesInFlight(*bytes);
    StdinReader* reader = m_reader.get();
    connect(
        reader, &StdinReader::linesRead, context,
        [this](const LineChunk& chunk) { emit linesRead(chunk); }, Qt::QueuedConnection);
    connect(
        reader, &StdinReader::stateChanged, context,
        [this, name](StdinReader::State state, const QString& text) {
            const SourceState mapped = state == StdinReader::State::Reading ? SourceState::Following
                : state == StdinReader::State::Failed                       ? SourceState::Failed
                                                                            : SourceState::Idle;
            // A FIFO's failure names it (--summary prints the message as it is).
            emit stateChanged(mapped,
                mapped == SourceState::Failed && name != QLatin1String("-")
                    ? QStringLiteral("%1: %2").arg(name, text)
                    : text);
        },
        Qt::QueuedConnection);
    forwardIncompleteLines(reader, context, name, Qt::QueuedConnection);
    m_parseThread.start(context);
    reader->start();
}

void StreamSource::stop()
{
    if (m_reader)
        m_reader->stop();
    m_reader.reset();
    m_parseThread.stop();
}

} // namespace viewer
