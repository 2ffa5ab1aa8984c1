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

quint64 RunCacheFile::hash(const void* data, std::size_t size, quint64 seed)
{
    // Counted in bytes left, not pointers: an empty field's data may be null.
    const auto* p = static_cast<const unsigned char*>(data);
    std::size_t left = size;
    quint64 h = 0;
    if (size >= 32) {
        quint64 v1 = seed + P1 + P2;
        quint64 v2 = seed + P2;
        quint64 v3 = seed;
        quint64 v4 = seed - P1;
        for (; left >= 32; p += 32, left -= 32) {
            v1 = round64(v1, load64(p));
            v2 = round64(v2, load64(p + 8));
            v3 = round64(v3, load64(p + 16));
            v4 = round64(v4, load64(p + 24));
        }
        h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
        h = merge64(merge64(merge64(merge64(h, v1), v2), v3), v4);
    } else {
        h = seed + P5;
    }
    h += static_cast<quint64>(size);
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

} // namespace viewer
