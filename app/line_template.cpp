#include "line_template.hpp"

#include <cstring>
#include <simdjson.h>

namespace viewer {

namespace {

bool isNumberByte(char c)
{
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
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
    if (m_pieceEnds.size() != numbers.size() + 1) {
        m_pieceEnds.clear();
        m_numbers.clear();
        return false;
    }
    m_numbers = numbers;
    m_starts.resize(numbers.size());
    return true;
}

bool LineTemplate::read(std::string_view line, std::vector<double>& values) const
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
        if (static_cast<std::size_t>(end - p) < length || std::memcmp(p, piece, length) != 0)
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
