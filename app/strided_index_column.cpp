#include "strided_index_column.hpp"

#include "spare_capacity.hpp"

#include <algorithm>

namespace viewer {

void StridedIndexColumn::append(std::uint32_t value)
{
    const auto k = static_cast<std::uint32_t>(m_size & (BlockSize - 1));
    ++m_size;
    if (k == 0) {
        m_blocks.push_back({ value, 0, Strided });
        return;
    }
    Block& b = m_blocks.back();
    if (b.plainAt == Strided) {
        if (k == 1) {
            b.stride = value - b.first; // modulo 2^32: any second value starts a progression
            return;
        }
        if (value == b.first + k * b.stride)
            return;
        makeLastBlockPlain();
    }
    m_plain.push_back(value);
}

void StridedIndexColumn::makeLastBlockPlain()
{
    Block& b = m_blocks.back();
    const auto held =
        static_cast<std::uint32_t>((m_size - 1) & (BlockSize - 1)); // before this append
    b.plainAt = static_cast<std::uint32_t>(m_plain.size());
    for (std::uint32_t k = 0; k < held; ++k)
        m_plain.push_back(b.first + k * b.stride);
}

void StridedIndexColumn::shrinkToFit()
{
    dropSpareCapacity(m_blocks);
    dropSpareCapacity(m_plain);
}

std::size_t StridedIndexColumn::stridedBlockCount() const
{
    return static_cast<std::size_t>(std::count_if(
        m_blocks.begin(), m_blocks.end(), [](const Block& b) { return b.plainAt == Strided; }));
}

bool StridedIndexColumn::allBelow(std::uint64_t bound) const
{
    for (std::size_t b = 0; b < m_blocks.size(); ++b) {
        const Block& block = m_blocks[b];
        const std::size_t entries = std::min(BlockSize, m_size - b * BlockSize);
        const std::uint32_t* plain =
            block.plainAt == Strided ? nullptr : m_plain.data() + block.plainAt;
        if (!plain) {
            // Ascending without wrapping modulo 2^32: the last entry is the largest.
            const std::uint64_t last =
                std::uint64_t(block.first) + std::uint64_t(block.stride) * (entries - 1);
            if (last < bound)
                continue;
        }
        for (std::size_t k = 0; k < entries; ++k) {
            const std::uint32_t v =
                plain ? plain[k] : block.first + std::uint32_t(k) * block.stride;
            if (v >= bound)
                return false;
        }
    }
    return true;
}

bool StridedIndexColumn::isConsistent(
    const std::vector<Block>& blocks, const std::vector<std::uint32_t>& plain, std::size_t size)
{
    if (blocks.size() != (size + BlockSize - 1) / BlockSize)
        return false;
    std::size_t plainAt = 0;
    for (std::size_t b = 0; b < blocks.size(); ++b) {
        if (blocks[b].plainAt == Strided)
            continue;
        const std::size_t entries = std::min(BlockSize, size - b * BlockSize);
        if (blocks[b].plainAt != plainAt)
            return false;
        plainAt += entries;
    }
    return plainAt == plain.size();
}

} // namespace viewer
