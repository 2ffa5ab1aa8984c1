#include "worker_thread.hpp"

#include <QObject>
#include <QThread>

namespace viewer {

WorkerThread::WorkerThread(const QString& name)
    : m_name(name)
{
}

WorkerThread::~WorkerThread()
{
    stop();
}

void WorkerThread::start(QObject* worker)
{
    stop();
    m_thread = new QThread;
    m_thread->setObjectName(m_name);
    m_worker = worker;
    worker->moveToThread(m_thread);
    m_thread->start();
}

void WorkerThread::stop()
{
    if (!m_thread)
        return;
    QObject* worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker] { delete worker; }, Qt::BlockingQueuedConnection);
    m_worker = nullptr;
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
}

} // namespace viewer
