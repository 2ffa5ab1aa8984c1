#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace viewer {

class RunCacheFile;

// An append-only column of values that rarely change (a run's epoch, the high word of a line's
// file offset): stored as runs of equal values, 12-16 bytes per change instead of 8 per record.
// Equal means the same bits (-0.0 stays apart from 0.0), so every value reads back exactly.
// at() is a binary search over the runs, O(1) for the last run (where appends look).
template <typename T> class RunLengthColumn
{
public:
    void append(T value)
    {
        if (m_values.empty() || !sameBits(m_values.back(), value)) {
            m_starts.push_back(static_cast<std::uint32_t>(m_size));
            m_values.push_back(value);
        }
        ++m_size;
    }

    std::size_t size() const
    {
        return m_size;
    }
    bool empty() const
    {
        return m_size == 0;
    }
    T back() const
    {
        return m_values.back();
    }
    T at(std::size_t r) const
    {
        return m_values[runOf(r)];
    }

    // Runs: [runStart(k), runStart(k + 1)) hold runValue(k); the last one ends at size().
    std::size_t runCount() const
    {
        return m_values.size();
    }
    std::size_t runStart(std::size_t k) const
    {
        return m_starts[k];
    }
    T runValue(std::size_t k) const
    {
        return m_values[k];
    }
    // The run holding record r (r < size()).
    std::size_t runOf(std::size_t r) const
    {
        if (r >= m_starts.back())
            return m_starts.size() - 1;
        const auto it = std::upper_bound(m_starts.begin(), m_starts.end(), r);
        return static_cast<std::size_t>(it - m_starts.begin()) - 1;
    }

    void shrinkToFit()
    {
        m_starts.shrink_to_fit();
        m_values.shrink_to_fit();
    }
    std::size_t bytesUsed() const
    {
        return m_starts.capacity() * sizeof(std::uint32_t) + m_values.capacity() * sizeof(T);
    }

private:
    friend class RunCacheFile; // saves and restores every field (run_cache_file.cpp)
    static bool sameBits(const T& a, const T& b)
    {
        // Bits, not values, on purpose: -0.0 and 0.0 (and NaN payloads) must read back as stored.
        return std::memcmp(&a, &b, sizeof(T)) == 0; // NOLINT(bugprone-suspicious-memory-comparison)
    }

    std::vector<std::uint32_t> m_starts; // first record of each run, ascending
    std::vector<T> m_values;
    std::size_t m_size = 0;
};

} // namespace viewer
