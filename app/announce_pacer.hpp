#pragma once

namespace viewer {

// When the Workspace may announce appended records again (runsAppended), so that what the views
// do with live data stays a small share of the GUI thread, however many files append and however
// often: issue 15 measured 100 files x 10 records/s at 87-93 % CPU, every merged line of every
// file redrawing the charts and tables. Records are merged into the store as they arrive (the
// store's latency is unchanged); only the announcement waits.
//
// The rule: after an announcement, the next one waits until the GUI thread's CPU time spent since
// then, merges left out, is at most ViewShare of the time elapsed (a redraw that cost 3 ms
// allows the next one 750 ms later), and never longer than MaxDelayMs (the views are less than a
// second behind the store). ViewShare was 1 %: one file followed slowly cost the views ~4 ms a
// batch, announced every 400 ms once the wake-ups below were gone; at 0.4 % it is at the cap. A
// record after a quiet spell is announced at once. The Workspace also announces before an
// announcement would cover more than MaxAnnouncedLines.
//
// A wait of less than MinWaitMs is not waited: the thread's CPU counts everything it did, the
// event loop waking for the announcement timer included, and each wake-up put the time 1 /
// ViewShare times its cost later: a timer re-checked at its due time found a few ms more to wait,
// and again, until MaxDelayMs (~35 wake-ups of the GUI thread per announcement while following one
// file slowly, issue 15).
// Pure arithmetic over the times it is given; any thread.
class AnnouncePacer
{
public:
    static constexpr double ViewShare = 0.004;
    static constexpr double MaxDelayMs = 750.0;
    static constexpr double MinWaitMs = 1000.0 / 30.0; // a frame at 30 Hz

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
