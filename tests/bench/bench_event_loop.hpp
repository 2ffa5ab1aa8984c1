#pragma once
// Waiting for the viewer's work in a benchmark the way the application waits: in an event loop
// that sleeps between events. A processEvents() loop spins, and the Workspace's AnnouncePacer
// counts the GUI thread's spinning as the views' work: it then paced the announcements to
// 750 ms (bench_live's p99 read 746 ms, against 21.5 ms with a sleeping loop).

#include <QEventLoop>
#include <QTimer>

#include <functional>

namespace bench {

// Runs the event loop until done() (checked every 5 ms) or timeoutMs.
inline void waitUntil(const std::function<bool()>& done, int timeoutMs)
{
    if (done())
        return;
    QEventLoop loop;
    QTimer check;
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    check.start(5);
    deadline.start(timeoutMs);
    loop.exec();
}

} // namespace bench
