#include "folder_source.hpp"

#include "file_source.hpp"
#include "folder_follower.hpp"

#include <QFileInfo>

namespace viewer {

FolderSource::FolderSource(const QString& folder, QObject* parent)
    : Source(QFileInfo(folder).absoluteFilePath(), SourceState::Loading, {}, parent)
    , m_thread(QStringLiteral("follow %1").arg(QFileInfo(folder).fileName()))
{
}

FolderSource::~FolderSource()
{
    stop();
}

Source::FileLister FolderSource::bulkLoadFiles() const
{
    return [folder = path()] { return FolderFollower::listFiles(folder); };
}

void FolderSource::start(const QHash<QString, LinePosition>& resumeAt, bool /*follow*/)
{
    auto* follower = new FolderFollower(path());
    if (const auto bytes = maxBytesInFlight())
        follower->setMaxBytesInFlight(*bytes);
    connect(follower, &FolderFollower::linesRead, this, &Source::linesRead, Qt::DirectConnection);
    connect(follower, &FolderFollower::fileReset, this, &Source::fileReset, Qt::DirectConnection);
    connect(
        follower, &FolderFollower::stateChanged, this,
        [this](FileFollower::State state, const QString& message) {
            emit stateChanged(FileSource::stateOf(state), message);
        },
        Qt::DirectConnection);
    connect(follower, &FolderFollower::incompleteLineFound, this, &Source::incompleteLineFound,
        Qt::DirectConnection);
    connect(
        follower, &FolderFollower::fileStateChanged, this,
        [this](const QString& file, FileFollower::State state, const QString& message) {
            emit fileProblemChanged(
                file, state == FileFollower::State::Failed ? message : QString());
        },
        Qt::DirectConnection);
    m_thread.start(follower);
    QMetaObject::invokeMethod(follower, [follower, resumeAt] { follower->start(resumeAt); });
}

void FolderSource::stop()
{
    m_thread.stop();
}

} // namespace viewer
