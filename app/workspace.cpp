#include "workspace.hpp"

#include "chunk_parser.hpp"
#include "file_follower.hpp"
#include "folder_follower.hpp"
#include "line_assembler.hpp"
#include "remote_source.hpp"
#include "run_builder.hpp"
#include "run_loader.hpp"
#include "stdin_reader.hpp"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QThread>
#include <QThreadPool>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <map>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace viewer {

namespace {

enum class SourceKind
{
    File,
    Folder,
    Stream, // standard input, a FIFO, a character device: read to its end, never by offset
    Remote, // ssh://host/file or ssh://host/folder/ (RemoteSource)
};

// The runs read from one file of a source, and the builder that keeps appending to them.
struct FileRuns
{
    std::unique_ptr<RunBuilder> builder;
    std::vector<int> runIds; // runIds[i] is builder->run(i); -1 for a closed run
    LinePosition end; // just past the last line merged: where following resumes
};

struct LoadedFile
{
    QString path;
    std::unique_ptr<RunBuilder> builder;
    LinePosition end;
    qint64 size = 0;
    QString error; // plain text: the file could not be read
};

} // namespace

struct Workspace::Private
{
    struct Source
    {
        SourceKind kind = SourceKind::File;
        bool follow = true;
        SourceInfo info;
        std::map<QString, FileRuns> files; // by path as the follower reports it
        std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
        QThread* thread = nullptr; // the follower's thread (file and folder sources)
        QObject* follower = nullptr; // FileFollower or FolderFollower, living on thread
        StdinReader* stdinReader = nullptr;
        QObject* parseContext = nullptr; // lives on the thread where appended lines are parsed
        QThread* parseThread = nullptr; // standard input's parse thread
        // info.message while no line is incomplete: a note on an incomplete line replaces it
        // until that line has arrived (V20).
        QString followerMessage;
    };
    struct RunRef
    {
        int sourceId = -1;
        QString file;
        RunBuilder* builder = nullptr; // the file's
        std::size_t index = 0;
    };

    Workspace* q;
    std::map<int, Source> sources;
    std::map<int, RunRef> runs;
    int nextSourceId = 1;
    int nextRunId = 1;
    int streamIdleTimeoutMs = 0;
    std::optional<qint64> maxBytesInFlight; // unset: each reader's own default
    QThreadPool loadPool;

    explicit Private(Workspace* workspace)
        : q(workspace)
    {
        loadPool.setMaxThreadCount(2);
    }

    Source* find(int sourceId)
    {
        auto it = sources.find(sourceId);
        return it == sources.end() ? nullptr : &it->second;
    }

    void setState(int sourceId, SourceState state, const QString& message = {})
    {
        Source* source = find(sourceId);
        if (!source || (source->info.state == state && source->info.message == message))
            return;
        source->info.state = state;
        source->info.message = message;
        emit q->sourceStateChanged(sourceId);
    }

    // Gives new runs of a file their ids and announces them.
    void registerNewRuns(int sourceId, const QString& path, FileRuns& file)
    {
        while (file.runIds.size() < static_cast<std::size_t>(file.builder->runCount())) {
            const std::size_t index = file.runIds.size();
            const int runId = nextRunId++;
            runs[runId] = { sourceId, path, file.builder.get(), index };
            file.runIds.push_back(runId);
            emit q->runAdded(runId);
        }
    }

    void dropRuns(FileRuns& file)
    {
        std::vector<int> ids;
        for (const auto& [runId, ref] : runs)
            if (ref.builder == file.builder.get())
                ids.push_back(runId);
        for (int runId : ids) {
            runs.erase(runId);
            emit q->runRemoved(runId);
        }
        file.runIds.clear();
    }

    // Closes a run. The builder frees it and, if the file is still appending to it, drops what
    // keeps coming for it.
    void closeRun(int runId)
    {
        auto it = runs.find(runId);
        if (it == runs.end())
            return;
        const RunRef ref = it->second;
        runs.erase(it);
        FileRuns& file = find(ref.sourceId)->files.at(ref.file);
        file.runIds[ref.index] = -1;
        ref.builder->discardRun(static_cast<int>(ref.index));
        emit q->runRemoved(runId);
    }

    FileRuns& fileRuns(Source& source, const QString& path)
    {
        FileRuns& file = source.files[path];
        if (!file.builder)
            file.builder = std::make_unique<RunBuilder>(path);
        return file;
    }

    // Appended lines, parsed on the follower's thread, merged here in the order they were read.
    void merge(int sourceId, const QString& path, const ParsedChunk& chunk, LinePosition end)
    {
        Source* source = find(sourceId);
        if (!source)
            return;
        FileRuns& file = fileRuns(*source, path);
        const AppendSummary summary = file.builder->append(chunk);
        file.end = end;
        registerNewRuns(sourceId, path, file);
        announceAppended(*source, file, summary);
        forgetIncompleteLine(sourceId, path, end.lineNumber);
    }

    // A file's last line without '\n' was seen (followers: after the tail sat idle; loads that do
    // not follow: at the end of the file).
    void noteIncompleteLine(int sourceId, const IncompleteLine& line, bool final)
    {
        Source* source = find(sourceId);
        if (!source)
            return;
        QList<IncompleteLine>& lines = source->info.incompleteLines;
        const IncompleteLine noted = line; // `line` may be an element of `lines`
        lines.removeIf([&](const IncompleteLine& l) { return l.file == noted.file; });
        lines << noted;
        setState(sourceId, source->info.state, noted.describe(source->info.path, final));
    }

    // Lines of `file` before `beforeLine` arrived whole (or the file started over: 0 forgets all).
    void forgetIncompleteLine(int sourceId, const QString& file, qint64 beforeLine)
    {
        Source* source = find(sourceId);
        if (!source)
            return;
        const auto gone = source->info.incompleteLines.removeIf([&](const IncompleteLine& l) {
            return l.file == file && (beforeLine == 0 || l.line < beforeLine);
        });
        if (gone > 0 && source->info.incompleteLines.isEmpty())
            setState(sourceId, source->info.state, source->followerMessage);
    }

    void announceAppended(Source& source, const FileRuns& file, const AppendSummary& summary)
    {
        if (summary.records > 0 || summary.discarded > 0)
            source.info.lastAppendMsecs = QDateTime::currentMSecsSinceEpoch();
        if (summary.isEmpty())
            return;
        QList<int> ids;
        for (const AppendSummary::RunChange& change : summary.runs) {
            const auto index = static_cast<std::size_t>(change.run);
            if (index < file.runIds.size() && file.runIds[index] >= 0)
                ids << file.runIds[index];
        }
        if (!ids.isEmpty())
            emit q->runsAppended(ids);
    }

    void addMalformed(
        int sourceId, const QString& path, qint64 line, qint64 offset, const QString& reason)
    {
        Source* source = find(sourceId);
        if (!source)
            return;
        FileRuns& file = fileRuns(*source, path);
        const AppendSummary summary = file.builder->addMalformed(
            static_cast<std::uint64_t>(line), static_cast<std::uint64_t>(offset), reason);
        registerNewRuns(sourceId, path, file);
        announceAppended(*source, file, summary);
    }

    void resetFile(int sourceId, const QString& path, const QString& reason)
    {
        Source* source = find(sourceId);
        if (!source)
            return;
        forgetIncompleteLine(sourceId, path, 0); // line numbers start over
        auto it = source->files.find(path);
        if (it != source->files.end()) {
            dropRuns(it->second);
            it->second.builder = std::make_unique<RunBuilder>(path);
            it->second.end = {};
        }
        emit q->sourceReset(sourceId, reason);
    }

    // Parses each chunk where it was read (never on the GUI thread) and hands it over by value.
    void connectChunks(int sourceId, QObject* sender, QObject* context)
    {
        auto parser = std::make_shared<ChunkParser>();
        QPointer<Workspace> workspace(q);
        auto onLines = [this, workspace, parser, sourceId](const LineChunk& chunk) {
            auto parsed = std::make_shared<ParsedChunk>(
                parser->parse(chunk.bytes.constData(), static_cast<std::size_t>(chunk.bytes.size()),
                    static_cast<std::uint64_t>(chunk.offset),
                    static_cast<std::uint64_t>(chunk.firstLine)));
            const QString path = chunk.path;
            const bool overlong = chunk.hasOverlongLine();
            const qint64 overlongLine = chunk.overlongLine;
            const qint64 overlongOffset = chunk.overlongOffset;
            const LinePosition end { chunk.endOffset(), chunk.firstLine + chunk.lineCount };
            if (!workspace)
                return;
            // `credit` travels with the parsed chunk: the reader reads on once it is merged.
            QMetaObject::invokeMethod(
                workspace.data(),
                [this, sourceId, path, parsed, overlong, overlongLine, overlongOffset, end,
                    credit = chunk.credit] {
                    merge(sourceId, path, *parsed, end);
                    if (overlong)
                        addMalformed(sourceId, path, overlongLine, overlongOffset,
                            LineAssembler::describeOverlong());
                },
                Qt::QueuedConnection);
        };
        if (auto* file = qobject_cast<FileFollower*>(sender))
            QObject::connect(file, &FileFollower::linesRead, context, onLines);
        else if (auto* folder = qobject_cast<FolderFollower*>(sender))
            QObject::connect(folder, &FolderFollower::linesRead, context, onLines);
        else if (auto* remote = qobject_cast<RemoteSource*>(sender))
            QObject::connect(remote, &RemoteSource::linesRead, context, onLines);
        else if (auto* input = qobject_cast<StdinReader*>(sender))
            QObject::connect(
                input, &StdinReader::linesRead, context, onLines, Qt::QueuedConnection);
    }

    static SourceState stateOf(FileFollower::State state)
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

    // A follower and the context its lines are parsed in share one new thread per source.
    void moveToFollowThread(int sourceId, Source& source, QObject* follower)
    {
        source.thread = new QThread;
        source.thread->setObjectName(QStringLiteral("follow %1").arg(sourceId));
        auto* context = new QObject;
        follower->moveToThread(source.thread);
        context->moveToThread(source.thread);
        source.follower = follower;
        source.parseContext = context;
        connectChunks(sourceId, follower, context);
    }

    void startFileFollower(int sourceId, const QString& path, LinePosition from)
    {
        Source& source = sources.at(sourceId);
        auto* follower = new FileFollower(path);
        if (maxBytesInFlight)
            follower->chunkBudget()->setMaxBytesInFlight(*maxBytesInFlight);
        moveToFollowThread(sourceId, source, follower);
        QObject::connect(follower, &FileFollower::fileReset, q,
            [this, sourceId, path](const QString& reason) { resetFile(sourceId, path, reason); });
        QObject::connect(follower, &FileFollower::stateChanged, q,
            [this, sourceId](FileFollower::State state, const QString& message) {
                if (Source* s = find(sourceId)) {
                    s->followerMessage = message;
                    s->info.incompleteLines.clear();
                }
                setState(sourceId, stateOf(state), message);
            });
        QObject::connect(follower, &FileFollower::incompleteLineFound, q,
            [this, sourceId, path](qint64 line, qint64 offset, const QByteArray& bytes) {
                noteIncompleteLine(sourceId, { path, line, offset, bytes.size() }, false);
            });
        source.thread->start();
        QMetaObject::invokeMethod(follower, [follower, from] { follower->start(from); });
    }

    void startFolderFollower(
        int sourceId, const QString& folder, const QHash<QString, LinePosition>& resumeAt)
    {
        Source& source = sources.at(sourceId);
        auto* follower = new FolderFollower(folder);
        if (maxBytesInFlight)
            follower->setMaxBytesInFlight(*maxBytesInFlight);
        moveToFollowThread(sourceId, source, follower);
        QObject::connect(follower, &FolderFollower::fileReset, q,
            [this, sourceId](
                const QString& path, const QString& reason) { resetFile(sourceId, path, reason); });
        QObject::connect(follower, &FolderFollower::stateChanged, q,
            [this, sourceId](FileFollower::State state, const QString& message) {
                if (Source* s = find(sourceId))
                    s->followerMessage = message;
                setState(sourceId, stateOf(state), message);
            });
        QObject::connect(follower, &FolderFollower::incompleteLineFound, q,
            [this, sourceId](
                const QString& path, qint64 line, qint64 offset, const QByteArray& bytes) {
                noteIncompleteLine(sourceId, { path, line, offset, bytes.size() }, false);
            });
        QObject::connect(follower, &FolderFollower::fileStateChanged, q,
            [this, sourceId](
                const QString& path, FileFollower::State state, const QString& message) {
                setFileProblem(
                    sourceId, path, state == FileFollower::State::Failed ? message : QString());
            });
        source.thread->start();
        QMetaObject::invokeMethod(follower, [follower, resumeAt] { follower->start(resumeAt); });
    }

    // A file of the folder that cannot be read (message), or can again (empty message).
    void setFileProblem(int sourceId, const QString& path, const QString& message)
    {
        Source* source = find(sourceId);
        if (!source)
            return;
        QList<FileProblem>& problems = source->info.fileProblems;
        const auto it = std::find_if(
            problems.begin(), problems.end(), [&](const FileProblem& p) { return p.file == path; });
        if (it != problems.end() && it->message == message)
            return;
        if (it == problems.end() && message.isEmpty())
            return;
        if (it != problems.end())
            problems.erase(it);
        if (!message.isEmpty())
            problems.append({ path, message });
        emit q->sourceStateChanged(sourceId);
    }

    // A remote file or folder (ssh://). Until it is read to its current end it is Loading (the
    // headless modes wait for it); a dropped connection is Waiting while following, with the
    // attempt and the next retry in the message ("reconnecting (attempt 2, next in 1 s): ...").
    void startRemote(
        int sourceId, const RemoteUrl& url, const QHash<QString, LinePosition>& resumeAt)
    {
        Source& source = sources.at(sourceId);
        auto* remote = new RemoteSource(url, source.follow);
        moveToFollowThread(sourceId, source, remote);
        QObject::connect(remote, &RemoteSource::fileReset, q,
            [this, sourceId](
                const QString& path, const QString& reason) { resetFile(sourceId, path, reason); });
        QObject::connect(remote, &RemoteSource::stateChanged, q,
            [this, sourceId](RemoteSource::State state, const QString& message) {
                Source* s = find(sourceId);
                if (!s)
                    return;
                using R = RemoteSource::State;
                const bool loading = s->info.state == SourceState::Loading;
                const SourceState mapped = state == R::Following        ? SourceState::Following
                    : state == R::Waiting                               ? SourceState::Waiting
                    : state == R::Finished                              ? SourceState::Idle
                    : state == R::Failed                                ? SourceState::Failed
                    : state == R::Reconnecting && s->follow && !loading ? SourceState::Waiting
                                                                        : SourceState::Loading;
                s->followerMessage = message;
                setState(sourceId, mapped, message);
                if (mapped == SourceState::Idle) { // read to its end: the tail is final
                    const QList<IncompleteLine> tails = s->info.incompleteLines;
                    for (const IncompleteLine& line : tails)
                        noteIncompleteLine(sourceId, line, true);
                }
                if (loading && mapped != SourceState::Loading)
                    emit q->loadFinished(sourceId);
            });
        QObject::connect(remote, &RemoteSource::incompleteLineFound, q,
            [this, sourceId](
                const QString& path, qint64 line, qint64 offset, const QByteArray& bytes) {
                noteIncompleteLine(sourceId, { path, line, offset, bytes.size() }, false);
            });
        QObject::connect(remote, &RemoteSource::fileStateChanged, q,
            [this, sourceId](const QString& path, const QString& message) {
                setFileProblem(sourceId, path, message);
            });
        source.thread->start();
        QMetaObject::invokeMethod(remote, [remote, resumeAt] { remote->start(resumeAt); });
    }

    // Reads standard input (fd 0, not owned) or an opened FIFO or device (owned) to its end.
    void startStream(int sourceId, int fd, bool ownsDescriptor)
    {
        Source& source = sources.at(sourceId);
        const QString path = source.info.path;
        source.parseThread = new QThread;
        source.parseThread->setObjectName(QStringLiteral("parse stdin"));
        auto* context = new QObject;
        context->moveToThread(source.parseThread);
        source.parseContext = context;
        source.stdinReader = new StdinReader(fd, q);
        source.stdinReader->setPath(path);
        source.stdinReader->setOwnsDescriptor(ownsDescriptor);
        source.stdinReader->setIdleTimeout(streamIdleTimeoutMs);
        if (maxBytesInFlight)
            source.stdinReader->setMaxBytesInFlight(*maxBytesInFlight);
        connectChunks(sourceId, source.stdinReader, context);
        // Through the parse thread, so that "finished" arrives after the last parsed lines.
        QPointer<Workspace> workspace(q);
        QObject::connect(
            source.stdinReader, &StdinReader::stateChanged, context,
            [this, workspace, sourceId, path](StdinReader::State state, const QString& text) {
                const SourceState mapped = state == StdinReader::State::Reading
                    ? SourceState::Following
                    : state == StdinReader::State::Failed ? SourceState::Failed
                                                          : SourceState::Idle;
                // A FIFO's failure names it (--summary prints the message as it is).
                const QString message = mapped == SourceState::Failed && path != QLatin1String("-")
                    ? QStringLiteral("%1: %2").arg(path, text)
                    : text;
                if (workspace)
                    QMetaObject::invokeMethod(
                        workspace.data(),
                        [this, sourceId, mapped, message] {
                            Source* s = find(sourceId);
                            if (!s)
                                return;
                            s->followerMessage = message;
                            setState(sourceId, mapped, message);
                            if (mapped == SourceState::Idle) { // input ended: the tail is final
                                const QList<IncompleteLine> tails = s->info.incompleteLines;
                                for (const IncompleteLine& line : tails)
                                    noteIncompleteLine(sourceId, line, true);
                            }
                        },
                        Qt::QueuedConnection);
            },
            Qt::QueuedConnection);
        QObject::connect(
            source.stdinReader, &StdinReader::incompleteLineFound, context,
            [this, workspace, sourceId, path](qint64 line, qint64 offset, const QByteArray& bytes) {
                if (workspace)
                    QMetaObject::invokeMethod(
                        workspace.data(),
                        [this, sourceId, path, line, offset, size = bytes.size()] {
                            noteIncompleteLine(sourceId, { path, line, offset, size }, false);
                        },
                        Qt::QueuedConnection);
            },
            Qt::QueuedConnection);
        source.parseThread->start();
        source.stdinReader->start();
    }

    void stopFollowing(Source& source)
    {
        if (source.stdinReader) {
            source.stdinReader->stop();
            delete source.stdinReader;
            source.stdinReader = nullptr;
        }
        for (QThread* thread : { source.thread, source.parseThread }) {
            if (!thread)
                continue;
            if (source.follower && source.follower->thread() == thread) {
                QObject* follower = source.follower;
                QMetaObject::invokeMethod(
                    follower, [follower] { delete follower; }, Qt::BlockingQueuedConnection);
                source.follower = nullptr;
            }
            if (source.parseContext && source.parseContext->thread() == thread) {
                QObject* context = source.parseContext;
                QMetaObject::invokeMethod(
                    context, [context] { delete context; }, Qt::BlockingQueuedConnection);
                source.parseContext = nullptr;
            }
            thread->quit();
            thread->wait();
            delete thread;
        }
        source.thread = nullptr;
        source.parseThread = nullptr;
    }

    void startLoad(int sourceId)
    {
        Source& source = sources.at(sourceId);
        const QString path = source.info.path;
        const bool folder = source.kind == SourceKind::Folder;
        auto cancel = source.cancel;
        QPointer<Workspace> workspace(q);
        loadPool.start([this, workspace, sourceId, path, folder, cancel] {
            QStringList files;
            if (folder) {
                // As FolderFollower lists them: a FIFO or device named *.jsonl is named as
                // unreadable rather than skipped in silence.
                const QDir dir(path);
                for (const QString& name : dir.entryList({ QStringLiteral("*.jsonl") },
                         QDir::Files | QDir::Hidden | QDir::System, QDir::Name))
                    files << dir.absoluteFilePath(name);
            } else {
                files << path;
            }
            qint64 total = 0;
            for (const QString& f : files)
                total += QFileInfo(f).size();
            auto loaded = std::make_shared<std::vector<LoadedFile>>();
            auto notes = std::make_shared<QStringList>();
            QString error;
            bool cancelled = false;
            qint64 doneBefore = 0;
            for (const QString& f : files) {
                auto builder = std::make_unique<RunBuilder>(f);
                const auto progress = [&](qint64 done, qint64) {
                    QMetaObject::invokeMethod(
                        workspace.data(),
                        [this, sourceId, done = doneBefore + done, total] {
                            if (Source* s = find(sourceId)) {
                                s->info.bytesDone = done;
                                s->info.bytesTotal = total;
                                emit q->loadProgress(sourceId, done, total);
                            }
                        },
                        Qt::QueuedConnection);
                };
                RunLoader::Result result = RunLoader::load(f, *builder, *cancel, progress);
                // Truncated (or rewritten) by another process while it was read: what was read
                // may mix old and new content. Start over, as the follower does.
                for (int attempt = 1; !result.changedWhileReading.isEmpty() && !result.cancelled;
                     ++attempt) {
                    builder = std::make_unique<RunBuilder>(f);
                    if (attempt == Workspace::MaxLoadAttempts) {
                        result.error = QStringLiteral("%1, %2 times; gave up")
                                           .arg(result.changedWhileReading)
                                           .arg(attempt);
                        result.end = {};
                        break;
                    }
                    *notes << QStringLiteral("%1: %2; read again from the start")
                                  .arg(QFileInfo(f).fileName(), result.changedWhileReading);
                    result = RunLoader::load(f, *builder, *cancel, progress);
                }
                doneBefore += result.fileSize;
                if (!result.error.isEmpty() && !folder)
                    error = result.error;
                cancelled = cancelled || result.cancelled;
                loaded->push_back(
                    { f, std::move(builder), result.end, result.fileSize, result.error });
                if (cancelled)
                    break;
            }
            QMetaObject::invokeMethod(
                workspace.data(),
                [this, sourceId, loaded, notes, error, cancelled] {
                    if (Source* s = find(sourceId))
                        s->info.notes += *notes;
                    finishLoad(sourceId, *loaded, error, cancelled);
                },
                Qt::QueuedConnection);
        });
    }

    void finishLoad(
        int sourceId, std::vector<LoadedFile>& loaded, const QString& error, bool cancelled)
    {
        Source* source = find(sourceId);
        if (!source)
            return;
        QHash<QString, LinePosition> resumeAt;
        for (LoadedFile& file : loaded) {
            if (!file.error.isEmpty()) {
                // A folder's file: named, and read from its start by the follower once it can be.
                if (source->kind == SourceKind::Folder)
                    source->info.fileProblems.append({ file.path, file.error });
                continue;
            }
            FileRuns& runsOfFile = source->files[file.path];
            runsOfFile.builder = std::move(file.builder);
            runsOfFile.end = file.end;
            registerNewRuns(sourceId, file.path, runsOfFile);
            resumeAt.insert(file.path, file.end);
        }
        source->info.bytesDone = source->info.bytesTotal;
        if (!error.isEmpty()) {
            setState(sourceId, SourceState::Failed,
                QStringLiteral("cannot read %1: %2").arg(source->info.path, error));
        } else if (cancelled) {
            setState(sourceId, SourceState::Idle, QStringLiteral("load cancelled"));
        } else if (!source->follow) {
            // A folder named like a file (run.jsonl/) must not pass for an empty run.
            setState(sourceId, SourceState::Idle,
                source->kind == SourceKind::Folder && loaded.empty()
                    ? QStringLiteral("a folder without *.jsonl files")
                    : QString());
            for (const LoadedFile& file : loaded)
                if (file.size > file.end.offset)
                    noteIncompleteLine(sourceId,
                        { file.path, file.end.lineNumber, file.end.offset,
                            file.size - file.end.offset },
                        true);
        } else if (source->kind == SourceKind::Folder) {
            setState(sourceId, SourceState::Following);
            startFolderFollower(sourceId, source->info.path, resumeAt);
        } else {
            setState(sourceId, SourceState::Following);
            startFileFollower(sourceId, source->info.path, resumeAt.value(source->info.path));
        }
        emit q->loadFinished(sourceId);
    }
};

QString Workspace::IncompleteLine::describe(const QString& sourcePath, bool final) const
{
    const QString where = file == sourcePath
        ? QStringLiteral("line %1").arg(line)
        : QStringLiteral("%1: line %2").arg(QFileInfo(file).fileName()).arg(line);
    return final ? QStringLiteral("%1 is incomplete (no newline at the end): not read").arg(where)
                 : QStringLiteral("%1 is incomplete (no newline yet)").arg(where);
}

QString Workspace::describeFileProblems(const QList<FileProblem>& problems, int maxNamed)
{
    QStringList named;
    for (const FileProblem& problem : problems) {
        if (named.size() == maxNamed)
            break;
        named << QStringLiteral("%1: %2").arg(QFileInfo(problem.file).fileName(), problem.message);
    }
    if (problems.size() > maxNamed)
        named << QStringLiteral("and %1 more").arg(problems.size() - maxNamed);
    if (problems.size() == 1)
        return named.first();
    return QStringLiteral("%1 files cannot be read: %2")
        .arg(problems.size())
        .arg(named.join(QStringLiteral("; ")));
}

Workspace::Workspace(QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this))
{
    qRegisterMetaType<LineChunk>();
    qRegisterMetaType<LinePosition>();
}

Workspace::~Workspace()
{
    for (auto& [id, source] : d->sources)
        source.cancel->store(true);
    d->loadPool.waitForDone();
    for (auto& [id, source] : d->sources)
        d->stopFollowing(source);
}

int Workspace::open(const QString& path, bool follow)
{
    const int sourceId = d->nextSourceId++;
    Private::Source& source = d->sources[sourceId];
    source.follow = follow;
    source.info.id = sourceId;
    source.info.path = path;
    if (path == QLatin1String("-")) {
        source.kind = SourceKind::Stream;
        source.info.isStream = true;
        source.info.state = SourceState::Following;
        d->startStream(sourceId, STDIN_FILENO, false);
        return sourceId;
    }
    if (RemoteUrl::isRemote(path)) {
        source.kind = SourceKind::Remote;
        QString error;
        const RemoteUrl url = RemoteUrl::parse(path, &error);
        source.info.state = url.isValid() ? SourceState::Loading : SourceState::Failed;
        source.info.message = error;
        if (url.isValid()) {
            source.info.path = url.toString();
            d->startRemote(sourceId, url, {});
        } else {
            QMetaObject::invokeMethod(
                this, [this, sourceId] { emit loadFinished(sourceId); }, Qt::QueuedConnection);
        }
        return sourceId;
    }
    const QFileInfo info(path);
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) == 0 && !S_ISREG(st.st_mode)
        && !S_ISDIR(st.st_mode)) {
        // A FIFO, `<(cmd)` (/dev/fd/63), a device: it has no size or offsets to load by; read it
        // as a stream like standard input. O_NONBLOCK: a FIFO without a writer must not block.
        source.kind = SourceKind::Stream;
        source.info.isStream = true;
        const int fd =
            ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) {
            source.info.state = SourceState::Failed;
            source.info.message =
                QStringLiteral("cannot read %1: %2").arg(path, qt_error_string(errno));
            QMetaObject::invokeMethod(
                this, [this, sourceId] { emit loadFinished(sourceId); }, Qt::QueuedConnection);
            return sourceId;
        }
        source.info.state = SourceState::Following;
        d->startStream(sourceId, fd, true);
        return sourceId;
    }
    source.info.path = info.exists() ? info.absoluteFilePath() : path;
    if (!info.exists()) {
        source.info.state = follow ? SourceState::Waiting : SourceState::Failed;
        source.info.message = QStringLiteral("%1 does not exist").arg(path);
        if (follow)
            d->startFileFollower(sourceId, source.info.path, {});
        // Announced after the caller got the id, like every other state change.
        QMetaObject::invokeMethod(
            this, [this, sourceId] { emit loadFinished(sourceId); }, Qt::QueuedConnection);
        return sourceId;
    }
    source.kind = info.isDir() ? SourceKind::Folder : SourceKind::File;
    source.info.state = SourceState::Loading;
    source.info.bytesTotal = info.isDir() ? 0 : info.size();
    d->startLoad(sourceId);
    return sourceId;
}

void Workspace::close(int sourceId)
{
    Private::Source* source = d->find(sourceId);
    if (!source)
        return;
    source->cancel->store(true);
    d->stopFollowing(*source);
    for (auto& [path, file] : source->files)
        d->dropRuns(file);
    d->sources.erase(sourceId);
}

void Workspace::closeRun(int runId)
{
    const int sourceId = sourceOfRun(runId);
    if (sourceId < 0)
        return;
    d->closeRun(runId);
    const bool lastOfSource = std::none_of(d->runs.begin(), d->runs.end(),
        [sourceId](const auto& entry) { return entry.second.sourceId == sourceId; });
    if (lastOfSource)
        close(sourceId);
}

void Workspace::cancel(int sourceId)
{
    if (Private::Source* source = d->find(sourceId))
        source->cancel->store(true);
}

void Workspace::setFollowing(int sourceId, bool follow)
{
    Private::Source* source = d->find(sourceId);
    if (!source || source->follow == follow)
        return;
    source->follow = follow;
    if (source->info.state == SourceState::Loading)
        return; // takes effect when the load finishes
    if (!follow) {
        d->stopFollowing(*source);
        d->setState(sourceId, SourceState::Idle, QStringLiteral("paused"));
        return;
    }
    if (source->kind == SourceKind::Stream)
        return;
    if (source->kind == SourceKind::Remote
        && !RemoteUrl::parse(source->info.path, nullptr).isValid())
        return;
    // Resume where the builders stopped: their files are re-followed from the last line read.
    QHash<QString, LinePosition> resumeAt;
    for (const auto& [path, file] : source->files)
        resumeAt.insert(path, file.end);
    if (source->kind == SourceKind::Remote) {
        d->setState(sourceId, SourceState::Loading);
        d->startRemote(sourceId, RemoteUrl::parse(source->info.path, nullptr), resumeAt);
        return;
    }
    d->setState(sourceId, SourceState::Following);
    if (source->kind == SourceKind::Folder)
        d->startFolderFollower(sourceId, source->info.path, resumeAt);
    else
        d->startFileFollower(sourceId, source->info.path, resumeAt.value(source->info.path));
}

void Workspace::setMaxBytesInFlight(qint64 bytes)
{
    d->maxBytesInFlight = bytes;
}

void Workspace::setStreamIdleTimeout(int msecs)
{
    d->streamIdleTimeoutMs = std::max(0, msecs);
}

QList<int> Workspace::sourceIds() const
{
    QList<int> ids;
    for (const auto& [id, source] : d->sources)
        ids << id;
    return ids;
}

Workspace::SourceInfo Workspace::source(int sourceId) const
{
    const Private::Source* source = d->find(sourceId);
    return source ? source->info : SourceInfo {};
}

QList<int> Workspace::runIds() const
{
    QList<int> ids;
    for (const auto& [id, ref] : d->runs)
        ids << id;
    return ids;
}

const Run* Workspace::run(int runId) const
{
    auto it = d->runs.find(runId);
    if (it == d->runs.end())
        return nullptr;
    const RunBuilder& builder = *it->second.builder;
    const auto index = static_cast<int>(it->second.index);
    return index < builder.runCount() ? &builder.run(index) : nullptr;
}

int Workspace::sourceOfRun(int runId) const
{
    auto it = d->runs.find(runId);
    return it == d->runs.end() ? -1 : it->second.sourceId;
}

QByteArray Workspace::recordText(int runId, std::uint32_t record) const
{
    const Run* r = run(runId);
    const Private::Source* source = d->find(sourceOfRun(runId));
    // A stream's lines are gone once read (and opening a FIFO again would wait for a writer).
    if (!r || !source || source->kind == SourceKind::Stream || source->kind == SourceKind::Remote
        || record >= r->records.size())
        return {};
    QFile file(r->sourcePath);
    if (!file.open(QIODevice::ReadOnly)
        || !file.seek(static_cast<qint64>(r->records.offset(record))))
        return {};
    constexpr qint64 MaxShown = 1024 * 1024;
    QByteArray line = file.readLine(MaxShown);
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    return line;
}

bool Workspace::isIdle() const
{
    for (const auto& [id, source] : d->sources)
        if (source.info.state == SourceState::Loading)
            return false;
    return true;
}

} // namespace viewer
