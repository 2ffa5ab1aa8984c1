#include "min_max_pyramid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace viewer {

namespace {

constexpr double Inf = std::numeric_limits<double>::infinity();
constexpr std::size_t B = MinMaxPyramid::BlockSize;

// Branch-free: the first argument wins unless the second is strictly better (NaN never is).
inline double lower(double a, double b)
{
    return b < a ? b : a;
}
inline double higher(double a, double b)
{
    return b > a ? b : a;
}

} // namespace

void MinMaxPyramid::appended(const std::vector<double>& y)
{
    if (y.size() < m_size) {
        rebuild(y);
        return;
    }
    // Many points at once (a curve smoothed for the first time): block by block, not point by
    // point up every level (a quarter of smoothing 5,000 runs).
    if (y.size() - m_size >= 4 * B) {
        changedFrom(y, m_size);
        return;
    }
    for (std::size_t i = m_size; i < y.size(); ++i)
        addPoint(i, y[i]);
    m_size = y.size();
}

void MinMaxPyramid::addPoint(std::size_t i, double v)
{
    const unsigned kind = kindOf(v);
    if (m_levels.empty()) {
        m_levels.emplace_back();
        m_info.emplace_back();
    }
    std::size_t b = i / B;
    auto child = static_cast<std::uint8_t>(i % B);
    for (std::size_t k = 0;; ++k) {
        std::vector<MinMax>& level = m_levels[k];
        std::vector<BlockInfo>& info = m_info[k];
        if (b == level.size()) {
            level.push_back({ Inf, -Inf });
            info.push_back({ 0, 0, 0 });
        }
        MinMax& m = level[b];
        BlockInfo& f = info[b];
        bool changed = false;
        if (kind == 0) {
            // Strict comparisons: an equal value later on leaves the first occurrence in place.
            if (v < m.min) {
                m.min = v;
                f.minAt = child;
                changed = true;
            }
            if (v > m.max) {
                m.max = v;
                f.maxAt = child;
                changed = true;
            }
        } else if ((f.kinds & kind) == 0) {
            f.kinds = static_cast<std::uint8_t>(f.kinds | kind);
            changed = true;
        }
        if (k + 1 == m_levels.size()) {
            if (level.size() > 1)
                addLevelAbove(); // the top level just got its second block
            return;
        }
        // A parent always covers its children's range, so an unchanged block leaves it unchanged.
        if (!changed)
            return;
        child = static_cast<std::uint8_t>(b % B);
        b /= B;
    }
}

// A new top level of one block over the current top level (which has at most 32 blocks).
void MinMaxPyramid::addLevelAbove()
{
    MinMax top;
    BlockInfo info;
    summarize(m_levels.back().data(), m_info.back().data(), m_levels.back().size(), top, info);
    m_levels.push_back({ top });
    m_info.push_back({ info });
}

#if defined(__SSE2__)
// A whole block in two-double lanes (SSE2 is in every x86-64): min and max in four lanes, a lane
// summing v * 0 (NaN once any point is NaN or infinite), then the first point equal to each as
// the lowest bit of a 32-bit mask of equal points, not a scan with a branch that mispredicts
// once per block (scalar, this was the largest cost of re-opening a cached file).
bool MinMaxPyramid::summarizeFinite(const double* v, MinMax& m, BlockInfo& f)
{
    static_assert(B == 32); // one bit per point in a 32-bit mask
    __m128d lo0 = _mm_set1_pd(Inf);
    __m128d lo1 = lo0;
    __m128d hi0 = _mm_set1_pd(-Inf);
    __m128d hi1 = hi0;
    __m128d zero = _mm_setzero_pd();
    const __m128d nought = _mm_setzero_pd();
    for (std::size_t i = 0; i < B; i += 4) {
        const __m128d a = _mm_loadu_pd(v + i);
        const __m128d b = _mm_loadu_pd(v + i + 2);
        lo0 = _mm_min_pd(a, lo0); // a < lo ? a : lo (a NaN never wins; the zero lane sees it)
        lo1 = _mm_min_pd(b, lo1);
        hi0 = _mm_max_pd(a, hi0);
        hi1 = _mm_max_pd(b, hi1);
        zero = _mm_add_pd(zero, _mm_add_pd(_mm_mul_pd(a, nought), _mm_mul_pd(b, nought)));
    }
    zero = _mm_add_pd(zero, _mm_unpackhi_pd(zero, zero));
    if (_mm_cvtsd_f64(zero) != 0.0)
        return false;
    const __m128d lo = _mm_min_pd(lo0, lo1);
    const __m128d hi = _mm_max_pd(hi0, hi1);
    const __m128d low =
        _mm_set1_pd(lower(_mm_cvtsd_f64(lo), _mm_cvtsd_f64(_mm_unpackhi_pd(lo, lo))));
    const __m128d high =
        _mm_set1_pd(higher(_mm_cvtsd_f64(hi), _mm_cvtsd_f64(_mm_unpackhi_pd(hi, hi))));
    std::uint32_t lowAt = 0;
    std::uint32_t highAt = 0;
    for (std::size_t i = 0; i < B; i += 2) {
        const __m128d x = _mm_loadu_pd(v + i);
        lowAt |= std::uint32_t(_mm_movemask_pd(_mm_cmpeq_pd(x, low))) << i;
        highAt |= std::uint32_t(_mm_movemask_pd(_mm_cmpeq_pd(x, high))) << i;
    }
    // Both masks have a bit: the min and max are points of the block.
    const auto minAt = static_cast<std::size_t>(__builtin_ctz(lowAt));
    const auto maxAt = static_cast<std::size_t>(__builtin_ctz(highAt));
    m = { v[minAt], v[maxAt] };
    f.minAt = static_cast<std::uint8_t>(minAt);
    f.maxAt = static_cast<std::uint8_t>(maxAt);
    return true;
}
#else
// A whole block in four independent lanes (no branch per point), then the first point equal to
// each of its min and max.
bool MinMaxPyramid::summarizeFinite(const double* v, MinMax& m, BlockInfo& f)
{
    double lo[4] = { Inf, Inf, Inf, Inf };
    double hi[4] = { -Inf, -Inf, -Inf, -Inf };
    double zero[4] = { 0, 0, 0, 0 }; // NaN when any point is NaN or infinite
    for (std::size_t i = 0; i < B; i += 4) {
        for (std::size_t l = 0; l < 4; ++l) {
            lo[l] = lower(lo[l], v[i + l]);
            hi[l] = higher(hi[l], v[i + l]);
            zero[l] += v[i + l] * 0.0;
        }
    }
    if (zero[0] + zero[1] + zero[2] + zero[3] != 0)
        return false;
    const double low = lower(lower(lo[0], lo[1]), lower(lo[2], lo[3]));
    const double high = higher(higher(hi[0], hi[1]), higher(hi[2], hi[3]));
    std::size_t minAt = 0;
    while (!(v[minAt] == low))
        ++minAt;
    std::size_t maxAt = 0;
    while (!(v[maxAt] == high))
        ++maxAt;
    m = { v[minAt], v[maxAt] };
    f.minAt = static_cast<std::uint8_t>(minAt);
    f.maxAt = static_cast<std::uint8_t>(maxAt);
    return true;
}
#endif

// One level-0 block from its points. Most blocks hold finite values only: their min and max are
// found without a branch per point (a rebuild of a run's pyramids was a fifth of re-opening it),
// then the first point equal to each (what the one-pass loop below keeps: it replaces only on
// strictly lower / higher; -0.0 and 0.0 compare equal in both).
void MinMaxPyramid::summarize(const double* v, std::size_t n, MinMax& m, BlockInfo& f)
{
    m = { Inf, -Inf };
    f = { 0, 0, 0 };
    if (n == B && summarizeFinite(v, m, f))
        return;
    for (std::size_t i = 0; i < n; ++i) {
        if (!std::isfinite(v[i])) {
            f.kinds = static_cast<std::uint8_t>(f.kinds | kindOf(v[i]));
            continue;
        }
        if (v[i] < m.min) {
            m.min = v[i];
            f.minAt = static_cast<std::uint8_t>(i);
        }
        if (v[i] > m.max) {
            m.max = v[i];
            f.maxAt = static_cast<std::uint8_t>(i);
        }
    }
}

// One block from the (at most 32) blocks below it.
void MinMaxPyramid::summarize(
    const MinMax* below, const BlockInfo* belowInfo, std::size_t n, MinMax& m, BlockInfo& f)
{
    m = { Inf, -Inf };
    f = { 0, 0, 0 };
    for (std::size_t j = 0; j < n; ++j) {
        if (below[j].min < m.min) {
            m.min = below[j].min;
            f.minAt = static_cast<std::uint8_t>(j);
        }
        if (below[j].max > m.max) {
            m.max = below[j].max;
            f.maxAt = static_cast<std::uint8_t>(j);
        }
        f.kinds = static_cast<std::uint8_t>(f.kinds | belowInfo[j].kinds);
    }
}

void MinMaxPyramid::rebuild(const std::vector<double>& y)
{
    clear();
    changedFrom(y, 0);
}

void MinMaxPyramid::changedFrom(const std::vector<double>& y, std::size_t first)
{
    if (y.empty()) {
        clear();
        return;
    }
    first = std::min({ first, m_size, y.size() });
    m_size = y.size();
    if (m_levels.empty()) {
        m_levels.emplace_back();
        m_info.emplace_back();
    }
    std::size_t from = first / B; // the first block of the level that is recomputed
    std::size_t count = (y.size() + B - 1) / B;
    m_levels[0].resize(count);
    m_info[0].resize(count);
    for (std::size_t b = from; b < count; ++b) {
        const std::size_t begin = b * B;
        summarize(y.data() + begin, std::min(B, y.size() - begin), m_levels[0][b], m_info[0][b]);
    }
    buildAbove(from);
}

void MinMaxPyramid::buildAbove(std::size_t from)
{
    std::size_t k = 0;
    for (; m_levels[k].size() > 1; ++k) {
        from /= B;
        if (k + 1 == m_levels.size()) { // a new top level: all of it is new
            m_levels.emplace_back();
            m_info.emplace_back();
            from = 0;
        }
        const std::size_t below = m_levels[k].size();
        const std::size_t count = (below + B - 1) / B;
        m_levels[k + 1].resize(count);
        m_info[k + 1].resize(count);
        for (std::size_t b = from; b < count; ++b) {
            const std::size_t begin = b * B;
            summarize(m_levels[k].data() + begin, m_info[k].data() + begin,
                std::min(B, below - begin), m_levels[k + 1][b], m_info[k + 1][b]);
        }
    }
    m_levels.resize(k + 1); // the array shrank: levels above the one-block top go
    m_info.resize(k + 1);
}

void MinMaxPyramid::beginPieces(std::size_t n)
{
    clear();
    m_levels.emplace_back((n + B - 1) / B);
    m_info.emplace_back((n + B - 1) / B);
}

void MinMaxPyramid::summarizePiece(const double* y, std::size_t first, std::size_t last)
{
    for (std::size_t begin = first; begin < last; begin += B)
        summarize(
            y + begin, std::min(B, last - begin), m_levels[0][begin / B], m_info[0][begin / B]);
}

void MinMaxPyramid::finishPieces(const std::vector<double>& y)
{
    if (y.empty() || m_levels.size() != 1 || m_levels[0].size() != (y.size() + B - 1) / B) {
        rebuild(y); // not begun for y's points: all of it
        return;
    }
    m_size = y.size();
    buildAbove(0);
}

void MinMaxPyramid::clear()
{
    m_levels.clear();
    m_info.clear();
    m_size = 0;
}

// Splits [first, last) into at most two pieces per level, in index order: the raw points up to
// the first whole block, whole blocks up to the first whole block of the level above, ..., the
// widest blocks in the middle, then the same on the way down on the right.
int MinMaxPyramid::decompose(std::size_t first, std::size_t last, Piece* pieces) const
{
    Piece right[MaxPieces / 2];
    int nLeft = 0;
    int nRight = 0;
    int level = -1;
    std::size_t f = first;
    std::size_t l = last;
    for (;;) {
        const std::size_t pf = (f + B - 1) / B;
        const std::size_t pl = l / B;
        if (static_cast<std::size_t>(level) + 1 >= m_levels.size() || pf >= pl) {
            pieces[nLeft++] = { level, f, l };
            break;
        }
        if (f < pf * B)
            pieces[nLeft++] = { level, f, pf * B };
        if (pl * B < l)
            right[nRight++] = { level, pl * B, l };
        ++level;
        f = pf;
        l = pl;
    }
    while (nRight > 0)
        pieces[nLeft++] = right[--nRight];
    return nLeft;
}

// Min and max of each piece. Raw points of blocks known to hold only finite values take a loop
// without the finiteness test (the common case, and one the compiler keeps branch-free).
void MinMaxPyramid::scanPieces(const std::vector<double>& y, const Piece* pieces, int n,
    double* pieceMin, double* pieceMax) const
{
    for (int p = 0; p < n; ++p) {
        const Piece& piece = pieces[p];
        double lo = Inf;
        double hi = -Inf;
        if (piece.level < 0) {
            bool allFinite = true;
            for (std::size_t b = piece.first / B; b <= (piece.last - 1) / B; ++b)
                allFinite = allFinite && m_info[0][b].kinds == 0;
            const double* v = y.data();
            if (allFinite) {
                for (std::size_t i = piece.first; i < piece.last; ++i) {
                    lo = lower(lo, v[i]);
                    hi = higher(hi, v[i]);
                }
            } else {
                for (std::size_t i = piece.first; i < piece.last; ++i) {
                    if (std::isfinite(v[i])) {
                        lo = lower(lo, v[i]);
                        hi = higher(hi, v[i]);
                    }
                }
            }
        } else {
            const MinMax* m = m_levels[static_cast<std::size_t>(piece.level)].data();
            for (std::size_t j = piece.first; j < piece.last; ++j) {
                lo = lower(lo, m[j].min);
                hi = higher(hi, m[j].max);
            }
        }
        pieceMin[p] = lo;
        pieceMax[p] = hi;
    }
}

bool MinMaxPyramid::scan(
    const std::vector<double>& y, std::size_t first, std::size_t last, Scan& s) const
{
    last = std::min({ last, m_size, y.size() });
    if (first >= last)
        return false;
    s.n = decompose(first, last, s.pieces);
    scanPieces(y, s.pieces, s.n, s.pieceMin, s.pieceMax);
    s.lo = Inf;
    s.hi = -Inf;
    for (int p = 0; p < s.n; ++p) {
        s.lo = lower(s.lo, s.pieceMin[p]);
        s.hi = higher(s.hi, s.pieceMax[p]);
    }
    return s.lo <= s.hi;
}

bool MinMaxPyramid::range(const std::vector<double>& y, std::size_t first, std::size_t last,
    double& min, double& max) const
{
    Scan s;
    if (!scan(y, first, last, s))
        return false;
    min = s.lo;
    max = s.hi;
    return true;
}

// From a block down to the point holding its first min (or max): one byte per level.
std::size_t MinMaxPyramid::descend(int level, std::size_t block, bool wantMin) const
{
    for (int k = level; k >= 0; --k) {
        const BlockInfo& f = m_info[static_cast<std::size_t>(k)][block];
        block = block * B + (wantMin ? f.minAt : f.maxAt);
    }
    return block;
}

bool MinMaxPyramid::extremes(
    const std::vector<double>& y, std::size_t first, std::size_t last, Extremes& out) const
{
    Scan s;
    if (!scan(y, first, last, s))
        return false;
    const Piece* pieces = s.pieces;
    const double* pieceMin = s.pieceMin;
    const double* pieceMax = s.pieceMax;
    const int n = s.n;
    const double lo = s.lo;
    const double hi = s.hi;
    // The first piece holding the value, its first element holding it (pieces are in index
    // order), then down the stored offsets: the first occurrence in the range.
    const auto locate = [&](double value, bool wantMin) -> std::size_t {
        const double* pieceValue = wantMin ? pieceMin : pieceMax;
        for (int p = 0; p < n; ++p) {
            if (pieceValue[p] != value)
                continue;
            const Piece& piece = pieces[p];
            if (piece.level < 0) {
                for (std::size_t i = piece.first; i < piece.last; ++i) {
                    if (y[i] == value)
                        return i;
                }
            } else {
                const MinMax* m = m_levels[static_cast<std::size_t>(piece.level)].data();
                for (std::size_t j = piece.first; j < piece.last; ++j) {
                    if ((wantMin ? m[j].min : m[j].max) == value)
                        return descend(piece.level, j, wantMin);
                }
            }
        }
        return NotFound; // unreachable while the pyramid matches y
    };
    out.min = lo;
    out.max = hi;
    out.minIndex = locate(lo, true);
    out.maxIndex = locate(hi, false);
    return true;
}

unsigned MinMaxPyramid::nonFiniteKinds(
    const std::vector<double>& y, std::size_t first, std::size_t last) const
{
    last = std::min({ last, m_size, y.size() });
    if (first >= last)
        return 0;
    Piece pieces[MaxPieces];
    const int n = decompose(first, last, pieces);
    unsigned kinds = 0;
    for (int p = 0; p < n; ++p) {
        const Piece& piece = pieces[p];
        if (piece.level < 0) {
            for (std::size_t i = piece.first; i < piece.last; ++i)
                kinds |= kindOf(y[i]);
        } else {
            const BlockInfo* f = m_info[static_cast<std::size_t>(piece.level)].data();
            for (std::size_t j = piece.first; j < piece.last; ++j)
                kinds |= f[j].kinds;
        }
    }
    return kinds;
}

std::size_t MinMaxPyramid::findNonFinite(
    const std::vector<double>& y, std::size_t first, std::size_t last, unsigned kinds) const
{
    last = std::min({ last, m_size, y.size() });
    if (first >= last || kinds == 0)
        return NotFound;
    Piece pieces[MaxPieces];
    const int n = decompose(first, last, pieces);
    for (int p = 0; p < n; ++p) {
        const Piece& piece = pieces[p];
        if (piece.level < 0) {
            for (std::size_t i = piece.first; i < piece.last; ++i) {
                if (kindOf(y[i]) & kinds)
                    return i;
            }
            continue;
        }
        const BlockInfo* f = m_info[static_cast<std::size_t>(piece.level)].data();
        for (std::size_t j = piece.first; j < piece.last; ++j) {
            if ((f[j].kinds & kinds) == 0)
                continue;
            // Descend to the first child holding one of the kinds, down to the raw points.
            std::size_t block = j;
            for (int level = piece.level; level > 0; --level) {
                const std::vector<BlockInfo>& below = m_info[static_cast<std::size_t>(level - 1)];
                const std::size_t end = std::min(below.size(), (block + 1) * B);
                std::size_t child = block * B;
                while (child < end && (below[child].kinds & kinds) == 0)
                    ++child;
                block = child;
            }
            const std::size_t end = std::min(m_size, (block + 1) * B);
            for (std::size_t i = block * B; i < end; ++i) {
                if (kindOf(y[i]) & kinds)
                    return i;
            }
            return NotFound; // unreachable while the pyramid matches y
        }
    }
    return NotFound;
}

void MinMaxPyramid::prefetch(const std::vector<double>& y, std::size_t i) const
{
    if (i >= m_size || i >= y.size())
        return;
    constexpr std::size_t Line = 64;
    const auto lines = [](const void* p, std::size_t bytes) {
        const char* c = static_cast<const char*>(p);
        for (std::size_t off = 0; off < bytes; off += Line)
            __builtin_prefetch(c + off);
    };
    lines(y.data() + i / B * B, B * sizeof(double));
    std::size_t block = i / B;
    for (std::size_t k = 0; k < 2 && k < m_levels.size(); ++k) {
        const std::size_t first = block / B * B;
        const std::size_t count = std::min(B, m_levels[k].size() - first);
        lines(m_levels[k].data() + first, count * sizeof(MinMax));
        lines(m_info[k].data() + first, count * sizeof(BlockInfo));
        block /= B;
    }
}

std::size_t MinMaxPyramid::bytesUsed() const
{
    std::size_t bytes = (m_levels.capacity() + m_info.capacity()) * sizeof(std::vector<int>);
    for (const std::vector<MinMax>& level : m_levels)
        bytes += level.capacity() * sizeof(MinMax);
    for (const std::vector<BlockInfo>& info : m_info)
        bytes += info.capacity() * sizeof(BlockInfo);
    return bytes;
}

} // namespace viewer
