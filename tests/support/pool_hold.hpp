#pragma once
// Holds every thread of QThreadPool::globalInstance() busy until release() or destruction: a test
// of work that must not wait for the pool (or must wait for a job the pool has not started) takes
// the pool's threads away first. Destruction lets them go however the test ends.
#include <QSemaphore>
#include <QThreadPool>

namespace viewer::test {

class PoolHold
{
public:
    PoolHold()
        : m_threads(QThreadPool::globalInstance()->maxThreadCount())
    {
        for (int t = 0; t < m_threads; ++t) {
            QThreadPool::globalInstance()->start([this] {
                m_blocked.release();
                m_release.acquire();
            });
        }
        m_held = m_blocked.tryAcquire(m_threads, 10000);
    }
    ~PoolHold()
    {
        release();
        QThreadPool::globalInstance()->waitForDone(10000);
    }
    PoolHold(const PoolHold&) = delete;
    PoolHold& operator=(const PoolHold&) = delete;

    // Every pool thread was taken within seconds.
    bool isHeld() const
    {
        return m_held;
    }
    void release()
    {
        if (!m_released)
            m_release.release(m_threads);
        m_released = true;
    }

private:
    const int m_threads;
    QSemaphore m_blocked;
    QSemaphore m_release;
    bool m_held = false;
    bool m_released = false;
};

} // namespace viewer::test
