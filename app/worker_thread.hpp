#pragma once

#include <QString>

class QObject;
class QThread;

namespace viewer {

// A thread that runs one object (a follower, a parse context) with its event loop. Owned on the
// GUI thread: start() moves the object to a new thread; stop() deletes the object on that thread
// (its destructor may touch its timers and watchers there), then joins. The sources' threads.
class WorkerThread
{
public:
    explicit WorkerThread(const QString& name);
    ~WorkerThread(); // stop()

    WorkerThread(const WorkerThread&) = delete;
    WorkerThread& operator=(const WorkerThread&) = delete;

    // Takes `worker` (no parent, created on this thread) and starts the thread with it.
    void start(QObject* worker);
    void stop();
    bool isRunning() const
    {
        return m_thread != nullptr;
    }

private:
    QString m_name;
    QThread* m_thread = nullptr;
    QObject* m_worker = nullptr;
};

} // namespace viewer
