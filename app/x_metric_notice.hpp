#pragma once

#include <QSet>
#include <QString>
#include <QStringList>

namespace viewer {

// The one message per tag that `--x METRIC` owes the user when charts of that tag have nothing
// to draw (none of their runs logs the metric with that tag): never an empty chart in silence.
// Remembers which tags were reported, so a tag is named once per metric. Any thread; plain text.
// Example: --x tokens, charts epoch_end/val_loss and epoch_end/val_acc without epoch_end/tokens:
//   x = tokens: no run logs tokens with its epoch_end records, so 2 charts have nothing to
//   draw: epoch_end/val_acc, epoch_end/val_loss
class XMetricNotice
{
public:
    // The messages not given yet for these chart keys (ChartGrid::chartsWithoutXMetric()).
    QStringList newMessages(const QString& metric, const QStringList& chartKeys);

private:
    QString m_metric;
    QSet<QString> m_reportedTags;
};

} // namespace viewer
