#include "file_source.hpp"

#include <QFileInfo>

namespace viewer {

namespace {

// A missing file is followed until it appears, or fails when it is only to be read.
SourceState initialStateOf(const QFileInfo& info, bool follow)
{
    if (info.exists())
        return SourceState::Loading;
    return follow ? SourceState::Waiting : SourceState::Failed;
}

} // namespace

FileSource::FileSource(const QString& path, bool follow, QObject* parent)
    : Source(QFileInfo(path).exists() ? QFileInfo(path).absoluteFilePath() : path,
        initialStateOf(QFileInfo(path), follow),
        QFileInfo(path).exists() ? QString() : QStringLiteral("%1 does not exist").arg(path),
        parent)
    , m_thread(QStringLiteral("follow %1").arg(QFileInfo(path).fileName()))
{
}

FileSource::~FileSource()
{
    stop();
}

Source::FileLister FileSource::bulkLoadFiles() const
{
    if (initialState() != SourceState::Loading)
        return {};
    return [file = path()] { return QStringList { file }; };
}

void FileSource::start(const QHash<QString, LinePosition>& resumeAt, bool /*follow*/)
{
    auto* follower = new FileFollower(path());
    if (const auto bytes = maxBytesInFlight())
        follower->chunkBudget()->setMaxBytesInFlight(*bytes);
    const QString file = path();
    connect(follower, &FileFollower::linesRead, this, &Source::linesRead, Qt::DirectConnection);
    connect(
        follower, &FileFollower::fileReset, this,
        [this, file](const QString& reason) { emit fileReset(file, reason); },
        Qt::DirectConnection);
    connect(
        follower, &FileFollower::stateChanged, this,
        [this](FileFollower::State state, const QString& message) {
            // The follower names the file's state afresh: earlier notes on its tail are stale.
            emit incompleteLinesCleared();
            emit stateChanged(stateOf(state), message);
        },
        Qt::DirectConnection);
    forwardIncompleteLines(follower, this, file, Qt::DirectConnection);
    m_thread.start(follower);
    const LinePosition from = resumeAt.value(file);
    QMetaObject::invokeMethod(follower, [follower, from] { follower->start(from); });
}

void FileSource::stop()
{
    m_thread.stop();
}

SourceState FileSource::stateOf(FileFollower::State state)
{
    switch (state) {
    case FileFollower::State::Following:
        return SourceState::Following;
    case FileFollower::State::Waiting:
        return SourceState::Waiting;
    case FileFollower::State::Failed:
        return SourceState::Failed;
    case FileFollower::State::Stopped:
        break;
    }
    return SourceState::Idle;
}

} // namespace viewer
