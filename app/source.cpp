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

} // namespace viewer
