#include "number_format.hpp"

#include <QLocale>
#include <QStringList>

#include <algorithm>
#include <array>
#include <cmath>

namespace viewer {

namespace {

constexpr double Minute = 60;
constexpr double Hour = 3600;
constexpr double Day = 86400;

// Whole numbers up to 2^53 are exact doubles and print as integers.
constexpr double MaxExactInteger = 9007199254740992.0;

QString nonFinite(double v)
{
    if (std::isnan(v))
        return QStringLiteral("NaN");
    return v > 0 ? QStringLiteral("+Inf") : QStringLiteral("-Inf");
}

// "1.50" -> "1.5", "2.000" -> "2"; leaves exponents and integers alone.
QString trimZeros(QString text)
{
    if (!text.contains(QLatin1Char('.')) || text.contains(QLatin1Char('e')))
        return text;
    while (text.endsWith(QLatin1Char('0')))
        text.chop(1);
    if (text.endsWith(QLatin1Char('.')))
        text.chop(1);
    return text;
}

// Seconds under a minute: "45 s", "1.25 s", "0.001 s".
QString seconds(double s, int decimals)
{
    return trimZeros(QString::number(s, 'f', decimals)) + QStringLiteral(" s");
}

} // namespace

QString NumberFormat::logged(double v)
{
    if (!std::isfinite(v))
        return nonFinite(v);
    if (v == std::floor(v) && std::abs(v) <= MaxExactInteger)
        return QString::number(static_cast<qint64>(v));
    return QString::number(v, 'g', QLocale::FloatingPointShortest);
}

QString NumberFormat::cell(double v)
{
    if (std::isnan(v))
        return QStringLiteral("\u2014");
    if (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 1e15)
        return QString::number(static_cast<qint64>(v));
    return QString::number(v, 'g', 10);
}

QString NumberFormat::si(double v, int precision)
{
    if (!std::isfinite(v))
        return nonFinite(v);
    static constexpr std::array<char, 6> Suffixes { 'k', 'M', 'G', 'T', 'P', 'E' };
    const double a = std::abs(v);
    if (a < 1e4)
        return logged(v);
    int unit = std::min(static_cast<int>(std::floor(std::log10(a) / 3)), int(Suffixes.size()));
    double mantissa = v / std::pow(1000.0, unit);
    precision = std::clamp(precision, 1, 17);
    // 999,999 at 3 digits rounds to "1e+03k": move up a unit instead.
    QString text = QString::number(mantissa, 'g', precision);
    if (text.contains(QLatin1Char('e')) && unit < int(Suffixes.size())) {
        ++unit;
        mantissa = v / std::pow(1000.0, unit);
        text = QString::number(mantissa, 'g', precision);
    }
    if (text.contains(QLatin1Char('e'))) // beyond 1e21: no suffix reads better than "1e+06E"
        return QString::number(v, 'g', precision);
    return trimZeros(text) + QLatin1Char(Suffixes[std::size_t(unit - 1)]);
}

QString NumberFormat::duration(double s)
{
    if (!std::isfinite(s))
        return nonFinite(s);
    const double a = std::abs(s);
    double resolution = 0.001;
    if (a >= Day)
        resolution = Hour;
    else if (a >= Hour)
        resolution = Minute;
    else if (a >= Minute)
        resolution = 1;
    return duration(s, resolution);
}

QString NumberFormat::duration(double s, double resolution)
{
    if (!std::isfinite(s))
        return nonFinite(s);
    if (s < 0)
        return QLatin1Char('-') + duration(-s, resolution);
    if (!(resolution > 0))
        resolution = 0.001;
    if (s < Minute) {
        const int decimals = resolution >= 1
            ? 0
            : std::clamp(static_cast<int>(std::ceil(-std::log10(resolution) - 1e-9)), 0, 9);
        QString text = seconds(s, decimals);
        if (text != QStringLiteral("60 s"))
            return text;
        s = Minute; // 59.9996 s at millisecond resolution reads as a minute
    }
    static constexpr std::array<std::pair<double, const char*>, 4> Units { { { Day, "d" },
        { Hour, "h" }, { Minute, "m" }, { 1.0, "s" } } };
    // The smallest unit shown: the largest one not above the resolution (seconds at least).
    std::size_t last = Units.size() - 1;
    for (std::size_t u = 0; u < Units.size(); ++u) {
        if (Units[u].first <= resolution) {
            last = u;
            break;
        }
    }
    // Round to that unit, then split.
    double rest = std::round(s / Units[last].first) * Units[last].first;
    QStringList parts;
    for (std::size_t u = 0; u <= last; ++u) {
        const double n = rest / Units[u].first;
        const double count = u == last ? std::round(n) : std::floor(n);
        rest -= count * Units[u].first;
        if (count > 0)
            parts << (count < 1e15 ? QString::number(count, 'f', 0)
                                   : QString::number(count, 'g', 6))
                    + QLatin1String(Units[u].second);
    }
    if (parts.isEmpty())
        return QStringLiteral("0 s");
    return parts.join(QLatin1Char(' '));
}

} // namespace viewer
