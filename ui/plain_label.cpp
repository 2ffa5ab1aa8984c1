#include "plain_label.hpp"

namespace viewer {

namespace {

bool isBidiControl(char16_t c)
{
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E
        || c == 0x200F || c == 0x061C;
}

} // namespace

QString plainLabel(const QString& text, int maxChars)
{
    maxChars = std::max(maxChars, 2);
    const bool elided = text.size() > maxChars;
    // Only the prefix that can be shown is looked at: the cost does not grow with the input.
    qsizetype keep = elided ? maxChars - 1 : text.size();
    if (elided && QChar::isHighSurrogate(text.at(keep - 1).unicode()))
        --keep;
    QString out;
    out.reserve(keep + 16);
    for (qsizetype i = 0; i < keep; ++i) {
        const char16_t c = text.at(i).unicode();
        if (c == u'\t' || c == u'\n' || c == u'\r')
            out += QLatin1Char(' ');
        else if (c < 0x20 || (c >= 0x7f && c < 0xa0))
            out += QChar(0xFFFD);
        else if (isBidiControl(c))
            out += QStringLiteral("[U+%1]")
                       .arg(static_cast<unsigned>(c), 4, 16, QLatin1Char('0'))
                       .toUpper();
        else
            out += QChar(c);
    }
    if (elided)
        out += QChar(0x2026);
    return out;
}

} // namespace viewer
