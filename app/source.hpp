#pragma once

#include "line_chunk.hpp"

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace viewer {

// What the workspace says about a source (its state, with a plain-text message beside it).
enum class SourceState
{
    Loading, // the bulk load of existing content is running (see Workspace::loadProgress)
    Following, // loaded, watching for appended records
    Waiting, // the file does not exist (yet); it is picked up when it appears
    Idle, // loaded, not following (--no-follow, or standard input ended)
    Failed, // could not be read; the message says why
};

// One thing the Workspace reads runs from: a file, a folder, a stream (standard input, a FIFO), an
// ssh:// address. Adding a kind of source is one subclass (and one line in openSource()); the
// workspace parses, stores and announces what any of them reads, with no code per kind.
// Threads: a Source is created, started and stopped on the GUI thread; it reads on a worker thread
// of its own, and that one thread emits every signal below, in the order things happened.
// linesRead is meant to be handled there (Qt::DirectConnection: the workspace parses the chunk on
// the source's thread, never on the GUI thread); the other signals are received queued.
class Source : public QObject
{
    Q_OBJECT
public:
    // Lists, on a pool thread, the local files the workspace loads in bulk (RunLoader) before
    // start(). It must hold values only: the source may be closed while it runs.
    using FileLister = std::function<QStringList()>;

    ~Source() override;

    Source(const Source&) = delete;
    Source& operator=(const Source&) = delete;

    // The source as shown (an absolute path, "-", an ssh:// address). Chunks carry the paths of
    // the source's files, which are this path for a single file.
    QString path() const;
    // The state right after open (Loading, or Waiting/Failed with initialMessage() saying why).
    SourceState initialState() const;
    QString initialMessage() const;

    // The files to load in bulk before start(); none (the default): start() at open.
    virtual FileLister bulkLoadFiles() const;
    // Several files: one that cannot be read is a file problem, not the source's failure.
    virtual bool isFolder() const;
    // Read to its end, never by offset (standard input, a FIFO): headless modes wait for its end.
    virtual bool isStream() const;
    // Its records can be read again from a local file by offset (the record inspector).
    virtual bool canReadBack() const;
    // It can be followed again after a pause, from where it stopped.
    virtual bool canResume() const;
    // The state while it starts again after a pause (Loading: until it has read to its end).
    virtual SourceState resumeState() const;

    // Bytes read but not yet merged that the reader may hold before it pauses (ChunkBudget; <= 0:
    // no limit); unset: the reader's own default. Takes effect at the next start().
    void setMaxBytesInFlight(std::optional<qint64> bytes);

    // Starts reading. resumeAt: by file path, where reading resumes (the bulk load's end, or where
    // a paused source stopped); other files are read from their start. follow: keep reading what
    // is appended (a source started only to be read to its end gets false).
    virtual void start(const QHash<QString, LinePosition>& resumeAt, bool follow) = 0;
    // Stops reading and joins the worker thread; start() may be called again.
    virtual void stop() = 0;

signals:
    void linesRead(const viewer::LineChunk& chunk);
    // message: plain text (the reason for Failed/Waiting, notes such as "polling only").
    void stateChanged(viewer::SourceState state, const QString& message);
    // Drop everything read from this file: it is read again from its start.
    void fileReset(const QString& file, const QString& reason);
    // The last line of `file`, numbered line, at offset, has no '\n' (yet): bytes is what it has.
    void incompleteLineFound(
        const QString& file, qint64 line, qint64 offset, const QByteArray& bytes);
    // Forget the incomplete lines noted so far (the state that follows says what is true now).
    void incompleteLinesCleared();
    // A file of the source cannot be read (message), or can again (empty message). Plain text.
    void fileProblemChanged(const QString& file, const QString& message);

protected:
    // Forwards the incompleteLineFound(line, offset, bytes) of a reader of one file, naming it.
    template <typename Reader>
    void forwardIncompleteLines(
        Reader* reader, const QObject* context, const QString& file, Qt::ConnectionType type)
    {
        connect(
            reader, &Reader::incompleteLineFound, context,
            [this, file](qint64 line, qint64 offset, const QByteArray& bytes) {
                emit incompleteLineFound(file, line, offset, bytes);
            },
            type);
    }

    std::optional<qint64> maxBytesInFlight() const;

    Source(const QString& path, SourceState initialState, const QString& initialMessage = {},
        QObject* parent = nullptr);

private:
    QString m_path;
    SourceState m_initialState;
    QString m_initialMessage;
    std::optional<qint64> m_maxBytesInFlight;
};

} // namespace viewer

Q_DECLARE_METATYPE(viewer::SourceState)
