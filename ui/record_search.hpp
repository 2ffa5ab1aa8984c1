#pragma once

#include <QObject>
#include <QString>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

class QThread;

namespace viewer {

// Finds the records of a run whose raw line contains a text (ASCII case-insensitive), for the
// records table's text filter. The search reads the run's file itself on a worker thread, in
// large blocks and in file order, so searching a million records neither blocks the GUI thread
// nor costs a call per record; the GUI thread receives only the matching record indices. A new
// search cancels the previous one; a superseded result is never delivered. Lives on the GUI thread.
class RecordSearch : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 BlockBytes = qint64(4) * 1024 * 1024;
    static constexpr qint64 MaxLineBytes = qint64(64) * 1024 * 1024; // longer lines: the head only

    explicit RecordSearch(QObject* parent = nullptr);
    ~RecordSearch() override; // cancels and joins the worker

    // Records first, first+1, ... whose lines start at `offsets` (ascending) in the file `path`.
    void start(const QString& path, std::uint32_t first, std::vector<std::uint64_t> offsets,
        const QString& text);
    void cancel();
    bool isRunning() const;

    // The search itself (any thread): indices (first + i) of the lines that contain `needle`,
    // already lower-cased. Stops early, returning what it has, when `stop` becomes true.
    static std::vector<std::uint32_t> searchFile(const QString& path, std::uint32_t first,
        const std::vector<std::uint64_t>& offsets, const QByteArray& needle,
        const std::atomic<bool>& stop, QString* error);

signals:
    // coveredUpTo: records before it were searched (first + offsets.size() unless cancelled).
    void finished(const QList<quint32>& matches, quint32 coveredUpTo, const QString& error);

private:
    struct Job;
    std::shared_ptr<Job> m_job;
    QThread* m_thread = nullptr;
    quint64 m_generation = 0;
};

} // namespace viewer
