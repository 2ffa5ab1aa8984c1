#include "chunk_parser.hpp"
#include "data_table.hpp"
#include "metric_x_column.hpp"
#include "run_builder.hpp"

#include <QTest>

#include <cmath>

using viewer::ChunkParser;
using viewer::MetricXColumn;
using viewer::Run;
using viewer::RunBuilder;
using viewer::Series;

namespace {

void feed(RunBuilder& builder, const QByteArray& text)
{
    ChunkParser parser;
    builder.append(
        parser.parse(text.constData(), std::size_t(text.size()), 0, builder.linesSeen() + 1));
}

// "x:y" of each point of `key` with x from the metric column.
QString pointsAgainst(const Run& run, const QString& key, MetricXColumn& column)
{
    const auto x = column.update(run);
    const Series& s = run.series[std::size_t(run.findSeries(key))];
    QStringList parts;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const double v = x.values ? x.values[s.records()[i]] : std::nan("");
        parts << QString::number(v) + QLatin1Char(':') + QString::number(s.values()[i]);
    }
    return parts.join(QLatin1Char(' '));
}

const QByteArray Text = R"({"tag":"step_begin","step":0}
{"tag":"step_end","step":0,"context":{"loss":3}}
{"tag":"step_end","step":1,"context":{"loss":2,"tokens":512}}
{"tag":"step_end","step":2,"context":{"loss":1.5,"tokens":NaN}}
{"tag":"epoch_end","epoch":0,"context":{"val_loss":1.7}}
{"tag":"step_end","step":3,"context":{"loss":1,"tokens":1536}}
)";

} // namespace

class TestMetricXColumn : public QObject
{
    Q_OBJECT

private slots:
    void seriesKey_data();
    void seriesKey();
    void xFromAMetric();
    void missingMetric();
    void liveGrowthMatchesOneBuild();
};

void TestMetricXColumn::seriesKey_data()
{
    testing::addTable<QString, QString, QString>({ "tag", "metric", "key" },
        {
            { "path", "step_end", "tokens_seen", "step_end/tokens_seen" },
            { "nested path", "step_end", "metrics/samples", "step_end/metrics/samples" },
            { "already tagged", "step_end", "step_end/tokens", "step_end/tokens" },
            { "another tag's name is a path", "eval", "step_end/tokens", "eval/step_end/tokens" },
        });
}

void TestMetricXColumn::seriesKey()
{
    QFETCH(QString, tag);
    QFETCH(QString, metric);
    QFETCH(QString, key);
    QCOMPARE(MetricXColumn::seriesKey(tag, metric), key);
}

// Points before the metric's first value have no x (NaN, not drawn); a NaN value of the metric
// and records of other tags hold its last value.
void TestMetricXColumn::xFromAMetric()
{
    RunBuilder builder(QStringLiteral("run.jsonl"));
    feed(builder, Text);
    const Run& run = builder.run(0);
    MetricXColumn column(
        MetricXColumn::seriesKey(QStringLiteral("step_end"), QStringLiteral("tokens")));
    QCOMPARE(pointsAgainst(run, QStringLiteral("step_end/loss"), column),
        QStringLiteral("nan:3 512:2 512:1.5 1536:1"));
    QVERIFY(column.found());
    QCOMPARE(pointsAgainst(run, QStringLiteral("epoch_end/val_loss"), column),
        QStringLiteral("512:1.7"));
}

void TestMetricXColumn::missingMetric()
{
    RunBuilder builder(QStringLiteral("run.jsonl"));
    feed(builder, Text);
    MetricXColumn column(QStringLiteral("step_end/samples"));
    QVERIFY(!column.update(builder.run(0)).values);
    QVERIFY(!column.found());
}

void TestMetricXColumn::liveGrowthMatchesOneBuild()
{
    RunBuilder live(QStringLiteral("run.jsonl"));
    MetricXColumn liveColumn(QStringLiteral("step_end/tokens"));
    for (const QByteArray& line : Text.split('\n')) {
        if (line.isEmpty())
            continue;
        feed(live, line + '\n');
        liveColumn.update(live.run(0));
    }
    RunBuilder whole(QStringLiteral("run.jsonl"));
    feed(whole, Text);
    MetricXColumn wholeColumn(QStringLiteral("step_end/tokens"));
    wholeColumn.update(whole.run(0));
    const auto text = [](const std::vector<double>& v) {
        QStringList parts;
        for (double x : v)
            parts << QString::number(x);
        return parts.join(QLatin1Char(' '));
    };
    QCOMPARE(text(liveColumn.values()), text(wholeColumn.values()));
    QCOMPARE(text(wholeColumn.values()), QStringLiteral("nan nan 512 512 512 1536"));
}

QTEST_APPLESS_MAIN(TestMetricXColumn)
#include "tst_metric_x_column.moc"
