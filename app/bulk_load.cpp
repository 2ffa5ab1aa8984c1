#include "bulk_load.hpp"

#include "run_loader.hpp"

#include <QFileInfo>

namespace viewer {

BulkLoad::Result BulkLoad::run(const QStringList& files, bool folder, int maxAttempts,
    const std::atomic<bool>& cancel, const Progress& progress)
{
    qint64 total = 0;
    for (const QString& f : files)
        total += QFileInfo(f).size();
    Result loaded;
    qint64 doneBefore = 0;
    for (const QString& f : files) {
        auto builder = std::make_unique<RunBuilder>(f);
        const auto fileProgress = [&](qint64 done, qint64) { progress(doneBefore + done, total); };
        RunLoader::Result result = RunLoader::load(f, *builder, cancel, fileProgress);
        // Truncated (or rewritten) by another process while it was read: what was read may mix
        // old and new content. Start over, as the follower does.
        for (int attempt = 1; !result.changedWhileReading.isEmpty() && !result.cancelled;
             ++attempt) {
            builder = std::make_unique<RunBuilder>(f);
            if (attempt == maxAttempts) {
                result.error = QStringLiteral("%1, %2 times; gave up")
                                   .arg(result.changedWhileReading)
                                   .arg(attempt);
                result.end = {};
                break;
            }
            loaded.notes << QStringLiteral("%1: %2; read again from the start")
                                .arg(QFileInfo(f).fileName(), result.changedWhileReading);
            result = RunLoader::load(f, *builder, cancel, fileProgress);
        }
        doneBefore += result.fileSize;
        if (!result.error.isEmpty() && !folder)
            loaded.error = result.error;
        loaded.cancelled = loaded.cancelled || result.cancelled;
        loaded.files.push_back(
            { f, std::move(builder), result.end, result.fileSize, result.error });
        if (loaded.cancelled)
            break;
    }
    return loaded;
}

} // namespace viewer
