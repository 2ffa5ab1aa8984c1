#include "run_cache_io_p.hpp"

#include <cstring>

namespace viewer {

namespace {

// xxHash64's structure: four lanes of 8 bytes, so it runs at memory speed.
constexpr quint64 P1 = 11400714785074694791ULL;
constexpr quint64 P2 = 14029467366897019727ULL;
constexpr quint64 P3 = 1609587929392839161ULL;
constexpr quint64 P4 = 9650029242287828579ULL;
constexpr quint64 P5 = 2870177450012600261ULL;

quint64 rotl(quint64 x, int r)
{
    return (x << r) | (x >> (64 - r));
}
quint64 load64(const unsigned char* p)
{
    quint64 v = 0;
    std::memcpy(&v, p, sizeof v);
    return v;
}
quint64 round64(quint64 acc, quint64 input)
{
    return rotl(acc + input * P2, 31) * P1;
}
quint64 merge64(quint64 acc, quint64 val)
{
    return (acc ^ round64(0, val)) * P1 + P4;
}

} // namespace

run_cache_io::StreamHash::StreamHash(quint64 seed)
    : m_seed(seed)
    , m_v { seed + P1 + P2, seed + P2, seed, seed - P1 }
{
}

void run_cache_io::StreamHash::add(const void* data, std::size_t size)
{
    // Counted in bytes left, not pointers: an empty field's data may be null.
    const auto* p = static_cast<const unsigned char*>(data);
    std::size_t left = size;
    for (; left >= 32; p += 32, left -= 32) {
        m_v[0] = round64(m_v[0], load64(p));
        m_v[1] = round64(m_v[1], load64(p + 8));
        m_v[2] = round64(m_v[2], load64(p + 16));
        m_v[3] = round64(m_v[3], load64(p + 24));
    }
    if (left > 0)
        std::memcpy(m_tail, p, left);
    m_tailBytes = left;
    m_total += size;
}

quint64 run_cache_io::StreamHash::finish() const
{
    quint64 h = 0;
    if (m_total >= 32) {
        h = rotl(m_v[0], 1) + rotl(m_v[1], 7) + rotl(m_v[2], 12) + rotl(m_v[3], 18);
        h = merge64(merge64(merge64(merge64(h, m_v[0]), m_v[1]), m_v[2]), m_v[3]);
    } else {
        h = m_seed + P5;
    }
    h += static_cast<quint64>(m_total);
    const unsigned char* p = m_tail;
    std::size_t left = m_tailBytes;
    for (; left >= 8; p += 8, left -= 8)
        h = rotl(h ^ round64(0, load64(p)), 27) * P1 + P4;
    for (; left > 0; ++p, --left)
        h = rotl(h ^ (quint64(*p) * P5), 11) * P1;
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    h ^= h >> 32;
    return h;
}

quint64 RunCacheFile::hash(const void* data, std::size_t size, quint64 seed)
{
    run_cache_io::StreamHash h(seed);
    h.add(data, size);
    return h.finish();
}

} // namespace viewer
