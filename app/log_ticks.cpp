#include "log_ticks.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>

namespace viewer {

namespace {

// m x 10^k inside [lo, hi] for each mantissa m, in decades k divisible by `everyDecades`.
std::vector<double> decadeTicks(
    double lo, double hi, std::initializer_list<double> mantissas, int everyDecades)
{
    std::vector<double> ticks;
    const int first = static_cast<int>(std::floor(std::log10(lo)));
    const int last = static_cast<int>(std::ceil(std::log10(hi)));
    for (int k = first; k <= last; ++k) {
        if (((k % everyDecades) + everyDecades) % everyDecades != 0)
            continue;
        // Built from the decimal text, so that 0.3 is the double nearest 0.3 (3 * 0.1 is not).
        for (double m : mantissas) {
            const double t = QStringLiteral("%1e%2").arg(m).arg(k).toDouble();
            if (t >= lo * (1 - 1e-12) && t <= hi * (1 + 1e-12))
                ticks.push_back(t);
        }
    }
    return ticks;
}

std::vector<double> evenTicks(double lo, double hi, int maxTicks)
{
    const double raw = (hi - lo) / std::max(1, maxTicks - 1);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double r = raw / magnitude;
    const double step = (r <= 1.0 ? 1.0 : r <= 2.0 ? 2.0 : r <= 5.0 ? 5.0 : 10.0) * magnitude;
    std::vector<double> ticks;
    for (double i = std::ceil(lo / step - 1e-9); i * step <= hi * (1 + 1e-12); ++i)
        ticks.push_back(QString::number(i * step, 'g', 12).toDouble());
    return ticks;
}

} // namespace

std::vector<double> LogTicks::values(double lo, double hi, int maxTicks)
{
    if (!(lo > 0) || !(hi > lo) || !std::isfinite(hi))
        return {};
    maxTicks = std::max(maxTicks, 2);
    const double decades = std::log10(hi / lo);
    const auto fits = [maxTicks](const std::vector<double>& t) {
        return t.size() >= 2 && t.size() <= static_cast<std::size_t>(maxTicks);
    };
    // Up to one decade (and a rounding error): every digit; up to about two (a two-decade range
    // with its margins): 1-2-5.
    const bool digits = decades < 1 + 1e-9;
    const bool oneTwoFive = decades < 2.5;
    std::vector<double> densest;
    if (digits) {
        densest = decadeTicks(lo, hi, { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, 1);
        if (fits(densest))
            return densest;
    }
    if (oneTwoFive) {
        std::vector<double> ticks = decadeTicks(lo, hi, { 1, 2, 5 }, 1);
        if (fits(ticks))
            return ticks;
        if (densest.empty())
            densest = std::move(ticks);
    }
    if (oneTwoFive && densest.size() < 2)
        return evenTicks(lo, hi, std::min(maxTicks, 6));
    for (int every : { 1, 2, 5, 10, 20, 50, 100 }) {
        std::vector<double> ticks = decadeTicks(lo, hi, { 1 }, every);
        if (ticks.size() <= static_cast<std::size_t>(maxTicks))
            return ticks;
    }
    return {};
}

QStringList LogTicks::labels(const std::vector<double>& ticks)
{
    // The shortest precision at which neighbours read differently.
    for (int precision = 6; precision <= 17; ++precision) {
        QStringList labels;
        for (double t : ticks)
            labels << QString::number(t, 'g', precision);
        if (labels.removeDuplicates() == 0)
            return labels;
    }
    QStringList labels;
    for (double t : ticks)
        labels << QString::number(t, 'g', 17);
    return labels;
}

} // namespace viewer
