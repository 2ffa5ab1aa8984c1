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
    if (it != m_slots.cend()) {
        m_lastUse[key] = ++m_clock;
        return qualitative(*it);
    }
    if (static_cast<std::size_t>(m_slots.size()) >= MaxRemembered)
        forgetLeastRecent(); // bounded memory (and settings) for a long session of many runs
    // The least used slot, lowest first: the first 20 keys get 20 different colours.
    if (m_slotUse.empty())
        m_slotUse.assign(Palette.size(), 0);
    const auto least = std::min_element(m_slotUse.begin(), m_slotUse.end());
    const int slot = static_cast<int>(least - m_slotUse.begin());
    ++*least;
    m_slots.insert(key, slot);
    m_lastUse.insert(key, ++m_clock);
    return qualitative(slot);
}

// O(keys), only when a new key comes to a full table: a scan of 4,096 stamps.
void RunColors::forgetLeastRecent()
{
    auto oldest = m_lastUse.cbegin();
    for (auto it = m_lastUse.cbegin(); it != m_lastUse.cend(); ++it) {
        if (it.value() < oldest.value())
            oldest = it;
    }
    if (oldest == m_lastUse.cend())
        return;
    const QString key = oldest.key();
    m_lastUse.remove(key);
    const int slot = m_slots.take(key);
    if (slot >= 0 && static_cast<std::size_t>(slot) < m_slotUse.size())
        --m_slotUse[static_cast<std::size_t>(slot)];
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

// {key: [slot, last use]}: the last use survives a restart, so the keys forgotten first are
// still the least recently used ones. A bare slot (settings of an older version) reads as unused.
QVariantMap RunColors::toVariant() const
{
    QVariantMap map;
    for (auto it = m_slots.cbegin(); it != m_slots.cend(); ++it)
        map.insert(
            it.key(), QVariantList { it.value(), QVariant::fromValue(m_lastUse.value(it.key())) });
    return map;
}

void RunColors::fromVariant(const QVariantMap& map)
{
    m_slots.clear();
    m_lastUse.clear();
    m_clock = 0;
    m_slotUse.assign(Palette.size(), 0);
    struct Entry
    {
        QString key;
        int slot;
        quint64 lastUse;
    };
    std::vector<Entry> entries;
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        const QVariantList pair = it.value().toList();
        bool ok = false;
        const int slot = (pair.isEmpty() ? it.value() : pair.value(0)).toInt(&ok);
        if (!ok || slot < 0 || slot >= PaletteSize)
            continue;
        entries.push_back({ it.key(), slot, pair.value(1).toULongLong() });
    }
    // A file edited to hold more than the bound keeps the most recent.
    std::stable_sort(entries.begin(), entries.end(),
        [](const Entry& a, const Entry& b) { return a.lastUse > b.lastUse; });
    if (entries.size() > MaxRemembered)
        entries.resize(MaxRemembered);
    for (const Entry& e : entries) {
        m_slots.insert(e.key, e.slot);
        m_lastUse.insert(e.key, e.lastUse);
        m_clock = std::max(m_clock, e.lastUse);
        ++m_slotUse[static_cast<std::size_t>(e.slot)];
    }
}

} // namespace viewer
