#pragma once

namespace viewer {

// When the Workspace may announce appended records again (runsAppended), so that what the views
// do with live data stays a small share of the GUI thread, however many files append and however
// often: issue 15 measured 100 files x 10 records/s at 87-93 % CPU, every merged line of every
// file redrawing the charts and tables. Records are merged into the store as they arrive (the
// store's latency is unchanged); only the announcement waits.
//
// The rule: after an announcement, the next one waits until the GUI thread's CPU time spent since
// then, merges left out, is at most ViewShare of the time elapsed (a redraw that cost 15 ms
// allows the next one 750 ms later), and never longer than MaxDelayMs (the views are less than a
// second behind the store). A record after a quiet spell is announced at once. The Workspace
// also announces before an announcement would cover more than MaxAnnouncedLines.
// Pure arithmetic over the times it is given; any thread.
class AnnouncePacer
{
public:
    static constexpr double ViewShare = 0.01;
    static constexpr double MaxDelayMs = 750.0;

    // An announcement went out at nowMs; cpuMs: the thread's CPU time then (any origin).
    void announced(double nowMs, double cpuMs);
    // CPU spent merging since the last announcement (not the views' doing).
    void addMergeCpu(double ms)
    {
        m_mergeCpuMs += ms;
    }
    // How long to wait from nowMs before the next announcement (0: now).
    double waitMs(double nowMs, double cpuMs) const;

private:
    bool m_announced = false;
    double m_lastMs = 0.0;
    double m_lastCpuMs = 0.0;
    double m_mergeCpuMs = 0.0;
};

} // namespace viewer
