#include "chunk_budget.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace viewer {

struct ChunkBudget::State
{
    mutable std::mutex mutex;
    mutable std::condition_variable released;
    qint64 max = 0;
    qint64 inFlight = 0;
    qint64 peak = 0;

    bool hasRoomLocked() const
    {
        return max <= 0 || inFlight == 0 || inFlight < max;
    }
};

namespace {

// A credit is a shared pointer to one of these; its deleter returns the bytes.
struct Credit
{
};

} // namespace

ChunkBudget::ChunkBudget(qint64 maxBytesInFlight)
    : m_state(std::make_shared<State>())
{
    m_state->max = maxBytesInFlight;
}

void ChunkBudget::setMaxBytesInFlight(qint64 bytes)
{
    {
        const std::lock_guard lock(m_state->mutex);
        m_state->max = bytes;
    }
    m_state->released.notify_all();
}

qint64 ChunkBudget::maxBytesInFlight() const
{
    const std::lock_guard lock(m_state->mutex);
    return m_state->max;
}

qint64 ChunkBudget::bytesInFlight() const
{
    const std::lock_guard lock(m_state->mutex);
    return m_state->inFlight;
}

qint64 ChunkBudget::peakBytesInFlight() const
{
    const std::lock_guard lock(m_state->mutex);
    return m_state->peak;
}

bool ChunkBudget::hasRoom() const
{
    const std::lock_guard lock(m_state->mutex);
    return m_state->hasRoomLocked();
}

bool ChunkBudget::waitForRoom(const std::atomic<bool>& stop) const
{
    std::unique_lock lock(m_state->mutex);
    bool waited = false;
    while (!m_state->hasRoomLocked() && !stop.load()) {
        waited = true;
        m_state->released.wait_for(lock, std::chrono::milliseconds(20));
    }
    return waited;
}

std::shared_ptr<const void> ChunkBudget::take(qint64 bytes)
{
    bytes = std::max<qint64>(0, bytes);
    {
        const std::lock_guard lock(m_state->mutex);
        m_state->inFlight += bytes;
        m_state->peak = std::max(m_state->peak, m_state->inFlight);
    }
    std::shared_ptr<State> state = m_state;
    return std::shared_ptr<const void>(new Credit, [state, bytes](const Credit* credit) {
        delete credit;
        {
            const std::lock_guard lock(state->mutex);
            state->inFlight -= bytes;
        }
        state->released.notify_all();
    });
}

} // namespace viewer
