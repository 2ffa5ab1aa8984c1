#include "x_metric_notice.hpp"

#include <QMap>

namespace viewer {

QStringList XMetricNotice::newMessages(const QString& metric, const QStringList& chartKeys)
{
    if (metric != m_metric) {
        m_metric = metric;
        m_reportedTags.clear();
    }
    QMap<QString, QStringList> byTag; // sorted by tag: the messages come in a stable order
    for (const QString& key : chartKeys) {
        const QString tag = key.left(key.indexOf(QLatin1Char('/')));
        if (!m_reportedTags.contains(tag))
            byTag[tag] << key;
    }
    QStringList messages;
    for (auto it = byTag.begin(); it != byTag.end(); ++it) {
        m_reportedTags.insert(it.key());
        QStringList keys = it.value();
        keys.sort();
        messages << QStringLiteral("x = %1: no run logs %1 with its %2 records, so %3 %4 "
                                   "nothing to draw: %5")
                        .arg(metric, it.key(),
                            keys.size() == 1 ? QStringLiteral("1 chart")
                                             : QStringLiteral("%1 charts").arg(keys.size()),
                            keys.size() == 1 ? QStringLiteral("has") : QStringLiteral("have"),
                            keys.join(QStringLiteral(", ")));
    }
    return messages;
}

} // namespace viewer
