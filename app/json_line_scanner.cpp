#include "json_line_scanner.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace viewer {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isWordByte(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.'
        || static_cast<unsigned char>(c) >= 0x80;
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool startsWith(std::string_view s, std::size_t pos, std::string_view word)
{
    return s.size() - pos >= word.size() && s.compare(pos, word.size(), word) == 0;
}

// A bare token at pos: not glued to a neighbouring word (so "xNaN" or "NaNx" are left alone, and
// the parse fails on them as it should).
bool bareTokenAt(std::string_view s, std::size_t pos, std::string_view word)
{
    if (!startsWith(s, pos, word))
        return false;
    if (pos > 0 && isWordByte(s[pos - 1]))
        return false;
    const std::size_t end = pos + word.size();
    return end == s.size() || !isWordByte(s[end]);
}

// Index of the first byte that is not part of valid UTF-8 (overlong forms, surrogates and code
// points above U+10FFFF are invalid), or npos.
std::size_t firstInvalidUtf8(std::string_view s)
{
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned lo = 0x80;
        unsigned hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            if (c == 0xe0)
                lo = 0xa0;
            else if (c == 0xed)
                hi = 0x9f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            if (c == 0xf0)
                lo = 0x90;
            else if (c == 0xf4)
                hi = 0x8f;
        } else {
            return i;
        }
        if (n - i < len)
            return i;
        if (p[i + 1] < lo || p[i + 1] > hi)
            return i;
        for (std::size_t k = 2; k < len; ++k) {
            if (p[i + k] < 0x80 || p[i + k] > 0xbf)
                return i;
        }
        i += len;
    }
    return std::string_view::npos;
}

QString at(const char* what, std::size_t pos)
{
    return QStringLiteral("not JSON: %1 at column %2").arg(QLatin1String(what)).arg(pos + 1);
}

const QString& truncatedInObject()
{
    static const QString text =
        QStringLiteral("not JSON: truncated (the line ends inside an object)");
    return text;
}

const QString& truncatedInString()
{
    static const QString text =
        QStringLiteral("not JSON: truncated (the line ends inside a string)");
    return text;
}

int hexValue(char c)
{
    if (isDigit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Reads \uXXXX at pos (pos at the backslash); -1 when malformed.
int readEscapeUnit(std::string_view s, std::size_t pos)
{
    if (s.size() - pos < 6 || s[pos] != '\\' || s[pos + 1] != 'u')
        return -1;
    int unit = 0;
    for (std::size_t k = 2; k < 6; ++k) {
        const int h = hexValue(s[pos + k]);
        if (h < 0)
            return -1;
        unit = unit * 16 + h;
    }
    return unit;
}

// Scans a string whose opening quote is at pos. On success returns the index after the closing
// quote; otherwise sets `error` and returns npos.
std::size_t scanString(std::string_view s, std::size_t pos, QString& error)
{
    std::size_t i = pos + 1;
    while (i < s.size()) {
        const char c = s[i];
        if (c == '"')
            return i + 1;
        if (static_cast<unsigned char>(c) < 0x20) {
            error = at("unescaped control character in a string", i);
            return std::string_view::npos;
        }
        if (c != '\\') {
            ++i;
            continue;
        }
        if (i + 1 >= s.size())
            break;
        const char e = s[i + 1];
        if (std::strchr("\"\\/bfnrt", e) != nullptr && e != '\0') {
            i += 2;
            continue;
        }
        if (e != 'u') {
            error = at("invalid escape in a string", i);
            return std::string_view::npos;
        }
        const int unit = readEscapeUnit(s, i);
        if (unit < 0) {
            error = at("invalid \\u escape in a string", i);
            return std::string_view::npos;
        }
        if (unit >= 0xdc00 && unit <= 0xdfff) {
            error = at("lone surrogate \\u escape in a string", i);
            return std::string_view::npos;
        }
        if (unit >= 0xd800 && unit <= 0xdbff) {
            const int low = readEscapeUnit(s, i + 6);
            if (low < 0xdc00 || low > 0xdfff) {
                error = at("lone surrogate \\u escape in a string", i);
                return std::string_view::npos;
            }
            i += 12;
            continue;
        }
        i += 6;
    }
    error = truncatedInString();
    return std::string_view::npos;
}

// Scans a number (strict JSON grammar) at pos. Returns the index after it, or npos with `error`.
std::size_t scanNumber(std::string_view s, std::size_t pos, QString& error)
{
    std::size_t i = pos;
    if (i < s.size() && s[i] == '-')
        ++i;
    if (i >= s.size() || !isDigit(s[i])) {
        error = at("invalid number", pos);
        return std::string_view::npos;
    }
    if (s[i] == '0') {
        ++i;
    } else {
        while (i < s.size() && isDigit(s[i]))
            ++i;
    }
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (i >= s.size() || !isDigit(s[i])) {
            error = at("invalid number", pos);
            return std::string_view::npos;
        }
        while (i < s.size() && isDigit(s[i]))
            ++i;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-'))
            ++i;
        if (i >= s.size() || !isDigit(s[i])) {
            error = at("invalid number", pos);
            return std::string_view::npos;
        }
        while (i < s.size() && isDigit(s[i]))
            ++i;
    }
    if (i < s.size() && isWordByte(s[i])) {
        error = at("invalid number", pos);
        return std::string_view::npos;
    }
    // Overflow (1e400) is an error like in nlohmann (out_of_range.406); underflow (1e-400) is 0.
    const std::string token(s.substr(pos, i - pos));
    errno = 0;
    const double value = std::strtod(token.c_str(), nullptr);
    if (std::isinf(value)) {
        error = QStringLiteral("number out of range at column %1").arg(pos + 1);
        return std::string_view::npos;
    }
    return i;
}

std::size_t skipSpace(std::string_view s, std::size_t i)
{
    while (i < s.size() && isSpace(s[i]))
        ++i;
    return i;
}

} // namespace

bool JsonLineScanner::quoteNonFiniteTokens(std::string_view line, std::string& out)
{
    out.clear();
    out.reserve(line.size() + 16);
    bool found = false;
    bool inString = false;
    char previous = 0; // the last byte outside strings that is not white space
    // Only a value may be a bare token: first on the line or after ':', '[' or ',', and not
    // followed by ':' (a key, as in {NaN: 1}, stays bare so that the line stays malformed).
    const auto quote = [&](std::size_t i, std::string_view token) {
        if (previous != 0 && previous != ':' && previous != '[' && previous != ',')
            return false;
        if (!bareTokenAt(line, i, token))
            return false;
        const std::size_t next = skipSpace(line, i + token.size());
        return next >= line.size() || line[next] != ':';
    };
    std::size_t i = 0;
    while (i < line.size()) {
        const char c = line[i];
        if (inString) {
            out.push_back(c);
            if (c == '\\' && i + 1 < line.size()) {
                out.push_back(line[i + 1]);
                i += 2;
                continue;
            }
            if (c == '"')
                inString = false;
            ++i;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == 'N' && quote(i, "NaN")) {
            out.append("\"NaN\"");
            i += 3;
            found = true;
            previous = '"';
            continue;
        } else if (c == 'I' && quote(i, "Infinity")) {
            out.append("\"Infinity\"");
            i += 8;
            found = true;
            previous = '"';
            continue;
        } else if (c == '-' && quote(i + 1, "Infinity")) {
            out.append("\"-Infinity\"");
            i += 9;
            found = true;
            previous = '"';
            continue;
        }
        if (!isSpace(c))
            previous = c;
        out.push_back(c);
        ++i;
    }
    return found;
}

QString JsonLineScanner::describeDepth(int maxDepth, std::size_t column)
{
    return QStringLiteral("nested deeper than %1 levels at column %2").arg(maxDepth).arg(column);
}

QString JsonLineScanner::describeNotObject(char firstByte)
{
    const char* what = nullptr;
    switch (firstByte) {
    case '[':
        what = "an array";
        break;
    case '"':
        what = "a string";
        break;
    case 't':
    case 'f':
        what = "a boolean";
        break;
    case 'n':
        what = "null";
        break;
    default:
        if (firstByte == '-' || isDigit(firstByte) || firstByte == 'N' || firstByte == 'I')
            what = "a number";
        break;
    }
    if (what == nullptr)
        return at("expected a value", 0);
    return QStringLiteral("not a JSON object (%1)").arg(QLatin1String(what));
}

QString JsonLineScanner::diagnose(std::string_view s, int maxDepth)
{
    const std::size_t bad = firstInvalidUtf8(s);
    if (bad != std::string_view::npos)
        return QStringLiteral("invalid UTF-8 at column %1").arg(bad + 1);

    std::size_t i = skipSpace(s, 0);
    if (i >= s.size())
        return QStringLiteral("not JSON: empty line");
    if (s[i] != '{') {
        // Name the kind when the value starts like one; garbage gets its column.
        const char c = s[i];
        if (c == '[' || c == '"' || c == 't' || c == 'f' || c == 'n' || c == '-' || isDigit(c))
            return describeNotObject(c);
        return at("expected a value", i);
    }

    // Iterative walk: the stack holds '{' or '[' per open container.
    std::vector<char> stack;
    enum class Want
    {
        Value,
        KeyOrEnd, // right after '{'
        Key, // after ','
        ValueOrEnd, // right after '['
        AfterValue,
    };
    Want want = Want::Value;
    QString error;
    while (true) {
        i = skipSpace(s, i);
        if (i >= s.size()) {
            if (stack.empty())
                return {};
            return truncatedInObject();
        }
        const char c = s[i];
        switch (want) {
        case Want::KeyOrEnd:
        case Want::Key:
            if (c == '}' && want == Want::KeyOrEnd) {
                stack.pop_back();
                ++i;
                want = Want::AfterValue;
                break;
            }
            if (c != '"')
                return at("expected a key in double quotes", i);
            i = scanString(s, i, error);
            if (i == std::string_view::npos)
                return error;
            i = skipSpace(s, i);
            if (i >= s.size())
                return truncatedInObject();
            if (s[i] != ':')
                return at("expected ':'", i);
            ++i;
            want = Want::Value;
            break;
        case Want::ValueOrEnd:
            if (c == ']') {
                stack.pop_back();
                ++i;
                want = Want::AfterValue;
                break;
            }
            [[fallthrough]];
        case Want::Value:
            if (c == '{' || c == '[') {
                if (static_cast<int>(stack.size()) >= maxDepth)
                    return describeDepth(maxDepth, i + 1);
                stack.push_back(c);
                ++i;
                want = c == '{' ? Want::KeyOrEnd : Want::ValueOrEnd;
                break;
            }
            if (c == '"') {
                i = scanString(s, i, error);
                if (i == std::string_view::npos)
                    return error;
            } else if (c == '-' && bareTokenAt(s, i + 1, "Infinity")) {
                i += 9;
            } else if (c == '-' || isDigit(c)) {
                i = scanNumber(s, i, error);
                if (i == std::string_view::npos)
                    return error;
            } else if (bareTokenAt(s, i, "true") || bareTokenAt(s, i, "null")) {
                i += 4;
            } else if (bareTokenAt(s, i, "false")) {
                i += 5;
            } else if (bareTokenAt(s, i, "NaN")) {
                i += 3;
            } else if (bareTokenAt(s, i, "Infinity")) {
                i += 8;
            } else if (c >= 'a' && c <= 'z') {
                return at("invalid literal", i);
            } else {
                return at("expected a value", i);
            }
            want = Want::AfterValue;
            break;
        case Want::AfterValue:
            if (stack.empty())
                return at("text after the object", i);
            if (c == ',') {
                ++i;
                want = stack.back() == '{' ? Want::Key : Want::Value;
            } else if (stack.back() == '{' && c == '}') {
                stack.pop_back();
                ++i;
            } else if (stack.back() == '[' && c == ']') {
                stack.pop_back();
                ++i;
            } else if (stack.back() == '{') {
                return at("expected ',' or '}'", i);
            } else {
                return at("expected ',' or ']'", i);
            }
            break;
        }
    }
}

} // namespace viewer
