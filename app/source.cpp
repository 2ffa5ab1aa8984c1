#include "source.hpp"

namespace viewer {

Source::Source(
    const QString& path, SourceState initialState, const QString& initialMessage, QObject* parent)
    : QObject(parent)
    , m_path(path)
    , m_initialState(initialState)
    , m_initialMessage(initialMessage)
{
    qRegisterMetaType<LineChunk>();
    qRegisterMetaType<LinePosition>();
    qRegisterMetaType<SourceState>();
}

Source::~Source() = default;

QString Source::path() const
{
    return m_path;
}

SourceState Source::initialState() const
{
    return m_initialState;
}

QString Source::initialMessage() const
{
    return m_initialMessage;
}

void Source::setMaxBytesInFlight(std::optional<qint64> bytes)
{
    m_maxBytesInFlight = bytes;
}

std::optional<qint64> Source::maxBytesInFlight() const
{
    return m_maxBytesInFlight;
}

Source::FileLister Source::bulkLoadFiles() const
{
    return {};
}

bool Source::isFolder() const
{
    return false;
}

bool Source::isStream() const
{
    return false;
}

bool Source::canReadBack() const
{
    return !isStream();
}

bool Source::canResume() const
{
    return !isStream();
}

SourceState Source::resumeState() const
{
    return SourceState::Following;
}

} // namespace viewer
