#include "csv_format.hpp"

#include <charconv>
#include <cmath>

namespace viewer {

QString csvText(const QString& text)
{
    QString t = text;
    if (!t.isEmpty()) {
        const QChar first = t[0];
        if (first == u'=' || first == u'+' || first == u'-' || first == u'@' || first == u'\t'
            || first == u'\r')
            t.prepend(QLatin1Char('\''));
    }
    if (t.contains(QLatin1Char(',')) || t.contains(QLatin1Char('"'))
        || t.contains(QLatin1Char('\n')) || t.contains(QLatin1Char('\r')) || t != t.trimmed()) {
        t.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        t = QLatin1Char('"') + t + QLatin1Char('"');
    }
    return t;
}

QString csvNumber(double value)
{
    if (std::isnan(value))
        return QStringLiteral("nan");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    char buffer[32]; // the longest shortest form is 24 characters ("-2.2250738585072014e-308")
    const std::to_chars_result r = std::to_chars(buffer, buffer + sizeof buffer, value);
    return QString::fromLatin1(buffer, static_cast<qsizetype>(r.ptr - buffer));
}

} // namespace viewer
