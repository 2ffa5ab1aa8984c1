#include "open_source.hpp"

#include "file_source.hpp"
#include "folder_source.hpp"
#include "ssh_command.hpp"
#include "ssh_source.hpp"
#include "stream_source.hpp"

#include <QFile>
#include <QFileInfo>

#include <sys/stat.h>

namespace viewer {

namespace {

// A FIFO, `<(cmd)` (/dev/fd/63), a device: no size or offsets to load by.
bool isStreamPath(const QString& path)
{
    struct stat st = {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 && !S_ISREG(st.st_mode)
        && !S_ISDIR(st.st_mode);
}

} // namespace

std::unique_ptr<Source> openSource(const QString& path, bool follow, int streamIdleTimeoutMs)
{
    if (path == QLatin1String("-"))
        return std::make_unique<StreamSource>(streamIdleTimeoutMs);
    if (RemoteUrl::isRemote(path))
        return std::make_unique<SshSource>(path);
    if (isStreamPath(path))
        return std::make_unique<StreamSource>(path, streamIdleTimeoutMs);
    if (QFileInfo(path).isDir())
        return std::make_unique<FolderSource>(path);
    return std::make_unique<FileSource>(path, follow);
}

} // namespace viewer
