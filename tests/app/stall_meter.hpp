#pragma once
// StallMeter: how long the event loop of this thread went without running a 5 ms timer, shared by
// tst_workspace_live (which asserts only that the loop ran) and bench_gui_thread (which prints the
// durations beside a peer).

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <algorithm>
#include <time.h>

namespace viewer::test {

// The longest gap between runs of a 5 ms timer, in wall time and in this thread's CPU time (the
// work that blocked the loop; a loaded machine does not inflate it), and how often the timer ran.
class StallMeter : public QObject
{
public:
    StallMeter()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            ++m_ticks;
            m_longest = std::max(m_longest, m_clock.restart());
            const qint64 cpu = threadCpuMs();
            m_longestCpu = std::max(m_longestCpu, cpu - m_lastCpu);
            m_lastCpu = cpu;
        });
        m_clock.start();
        m_lastCpu = threadCpuMs();
        m_timer.start(5);
    }
    qint64 longestMs() const
    {
        return m_longest;
    }
    qint64 longestCpuMs() const
    {
        return m_longestCpu;
    }
    qint64 ticks() const
    {
        return m_ticks;
    }

private:
    static qint64 threadCpuMs()
    {
        timespec t {};
        ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return qint64(t.tv_sec) * 1000 + t.tv_nsec / 1'000'000;
    }

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_ticks = 0;
    qint64 m_longest = 0;
    qint64 m_longestCpu = 0;
    qint64 m_lastCpu = 0;
};

} // namespace viewer::test
