#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace viewer {

// A string as its JSON text would start (the string, then the closing quote), for comparing
// with a key or value in place: two word compares instead of a byte loop. Only for strings that
// JSON writes unescaped and shorter than 16 bytes; `raw` must have 16 readable bytes, which the
// parser's padding guarantees for any position inside a line.
class RawText
{
public:
    constexpr RawText() = default;
    constexpr explicit RawText(std::string_view s)
    {
        set(s);
    }
    constexpr void set(std::string_view s)
    {
        // Word compares assume little-endian words; elsewhere every compare takes the slow path.
        m_valid = s.size() < 16 && std::endian::native == std::endian::little;
        for (const char c : s) {
            if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
                m_valid = false;
        }
        m_word[0] = m_word[1] = m_mask[0] = m_mask[1] = 0;
        if (!m_valid)
            return;
        for (std::size_t i = 0; i <= s.size(); ++i) {
            const auto byte = static_cast<std::uint64_t>(
                i < s.size() ? static_cast<unsigned char>(s[i]) : static_cast<unsigned char>('"'));
            m_word[i / 8] |= byte << (8 * (i % 8));
            m_mask[i / 8] |= std::uint64_t(0xff) << (8 * (i % 8));
        }
    }
    // True when the JSON string whose text starts at `raw` (after its opening quote) is this.
    bool matches(const char* raw) const
    {
        std::uint64_t text[2];
        std::memcpy(text, raw, sizeof text);
        return m_valid && ((text[0] ^ m_word[0]) & m_mask[0]) == 0
            && ((text[1] ^ m_word[1]) & m_mask[1]) == 0;
    }

private:
    std::uint64_t m_word[2] = { 0, 0 };
    std::uint64_t m_mask[2] = { 0, 0 };
    bool m_valid = false;
};

} // namespace viewer
