#include "axis_ticks.hpp"

#include "number_format.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <initializer_list>
#include <limits>

namespace viewer {

namespace {

constexpr double Day = 86400;

// The spacing of doubles at magnitude m (its unit in the last place).
double ulpOf(double m)
{
    m = std::abs(m);
    if (!(m >= std::numeric_limits<double>::min()))
        return std::numeric_limits<double>::denorm_min();
    return std::ldexp(1.0, std::ilogb(m) - std::numeric_limits<double>::digits + 1);
}

bool allDistinct(QStringList labels)
{
    std::sort(labels.begin(), labels.end());
    return std::adjacent_find(labels.begin(), labels.end()) == labels.end();
}

// 1, 2, 5 or 10 x 10^k, the smallest not below raw (the largest finite one at the top end).
double oneTwoFive(double raw)
{
    const int e = static_cast<int>(std::floor(std::log10(raw)));
    const double magnitude = std::pow(10.0, e);
    for (double m : { 1.0, 2.0, 5.0, 10.0 }) {
        const double step = m * magnitude;
        if (!std::isfinite(step))
            return 5.0 * magnitude > raw && std::isfinite(5.0 * magnitude) ? 5.0 * magnitude
                                                                           : magnitude;
        if (step >= raw * (1 - 1e-9))
            return step;
    }
    return 10.0 * magnitude;
}

// The largest of 1000^k not above |v|, up to E (10^18); 0 (no suffix) below 10,000 and from 1e21.
double siUnit(double maxAbs)
{
    if (maxAbs < 1e4 || maxAbs >= 1e21)
        return 0;
    const int k = std::min(static_cast<int>(std::floor(std::log10(maxAbs) / 3)), 6);
    return std::pow(1000.0, k);
}

QString siLabel(double v, double unit, int decimals)
{
    static constexpr std::array<char, 6> Suffixes { 'k', 'M', 'G', 'T', 'P', 'E' };
    if (v == 0)
        return QStringLiteral("0");
    const int k = static_cast<int>(std::lround(std::log10(unit) / 3));
    QString text = QString::number(v / unit, 'f', decimals);
    if (text.contains(QLatin1Char('.'))) {
        while (text.endsWith(QLatin1Char('0')))
            text.chop(1);
        if (text.endsWith(QLatin1Char('.')))
            text.chop(1);
    }
    return text + QLatin1Char(Suffixes[std::size_t(k - 1)]);
}

// Numbers that read well without an exponent: "0.0002", "86400.0005", "123456".
bool fixedNotation(double maxAbs)
{
    return maxAbs >= 1e-4 && maxAbs < 1e6;
}

// Labels with as many digits as the step needs (no offset).
QStringList directLabels(
    const std::vector<double>& values, int stepExponent, double maxAbs, AxisTicks::Style style)
{
    QStringList out;
    const double unit = style == AxisTicks::Style::Si ? siUnit(maxAbs) : 0;
    const int digits = static_cast<int>(std::floor(std::log10(maxAbs))) - stepExponent + 1;
    for (double v : values) {
        if (v == 0)
            v = 0; // no "-0"
        if (unit > 0)
            out << siLabel(v, unit,
                std::max(0, static_cast<int>(std::lround(std::log10(unit))) - stepExponent));
        else if (v == 0)
            out << QStringLiteral("0");
        else if (fixedNotation(maxAbs))
            out << QString::number(v, 'f', std::max(0, -stepExponent));
        else
            out << QString::number(v, 'g', std::max(1, digits));
    }
    return out;
}

// "offset + difference" labels: the offset is a round multiple of the step, the differences
// small multiples of it. Example: ticks 5e-05 + k * 2e-12 read "5e-05", "5e-05 + 2e-12", ...
QStringList offsetLabels(const std::vector<double>& values, double step, AxisTicks::Style style)
{
    const double kFirst = std::round(values.front() / step);
    const double kLast = std::round(values.back() / step);
    const double block = std::pow(10.0, std::ceil(std::log10(kLast - kFirst + 1)));
    // The offset is nearer zero than every tick, so that differences all go one way:
    // "5e-05 + 2e-12" above zero, "-5e-05 - 2e-12" below it.
    const bool negative = kLast <= 0;
    const double kOffset =
        negative ? std::ceil(kLast / block) * block : std::floor(kFirst / block) * block;
    const double offset = kOffset * step;
    const int offsetDigits = std::clamp(static_cast<int>(std::floor(std::log10(std::abs(offset)))
                                            - std::floor(std::log10(block * step)) + 1),
        1, 17);
    const QString offsetText = style == AxisTicks::Style::Si && std::abs(offset) >= 1e4
        ? NumberFormat::si(offset, offsetDigits)
        : QString::number(offset, 'g', offsetDigits);
    QStringList out;
    for (double v : values) {
        const double difference = std::abs(std::round(v / step) - kOffset) * step;
        out << (difference == 0
                ? offsetText
                : offsetText + (negative ? QStringLiteral(" - ") : QStringLiteral(" + "))
                    + QString::number(difference, 'g', AxisTicks::MaxDigits));
    }
    return out;
}

// m x 10^k inside [lo, hi] for each mantissa m, in decades k divisible by `everyDecades`;
// decades whose values overflow or underflow are left out.
std::vector<double> decadeTicks(
    double lo, double hi, std::initializer_list<double> mantissas, int everyDecades)
{
    std::vector<double> ticks;
    const int first = std::max(static_cast<int>(std::floor(std::log10(lo))), -324);
    const int last = std::min(static_cast<int>(std::ceil(std::log10(hi))), 308);
    for (int k = first; k <= last; ++k) {
        if (((k % everyDecades) + everyDecades) % everyDecades != 0)
            continue;
        // Built from the decimal text, so that 0.3 is the double nearest 0.3 (3 * 0.1 is not).
        for (double m : mantissas) {
            const double t = QStringLiteral("%1e%2").arg(m).arg(k).toDouble();
            if (!std::isfinite(t) || !(t > 0))
                continue;
            // Ratios, not lo * (1 - 1e-12) and hi * (1 + 1e-12): those overflow near 1.8e308.
            if (t / lo >= 1 - 1e-12 && t / hi <= 1 + 1e-12)
                ticks.push_back(t);
        }
    }
    return ticks;
}

std::vector<double> evenTicks(double lo, double hi, int maxTicks)
{
    const int n = std::max(1, maxTicks - 1);
    const double step = oneTwoFive(hi / n - lo / n);
    std::vector<double> ticks;
    for (double i = std::ceil(lo / step - 1e-9); i * step / hi <= 1 + 1e-12; ++i) {
        const double t = QString::number(i * step, 'g', 12).toDouble();
        if (std::isfinite(t))
            ticks.push_back(t);
    }
    return ticks;
}

} // namespace

double AxisTicks::niceStep(double raw, Style style)
{
    if (!(raw > 0) || !std::isfinite(raw))
        return raw;
    if (style == Style::Duration && raw >= 1) {
        static constexpr std::array<double, 18> Steps { 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900,
            1800, 3600, 7200, 10800, 21600, 43200, Day };
        for (double s : Steps) {
            if (s >= raw * (1 - 1e-9))
                return s;
        }
        const double days = oneTwoFive(raw / Day) * Day;
        return std::isfinite(days) ? days : oneTwoFive(raw);
    }
    return oneTwoFive(raw);
}

AxisTicks::Ticks AxisTicks::linear(double lo, double hi, int maxTicks, Style style)
{
    Ticks ticks;
    if (!std::isfinite(lo) || !std::isfinite(hi))
        return ticks;
    if (lo > hi)
        std::swap(lo, hi);
    if (lo == hi) {
        ticks.values = { lo == 0 ? 0.0 : lo };
        ticks.labels = labels(ticks.values, 0, style);
        return ticks;
    }
    const int n = std::max(maxTicks, 2);
    // Halves first: hi - lo overflows for [-1.7e308, 1.7e308].
    double raw = hi / (n - 1) - lo / (n - 1);
    if (!std::isfinite(raw))
        raw = std::numeric_limits<double>::max();
    // A step below a few units in the last place would give ticks that round to the same double.
    const double minStep = 4 * ulpOf(std::max(std::abs(lo), std::abs(hi)));
    double step = niceStep(std::max(raw, minStep), style);
    const auto fill = [&](double s) {
        std::vector<double> values;
        const double first = std::ceil(lo / s);
        const double last = std::floor(hi / s);
        for (double k = first; k <= last && values.size() <= 8 * std::size_t(n); ++k) {
            const double v = k * s;
            values.push_back(v == 0 ? 0.0 : v);
        }
        return values;
    };
    ticks.values = fill(step);
    // A range holding fewer than two multiples ([0.3, 0.7] by 0.5): the next smaller nice steps.
    for (int i = 0; i < 8 && ticks.values.size() < 2; ++i) {
        const double smaller = niceStep(step / 2.6, style);
        if (!(smaller < step) || smaller < minStep)
            break;
        step = smaller;
        ticks.values = fill(step);
    }
    // Too many (only where the largest finite nice step is below the raw one, or after the
    // step above): every other one, the first kept.
    while (ticks.values.size() > std::size_t(n)) {
        std::vector<double> thinned;
        for (std::size_t i = 0; i < ticks.values.size(); i += 2)
            thinned.push_back(ticks.values[i]);
        ticks.values = std::move(thinned);
    }
    ticks.labels = labels(ticks.values, step, style);
    return ticks;
}

QStringList AxisTicks::labels(const std::vector<double>& values, double step, Style style)
{
    QStringList out;
    if (values.empty())
        return out;
    if (values.size() == 1 || !(step > 0)) {
        for (double v : values) {
            out << (style == Style::Duration ? NumberFormat::duration(v)
                    : style == Style::Si     ? NumberFormat::si(v, MaxDigits)
                                             : NumberFormat::logged(v));
        }
        return out;
    }
    if (style == Style::Duration) {
        for (double v : values)
            out << NumberFormat::duration(v, step);
        if (allDistinct(out))
            return out;
        out.clear();
    }
    double maxAbs = 0;
    for (double v : values)
        maxAbs = std::max(maxAbs, std::abs(v));
    const int stepExponent = static_cast<int>(std::floor(std::log10(step)));
    const int digits =
        maxAbs > 0 ? static_cast<int>(std::floor(std::log10(maxAbs))) - stepExponent + 1 : 1;
    // Fixed notation reads well up to 9 digits ("2.300015"); an exponent only up to MaxDigits.
    const bool fixed = style != Style::Si && fixedNotation(maxAbs);
    if (digits <= (fixed ? 9 : MaxDigits) || maxAbs == 0)
        out = directLabels(values, stepExponent, std::max(maxAbs, step), style);
    else
        out = offsetLabels(values, step, style);
    if (allDistinct(out))
        return out;
    out.clear();
    for (double v : values)
        out << QString::number(v, 'g', 17);
    return out;
}

AxisTicks::Ticks AxisTicks::logarithmic(double lo, double hi, int maxTicks)
{
    Ticks result;
    if (!(lo > 0) || !(hi > lo) || !std::isfinite(hi))
        return result;
    maxTicks = std::max(maxTicks, 2);
    const double decades = std::log10(hi) - std::log10(lo); // hi / lo overflows for 1e-300..1e308
    const auto fits = [maxTicks](const std::vector<double>& t) {
        return t.size() >= 2 && t.size() <= static_cast<std::size_t>(maxTicks);
    };
    const bool digits = decades < 1 + 1e-9;
    const bool oneTwoFiveDecades = decades < 2.5;
    std::vector<double> values;
    std::vector<double> densest;
    if (digits) {
        densest = decadeTicks(lo, hi, { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, 1);
        if (fits(densest))
            values = densest;
    }
    if (values.empty() && oneTwoFiveDecades) {
        std::vector<double> ticks = decadeTicks(lo, hi, { 1, 2, 5 }, 1);
        if (fits(ticks))
            values = ticks;
        else if (densest.empty())
            densest = std::move(ticks);
    }
    if (values.empty() && oneTwoFiveDecades && densest.size() < 2)
        values = evenTicks(lo, hi, std::min(maxTicks, 6));
    if (values.empty()) {
        for (int every : { 1, 2, 5, 10, 20, 50, 100, 200, 500 }) {
            std::vector<double> ticks = decadeTicks(lo, hi, { 1 }, every);
            if (ticks.size() <= static_cast<std::size_t>(maxTicks)) {
                values = std::move(ticks);
                break;
            }
        }
    }
    // The shortest precision at which neighbours read differently.
    for (int precision = 6; precision <= 17 && result.labels.isEmpty(); ++precision) {
        QStringList labels;
        for (double t : values)
            labels << QString::number(t, 'g', precision);
        if (allDistinct(labels))
            result.labels = labels;
    }
    result.values = std::move(values);
    return result;
}

} // namespace viewer
