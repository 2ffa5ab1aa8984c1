#include "series_result.hpp"

#include "run.hpp"

#include <cmath>

namespace viewer {

namespace {

QString leafOf(const QString& key)
{
    const qsizetype cut =
        std::max(key.lastIndexOf(QLatin1Char('/')), key.lastIndexOf(QLatin1Char('.')));
    return key.mid(cut + 1).toLower();
}

} // namespace

SeriesResult::SeriesResult(QString key)
    : m_key(std::move(key))
    , m_lowerIsBetter(isLossLike(m_key))
{
}

void SeriesResult::update(const Run& run)
{
    const int index = run.findSeries(m_key);
    if (index < 0)
        return;
    const Series& series = run.series[static_cast<std::size_t>(index)];
    if (series.size() < m_points) {
        *this = SeriesResult(m_key); // the run was read again from the start
    }
    const std::vector<double>& values = series.values();
    const StridedIndexColumn& records = series.records();
    for (std::size_t i = m_points; i < values.size(); ++i) {
        const double v = values[i];
        m_last = v;
        if (!std::isfinite(v)) {
            m_nonFinite = true;
            continue;
        }
        const bool better = std::isnan(m_best) || (m_lowerIsBetter ? v < m_best : v > m_best);
        if (better) {
            m_best = v;
            m_bestStep = run.records.step(records[i]);
        }
    }
    m_points = values.size();
    m_min = series.min();
    m_max = series.max();
}

bool SeriesResult::isLossLike(const QString& key)
{
    const QString leaf = leafOf(key);
    return leaf.contains(QLatin1String("loss")) || leaf.contains(QLatin1String("err"))
        || leaf.contains(QLatin1String("perplexity")) || leaf == QLatin1String("ppl")
        || leaf.contains(QLatin1String("mse")) || leaf.contains(QLatin1String("mae"));
}

bool SeriesResult::isAccuracyLike(const QString& key)
{
    const QString leaf = leafOf(key);
    return leaf.contains(QLatin1String("acc")) || leaf == QLatin1String("f1")
        || leaf.endsWith(QLatin1String("_f1")) || leaf.contains(QLatin1String("auc"))
        || leaf.contains(QLatin1String("precision")) || leaf.contains(QLatin1String("recall"))
        || leaf.contains(QLatin1String("bleu")) || leaf == QLatin1String("map");
}

QStringList SeriesResult::defaultKeys(const QStringList& keys)
{
    auto pick = [&keys](bool (*like)(const QString&), const QString& preferredTag) {
        QString first;
        for (const QString& key : keys) {
            if (key.startsWith(QLatin1String("derived/")) || !like(key))
                continue;
            if (key.startsWith(preferredTag))
                return key;
            if (first.isEmpty())
                first = key;
        }
        return first;
    };
    QStringList out;
    const QString loss = pick(&isLossLike, QStringLiteral("step_end/"));
    const QString accuracy = pick(&isAccuracyLike, QStringLiteral("epoch_end/"));
    if (!loss.isEmpty())
        out << loss;
    if (!accuracy.isEmpty())
        out << accuracy;
    return out;
}

} // namespace viewer
