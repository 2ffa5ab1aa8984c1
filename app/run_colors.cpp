#include "run_colors.hpp"

#include <QSet>

#include <algorithm>
#include <array>
#include <cmath>

namespace viewer {

namespace {

constexpr Rgb Grey = 0x9e9e9e;

// Tableau 10 without its red, then colours picked greedily for the largest smallest distance
// (redmean metric) to those before: 20 colours, none of them red (errors and NaN markers are red).
constexpr std::array<Rgb, RunColors::PaletteSize> Palette = {
    0x1f77b4,
    0xff7f0e,
    0x2ca02c,
    0x9467bd,
    0x17becf,
    0x8c564b,
    0xe377c2,
    0xbcbd22,
    0x7f7f7f,
    0x393b79,
    0xe6ab02,
    0x00a087,
    0x000000,
    0x6baed6,
    0xfdae6b,
    0x0000ff,
    0xff00ff,
    0x0a5d00,
    0x800080,
    0xbdbdbd,
};

// Viridis (matplotlib's, van der Walt & Smith) at t = 0, 1/15, ..., 1.
constexpr std::array<Rgb, 16> Viridis = {
    0x440154,
    0x481a6c,
    0x472f7d,
    0x414487,
    0x39568c,
    0x31688e,
    0x2a788e,
    0x23888e,
    0x1f988b,
    0x22a884,
    0x35b779,
    0x54c568,
    0x7ad151,
    0xa5db36,
    0xd2e21b,
    0xfde725,
};

int channel(Rgb rgb, int shift)
{
    return static_cast<int>((rgb >> shift) & 0xffu);
}

} // namespace

Rgb RunColors::qualitative(int n)
{
    const int size = static_cast<int>(Palette.size());
    return Palette[static_cast<std::size_t>(((n % size) + size) % size)];
}

Rgb RunColors::viridis(double t)
{
    if (std::isnan(t))
        return Grey;
    t = std::clamp(t, 0.0, 1.0) * static_cast<double>(Viridis.size() - 1);
    const std::size_t i = std::min(static_cast<std::size_t>(t), Viridis.size() - 2);
    const double f = t - static_cast<double>(i);
    Rgb out = 0;
    for (int shift : { 16, 8, 0 }) {
        const double a = channel(Viridis[i], shift);
        const double b = channel(Viridis[i + 1], shift);
        out |= static_cast<Rgb>(std::lround(a + (b - a) * f)) << shift;
    }
    return out;
}

Rgb RunColors::categorical(const QString& key)
{
    auto it = m_slots.constFind(key);
    if (it != m_slots.cend())
        return qualitative(*it);
    if (m_order.size() >= MaxRemembered) {
        // Forget the oldest key: bounded memory for a long session of many runs.
        const QString oldest = m_order.front();
        m_order.erase(m_order.begin());
        const int slot = m_slots.take(oldest);
        if (slot >= 0 && static_cast<std::size_t>(slot) < m_slotUse.size())
            --m_slotUse[static_cast<std::size_t>(slot)];
    }
    // The least used slot, lowest first: the first 20 keys get 20 different colours.
    if (m_slotUse.empty())
        m_slotUse.assign(Palette.size(), 0);
    const auto least = std::min_element(m_slotUse.begin(), m_slotUse.end());
    const int slot = static_cast<int>(least - m_slotUse.begin());
    ++*least;
    m_slots.insert(key, slot);
    m_order.push_back(key);
    return qualitative(slot);
}

RunColors::Range RunColors::rangeOf(const std::vector<FieldValue>& values)
{
    Range range;
    bool positive = true;
    for (const FieldValue& v : values) {
        if (!v.isNumber || !std::isfinite(v.number))
            continue;
        if (!range.valid) {
            range.min = range.max = v.number;
            range.valid = true;
        }
        range.min = std::min(range.min, v.number);
        range.max = std::max(range.max, v.number);
        positive = positive && v.number > 0.0;
    }
    range.log = range.valid && positive && range.max / range.min >= 100.0;
    return range;
}

Rgb RunColors::continuous(const FieldValue& value, const Range& range)
{
    if (!value.isNumber || !std::isfinite(value.number) || !range.valid)
        return Grey;
    if (range.max == range.min)
        return viridis(0.5);
    if (range.log)
        return viridis((std::log(value.number) - std::log(range.min))
            / (std::log(range.max) - std::log(range.min)));
    return viridis((value.number - range.min) / (range.max - range.min));
}

std::vector<Rgb> RunColors::colorsFor(const std::vector<FieldValue>& values, Range* range)
{
    bool numeric = true;
    QSet<double> distinct;
    for (const FieldValue& v : values) {
        if (!v.present)
            continue;
        numeric = numeric && v.isNumber;
        if (v.isNumber && distinct.size() < 3)
            distinct.insert(v.number);
    }
    numeric = numeric && distinct.size() >= 3;
    std::vector<Rgb> out;
    out.reserve(values.size());
    if (numeric) {
        const Range r = rangeOf(values);
        if (range)
            *range = r;
        for (const FieldValue& v : values)
            out.push_back(continuous(v, r));
        return out;
    }
    if (range)
        *range = Range {};
    for (const FieldValue& v : values)
        out.push_back(v.present ? categorical(v.text) : Grey);
    return out;
}

QVariantMap RunColors::toVariant() const
{
    QVariantMap map;
    for (const QString& key : m_order)
        map.insert(key, m_slots.value(key));
    return map;
}

void RunColors::fromVariant(const QVariantMap& map)
{
    m_slots.clear();
    m_order.clear();
    m_slotUse.assign(Palette.size(), 0);
    for (auto it = map.cbegin(); it != map.cend() && m_order.size() < MaxRemembered; ++it) {
        bool ok = false;
        const int slot = it.value().toInt(&ok);
        if (!ok || slot < 0 || slot >= PaletteSize)
            continue;
        m_slots.insert(it.key(), slot);
        m_order.push_back(it.key());
        ++m_slotUse[static_cast<std::size_t>(slot)];
    }
}

} // namespace viewer
