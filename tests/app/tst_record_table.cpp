#include "chunk_parser.hpp"
#include "data_table.hpp"
#include "record_table.hpp"
#include "run_builder.hpp"

#include <QTest>

#include <cmath>
#include <limits>

using viewer::ChunkParser;
using viewer::RecordTable;
using viewer::Run;
using viewer::RunBuilder;
using viewer::Series;
using viewer::XAxisMode;

namespace {

const double NaN = std::numeric_limits<double>::quiet_NaN();

// "0 1 - 2": numbers, '-' for a record without one.
std::vector<double> numbers(const QString& text)
{
    std::vector<double> out;
    for (const QString& part : text.split(QLatin1Char(' '), Qt::SkipEmptyParts))
        out.push_back(part == QLatin1String("-") ? NaN : part.toDouble());
    return out;
}

QString text(const std::vector<double>& values)
{
    QStringList parts;
    for (double v : values)
        parts << QString::number(v, 'g', 17);
    return parts.join(QLatin1Char(' '));
}

RecordTable table(const std::vector<double>& steps, const std::vector<double>& epochs = {})
{
    RecordTable t;
    for (std::size_t i = 0; i < steps.size(); ++i)
        t.append(double(i), steps[i], i < epochs.size() ? epochs[i] : NaN, 0, 0);
    return t;
}

std::vector<double> column(const RecordTable& t, XAxisMode mode)
{
    std::vector<double> out;
    for (std::uint32_t r = 0; r < t.size(); ++r)
        out.push_back(t.x(mode, r));
    return out;
}

// The seed project's shape: per epoch `passes` passes over steps 0..steps-1 (the counter starts
// again each pass), step_begin + step_end(loss) per step, an error now and then, epoch_end with
// val_loss.
QByteArray seedShapedRun(int epochs, int passes, int steps)
{
    QByteArray out;
    double ts = 1000;
    for (int e = 0; e < epochs; ++e) {
        out += QStringLiteral(R"({"ts": %1, "tag": "epoch_begin", "epoch": %2})")
                   .arg(ts++)
                   .arg(e)
                   .toUtf8()
            + '\n';
        for (int p = 0; p < passes; ++p) {
            for (int s = 0; s < steps; ++s) {
                out += QStringLiteral(R"({"ts": %1, "tag": "step_begin", "step": %2})")
                           .arg(ts++)
                           .arg(s)
                           .toUtf8()
                    + '\n';
                out += QStringLiteral(
                           R"({"ts": %1, "tag": "step_end", "step": %2, "context": {"loss": %3}})")
                           .arg(ts++)
                           .arg(s)
                           .arg(1.0 / (1 + s + p))
                           .toUtf8()
                    + '\n';
            }
            if (p == 1)
                out +=
                    QStringLiteral(
                        R"({"ts": %1, "tag": "error", "type": "ValueError", "message": "shape"})")
                        .arg(ts++)
                        .toUtf8()
                    + '\n';
        }
        out += QStringLiteral(
                   R"({"ts": %1, "tag": "epoch_end", "epoch": %2, "context": {"val_loss": 0.5}})")
                   .arg(ts++)
                   .arg(e)
                   .toUtf8()
            + '\n';
    }
    return out;
}

std::unique_ptr<RunBuilder> build(const QByteArray& text)
{
    auto builder = std::make_unique<RunBuilder>(QStringLiteral("run.jsonl"));
    ChunkParser parser;
    builder->append(parser.parse(text.constData(), std::size_t(text.size()), 0, 1));
    return builder;
}

const Series& seriesOf(const Run& run, const QString& key)
{
    const int i = run.findSeries(key);
    if (i < 0)
        qFatal("no series %s", qPrintable(key));
    return run.series[std::size_t(i)];
}

} // namespace

class TestRecordTable : public QObject
{
    Q_OBJECT

private slots:
    void globalStep_data();
    void globalStep();
    void fractionalEpoch_data();
    void fractionalEpoch();
    void liveAppendsMatchOneBuild();
    void seedShapedRunReadsInOrder_data();
    void seedShapedRunReadsInOrder();
    void checkpointResumeKeepsItsSteps();
    void compactColumnsReadBackExactly();
};

void TestRecordTable::globalStep_data()
{
    testing::addTable<QString, QString, bool>({ "steps", "global", "restarts" },
        {
            // RecordTable::stepCounterRestarts()
            { "steps counted on", "0 1 2 3", "0 1 2 3", false },
            { "counter per epoch", "0 1 2 0 1 2 0 1 2", "0 1 2 3 4 5 6 7 8", true },
            { "stride of 10", "0 10 20 0 10 20", "0 10 20 30 40 50", true },
            { "counter from 1", "1 2 3 1 2 3", "1 2 3 4 5 6", true },
            { "records without a step", "- 0 1 - 0 1", "0 0 1 1 2 3", true },
            { "first logged step 100", "- 100 101 100 101", "0 100 101 102 103", true },
            { "back to 0 after starting at 100", "100 101 0 1", "100 101 102 103", true },
            { "checkpoint resume keeps its steps", "0 1 2 3 4 2 3 4 5", "0 1 2 3 4 2 3 4 5",
                false },
            { "checkpoint resume inside a later pass", "0 1 2 0 1 2 1 2 0", "0 1 2 3 4 5 4 5 6",
                true },
            { "empty", "", "", false },
        });
}

void TestRecordTable::globalStep()
{
    QFETCH(QString, steps);
    QFETCH(QString, global);
    QFETCH(bool, restarts);
    const RecordTable t = table(numbers(steps));
    QCOMPARE(text(column(t, XAxisMode::GlobalStep)), global);
    QCOMPARE(t.stepCounterRestarts(), restarts);
    // Step mode is untouched: the steps as logged.
    std::vector<double> logged;
    for (std::uint32_t r = 0; r < t.size(); ++r)
        logged.push_back(t.step(r));
    QCOMPARE(column(t, XAxisMode::Step), logged);
}

void TestRecordTable::fractionalEpoch_data()
{
    testing::addTable<QString, QString, QString>({ "steps", "epochs", "x" },
        {
            { "global steps", "0 1 2 3 4 5 6 7", "0 0 0 0 1 1 1 1",
                "0 0.25 0.5 0.75 1 1.25 1.5 1.75" },
            { "counter per epoch", "0 1 2 3 0 1 2 3", "0 0 0 0 1 1 1 1",
                "0 0.25 0.5 0.75 1 1.25 1.5 1.75" },
            { "thirds", "0 1 2", "3 3 3", "3 3.3333333333333335 3.6666666666666665" },
            { "open epoch measured by the one before", "0 1 2 3 4 5", "0 0 0 0 1 1",
                "0 0.25 0.5 0.75 1 1.25" },
            { "open epoch longer than the one before", "0 1 2 3 4 5 6", "0 0 1 1 1 1 1",
                "0 0.5 1 1.2 1.4 1.6 1.8" },
            { "epoch-only log", "- - -", "0 1 2", "0 1 2" },
            { "epoch not a whole number", "0 1 2", "0.5 0.5 1", "0.5 0.5 1" },
            { "epoch resumed later", "0 1 2 3 4 5", "0 0 1 1 0 0", "0 0.5 1 1.5 0 0.5" },
            { "huge epoch stays at e", "0 1", "1e17 1e17", "1e+17 1e+17" },
        });
}

void TestRecordTable::fractionalEpoch()
{
    QFETCH(QString, steps);
    QFETCH(QString, epochs);
    QFETCH(QString, x);
    const RecordTable t = table(numbers(steps), numbers(epochs));
    const std::vector<double> xs = column(t, XAxisMode::Epoch);
    QCOMPARE(text(xs), text(numbers(x)));
    for (std::uint32_t r = 0; r < t.size(); ++r) {
        QVERIFY(xs[r] >= t.epoch(r));
        QVERIFY(xs[r] < t.epoch(r) + 1 || t.epoch(r) + 1 == t.epoch(r));
    }
}

// A live run asks for its x after every batch: the columns built bit by bit equal one build.
void TestRecordTable::liveAppendsMatchOneBuild()
{
    const std::vector<double> steps = numbers("- 0 1 2 0 1 2 0 1 2 - 0 1 2 3 4 5 0 1 2 1 2 0 1");
    const std::vector<double> epochs = numbers("0 0 0 0 0 0 0 0 0 0 1 1 1 1 1 1 1 2 2 2 2 2 2 2");
    RecordTable live;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        live.append(double(i), steps[i], epochs[i], 0, 0);
        QVERIFY(live.xColumn(XAxisMode::GlobalStep).values);
        QVERIFY(live.xColumn(XAxisMode::Epoch).values);
    }
    const RecordTable whole = table(steps, epochs);
    QCOMPARE(column(live, XAxisMode::GlobalStep), column(whole, XAxisMode::GlobalStep));
    QCOMPARE(column(live, XAxisMode::Epoch), column(whole, XAxisMode::Epoch));
}

void TestRecordTable::seedShapedRunReadsInOrder_data()
{
    testing::addTable<int, int, int>({ "epochs", "passes", "steps" },
        {
            { "one pass per epoch", 6, 1, 60 },
            { "9 passes per epoch (the seed's files)", 6, 9, 60 },
            { "two steps per pass", 3, 4, 2 },
        });
}

// Issue 13: global step strictly increasing within a run, also with several passes per epoch;
// fractional epoch within [e, e+1). These are the x values --export-csv writes.
void TestRecordTable::seedShapedRunReadsInOrder()
{
    QFETCH(int, epochs);
    QFETCH(int, passes);
    QFETCH(int, steps);
    const auto builder = build(seedShapedRun(epochs, passes, steps));
    QCOMPARE(builder->runCount(), 1);
    const Run& run = builder->run(0);
    QCOMPARE(run.records.stepCounterRestarts(), passes * epochs > 1);
    const Series& loss = seriesOf(run, QStringLiteral("step_end/loss"));
    QCOMPARE(loss.size(), std::size_t(epochs * passes * steps));
    double previous = -1;
    for (std::size_t i = 0; i < loss.size(); ++i) {
        const double x = run.records.x(XAxisMode::GlobalStep, loss.records()[i]);
        if (!(x > previous))
            QFAIL(qPrintable(
                QStringLiteral("point %1: global step %2 after %3").arg(i).arg(x).arg(previous)));
        previous = x;
    }
    QCOMPARE(previous, double(epochs * passes * steps - 1));
    for (const QString& key :
        { QStringLiteral("step_end/loss"), QStringLiteral("epoch_end/val_loss") }) {
        const Series& s = seriesOf(run, key);
        double last = -1;
        for (std::uint32_t r : s.records()) {
            const double e = run.records.epoch(r);
            const double x = run.records.x(XAxisMode::Epoch, r);
            QVERIFY2(x >= e && x < e + 1, qPrintable(QStringLiteral("%1 at %2").arg(x).arg(e)));
            QVERIFY(x >= last); // in order across epochs too
            last = x;
        }
    }
    // Each epoch's steps are spread over it, not stacked on one line: epoch 0's epoch_end sits
    // at its last global step, (n - 1) / n of the way.
    const Series& valLoss = seriesOf(run, QStringLiteral("epoch_end/val_loss"));
    const double n = passes * steps;
    QVERIFY(
        std::abs(run.records.x(XAxisMode::Epoch, valLoss.records().front()) - (n - 1) / n) < 1e-12);
}

// README "Restarts": a resume to a middle step keeps its logged steps and its own segment.
void TestRecordTable::checkpointResumeKeepsItsSteps()
{
    QByteArray text;
    for (int s : { 0, 1, 2, 3, 4, 5, 3, 4, 5, 6 })
        text +=
            QStringLiteral(R"({"ts": 1, "tag": "step_end", "step": %1, "context": {"loss": 1}})")
                .arg(s)
                .toUtf8()
            + '\n';
    const auto builder = build(text);
    const Run& run = builder->run(0);
    QVERIFY(!run.records.stepCounterRestarts());
    const Series& loss = seriesOf(run, QStringLiteral("step_end/loss"));
    QCOMPARE(loss.segmentStarts(), std::vector<std::uint32_t> { 6 });
    QStringList xs;
    for (std::uint32_t r : loss.records())
        xs << QString::number(run.records.x(XAxisMode::GlobalStep, r));
    QCOMPARE(xs.join(' '), QStringLiteral("0 1 2 3 4 5 3 4 5 6"));
}

// Issue 15: the epoch and the offset's high word are stored as runs of equal values; every record
// reads back exactly what was appended, whatever the order (a rotated file's offsets start again).
void TestRecordTable::compactColumnsReadBackExactly()
{
    const std::uint64_t G = std::uint64_t(1) << 32;
    const std::vector<std::uint64_t> offsets { 0, 100, G - 1, G, G + 7, 3 * G + 1, 5, 6, 2 * G };
    const std::vector<double> epochs { 0.0, -0.0, -0.0, 1.0, 1.0, 0.5, 1e300, 2.0, 2.0 };
    RecordTable t;
    for (std::size_t i = 0; i < offsets.size(); ++i)
        t.append(double(i), double(i), epochs[i], offsets[i], 0);
    QCOMPARE(t.size(), offsets.size());
    for (std::uint32_t r = 0; r < t.size(); ++r) {
        QCOMPARE(t.offset(r), offsets[r]);
        QCOMPARE(std::signbit(t.epoch(r)), std::signbit(epochs[r])); // -0.0 stays -0.0
        QCOMPARE(t.epoch(r), epochs[r]);
    }
    // 0.0 and -0.0 are one epoch for the x axis, as before (one stretch of 3 records).
    const std::vector<double> xs = column(t, XAxisMode::Epoch);
    QVERIFY(xs[1] > 0.0 && xs[2] > xs[1] && xs[2] < 1.0);
    // A million records in a few epochs: the epoch and high offsets cost nearly nothing.
    RecordTable big;
    for (std::uint32_t i = 0; i < 1000000; ++i)
        big.append(double(i), double(i), double(i / 250000), std::uint64_t(i) * 150, 0);
    big.finishAppending();
    QVERIFY2(double(big.bytesUsed()) / double(big.size()) < 22.0 * 17 / 16 + 0.5,
        qPrintable(QString::number(double(big.bytesUsed()) / double(big.size()))));
    QCOMPARE(big.epoch(999999), 3.0);
    QCOMPARE(big.offset(999999), std::uint64_t(999999) * 150);
}

QTEST_APPLESS_MAIN(TestRecordTable)
#include "tst_record_table.moc"
