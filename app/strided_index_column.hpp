#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <vector>

namespace viewer {

class RunCacheFile;

// An append-only column of u32 (a series' record indices) with O(1) random access, stored in
// blocks of 256 entries. A block whose entries are an arithmetic progression (a metric logged in
// every k-th record: stride k) is kept as its first value and stride, 12 bytes instead of 1 KiB;
// any other block is a plain array, so irregular data costs 4 bytes per entry as before, plus
// 12 bytes per block. Arithmetic is modulo 2^32, so every value reads back exactly whatever its
// order. The last block is open: it stays strided while each append continues the progression
// and turns plain (once, copying what it holds) at the first one that does not, so appends are
// amortised O(1) and a sealed block never changes again.
class StridedIndexColumn
{
public:
    static constexpr std::size_t BlockShift = 8;
    static constexpr std::size_t BlockSize = std::size_t(1) << BlockShift;
    static constexpr std::uint32_t Strided = 0xffffffffu; // Block::plainAt of a strided block

    struct Block
    {
        std::uint32_t first = 0;
        std::uint32_t stride = 0;
        std::uint32_t plainAt = Strided; // Strided, or where its entries start in the plain array
    };

    void append(std::uint32_t value);
    // Room for n entries in all: the block list only (plain entries are reserved as they come,
    // so a regular column never holds a plain array it does not need).
    void reserve(std::size_t n)
    {
        m_blocks.reserve((n + BlockSize - 1) >> BlockShift);
    }
    // Returns spare capacity after a bulk load.
    void shrinkToFit();

    std::size_t size() const
    {
        return m_size;
    }
    bool empty() const
    {
        return m_size == 0;
    }
    std::uint32_t operator[](std::size_t i) const
    {
        const Block& b = m_blocks[i >> BlockShift];
        const auto k = static_cast<std::uint32_t>(i & (BlockSize - 1));
        return b.plainAt == Strided ? b.first + k * b.stride : m_plain[b.plainAt + k];
    }
    std::uint32_t front() const
    {
        return (*this)[0];
    }
    std::uint32_t back() const
    {
        return (*this)[m_size - 1];
    }
    // For a reader that wants to prefetch entry i (the decimator): the block describing it.
    const Block* blockOf(std::size_t i) const
    {
        return m_blocks.data() + (i >> BlockShift);
    }

    // A sequential cursor (a forward iterator for range-for and std algorithms).
    class const_iterator
    {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = std::uint32_t;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = std::uint32_t;

        const_iterator() = default;
        const_iterator(const StridedIndexColumn* column, std::size_t i)
            : m_column(column)
            , m_i(i)
        {
        }
        std::uint32_t operator*() const
        {
            return (*m_column)[m_i];
        }
        const_iterator& operator++()
        {
            ++m_i;
            return *this;
        }
        const_iterator operator++(int)
        {
            const_iterator before = *this;
            ++m_i;
            return before;
        }
        bool operator==(const const_iterator& o) const
        {
            return m_i == o.m_i;
        }
        bool operator!=(const const_iterator& o) const
        {
            return m_i != o.m_i;
        }

    private:
        const StridedIndexColumn* m_column = nullptr;
        std::size_t m_i = 0;
    };
    const_iterator begin() const
    {
        return { this, 0 };
    }
    const_iterator end() const
    {
        return { this, m_size };
    }

    // The layout (the re-open cache writes it; tests look at it).
    const std::vector<Block>& blocks() const
    {
        return m_blocks;
    }
    const std::vector<std::uint32_t>& plainEntries() const
    {
        return m_plain;
    }
    // Blocks stored as strided / plain, for benchmarks and tests.
    std::size_t stridedBlockCount() const;
    std::size_t plainBlockCount() const
    {
        return m_blocks.size() - stridedBlockCount();
    }
    std::size_t bytesUsed() const
    {
        return m_blocks.capacity() * sizeof(Block) + m_plain.capacity() * sizeof(std::uint32_t);
    }

    // Whether blocks and plain entries describe exactly `size` entries the way append() lays
    // them out (one block per 256 entries, plain blocks back to back in order): what the re-open
    // cache checks before it trusts a column it read.
    // Whether every entry is below `bound`: a strided block is checked by its ends (when its
    // progression does not wrap), so a regular column costs a step per block, not per entry.
    bool allBelow(std::uint64_t bound) const;

    static bool isConsistent(const std::vector<Block>& blocks,
        const std::vector<std::uint32_t>& plain, std::size_t size);

private:
    friend class RunCacheFile; // saves and restores every field (run_cache_file.cpp)
    void makeLastBlockPlain();

    std::vector<Block> m_blocks;
    std::vector<std::uint32_t> m_plain; // the entries of the plain blocks, block after block
    std::size_t m_size = 0;
};

} // namespace viewer
