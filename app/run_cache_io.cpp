#include "run_cache_io_p.hpp"

#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

namespace {

// XXH3's long-input structure: eight 64-bit lanes, each stripe of 64 bytes mixed in with one
// 32x32->64 multiply per lane against a key, the lanes scrambled every 16 stripes. Twice the
// speed of the four-lane hash above (which is a tenth of a re-open): the SSE2 path and the
// portable one give the same value.
constexpr std::size_t Stripe = 64;
constexpr std::size_t StripesPerBlock = 16;
constexpr std::size_t KeyWords = StripesPerBlock + 8; // one word per stripe on + 8 per key
constexpr std::uint32_t Prime32 = 2654435761U;

constexpr std::array<quint64, KeyWords + 8> makeKeys()
{
    std::array<quint64, KeyWords + 8> keys {};
    quint64 x = 0x9E3779B97F4A7C15ULL; // splitmix64: any fixed random-looking words will do
    for (quint64& k : keys) {
        x += 0x9E3779B97F4A7C15ULL;
        quint64 z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        k = z ^ (z >> 31);
    }
    return keys;
}
constexpr std::array<quint64, KeyWords + 8> Keys = makeKeys();
const quint64* const ScrambleKey = Keys.data() + KeyWords; // 8 words

#if defined(__SSE2__)
struct Lanes
{
    __m128i acc[4];

    explicit Lanes(const quint64* init)
    {
        for (int i = 0; i < 4; ++i)
            acc[i] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(init + 2 * i));
    }
    void stripe(const unsigned char* p, const quint64* key)
    {
        for (int i = 0; i < 4; ++i) {
            const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
            const __m128i k = _mm_loadu_si128(reinterpret_cast<const __m128i*>(key + 2 * i));
            const __m128i dk = _mm_xor_si128(d, k);
            const __m128i product = _mm_mul_epu32(dk, _mm_shuffle_epi32(dk, 0x31)); // lo * hi
            const __m128i swapped = _mm_shuffle_epi32(d, 0x4E); // the other lane's data
            acc[i] = _mm_add_epi64(acc[i], _mm_add_epi64(product, swapped));
        }
    }
    void scramble()
    {
        const __m128i prime = _mm_set1_epi32(int(Prime32));
        for (int i = 0; i < 4; ++i) {
            const __m128i k =
                _mm_loadu_si128(reinterpret_cast<const __m128i*>(ScrambleKey + 2 * i));
            __m128i a = _mm_xor_si128(_mm_xor_si128(acc[i], _mm_srli_epi64(acc[i], 47)), k);
            const __m128i low = _mm_mul_epu32(a, prime);
            const __m128i high = _mm_mul_epu32(_mm_shuffle_epi32(a, 0x31), prime);
            acc[i] = _mm_add_epi64(low, _mm_slli_epi64(high, 32));
        }
    }
    void store(quint64* out) const
    {
        for (int i = 0; i < 4; ++i)
            _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2 * i), acc[i]);
    }
};
#else
struct Lanes
{
    quint64 acc[8];

    explicit Lanes(const quint64* init)
    {
        std::memcpy(acc, init, sizeof acc);
    }
    void stripe(const unsigned char* p, const quint64* key)
    {
        for (int i = 0; i < 8; ++i) {
            const quint64 d = load64(p + 8 * i);
            const quint64 dk = d ^ key[i];
            acc[i ^ 1] += d;
            acc[i] += (dk & 0xFFFFFFFFULL) * (dk >> 32);
        }
    }
    void scramble()
    {
        for (int i = 0; i < 8; ++i)
            acc[i] = ((acc[i] ^ (acc[i] >> 47)) ^ ScrambleKey[i]) * Prime32;
    }
    void store(quint64* out) const
    {
        std::memcpy(out, acc, sizeof acc);
    }
};
#endif

} // namespace

quint64 run_cache_io::pieceHash(const void* data, std::size_t size, quint64 seed)
{
    const auto* p = static_cast<const unsigned char*>(data);
    const quint64 init[8] = { seed + P3, seed + P2, seed + P1, seed + P4, seed + P5, seed + P1 + P2,
        seed - P1, seed - P2 };
    Lanes lanes(init);
    std::size_t left = size;
    while (left >= Stripe) {
        for (std::size_t s = 0; s < StripesPerBlock && left >= Stripe; ++s) {
            lanes.stripe(p, Keys.data() + s);
            p += Stripe;
            left -= Stripe;
        }
        if (left >= Stripe)
            lanes.scramble(); // a whole block went in and more follow
    }
    // The lanes, then the last bytes, through the four-lane hash (a few dozen bytes).
    quint64 acc[8];
    lanes.store(acc);
    const quint64 lanesHash = RunCacheFile::hash(acc, sizeof acc, seed ^ quint64(size));
    return RunCacheFile::hash(p, left, lanesHash);
}

quint64 RunCacheFile::hash(const void* data, std::size_t size, quint64 seed)
{
    run_cache_io::StreamHash h(seed);
    h.add(data, size);
    return h.finish();
}

} // namespace viewer
