#pragma once

#include <algorithm>

namespace viewer {

// How often and how eagerly a follower looks at its file(s). FileFollower and FolderFollower both
// take these settings (the folder hands its own to every file follower it starts), so they live
// here once. Call the setters before start().
class FollowTiming
{
public:
    static constexpr int DefaultPollIntervalMs = 250;
    static constexpr int DefaultSafetyPollIntervalMs = 1000;
    static constexpr int DefaultCoalesceMs = 10;
    static constexpr int DefaultIdleTailMs = 5000;

    // Never use QFileSystemWatcher (tests, V26).
    void setPollingOnly(bool pollingOnly)
    {
        m_pollingOnly = pollingOnly;
    }
    // When notification is unavailable.
    void setPollInterval(int msecs)
    {
        m_pollIntervalMs = std::max(1, msecs);
    }
    // Always, for missed notifications.
    void setSafetyPollInterval(int msecs)
    {
        m_safetyPollIntervalMs = std::max(1, msecs);
    }
    // A burst of notifications gives one read after this.
    void setCoalesceInterval(int msecs)
    {
        m_coalesceMs = std::max(0, msecs);
    }
    // A partial last line idle this long is reported as incomplete.
    void setIdleTailTimeout(int msecs)
    {
        m_idleTailMs = std::max(0, msecs);
    }

protected:
    bool m_pollingOnly = false;
    int m_pollIntervalMs = DefaultPollIntervalMs;
    int m_safetyPollIntervalMs = DefaultSafetyPollIntervalMs;
    int m_coalesceMs = DefaultCoalesceMs;
    int m_idleTailMs = DefaultIdleTailMs;
};

} // namespace viewer
