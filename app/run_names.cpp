#include "run_names.hpp"

#include <QHash>

#include <algorithm>
#include <numeric>

namespace viewer {

namespace {

qsizetype commonPrefix(const QString& a, const QString& b)
{
    const qsizetype n = std::min(a.size(), b.size());
    qsizetype i = 0;
    while (i < n && a[i] == b[i])
        ++i;
    return i;
}

// For each name, the longest common prefix with any other name: after sorting, the nearest
// neighbours hold it.
std::vector<qsizetype> longestShared(const QStringList& names, bool suffix)
{
    const std::size_t n = static_cast<std::size_t>(names.size());
    std::vector<QString> keys(n);
    for (std::size_t i = 0; i < n; ++i) {
        keys[i] = names[static_cast<qsizetype>(i)];
        if (suffix)
            std::reverse(keys[i].begin(), keys[i].end());
    }
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
        [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
    std::vector<qsizetype> shared(n, 0);
    for (std::size_t k = 0; k + 1 < n; ++k) {
        const std::size_t a = order[k];
        const std::size_t b = order[k + 1];
        const qsizetype common = commonPrefix(keys[a], keys[b]);
        shared[a] = std::max(shared[a], common);
        shared[b] = std::max(shared[b], common);
    }
    return shared;
}

// A side of the kept part, cut in its middle: its outer end (the name's start or end) and the
// characters next to the differing part both stay: "imagenet_sweep_lr=0.001,seed=" ->
// "imagenet_…seed=".
QString cutSide(const QString& side, qsizetype budget, bool isLeft)
{
    if (side.size() <= budget)
        return side;
    const qsizetype keep = std::max<qsizetype>(0, budget - 1);
    const qsizetype adjacent = keep * 2 / 5;
    const qsizetype outer = keep - adjacent;
    if (isLeft)
        return side.left(outer) + RunNames::Ellipsis + side.right(adjacent);
    return side.left(adjacent) + RunNames::Ellipsis + side.right(outer);
}

QString elideAround(const QString& name, qsizetype from, qsizetype to, qsizetype maxChars)
{
    if (name.size() <= maxChars)
        return name;
    const QString left = name.left(from);
    const QString region = name.mid(from, to - from);
    const QString right = name.mid(to);
    const qsizetype marks = (left.isEmpty() ? 0 : 1) + (right.isEmpty() ? 0 : 1);
    if (region.size() + marks >= maxChars) {
        // Not even the differing part fits: keep both its ends, where it differs from the names
        // on either side ("…1e-…d=1"), or its start when there is room for little more.
        const qsizetype budget = maxChars - marks - 1;
        const QString head = left.isEmpty() ? QString() : QString(RunNames::Ellipsis);
        const QString tail = right.isEmpty() ? QString() : QString(RunNames::Ellipsis);
        if (region.size() + marks <= maxChars)
            return head + region + tail;
        if (budget < 4) {
            if (left.isEmpty())
                return region.left(maxChars - 1) + RunNames::Ellipsis;
            return head + region.left(maxChars - 1 - (right.isEmpty() ? 0 : 1)) + tail;
        }
        const qsizetype front = (budget + 1) / 2;
        return head + region.left(front) + RunNames::Ellipsis + region.right(budget - front) + tail;
    }
    qsizetype extra = maxChars - region.size();
    // Split what is left between both sides; a side that needs less gives the rest to the other.
    qsizetype leftBudget = left.isEmpty() ? 0 : (right.isEmpty() ? extra : (extra + 1) / 2);
    qsizetype rightBudget = extra - leftBudget;
    if (left.size() < leftBudget) {
        rightBudget += leftBudget - left.size();
        leftBudget = left.size();
    } else if (right.size() < rightBudget) {
        leftBudget += rightBudget - right.size();
        rightBudget = right.size();
    }
    return cutSide(left, leftBudget, true) + region + cutSide(right, rightBudget, false);
}

} // namespace

std::vector<RunNames::Part> RunNames::differingParts(const QStringList& names)
{
    const std::vector<qsizetype> prefix = longestShared(names, false);
    const std::vector<qsizetype> suffix = longestShared(names, true);
    std::vector<Part> out;
    out.reserve(static_cast<std::size_t>(names.size()));
    for (qsizetype i = 0; i < names.size(); ++i) {
        const QString& name = names[i];
        const std::size_t k = static_cast<std::size_t>(i);
        qsizetype from = std::min(prefix[k], name.size());
        qsizetype to = name.size() - std::min(suffix[k], name.size());
        // The name differs from one name after its shared prefix and from another before its
        // shared suffix, and these overlap: "sweep_lr=1e-4,bs=32,seed=1" beside "..seed=2" and
        // "sweep_lr=3e-4,bs=32,seed=1". The part runs from one differing character to the other
        // ("1e-4,bs=32,seed=1"): both ends are kept when it is cut.
        if (to <= from) {
            const qsizetype first = std::max<qsizetype>(0, to - 1);
            const qsizetype last = std::min(name.size(), from + 1);
            from = std::min(first, std::max<qsizetype>(0, name.size() - 1));
            to = std::max(last, std::min(name.size(), from + 1));
        }
        out.push_back({ from, to });
    }
    return out;
}

QString RunNames::elideKeeping(const QString& name, Part part, int maxChars)
{
    const qsizetype from = std::clamp<qsizetype>(part.from, 0, name.size());
    const qsizetype to = std::clamp<qsizetype>(part.to, from, name.size());
    return elideAround(name, from, to, std::max(2, maxChars));
}

QStringList RunNames::elideApart(const QStringList& names, int maxChars)
{
    const std::vector<Part> parts = differingParts(names);
    QStringList out;
    out.reserve(names.size());
    for (qsizetype i = 0; i < names.size(); ++i)
        out << elideKeeping(names[i], parts[static_cast<std::size_t>(i)], maxChars);
    return out;
}

QString RunNames::shortFieldName(const QString& name)
{
    QString leaf = name.mid(name.lastIndexOf(QLatin1Char('.')) + 1);
    static const QHash<QString, QString> shortNames = {
        { QStringLiteral("batch_size"), QStringLiteral("bs") },
        { QStringLiteral("learning_rate"), QStringLiteral("lr") },
        { QStringLiteral("weight_decay"), QStringLiteral("wd") },
        { QStringLiteral("optimizer"), QStringLiteral("opt") },
    };
    return shortNames.value(leaf, leaf);
}

QStringList RunNames::byDifferingFields(const std::vector<std::vector<FlatField>>& fields,
    const QStringList& fallback, const QString& prefix)
{
    // A field differs when two runs hold different values for it, or some run lacks it.
    struct Stat
    {
        QString first;
        bool same = true;
        std::size_t count = 0;
    };
    QHash<QString, Stat> stats;
    QStringList order;
    for (const std::vector<FlatField>& run : fields) {
        for (const FlatField& f : run) {
            if (!f.name.startsWith(prefix))
                continue;
            auto it = stats.find(f.name);
            if (it == stats.end()) {
                stats.insert(f.name, Stat { f.value.text, true, 1 });
                order << f.name;
            } else {
                ++it->count;
                it->same = it->same && it->first == f.value.text;
            }
        }
    }
    QStringList differing;
    for (const QString& name : std::as_const(order)) {
        const Stat& stat = stats[name];
        if (!stat.same || stat.count < fields.size())
            differing << name;
    }
    QStringList out;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        QStringList parts;
        for (const QString& name : std::as_const(differing)) {
            for (const FlatField& f : fields[i]) {
                if (f.name != name)
                    continue;
                parts << (f.value.isNumber ? shortFieldName(name) + QLatin1Char('=') + f.value.text
                                           : f.value.text);
            }
        }
        const qsizetype k = static_cast<qsizetype>(i);
        out << (parts.isEmpty() ? fallback.value(k) : parts.join(QLatin1Char(' ')));
    }
    return out;
}

QStringList RunNames::disambiguate(
    const QStringList& names, const QStringList& ranks, const QStringList& files)
{
    QHash<QString, int> count;
    for (const QString& name : names)
        ++count[name];
    QStringList out = names;
    for (qsizetype i = 0; i < names.size(); ++i) {
        if (count.value(names[i]) < 2)
            continue;
        const QString rank = ranks.value(i);
        const QString file = files.value(i);
        if (!rank.isEmpty())
            out[i] = QStringLiteral("%1 rank %2").arg(names[i], rank);
        else if (!file.isEmpty())
            out[i] = QStringLiteral("%1 (%2)").arg(names[i], file);
    }
    return out;
}

} // namespace viewer
