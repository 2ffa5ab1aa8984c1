#include "workspace.hpp"

#include "announce_pacer.hpp"
#include "bulk_load.hpp"
#include "chunk_parser.hpp"
#include "open_source.hpp"
#include "run_builder.hpp"
#include "source.hpp"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QSet>
#include <QThreadPool>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <optional>
#include <time.h>

namespace viewer {

namespace {

double threadCpuMs()
{
    timespec t {};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

double nowMs()
{
    timespec t {};
    ::clock_gettime(CLOCK_MONOTONIC, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

// The runs read from one file of a source, and the builder that keeps appending to them.
struct FileRuns
{
    std::unique_ptr<RunBuilder> builder;
    std::vector<int> runIds; // runIds[i] is builder->run(i); -1 for a closed run
    LinePosition end; // just past the last line merged: where following resumes
};

} // namespace

struct Workspace::Private
{
    // One open source: what reads it, and the runs read from each of its files.
    struct Entry
    {
        std::unique_ptr<Source> source;
        bool follow = true;
        SourceInfo info;
        std::map<QString, FileRuns> files; // by path as the source reports it
        std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
        // info.message while no line is incomplete: a note on an incomplete line replaces it
        // until that line has arrived (V20).
        QString sourceMessage;
    };
    struct RunRef
    {
        int sourceId = -1;
        QString file;
        RunBuilder* builder = nullptr; // the file's
        std::size_t index = 0;
    };

    static constexpr std::uint64_t MaxAnnouncedLines = 100000;

    // A chunk parsed on the source's thread, on its way to merge().
    struct ParsedLines
    {
        QString path;
        ParsedChunk chunk;
        LinePosition end;
        std::shared_ptr<const void> credit; // the reader's ChunkBudget credit, kept until merged
    };

    Workspace* q;
    std::map<int, Entry> entries;
    std::map<int, RunRef> runs;
    int nextSourceId = 1;
    int nextRunId = 1;
    int streamIdleTimeoutMs = 0;
    std::optional<qint64> maxBytesInFlight; // unset: each reader's own default
    QThreadPool loadPool;
    // runsAppended is paced (AnnouncePacer): the runs appended to since the last announcement,
    // in the order they first changed, and the timer that announces them.
    AnnouncePacer pacer;
    QList<int> pendingAppended;
    QSet<int> pendingAppendedSet; // the same ids, to add each once in O(1) per merge
    std::uint64_t pendingLines = 0; // merged since the last announcement
    bool paced = true;
    // A read pass is being merged: the announcement is decided once, after its last chunk (after
    // a quiet spell it names every run of the pass, not only the first one's).
    bool mergingPass = false;
    QTimer announceTimer;

    explicit Private(Workspace* workspace)
        : q(workspace)
    {
        loadPool.setMaxThreadCount(2);
        announceTimer.setSingleShot(true);
        QObject::connect(&announceTimer, &QTimer::timeout, q, [this] {
            // The views may have drawn since the wait was set (a redraw runs after the last
            // announcement): wait on if they did.
            const double wait = pacer.waitMs(nowMs(), threadCpuMs());
            if (wait > 0.0)
                announceTimer.start(static_cast<int>(std::ceil(wait)));
            else
                announcePending();
        });
    }

    void announcePending()
    {
        announceTimer.stop();
        QList<int> ids;
        ids.swap(pendingAppended);
        pendingAppendedSet.clear();
        pendingLines = 0;
        ids.removeIf([this](int id) { return runs.find(id) == runs.end(); }); // closed meanwhile
        // Taken before the views handle it: what they spend now is what the next one waits for.
        pacer.announced(nowMs(), threadCpuMs());
        if (!ids.isEmpty())
            emit q->runsAppended(ids);
    }

    void announceAppendedLater(const QList<int>& ids)
    {
        for (int id : ids) {
            if (!pendingAppendedSet.contains(id)) {
                pendingAppendedSet.insert(id);
                pendingAppended << id;
            }
        }
        if (!mergingPass)
            announceWhenDue();
    }

    void announceWhenDue()
    {
        if (pendingAppended.isEmpty())
            return;
        const double wait = paced ? pacer.waitMs(nowMs(), threadCpuMs()) : 0.0;
        if (wait <= 0.0)
            announcePending();
        else if (!announceTimer.isActive())
            announceTimer.start(static_cast<int>(std::ceil(wait)));
    }

    Entry* find(int sourceId)
    {
        auto it = entries.find(sourceId);
        return it == entries.end() ? nullptr : &it->second;
    }

    void setState(int sourceId, SourceState state, const QString& message = {})
    {
        Entry* entry = find(sourceId);
        if (!entry || (entry->info.state == state && entry->info.message == message))
            return;
        entry->info.state = state;
        entry->info.message = message;
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
            pendingAppended.removeAll(runId);
            pendingAppendedSet.remove(runId);
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

    static FileRuns& fileRuns(Entry& entry, const QString& path)
    {
        FileRuns& file = entry.files[path];
        if (!file.builder)
            file.builder = std::make_unique<RunBuilder>(path);
        return file;
    }

    // Appended lines, parsed on the source's thread, merged here in the order they were read.
    void merge(int sourceId, const QString& path, const ParsedChunk& chunk, LinePosition end)
    {
        Entry* entry = find(sourceId);
        if (!entry)
            return;
        FileRuns& file = fileRuns(*entry, path);
        // An announcement covers at most MaxAnnouncedLines (or one merge): what the views do with
        // it stays bounded per event-loop pass, however fast the lines come.
        if (pendingLines > 0 && pendingLines + chunk.lineCount > MaxAnnouncedLines)
            announcePending();
        pendingLines += chunk.lineCount;
        const double cpu0 = threadCpuMs();
        const AppendSummary summary = file.builder->append(chunk);
        pacer.addMergeCpu(threadCpuMs() - cpu0);
        file.end = end;
        registerNewRuns(sourceId, path, file);
        announceAppended(*entry, file, summary);
        forgetIncompleteLine(sourceId, path, end.lineNumber);
    }

    // A file's last line without '\n' was seen (sources: after the tail sat idle; loads that do
    // not follow: at the end of the file).
    void noteIncompleteLine(int sourceId, const IncompleteLine& line, bool final)
    {
        Entry* entry = find(sourceId);
        if (!entry)
            return;
        QList<IncompleteLine>& lines = entry->info.incompleteLines;
        const IncompleteLine noted = line; // `line` may be an element of `lines`
        lines.removeIf([&](const IncompleteLine& l) { return l.file == noted.file; });
        lines << noted;
        setState(sourceId, entry->info.state, noted.describe(entry->info.path, final));
    }

    // Lines of `file` before `beforeLine` arrived whole (or the file started over: 0 forgets all).
    void forgetIncompleteLine(int sourceId, const QString& file, qint64 beforeLine)
    {
        Entry* entry = find(sourceId);
        if (!entry)
            return;
        const auto gone = entry->info.incompleteLines.removeIf([&](const IncompleteLine& l) {
            return l.file == file && (beforeLine == 0 || l.line < beforeLine);
        });
        if (gone > 0 && entry->info.incompleteLines.isEmpty())
            setState(sourceId, entry->info.state, entry->sourceMessage);
    }

    void announceAppended(Entry& entry, const FileRuns& file, const AppendSummary& summary)
    {
        if (summary.records > 0 || summary.discarded > 0)
            entry.info.lastAppendMsecs = QDateTime::currentMSecsSinceEpoch();
        if (summary.isEmpty())
            return;
        QList<int> ids;
        for (const AppendSummary::RunChange& change : summary.runs) {
            const auto index = static_cast<std::size_t>(change.run);
            if (index < file.runIds.size() && file.runIds[index] >= 0)
                ids << file.runIds[index];
        }
        if (!ids.isEmpty())
            announceAppendedLater(ids);
    }

    void resetFile(int sourceId, const QString& path, const QString& reason)
    {
        Entry* entry = find(sourceId);
        if (!entry)
            return;
        forgetIncompleteLine(sourceId, path, 0); // line numbers start over
        auto it = entry->files.find(path);
        if (it != entry->files.end()) {
            dropRuns(it->second);
            it->second.builder = std::make_unique<RunBuilder>(path);
            it->second.end = {};
        }
        emit q->sourceReset(sourceId, reason);
    }

    // A file of the source that cannot be read (message), or can again (empty message).
    void setFileProblem(int sourceId, const QString& path, const QString& message)
    {
        Entry* entry = find(sourceId);
        if (!entry)
            return;
        QList<FileProblem>& problems = entry->info.fileProblems;
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

    // The source says what it is doing. Read to its end (Idle), an incomplete last line stays
    // unread; leaving Loading finishes the load (an ssh:// source reads its first content itself).
    void sourceStateChanged(int sourceId, SourceState state, const QString& message)
    {
        Entry* entry = find(sourceId);
        if (!entry)
            return;
        const bool loading = entry->info.state == SourceState::Loading;
        entry->sourceMessage = message;
        setState(sourceId, state, message);
        if (state == SourceState::Idle) {
            const QList<IncompleteLine> tails = entry->info.incompleteLines;
            for (const IncompleteLine& line : tails)
                noteIncompleteLine(sourceId, line, true);
        }
        if (loading && state != SourceState::Loading)
            emit q->loadFinished(sourceId);
    }

    // Every source is wired the same way. Each chunk is parsed on the source's thread (never on
    // the GUI thread) and handed over by value; the rest arrives queued, in the order it
    // happened.
    void connectSource(int sourceId, Source* source)
    {
        auto parser = std::make_shared<ChunkParser>();
        // Chunks of one read pass (LineChunk::moreFollow), parsed, handed over together: one
        // wake-up of the GUI thread per pass, not per file. Touched on the source's thread only.
        auto pass = std::make_shared<std::vector<ParsedLines>>();
        QPointer<Workspace> workspace(q);
        QObject::connect(
            source, &Source::linesRead, source,
            [this, workspace, parser, pass, sourceId](const LineChunk& chunk) {
                // `credit` travels with the parsed chunk: the reader reads on once it is merged.
                pass->push_back({ chunk.path, parser->parse(chunk),
                    { chunk.endOffset(), chunk.firstLine + chunk.lineCount }, chunk.credit });
                if (chunk.moreFollow || !workspace)
                    return;
                auto parsed = std::make_shared<std::vector<ParsedLines>>(std::move(*pass));
                pass->clear();
                QMetaObject::invokeMethod(
                    workspace.data(),
                    [this, sourceId, parsed] {
                        mergingPass = paced; // unpaced (the benchmark's peer): every merge
                        for (const ParsedLines& lines : *parsed)
                            merge(sourceId, lines.path, lines.chunk, lines.end);
                        mergingPass = false;
                        announceWhenDue();
                    },
                    Qt::QueuedConnection);
            },
            Qt::DirectConnection);
        QObject::connect(source, &Source::stateChanged, q,
            [this, sourceId](SourceState state, const QString& message) {
                sourceStateChanged(sourceId, state, message);
            });
        QObject::connect(source, &Source::fileReset, q,
            [this, sourceId](
                const QString& path, const QString& reason) { resetFile(sourceId, path, reason); });
        QObject::connect(source, &Source::incompleteLineFound, q,
            [this, sourceId](
                const QString& path, qint64 line, qint64 offset, const QByteArray& bytes) {
                noteIncompleteLine(sourceId, { path, line, offset, bytes.size() }, false);
            });
        QObject::connect(source, &Source::incompleteLinesCleared, q, [this, sourceId] {
            if (Entry* entry = find(sourceId))
                entry->info.incompleteLines.clear();
        });
        QObject::connect(source, &Source::fileProblemChanged, q,
            [this, sourceId](const QString& path, const QString& message) {
                setFileProblem(sourceId, path, message);
            });
    }

    void startSource(Entry& entry, const QHash<QString, LinePosition>& resumeAt, bool follow)
    {
        entry.source->setMaxBytesInFlight(maxBytesInFlight);
        entry.source->start(resumeAt, follow);
    }

    void startLoad(int sourceId, const Source::FileLister& listFiles)
    {
        Entry& entry = entries.at(sourceId);
        const bool folder = entry.source->isFolder();
        auto cancel = entry.cancel;
        QPointer<Workspace> workspace(q);
        loadPool.start([this, workspace, sourceId, listFiles, folder, cancel] {
            const auto progress = [this, workspace, sourceId](qint64 done, qint64 total) {
                QMetaObject::invokeMethod(
                    workspace.data(),
                    [this, sourceId, done, total] {
                        if (Entry* e = find(sourceId)) {
                            e->info.bytesDone = done;
                            e->info.bytesTotal = total;
                            emit q->loadProgress(sourceId, done, total);
                        }
                    },
                    Qt::QueuedConnection);
            };
            auto loaded = std::make_shared<BulkLoad::Result>(
                BulkLoad::run(listFiles(), folder, Workspace::MaxLoadAttempts, *cancel, progress));
            QMetaObject::invokeMethod(
                workspace.data(), [this, sourceId, loaded] { finishLoad(sourceId, *loaded); },
                Qt::QueuedConnection);
        });
    }

    void finishLoad(int sourceId, BulkLoad::Result& loaded)
    {
        Entry* entry = find(sourceId);
        if (!entry)
            return;
        entry->info.notes += loaded.notes;
        const bool folder = entry->source->isFolder();
        QHash<QString, LinePosition> resumeAt;
        for (BulkLoad::File& file : loaded.files) {
            if (!file.error.isEmpty()) {
                // A folder's file: named, and read from its start by the source once it can be.
                if (folder)
                    entry->info.fileProblems.append({ file.path, file.error });
                continue;
            }
            FileRuns& runsOfFile = entry->files[file.path];
            runsOfFile.builder = std::move(file.builder);
            runsOfFile.end = file.end;
            registerNewRuns(sourceId, file.path, runsOfFile);
            resumeAt.insert(file.path, file.end);
        }
        entry->info.bytesDone = entry->info.bytesTotal;
        if (!loaded.error.isEmpty()) {
            setState(sourceId, SourceState::Failed,
                QStringLiteral("cannot read %1: %2").arg(entry->info.path, loaded.error));
        } else if (loaded.cancelled) {
            setState(sourceId, SourceState::Idle, QStringLiteral("load cancelled"));
        } else if (!entry->follow) {
            // A folder named like a file (run.jsonl/) must not pass for an empty run.
            setState(sourceId, SourceState::Idle,
                folder && loaded.files.empty() ? QStringLiteral("a folder without *.jsonl files")
                                               : QString());
            for (const BulkLoad::File& file : loaded.files)
                if (file.size > file.end.offset)
                    noteIncompleteLine(sourceId,
                        { file.path, file.end.lineNumber, file.end.offset,
                            file.size - file.end.offset },
                        true);
        } else {
            setState(sourceId, SourceState::Following);
            startSource(*entry, resumeAt, true);
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
    for (auto& [id, entry] : d->entries)
        entry.cancel->store(true);
    d->loadPool.waitForDone();
    for (auto& [id, entry] : d->entries)
        entry.source->stop();
}

int Workspace::open(const QString& path, bool follow)
{
    std::unique_ptr<Source> source = openSource(path, follow, d->streamIdleTimeoutMs);
    // A file or folder that is open already (named twice on a command line, opened again from
    // the menu) is that source: its runs are not read a second time, nor shown twice.
    if (!source->isStream()) {
        for (const auto& [id, entry] : d->entries) {
            if (!entry.info.isStream && entry.info.path == source->path())
                return id;
        }
    }
    return open(std::move(source), follow);
}

int Workspace::open(std::unique_ptr<Source> source, bool follow)
{
    const int sourceId = d->nextSourceId++;
    Private::Entry& entry = d->entries[sourceId];
    entry.source = std::move(source);
    entry.follow = follow;
    entry.info.id = sourceId;
    entry.info.path = entry.source->path();
    entry.info.isStream = entry.source->isStream();
    entry.info.state = entry.source->initialState();
    entry.info.message = entry.source->initialMessage();
    d->connectSource(sourceId, entry.source.get());
    if (const Source::FileLister files = entry.source->bulkLoadFiles()) {
        const QFileInfo info(entry.info.path);
        entry.info.bytesTotal = info.isDir() ? 0 : info.size();
        d->startLoad(sourceId, files);
        return sourceId;
    }
    const SourceState state = entry.info.state;
    if (state != SourceState::Failed)
        d->startSource(entry, {}, follow);
    // A source that cannot load (Waiting for its file, or Failed) has nothing to wait for:
    // announced after the caller got the id, like every other state change.
    if (state == SourceState::Waiting || state == SourceState::Failed)
        QMetaObject::invokeMethod(
            this, [this, sourceId] { emit loadFinished(sourceId); }, Qt::QueuedConnection);
    return sourceId;
}

void Workspace::close(int sourceId)
{
    Private::Entry* entry = d->find(sourceId);
    if (!entry)
        return;
    entry->cancel->store(true);
    entry->source->stop();
    for (auto& [path, file] : entry->files)
        d->dropRuns(file);
    d->entries.erase(sourceId);
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
    if (Private::Entry* entry = d->find(sourceId))
        entry->cancel->store(true);
}

void Workspace::setFollowing(int sourceId, bool follow)
{
    Private::Entry* entry = d->find(sourceId);
    if (!entry || entry->follow == follow)
        return;
    entry->follow = follow;
    if (entry->info.state == SourceState::Loading)
        return; // takes effect when the load finishes
    if (!follow) {
        entry->source->stop();
        d->setState(sourceId, SourceState::Idle, QStringLiteral("paused"));
        return;
    }
    if (!entry->source->canResume())
        return;
    // Resume where the builders stopped: their files are followed again from the last line read.
    QHash<QString, LinePosition> resumeAt;
    for (const auto& [path, file] : entry->files)
        resumeAt.insert(path, file.end);
    d->setState(sourceId, entry->source->resumeState());
    d->startSource(*entry, resumeAt, true);
}

void Workspace::setMaxBytesInFlight(qint64 bytes)
{
    d->maxBytesInFlight = bytes;
}

void Workspace::setPacedAnnouncements(bool paced)
{
    d->paced = paced;
}

void Workspace::setStreamIdleTimeout(int msecs)
{
    d->streamIdleTimeoutMs = std::max(0, msecs);
}

QList<int> Workspace::sourceIds() const
{
    QList<int> ids;
    for (const auto& [id, entry] : d->entries)
        ids << id;
    return ids;
}

Workspace::SourceInfo Workspace::source(int sourceId) const
{
    const Private::Entry* entry = d->find(sourceId);
    return entry ? entry->info : SourceInfo {};
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
    const Private::Entry* entry = d->find(sourceOfRun(runId));
    // A stream's lines are gone once read (and opening a FIFO again would wait for a writer).
    if (!r || !entry || !entry->source->canReadBack() || record >= r->records.size())
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
    for (const auto& [id, entry] : d->entries)
        if (entry.info.state == SourceState::Loading)
            return false;
    return true;
}

} // namespace viewer
