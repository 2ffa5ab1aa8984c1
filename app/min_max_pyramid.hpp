#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace viewer {

// Min/max of the finite values of an append-only array, per block of points and per block of
// blocks, so that the min and max of any index range cost O(block + log n) instead of a scan. Owned
// by one Series; not thread-safe. Non-finite values (NaN, +/-Inf) never enter min or max; each
// block also records which kinds of non-finite values it holds, so they are found without a scan.
// Memory: 19 bytes per 32 points, and 1/32 of that per level above: ~0.61 bytes per point.
class MinMaxPyramid
{
public:
    static constexpr std::size_t BlockSize =
        32; // points per level-0 block (also the fan-out above)
    static constexpr std::size_t NotFound = static_cast<std::size_t>(-1);

    // Bits of a non-finite kind mask.
    enum Kind : unsigned
    {
        NaNKind = 1,
        PosInfKind = 2,
        NegInfKind = 4,
        AnyNonFinite = NaNKind | PosInfKind | NegInfKind,
    };
    // The kind bit of a value, 0 for a finite one.
    static unsigned kindOf(double v)
    {
        if (std::isfinite(v))
            return 0;
        return std::isnan(v) ? NaNKind : v > 0 ? PosInfKind : NegInfKind;
    }

    // Call after y.push_back(): y is the full array the pyramid describes. Amortized O(1): an
    // update climbs only while it changes a block (a point inside its block's range stops at once).
    void appended(const std::vector<double>& y);
    // Rebuild over a whole array (after a bulk load). O(n).
    void rebuild(const std::vector<double>& y);
    // Values from index `first` on changed (and the array may have grown or shrunk): recomputes
    // the blocks covering them on every level. O(y.size() - first + 32 per level); for a tail
    // that is rewritten as points arrive (a centered moving average).
    void changedFrom(const std::vector<double>& y, std::size_t first);
    void clear();

    // A rebuild in pieces, on any threads (a cached column read piece by piece, each summarised
    // while in cache): beginPieces(n) sizes level 0 for n points; summarizePiece() fills the
    // blocks of points [first, last) (first a multiple of BlockSize, last too or n; pieces apart,
    // so threads write apart); finishPieces(y) once all are done builds the levels above (or
    // all of it, when not begun for y's points). Until then size() is 0.
    void beginPieces(std::size_t n);
    void summarizePiece(const double* y, std::size_t first, std::size_t last);
    void finishPieces(const std::vector<double>& y);

    // Number of points described (y.size() at the last appended(), rebuild() or changedFrom()).
    std::size_t size() const
    {
        return m_size;
    }

    // Min and max of the finite values in y[first, last). False when there is none.
    bool range(const std::vector<double>& y, std::size_t first, std::size_t last, double& min,
        double& max) const;

    // Like range(), plus the index of the first occurrence of each (for M4 decimation).
    struct Extremes
    {
        double min = 0.0;
        double max = 0.0;
        std::size_t minIndex = NotFound;
        std::size_t maxIndex = NotFound;
    };
    bool extremes(
        const std::vector<double>& y, std::size_t first, std::size_t last, Extremes& out) const;

    // Kinds (mask of Kind bits) of the non-finite values in y[first, last).
    unsigned nonFiniteKinds(
        const std::vector<double>& y, std::size_t first, std::size_t last) const;
    // First index in [first, last) whose value is of a kind in `kinds`; NotFound when none.
    std::size_t findNonFinite(
        const std::vector<double>& y, std::size_t first, std::size_t last, unsigned kinds) const;

    // Starts loading what a query with a bound at index i reads (the points of its block and the
    // blocks around it on the two lowest levels), so that a caller knowing its next bounds early
    // overlaps the cache misses instead of taking them one after the other.
    void prefetch(const std::vector<double>& y, std::size_t i) const;

    std::size_t bytesUsed() const;

private:
    // m_levels[0][b] covers y[b*32, b*32+32); m_levels[k][b] covers 32 blocks of level k-1.
    // min > max (+inf, -inf) marks a block without a finite value. A level above k exists exactly
    // when level k has more than one block, so the top level has one block.
    struct MinMax
    {
        double min;
        double max;
    };
    // Parallel to m_levels: which child (point or block below, 0..31) holds the first occurrence of
    // the block's min and max, so that finding a min's index costs one byte per level, not a scan
    // of 32 children; and the kinds of non-finite values below.
    struct BlockInfo
    {
        std::uint8_t kinds;
        std::uint8_t minAt;
        std::uint8_t maxAt;
    };
    // A piece of a query range: elements [first, last) of level `level` (-1: the raw points).
    struct Piece
    {
        int level;
        std::size_t first;
        std::size_t last;
    };
    static constexpr int MaxPieces = 64;
    int decompose(std::size_t first, std::size_t last, Piece* pieces) const;
    void scanPieces(const std::vector<double>& y, const Piece* pieces, int n, double* pieceMin,
        double* pieceMax) const;
    // A query range cut into pieces, each piece's min and max, and the range's (lo > hi: no value).
    struct Scan
    {
        Piece pieces[MaxPieces];
        double pieceMin[MaxPieces];
        double pieceMax[MaxPieces];
        int n = 0;
        double lo = 0.0;
        double hi = 0.0;
    };
    // False when [first, last) is empty or holds no comparable value.
    bool scan(const std::vector<double>& y, std::size_t first, std::size_t last, Scan& s) const;
    std::size_t descend(int level, std::size_t block, bool wantMin) const;
    void addPoint(std::size_t i, double v);
    void addLevelAbove();
    static void summarize(const double* v, std::size_t n, MinMax& m, BlockInfo& f);
    // A whole block of finite points (false, m and f untouched: a point is NaN or infinite).
    static bool summarizeFinite(const double* v, MinMax& m, BlockInfo& f);
    // The levels above level 0, from block `from` of level 0 on.
    void buildAbove(std::size_t from);
    static void summarize(
        const MinMax* below, const BlockInfo* belowInfo, std::size_t n, MinMax& m, BlockInfo& f);

    std::vector<std::vector<MinMax>> m_levels;
    std::vector<std::vector<BlockInfo>> m_info;
    std::size_t m_size = 0;
};

} // namespace viewer
