#include "line_template.hpp"

#include <bit>
#include <cstring>
#include <simdjson.h>

namespace viewer {

namespace {

struct NumberBytes
{
    bool table[256] = {};
    constexpr NumberBytes()
    {
        for (const char c : std::string_view("0123456789.eE+-"))
            table[static_cast<unsigned char>(c)] = true;
    }
};
constexpr NumberBytes numberBytes;

// A byte a JSON number may contain (a table: the scan runs over every number of every line).
bool isNumberByte(char c)
{
    return numberBytes.table[static_cast<unsigned char>(c)];
}

// Whether the n bytes at a and b are equal, by 8-byte words: pieces are short, and a call to
// memcmp costs more than the compare. Both may be read up to 7 bytes past n: the line is
// followed by simdjson's padding, the template's text by Slack bytes.
bool sameBytes(const char* a, const char* b, std::size_t n)
{
    for (; n >= 8; n -= 8, a += 8, b += 8) {
        std::uint64_t x = 0;
        std::uint64_t y = 0;
        std::memcpy(&x, a, 8);
        std::memcpy(&y, b, 8);
        if (x != y)
            return false;
    }
    if (n == 0)
        return true;
    std::uint64_t x = 0;
    std::uint64_t y = 0;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    const unsigned shift = 8 * static_cast<unsigned>(8 - n);
    // The first n bytes in memory: the low bytes of a little-endian word, the high ones of a
    // big-endian one.
    if constexpr (std::endian::native == std::endian::little)
        return ((x ^ y) << shift) == 0;
    else
        return ((x ^ y) >> shift) == 0;
}

} // namespace

bool LineTemplate::learn(std::string_view line, const std::vector<Number>& numbers)
{
    m_text.clear();
    m_pieceEnds.clear();
    // The line is JSON the walk accepted: outside strings, a token that starts with '-' or a
    // digit is a number, and runs over number bytes to the next structural byte or space.
    std::size_t pieceStart = 0;
    bool inString = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (inString) {
            if (c == '\\')
                ++i; // the escaped byte cannot end the string
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
            continue;
        }
        if (c != '-' && (c < '0' || c > '9'))
            continue;
        m_text.append(line.substr(pieceStart, i - pieceStart));
        m_pieceEnds.push_back(static_cast<std::uint32_t>(m_text.size()));
        while (i + 1 < line.size() && isNumberByte(line[i + 1]))
            ++i;
        pieceStart = i + 1;
    }
    m_text.append(line.substr(pieceStart));
    m_pieceEnds.push_back(static_cast<std::uint32_t>(m_text.size()));
    m_text.append(Slack, '\0');
    if (m_pieceEnds.size() != numbers.size() + 1) {
        m_pieceEnds.clear();
        m_numbers.clear();
        return false;
    }
    m_numbers = numbers;
    m_starts.resize(numbers.size());
    return true;
}

bool LineTemplate::read(std::string_view line, std::vector<double>& values)
{
    if (m_pieceEnds.empty())
        return false;
    // First the text, then the numbers: a line of another tag differs in its text, usually
    // early, and is turned away before any number is parsed.
    const char* p = line.data();
    const char* const end = p + line.size();
    const char* piece = m_text.data();
    for (std::size_t k = 0;; ++k) {
        const auto length = static_cast<std::size_t>(m_text.data() + m_pieceEnds[k] - piece);
        if (static_cast<std::size_t>(end - p) < length || !sameBytes(p, piece, length))
            return false;
        p += length;
        piece += length;
        if (k == m_numbers.size())
            break;
        m_starts[k] = p;
        while (p < end && isNumberByte(*p))
            ++p;
        if (p == m_starts[k])
            return false;
    }
    if (p != end)
        return false;
    values.resize(m_numbers.size());
    for (std::size_t k = 0; k < m_numbers.size(); ++k) {
        // The parser the walk's get_double() uses. It stops at the first byte that is not part
        // of a number and fails unless that byte may follow a number; the piece after every
        // slot starts with such a byte, so a success has read exactly the slot.
        const auto number = simdjson::builtin::numberparsing::parse_double(
            reinterpret_cast<const std::uint8_t*>(m_starts[k]));
        if (number.error() != simdjson::SUCCESS)
            return false;
        values[k] = number.value_unsafe();
    }
    return true;
}

} // namespace viewer
