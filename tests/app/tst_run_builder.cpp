#include "chunk_parser.hpp"
#include "line_assembler.hpp"
#include "run_builder.hpp"
#include "run_loader.hpp"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <cmath>
#include <limits>
#include <memory>

using viewer::AppendSummary;
using viewer::ChunkParser;
using viewer::ParsedChunk;
using viewer::Run;
using viewer::RunBuilder;
using viewer::RunEvent;
using viewer::Series;

namespace {

const double NaN = std::numeric_limits<double>::quiet_NaN();

QString number(double v)
{
    if (std::isnan(v))
        return QStringLiteral("nan");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return QString::number(v, 'g', 17);
}

// Feeds `text` to a builder in pieces cut after the given line ends (byte offsets just past a
// '\n'), each piece parsed on its own like a loader or follower would.
void feed(RunBuilder& builder, const QByteArray& text, QList<qsizetype> cuts = {})
{
    ChunkParser parser;
    cuts.append(text.size());
    qsizetype start = 0;
    std::uint64_t line = builder.linesSeen() + 1;
    for (const qsizetype cut : cuts) {
        if (cut <= start)
            continue;
        const ParsedChunk chunk = parser.parse(text.constData() + start,
            static_cast<std::size_t>(cut - start), static_cast<std::uint64_t>(start), line);
        builder.append(chunk);
        line += chunk.lineCount;
        start = cut;
    }
}

std::unique_ptr<RunBuilder> build(const QByteArray& text, const QString& path = "run.jsonl")
{
    auto builder = std::make_unique<RunBuilder>(path);
    feed(*builder, text);
    return builder;
}

QString seriesPoints(
    const Run& run, const QString& key, viewer::XAxisMode mode = viewer::XAxisMode::Step)
{
    const int index = run.findSeries(key);
    if (index < 0)
        return QStringLiteral("<none>");
    const Series& s = run.series[std::size_t(index)];
    QStringList parts;
    std::size_t segment = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (segment < s.segmentStarts().size() && s.segmentStarts()[segment] == i) {
            parts << QStringLiteral("|");
            ++segment;
        }
        parts << number(run.records.x(mode, s.records()[i])) + QLatin1Char(':')
                + number(s.values()[i]);
    }
    return parts.join(QLatin1Char(' '));
}

QString eventsOf(const Run& run)
{
    QStringList parts;
    for (const RunEvent& e : run.events) {
        QString text = QStringLiteral("%1@%2 step %3")
                           .arg(RunEvent::kindName(e.kind))
                           .arg(e.record)
                           .arg(number(e.step));
        if (!e.type.isEmpty() || !e.message.isEmpty())
            text += QStringLiteral(" %1: %2").arg(e.type, e.message);
        parts << text;
    }
    return parts.join(QLatin1String("; "));
}

QString tagsOf(const Run& run)
{
    QStringList parts;
    for (qsizetype i = 0; i < run.tags.size(); ++i)
        parts << QStringLiteral("%1=%2").arg(run.tags[i]).arg(run.tagCounts[std::size_t(i)]);
    return parts.join(QLatin1Char(' '));
}

// Everything a builder holds, as text: two builders are equal when their dumps are.
QString dump(const RunBuilder& builder)
{
    QString out;
    for (int i = 0; i < builder.runCount(); ++i) {
        const Run& run = builder.run(i);
        out += QStringLiteral("run %1 / %2 / %3 info %4\n")
                   .arg(run.id, run.displayName, run.sourcePath,
                       QStringList(run.info.keys()).join(','));
        for (std::uint32_t r = 0; r < run.records.size(); ++r)
            out += QStringLiteral("  rec %1 %2 %3 @%4 tag %5\n")
                       .arg(number(run.records.time(r)), number(run.records.step(r)),
                           number(run.records.epoch(r)))
                       .arg(run.records.offset(r))
                       .arg(run.records.tag(r));
        out += QStringLiteral("  tags %1\n").arg(tagsOf(run));
        for (const Series& s : run.series)
            out += QStringLiteral("  series %1: %2\n")
                       .arg(s.key(), seriesPoints(run, s.key(), viewer::XAxisMode::Sequence));
        out += QStringLiteral("  events %1\n").arg(eventsOf(run));
        for (const viewer::MalformedLine& m : run.malformed)
            out += QStringLiteral("  malformed %1@%2 %3\n").arg(m.line).arg(m.offset).arg(m.reason);
        out += QStringLiteral("  malformed count %1\n").arg(run.malformedCount);
        for (const viewer::MalformedCount& c : run.malformedByReason)
            out += QStringLiteral("  malformed %1: %2\n").arg(c.reason).arg(c.count);
        for (const Series& s : run.series)
            out += QStringLiteral("  nulls %1: %2\n").arg(s.key()).arg(s.nullCount());
        out += QStringLiteral("  blank %1 skipped %2 dropped %3 warnings %4\n")
                   .arg(run.blankLines)
                   .arg(run.skippedValues)
                   .arg(run.droppedPoints)
                   .arg(run.warnings.join('|'));
    }
    return out;
}

QByteArray pythonSample()
{
    QFile file(QFINDTESTDATA("../data/python_logger_sample.jsonl"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("python_logger_sample.jsonl not found");
    return file.readAll();
}

} // namespace

class TestRunBuilder : public QObject
{
    Q_OBJECT

private slots:
    void pythonLoggerFile();
    void runsSplitAtRunBegin();
    void malformedBeforeRunBeginJoinsIt();
    void repeatedRunId();
    void runsSplitWhenEpochsStartOver_data();
    void runsSplitWhenEpochsStartOver();
    void restarts_data();
    void restarts();
    void flatLog_data();
    void flatLog();
    void xFallbacks();
    void stepDuration();
    void recordsPerSecond();
    void nullMakesGapsOnlyInNumericSeries();
    void nullGapNextToRestartAndNaN();
    void keysAreData();
    void garbageIsCountedNotKept();
    void keyChangingType();
    void staticFieldsAreNotSeries();
    void limits();
    void appendSummary();
    void blankLinesBeforeFirstRun();
    void addMalformedAndReset();
    void discardedRunDropsWhatKeepsArriving_data();
    void discardedRunDropsWhatKeepsArriving();
    void chunkBoundariesDoNotMatter();
    void stdinName();
    void arbitraryByteSplitsGiveTheSameRuns();
    void seedFormatFileLoadsFully();
    void hundredThousandKeysAreCapped();
};

void TestRunBuilder::pythonLoggerFile()
{
    const auto builder = build(pythonSample(), QStringLiteral("/tmp/x/python_logger_sample.jsonl"));
    QCOMPARE(builder->runCount(), 1);
    const Run& run = builder->run(0);
    QCOMPARE(run.id, QStringLiteral("python_logger_sample.jsonl"));
    QCOMPARE(run.displayName, QStringLiteral("python_logger_sample"));
    QCOMPARE(run.sourcePath, QStringLiteral("/tmp/x/python_logger_sample.jsonl"));
    QCOMPARE(run.records.size(), std::size_t(25));
    QCOMPARE(
        tagsOf(run), QStringLiteral("epoch_begin=2 step_begin=10 step_end=10 epoch_end=2 error=1"));
    QCOMPARE(run.malformed.size(), std::size_t(0));
    QCOMPARE(run.skippedValues, std::uint64_t(30));

    const Series& loss = run.series[std::size_t(run.findSeries("step_end/loss"))];
    QCOMPARE(loss.size(), std::size_t(10));
    QCOMPARE(loss.nanCount(), std::size_t(1));
    QCOMPARE(loss.nonFinite(), std::vector<std::uint32_t>({ 3 }));
    const Series& grad = run.series[std::size_t(run.findSeries("step_end/metrics/grad_norm"))];
    QCOMPARE(grad.posInfCount(), std::size_t(1));
    QCOMPARE(grad.negInfCount(), std::size_t(1));
    QVERIFY(run.findSeries(QStringLiteral("step_end/pr\u00e9cision")) >= 0);
    QVERIFY(run.findSeries("step_end/loss_before/total") >= 0);
    QVERIFY(run.findSeries("step_end/note") < 0);
    // epoch_end sits at the step where the epoch ended.
    QCOMPARE(seriesPoints(run, "epoch_end/val_loss"), QStringLiteral("4:1 9:0.5"));
    // Fractional epoch: epoch_end sits at its epoch's last step, (4 - 0) / 5 and 1 + (9 - 4) / 6
    // of the way (epoch 1's epoch_begin is at step 4, the last step seen).
    QCOMPARE(seriesPoints(run, "epoch_end/val_loss", viewer::XAxisMode::Epoch),
        QStringLiteral("0.80000000000000004:1 1.8333333333333335:0.5"));
    QCOMPARE(eventsOf(run),
        QStringLiteral("epoch_begin@0 step 0; epoch_end@11 step 4; epoch_begin@12 step 4; "
                       "error@19 step 7 RuntimeError: CUDA out of memory \u2013 tried 2.00 GiB; "
                       "epoch_end@24 step 9"));
    // Each step_end comes 0.25 s after its step_begin.
    QCOMPARE(seriesPoints(run, "derived/step_duration"),
        QStringLiteral("0:0.25 1:0.25 2:0.25 3:0.25 4:0.25 5:0.25 6:0.25 7:0.25 8:0.25 9:0.25"));
    // 4 records per second (the first second has 3, the last is not complete yet).
    QCOMPARE(seriesPoints(run, "derived/records_per_second", viewer::XAxisMode::Sequence),
        QStringLiteral("2:3 6:4 10:4 14:4 18:4 22:4"));
}

void TestRunBuilder::runsSplitAtRunBegin()
{
    const QByteArray text = R"({"ts":1,"tag":"run_begin","run":"r1","host":"a","rank":0}
{"ts":2,"tag":"step_end","step":0,"context":{"loss":1}}
{"ts":3,"tag":"step_end","step":1,"context":{"loss":2}}
{"ts":4,"tag":"run_begin","run":"r2","host":"b"}
{"ts":5,"tag":"step_end","step":0,"context":{"loss":3}}
)";
    const auto builder = build(text, QStringLiteral("dir/train.jsonl"));
    QCOMPARE(builder->runCount(), 2);
    const Run& r1 = builder->run(0);
    const Run& r2 = builder->run(1);
    QCOMPARE(r1.id, QStringLiteral("r1"));
    QCOMPARE(r1.displayName, QStringLiteral("r1")); // issue 12: named by run_begin's id
    QCOMPARE(r1.info.value("host").toString(), QStringLiteral("a"));
    QCOMPARE(r2.id, QStringLiteral("r2"));
    QCOMPARE(r2.displayName, QStringLiteral("r2"));
    QCOMPARE(r2.info.value("host").toString(), QStringLiteral("b"));
    QCOMPARE(r1.records.size(), std::size_t(3));
    QCOMPARE(r2.records.size(), std::size_t(2));
    QCOMPARE(seriesPoints(r1, "step_end/loss"), QStringLiteral("0:1 1:2"));
    QCOMPARE(seriesPoints(r2, "step_end/loss"), QStringLiteral("0:3"));
    QCOMPARE(eventsOf(r2), QString()); // a new run is not a restart
    QCOMPARE(r2.records.offset(0), std::uint64_t(text.indexOf(R"({"ts":4)")));
}

void TestRunBuilder::malformedBeforeRunBeginJoinsIt()
{
    const auto builder = build("garbage\n\n{\"ts\":1,\"tag\":\"run_begin\",\"run\":\"r1\"}\n"
                               "oops\n{\"ts\":2,\"tag\":\"run_begin\",\"run\":\"r2\"}\n");
    QCOMPARE(builder->runCount(), 2);
    QCOMPARE(builder->run(0).id, QStringLiteral("r1"));
    QCOMPARE(builder->run(0).malformed.size(), std::size_t(2)); // lines 1 and 4
    QCOMPARE(builder->run(0).malformed[1].line, std::uint64_t(4));
    QCOMPARE(builder->run(0).blankLines, std::uint64_t(1));
    QCOMPARE(builder->run(1).malformed.size(), std::size_t(0));
}

void TestRunBuilder::repeatedRunId()
{
    const auto builder = build("{\"tag\":\"run_begin\",\"run\":\"same\"}\n{\"tag\":\"a\"}\n"
                               "{\"tag\":\"run_begin\",\"run\":\"same\"}\n{\"tag\":\"a\"}\n");
    QCOMPARE(builder->runCount(), 2);
    QCOMPARE(builder->run(0).id, QStringLiteral("same"));
    QCOMPARE(builder->run(1).id, QStringLiteral("same #2"));
    QCOMPARE(builder->run(1).displayName, QStringLiteral("same #2"));
}

void TestRunBuilder::runsSplitWhenEpochsStartOver_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QStringList>("records"); // per run: record count

    // V15: a rerun appended to the same file without any marker.
    QTest::newRow("python file twice")
        << pythonSample() + pythonSample() << QStringList({ "25", "25" });
    QTest::newRow("single-epoch rerun")
        << QByteArray("{\"tag\":\"epoch_begin\",\"epoch\":0}\n{\"tag\":\"epoch_end\",\"epoch\":0}\n"
                      "{\"tag\":\"epoch_begin\",\"epoch\":0}\n")
        << QStringList({ "2", "1" });
    QTest::newRow("resume of epoch 1 is the same run") << QByteArray(
        "{\"tag\":\"epoch_begin\",\"epoch\":0}\n{\"tag\":\"epoch_end\",\"epoch\":0}\n"
        "{\"tag\":\"epoch_begin\",\"epoch\":1}\n{\"tag\":\"epoch_begin\",\"epoch\":1}\n")
                                                       << QStringList({ "4" });
    QTest::newRow("crash in epoch 0, rerun") << QByteArray(
        "{\"tag\":\"epoch_begin\",\"epoch\":0}\n{\"tag\":\"epoch_begin\",\"epoch\":0}\n")
                                             << QStringList({ "2" });
    QTest::newRow("three runs") << QByteArray(
        "{\"tag\":\"epoch_begin\",\"epoch\":1}\n{\"tag\":\"epoch_begin\",\"epoch\":2}\n"
        "{\"tag\":\"epoch_begin\",\"epoch\":1}\n{\"tag\":\"epoch_begin\",\"epoch\":2}\n"
        "{\"tag\":\"epoch_begin\",\"epoch\":0}\n")
                                << QStringList({ "2", "2", "1" });
    QTest::newRow("no split inside a run_begin run") << QByteArray(
        "{\"tag\":\"run_begin\",\"run\":\"r\"}\n{\"tag\":\"epoch_begin\",\"epoch\":0}\n"
        "{\"tag\":\"epoch_begin\",\"epoch\":1}\n{\"tag\":\"epoch_begin\",\"epoch\":0}\n")
                                                     << QStringList({ "4" });
}

void TestRunBuilder::runsSplitWhenEpochsStartOver()
{
    QFETCH(QByteArray, text);
    QFETCH(QStringList, records);
    const auto builder = build(text, QStringLiteral("log.jsonl"));
    QStringList actual;
    for (int i = 0; i < builder->runCount(); ++i)
        actual << QString::number(builder->run(i).records.size());
    QCOMPARE(actual, records);
    if (builder->runCount() > 1) {
        QCOMPARE(builder->run(1).id, QStringLiteral("log.jsonl #2"));
        QCOMPARE(builder->run(1).displayName, QStringLiteral("log #2"));
        QCOMPARE(eventsOf(builder->run(1)).contains("restart"), false);
    }
}

void TestRunBuilder::restarts_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("loss"); // step:value, "|" where a segment starts
    QTest::addColumn<QString>("restarts");

    QTest::newRow("resume from a checkpoint")
        << QByteArray(R"({"tag":"step_end","step":0,"context":{"loss":5}}
{"tag":"step_end","step":1,"context":{"loss":4}}
{"tag":"step_end","step":2,"context":{"loss":3}}
{"tag":"step_begin","step":1}
{"tag":"step_end","step":1,"context":{"loss":3.5}}
{"tag":"step_end","step":2,"context":{"loss":2.5}}
)") << "0:5 1:4 2:3 | 1:3.5 2:2.5"
        << "restart@3 step 1 : step went back from 2 to 1";
    QTest::newRow("steps counted per epoch") << QByteArray(R"({"tag":"epoch_begin","epoch":0}
{"tag":"step_end","step":0,"context":{"loss":5}}
{"tag":"step_end","step":1,"context":{"loss":4}}
{"tag":"epoch_end","epoch":0,"context":{"val":1}}
{"tag":"epoch_begin","epoch":1}
{"tag":"step_end","step":0,"context":{"loss":3}}
{"tag":"step_end","step":1,"context":{"loss":2}}
)") << "0:5 1:4 | 0:3 1:2"
                                             << "";
    QTest::newRow("epoch resumed") << QByteArray(R"({"tag":"epoch_begin","epoch":0}
{"tag":"step_end","step":0,"context":{"loss":5}}
{"tag":"epoch_begin","epoch":1}
{"tag":"step_end","step":1,"context":{"loss":4}}
{"tag":"step_end","step":2,"context":{"loss":3}}
{"tag":"epoch_begin","epoch":1}
{"tag":"step_end","step":1,"context":{"loss":3.5}}
)") << "0:5 1:4 2:3 | 1:3.5"
                                   << "restart@6 step 1 : step went back from 2 to 1";
    QTest::newRow("passes repeated over the same steps: one restart, every pass a segment")
        << QByteArray(R"({"tag":"epoch_begin","epoch":0}
{"tag":"step_end","step":0,"context":{"loss":5}}
{"tag":"step_end","step":1,"context":{"loss":4}}
{"tag":"step_end","step":0,"context":{"loss":4.5}}
{"tag":"step_end","step":1,"context":{"loss":3.5}}
{"tag":"step_end","step":0,"context":{"loss":4.25}}
{"tag":"epoch_begin","epoch":1}
{"tag":"step_end","step":0,"context":{"loss":3}}
{"tag":"step_end","step":1,"context":{"loss":2}}
{"tag":"step_end","step":0,"context":{"loss":2.5}}
{"tag":"step_end","step":1,"context":{"loss":1.5}}
{"tag":"step_end","step":1,"context":{"loss":1.25}}
{"tag":"step_end","step":0,"context":{"loss":1}}
)") << "0:5 1:4 | 0:4.5 1:3.5 | 0:4.25 0:3 1:2 | 0:2.5 1:1.5 1:1.25 | 0:1"
        << "restart@3 step 0 : step went back from 1 to 0";
    QTest::newRow("resumed twice from different checkpoints: two restarts")
        << QByteArray(R"({"tag":"step_end","step":5,"context":{"loss":5}}
{"tag":"step_end","step":6,"context":{"loss":4}}
{"tag":"step_end","step":5,"context":{"loss":3}}
{"tag":"step_end","step":6,"context":{"loss":2}}
{"tag":"step_end","step":7,"context":{"loss":1}}
{"tag":"step_end","step":6,"context":{"loss":0.5}}
)") << "5:5 6:4 | 5:3 6:2 7:1 | 6:0.5"
        << "restart@2 step 5 : step went back from 6 to 5; restart@5 step 6 : step went back from "
           "7 to 6";
    QTest::newRow("same step repeated is not a restart")
        << QByteArray(R"({"tag":"step_end","step":3,"context":{"loss":5}}
{"tag":"step_end","step":3,"context":{"loss":4}}
)") << "3:5 3:4"
        << "";
}

void TestRunBuilder::restarts()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, loss);
    QFETCH(QString, restarts);
    const auto builder = build(text);
    QCOMPARE(builder->runCount(), 1);
    const Run& run = builder->run(0);
    QCOMPARE(seriesPoints(run, "step_end/loss"), loss);
    QStringList events;
    for (const RunEvent& e : run.events) {
        if (e.kind == RunEvent::Kind::Restart)
            events << QStringLiteral("restart@%1 step %2 : %3")
                          .arg(e.record)
                          .arg(number(e.step), e.message);
    }
    QCOMPARE(events.join("; "), restarts);
}

void TestRunBuilder::flatLog_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("loss");
    QTest::addColumn<int>("restarts");

    QTest::newRow("step") << QByteArray(
        "{\"step\": 10, \"loss\": 1}\n{\"step\": 20, \"loss\": 0.5}\n")
                          << "10:1 20:0.5" << 0;
    QTest::newRow("no step-like field: the record index")
        << QByteArray("{\"loss\": 1}\n{\"loss\": 0.5}\n{\"loss\": 0.25}\n") << "0:1 1:0.5 2:0.25"
        << 0;
    QTest::newRow("global_step") << QByteArray(
        "{\"global_step\": 5, \"loss\": 1}\n{\"global_step\": 6, \"loss\": 2}\n")
                                 << "5:1 6:2" << 0;
    QTest::newRow("steps per epoch") << QByteArray(
        "{\"epoch\": 0, \"step\": 0, \"loss\": 1}\n{\"epoch\": 0, \"step\": 1, \"loss\": 2}\n"
        "{\"epoch\": 1, \"step\": 0, \"loss\": 3}\n")
                                     << "0:1 1:2 | 0:3" << 0;
    QTest::newRow("resumed") << QByteArray(
        "{\"step\": 0, \"loss\": 1}\n{\"step\": 1, \"loss\": 2}\n{\"step\": 0, \"loss\": 3}\n")
                             << "0:1 1:2 | 0:3" << 1;
}

void TestRunBuilder::flatLog()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, loss);
    QFETCH(int, restarts);
    const auto builder = build(text);
    QCOMPARE(builder->runCount(), 1);
    const Run& run = builder->run(0);
    QCOMPARE(run.tags, QStringList({ "metrics" }));
    QCOMPARE(seriesPoints(run, "metrics/loss"), loss);
    QVERIFY(run.findSeries("metrics/step") < 0);
    QVERIFY(run.findSeries("metrics/epoch") < 0);
    QCOMPARE(int(std::count_if(run.events.begin(), run.events.end(),
                 [](const RunEvent& e) { return e.kind == RunEvent::Kind::Restart; })),
        restarts);
}

void TestRunBuilder::xFallbacks()
{
    const auto builder = build(R"({"ts":10,"tag":"epoch_begin","epoch":3}
{"ts":11,"tag":"step_end","step":7,"context":{"loss":1}}
{"tag":"eval","bleu":2}
{"ts":"late","tag":"epoch_end","epoch":3,"context":{"val":4}}
{"ts":9,"tag":"eval","bleu":3}
)");
    const Run& run = builder->run(0);
    QCOMPARE(run.records.size(), std::size_t(5));
    // A record without ts takes the previous time; a clock going back holds still.
    QCOMPARE(run.records.time(2), 11.0);
    QCOMPARE(run.records.time(3), 11.0);
    QCOMPARE(run.records.time(4), 11.0);
    // Without step, the last step seen; epoch carries over.
    QCOMPARE(seriesPoints(run, "eval/bleu"), QStringLiteral("7:2 7:3"));
    QCOMPARE(seriesPoints(run, "epoch_end/val"), QStringLiteral("7:4"));
    // Fractional epoch: epoch 3 holds steps 0 (its epoch_begin, before any step) to 7.
    QCOMPARE(
        seriesPoints(run, "step_end/loss", viewer::XAxisMode::Epoch), QStringLiteral("3.875:1"));
    QCOMPARE(
        seriesPoints(run, "step_end/loss", viewer::XAxisMode::Relative), QStringLiteral("1:1"));
    // Before the first step x is 0, where training starts (a point there is drawn, not lost).
    QCOMPARE(run.records.step(0), 0.0);
}

void TestRunBuilder::stepDuration()
{
    const auto builder = build(R"({"ts":10.0,"tag":"step_begin","step":1}
{"ts":10.5,"tag":"step_end","step":1}
{"ts":11.0,"tag":"step_begin","step":2}
{"ts":11.1,"tag":"step_end","step":3}
{"tag":"step_begin","step":4}
{"ts":12.0,"tag":"step_end","step":4}
{"ts":12.0,"tag":"step_end","step":4}
{"ts":13.0,"tag":"step_begin","step":5}
{"ts":14.25,"tag":"step_end","step":5}
)");
    // Only matching pairs with both times: steps 1 and 5.
    QCOMPARE(
        seriesPoints(builder->run(0), "derived/step_duration"), QStringLiteral("1:0.5 5:1.25"));
}

void TestRunBuilder::recordsPerSecond()
{
    const auto builder = build(R"({"ts":100.1,"tag":"a"}
{"ts":100.2,"tag":"a"}
{"ts":100.9,"tag":"a"}
{"tag":"a"}
{"ts":101.5,"tag":"a"}
{"ts":104.2,"tag":"a"}
{"ts":104.3,"tag":"a"}
{"ts":105.0,"tag":"a"}
)");
    // Second 100: 4 records (one without ts); 101: 1; 102-103: silence; 104: 2; 105 not over yet.
    QCOMPARE(
        seriesPoints(builder->run(0), "derived/records_per_second", viewer::XAxisMode::Sequence),
        QStringLiteral("3:4 4:1 5:0 6:2"));
}

void TestRunBuilder::nullMakesGapsOnlyInNumericSeries()
{
    const auto builder = build(R"({"tag":"t","step":0,"context":{"a":null,"b":null}}
{"tag":"t","step":1,"context":{"a":1,"b":null}}
{"tag":"t","step":2,"context":{"a":null}}
{"tag":"t","step":3,"context":{"a":2}}
)",
        "n.jsonl");
    const Run& run = builder->run(0);
    // Issue 11 item 9: a null is a gap (the line breaks there), not a NaN point or marker.
    QCOMPARE(seriesPoints(run, "t/a"), QStringLiteral("1:1 | 3:2"));
    const Series& a = run.series[std::size_t(run.findSeries("t/a"))];
    QCOMPARE(a.nullCount(), std::size_t(1));
    QCOMPARE(a.nanCount(), std::size_t(0));
    QVERIFY(a.nonFinite().empty());
    QVERIFY(run.findSeries("t/b") < 0);
    QCOMPARE(run.skippedValues, std::uint64_t(3));
}

void TestRunBuilder::nullGapNextToRestartAndNaN()
{
    // Several nulls make one break; a null and a restart at the same point too; a NaN stays a
    // NaN point (a marker) and is counted apart from nulls.
    const auto builder = build(R"({"tag":"t","step":0,"context":{"a":1}}
{"tag":"t","step":1,"context":{"a":null}}
{"tag":"t","step":2,"context":{"a":null}}
{"tag":"t","step":3,"context":{"a":NaN}}
{"tag":"t","step":4,"context":{"a":null}}
{"tag":"t","step":0,"context":{"a":5}}
{"tag":"t","step":1,"context":{"a":null}}
)");
    const Run& run = builder->run(0);
    QCOMPARE(seriesPoints(run, "t/a"), QStringLiteral("0:1 | 3:nan | 0:5"));
    const Series& a = run.series[std::size_t(run.findSeries("t/a"))];
    QCOMPARE(a.nullCount(), std::size_t(4));
    QCOMPARE(a.nanCount(), std::size_t(1));
}

void TestRunBuilder::keysAreData()
{
    // Issue 11 item 10: a '/' inside a key or a tag is not a group separator.
    const auto builder = build(R"({"tag":"step_end","step":1,"context":{"a/b":1,"a":{"b":2}}}
{"tag":"step_end/x","step":1,"context":{"y":3}}
{"tag":"step_end","step":1,"context":{"x":{"y":4},"metrics":{"acc":5}}}
{"tag":"eval","step":1,"p/q":6,"p":{"q":7}}
)");
    const Run& run = builder->run(0);
    QStringList keys;
    for (const Series& s : run.series) {
        if (s.tag() != QLatin1String("derived"))
            keys << s.key() + QLatin1Char('=') + number(s.values().at(0));
    }
    QCOMPARE(keys,
        QStringList({ "step_end/a\\/b=1", "step_end/a/b=2", "step_end\\/x/y=3", "step_end/x/y=4",
            "step_end/metrics/acc=5", "eval/p\\/q=6", "eval/p/q=7" }));
    const Series& tagged = run.series[std::size_t(run.findSeries("step_end\\/x/y"))];
    QCOMPARE(tagged.tag(), QStringLiteral("step_end/x"));
    QCOMPARE(tagged.path(), QStringLiteral("y"));
    QCOMPARE(
        Series::splitPath(QStringLiteral("a\\/b/c\\\\/d")), QStringList({ "a\\/b", "c\\\\", "d" }));
    QCOMPARE(Series::unescapeSegment(QStringLiteral("a\\/b\\\\")), QStringLiteral("a/b\\"));
    QCOMPARE(Series::escapeSegment(QStringLiteral("a/b\\")), QStringLiteral("a\\/b\\\\"));
}

void TestRunBuilder::garbageIsCountedNotKept()
{
    // Issue 11 item 4: 100,000 lines of garbage keep the first Run::MaxListedMalformed lines
    // with their reasons, and count every line by reason, exactly, however the file is cut.
    constexpr int Lines = 100000;
    QByteArray text;
    QList<qsizetype> cuts;
    for (int i = 0; i < Lines; ++i) {
        if (i == 50000)
            text += R"({"tag":"t","step":1,"context":{"a":1}})"
                    "\n";
        switch (i % 3) {
        case 0:
            text += "x\n";
            break;
        case 1:
            text += "[1]\n";
            break;
        default:
            text += R"({"a":)" + QByteArray(1 + i % 4, '1') + "}z\n"; // the column varies
            break;
        }
        if (i % 30011 == 30010)
            cuts << text.size();
    }
    RunBuilder builder(QStringLiteral("garbage.jsonl"));
    feed(builder, text, cuts);
    QCOMPARE(builder.runCount(), 1);
    const Run& run = builder.run(0);
    QCOMPARE(run.records.size(), std::size_t(1));
    QCOMPARE(run.malformedCount, std::uint64_t(Lines));
    QCOMPARE(run.malformed.size(), Run::MaxListedMalformed);
    QCOMPARE(run.malformed.front().line, std::uint64_t(1));
    QCOMPARE(run.malformed.back().line, std::uint64_t(Run::MaxListedMalformed));
    QCOMPARE(
        run.malformed[2].reason, QStringLiteral("not JSON: text after the object at column 10"));
    QStringList counts;
    for (const viewer::MalformedCount& c : run.malformedByReason)
        counts << QStringLiteral("%1: %2").arg(c.reason).arg(c.count);
    QCOMPARE(counts,
        QStringList({ "not JSON: expected a value: 33334", "not a JSON object (an array): 33333",
            "not JSON: text after the object: 33333" }));
    QCOMPARE(builder.linesSeen(), std::uint64_t(Lines + 1));
}

void TestRunBuilder::keyChangingType()
{
    // V16: the same key is a number, then a string, an object, a boolean, a number again.
    const auto builder = build(R"({"tag":"t","step":0,"context":{"a":1}}
{"tag":"t","step":1,"context":{"a":"high"}}
{"tag":"t","step":2,"context":{"a":{"b":2}}}
{"tag":"t","step":3,"context":{"a":true}}
{"tag":"t","step":4,"context":{"a":3}}
)");
    const Run& run = builder->run(0);
    QCOMPARE(seriesPoints(run, "t/a"), QStringLiteral("0:1 4:3"));
    QCOMPARE(seriesPoints(run, "t/a/b"), QStringLiteral("2:2"));
    QCOMPARE(run.skippedValues, std::uint64_t(2));
}

void TestRunBuilder::staticFieldsAreNotSeries()
{
    const auto builder = build(R"({"tag":"run_begin","run":"r","rank":3,"host":"h"}
{"tag":"eval","step":1,"bleu":2,"rank":3}
{"tag":"step_end","step":1,"rank":3,"context":{"loss":1,"rank":3}}
)");
    const Run& run = builder->run(0);
    QStringList keys;
    for (const Series& s : run.series)
        keys << s.key();
    // "rank" inside context is a metric; at the top level it is the run's static field.
    QCOMPARE(keys, QStringList({ "eval/bleu", "step_end/loss", "step_end/rank" }));
    QCOMPARE(run.droppedPoints, std::uint64_t(0));
}

void TestRunBuilder::limits()
{
    RunBuilder builder(QStringLiteral("l.jsonl"));
    builder.setLimits(2, 2);
    feed(builder, R"({"tag":"a","x":1,"y":2,"z":3}
{"tag":"a","x":1,"y":2,"z":3}
{"tag":"b","w":1}
{"tag":"c","v":1}
{"tag":"d","v":1}
)",
        { 30 });
    const Run& run = builder.run(0);
    QCOMPARE(run.series.size(), std::size_t(2));
    QCOMPARE(run.tags, QStringList({ "a", "b" }));
    QCOMPARE(run.records.size(), std::size_t(5));
    QCOMPARE(run.records.tag(3), viewer::RecordTable::NoTag);
    QCOMPARE(run.droppedPoints, std::uint64_t(2 + 1 + 1 + 1)); // z twice, b/w, c/v, d/v
    QCOMPARE(run.warnings,
        QStringList({ "more than 2 series: the others are not plotted",
            "more than 2 tags: records of the others are kept without their points" }));
}

void TestRunBuilder::appendSummary()
{
    RunBuilder builder(QStringLiteral("s.jsonl"));
    ChunkParser parser;
    const QByteArray first = R"({"ts":1,"tag":"step_end","step":0,"context":{"loss":1,"acc":0.5}}
{"ts":2,"tag":"step_end","step":1,"context":{"loss":2}}
)";
    const QByteArray second = R"({"ts":3,"tag":"step_end","step":2,"context":{"acc":0.7,"lr":1}}
{"ts":4,"tag":"error","type":"E","message":"m"}
oops
{"ts":5,"tag":"run_begin","run":"r2"}
{"ts":6,"tag":"x","v":1}
)";
    AppendSummary a =
        builder.append(parser.parse(first.constData(), std::size_t(first.size()), 0, 1));
    QCOMPARE(a.runs.size(), std::size_t(1));
    QCOMPARE(a.runs[0].added, true);
    QCOMPARE(a.runs[0].firstRecord, std::uint32_t(0));
    QCOMPARE(a.records, std::uint64_t(2));
    QCOMPARE(a.points, std::uint64_t(4)); // loss, acc, loss, and records_per_second for second 1
    QCOMPARE(a.runs[0].series.size(), std::size_t(3));

    AppendSummary b = builder.append(parser.parse(
        second.constData(), std::size_t(second.size()), std::uint64_t(first.size()), 3));
    QCOMPARE(b.runs.size(), std::size_t(2));
    const AppendSummary::RunChange& c0 = b.runs[0];
    QCOMPARE(c0.run, 0);
    QCOMPARE(c0.added, false);
    QCOMPARE(c0.firstRecord, std::uint32_t(2));
    QCOMPARE(c0.firstTag, 1); // "error" is new
    QCOMPARE(c0.firstSeries, 3); // loss, acc, derived/records_per_second were there; lr is new
    QCOMPARE(c0.firstEvent, std::size_t(0));
    QCOMPARE(c0.firstMalformed, std::size_t(0));
    const Run& run0 = builder.run(0);
    QCOMPARE(run0.malformed.size(), std::size_t(1));
    QCOMPARE(run0.malformed[0].line, std::uint64_t(5));
    QCOMPARE(run0.events.size(), std::size_t(1));
    // acc and records_per_second from their point 1, lr from 0; loss got nothing.
    QCOMPARE(c0.series.size(), std::size_t(3));
    QCOMPARE(c0.series[0].series, 1);
    QCOMPARE(c0.series[0].firstPoint, std::size_t(1));
    QCOMPARE(c0.series[1].series, 2);
    QCOMPARE(c0.series[1].firstPoint, std::size_t(1));
    QCOMPARE(run0.series[2].key(), QStringLiteral("derived/records_per_second"));
    QCOMPARE(c0.series[2].series, 3);
    QCOMPARE(c0.series[2].firstPoint, std::size_t(0));
    const AppendSummary::RunChange& c1 = b.runs[1];
    QCOMPARE(c1.run, 1);
    QCOMPARE(c1.added, true);
    QCOMPARE(c1.infoChanged, true);
    QCOMPARE(builder.run(1).id, QStringLiteral("r2"));
    QCOMPARE(b.malformed, std::uint64_t(1));
    QCOMPARE(b.records, std::uint64_t(4));
    QCOMPARE(builder.linesSeen(), std::uint64_t(7));
}

void TestRunBuilder::blankLinesBeforeFirstRun()
{
    RunBuilder builder(QStringLiteral("b.jsonl"));
    feed(builder, "\n  \n");
    QCOMPARE(builder.runCount(), 0); // V1: no data, no error
    QCOMPARE(builder.pendingBlankLines(), std::uint64_t(2));
    feed(builder, "{\"tag\":\"a\"}\n\n");
    QCOMPARE(builder.runCount(), 1);
    QCOMPARE(builder.run(0).blankLines, std::uint64_t(3));
    QCOMPARE(builder.pendingBlankLines(), std::uint64_t(0));
}

void TestRunBuilder::addMalformedAndReset()
{
    RunBuilder builder(QStringLiteral("m.jsonl"));
    const AppendSummary s = builder.addMalformed(1, 0, QStringLiteral("line longer than 16 MiB"));
    QCOMPARE(s.malformed, std::uint64_t(1));
    QCOMPARE(builder.runCount(), 1);
    QCOMPARE(builder.run(0).malformed[0].reason, QStringLiteral("line longer than 16 MiB"));
    feed(builder, "{\"tag\":\"a\",\"v\":1}\n");
    QCOMPARE(builder.run(0).records.size(), std::size_t(1));
    QCOMPARE(builder.run(0).records.offset(0), std::uint64_t(0));

    builder.reset();
    QCOMPARE(builder.runCount(), 0);
    QCOMPARE(builder.linesSeen(), std::uint64_t(0));
    feed(builder, "{\"tag\":\"a\",\"v\":2}\n");
    QCOMPARE(builder.runCount(), 1);
    QCOMPARE(builder.run(0).id, QStringLiteral("m.jsonl"));
    QCOMPARE(
        seriesPoints(builder.run(0), "a/v", viewer::XAxisMode::Sequence), QStringLiteral("0:2"));
}

void TestRunBuilder::discardedRunDropsWhatKeepsArriving_data()
{
    QTest::addColumn<QByteArray>("before");
    QTest::addColumn<int>("discard");
    QTest::addColumn<QByteArray>("after");
    QTest::addColumn<QStringList>("records"); // per run after `after`
    QTest::addColumn<QStringList>("ids");
    QTest::addColumn<int>("discarded"); // records `after` brought to the closed run

    const QByteArray twoRuns =
        "{\"tag\":\"run_begin\",\"run\":\"r1\"}\n{\"tag\":\"s\",\"step\":0}\n"
        "{\"tag\":\"run_begin\",\"run\":\"r2\"}\n{\"tag\":\"s\",\"step\":0}\n";
    QTest::newRow("run_begin: the growing run")
        << twoRuns << 1
        << QByteArray("{\"tag\":\"s\",\"step\":1}\noops\n\n{\"tag\":\"s\",\"step\":2}\n"
                      "{\"tag\":\"run_begin\",\"run\":\"r3\"}\n{\"tag\":\"s\",\"step\":0}\n")
        << QStringList({ "2", "0", "2" }) << QStringList({ "r1", "r2", "r3" }) << 2;
    QTest::newRow("run_begin: an earlier run")
        << twoRuns << 0 << QByteArray("{\"tag\":\"s\",\"step\":1}\n") << QStringList({ "0", "3" })
        << QStringList({ "r1", "r2" }) << 0;
    // The epoch rule needs the closed run's epochs, those after the close included: closed
    // when only epoch 0 had begun, the run is known to be over only from the second epoch 0.
    QTest::newRow("epoch rule")
        << QByteArray("{\"tag\":\"epoch_begin\",\"epoch\":0}\n{\"tag\":\"s\",\"step\":0}\n") << 0
        << QByteArray("{\"tag\":\"epoch_end\",\"epoch\":0}\n{\"tag\":\"epoch_begin\",\"epoch\":1}\n"
                      "{\"tag\":\"epoch_begin\",\"epoch\":0}\n{\"tag\":\"s\",\"step\":0}\n")
        << QStringList({ "0", "2" }) << QStringList({ "log.jsonl", "log.jsonl #2" }) << 2;
}

// Workspace::closeRun: the user closed a run of a file that may still be appending to it.
void TestRunBuilder::discardedRunDropsWhatKeepsArriving()
{
    QFETCH(QByteArray, before);
    QFETCH(int, discard);
    QFETCH(QByteArray, after);
    QFETCH(QStringList, records);
    QFETCH(QStringList, ids);
    QFETCH(int, discarded);
    RunBuilder builder(QStringLiteral("log.jsonl"));
    feed(builder, before);
    const QString name = builder.run(discard).displayName;
    builder.discardRun(discard);
    QCOMPARE(builder.run(discard).records.size(), std::size_t(0));
    QCOMPARE(builder.run(discard).series.size(), std::size_t(0));
    QCOMPARE(builder.run(discard).displayName, name);

    ChunkParser parser;
    const AppendSummary summary =
        builder.append(parser.parse(after.constData(), static_cast<std::size_t>(after.size()),
            static_cast<std::uint64_t>(before.size()), builder.linesSeen() + 1));
    QCOMPARE(summary.discarded, std::uint64_t(discarded));
    for (const AppendSummary::RunChange& change : summary.runs)
        QVERIFY2(change.run != discard, "nothing is announced for a closed run");
    QStringList actualRecords;
    QStringList actualIds;
    for (int i = 0; i < builder.runCount(); ++i) {
        actualRecords << QString::number(builder.run(i).records.size());
        actualIds << builder.run(i).id;
    }
    QCOMPARE(actualRecords, records);
    QCOMPARE(actualIds, ids);
    const Run& closed = builder.run(discard);
    QCOMPARE(closed.malformed.size(), std::size_t(0));
    QCOMPARE(closed.blankLines, std::uint64_t(0));
    QCOMPARE(closed.events.size(), std::size_t(0));
}

void TestRunBuilder::chunkBoundariesDoNotMatter()
{
    // The same file parsed as one chunk, one chunk per line, or random pieces gives the same runs.
    QByteArray text = pythonSample();
    text += "\n \n"; // blank lines before a new run stay with the run before
    text += R"({"ts":1732900000,"tag":"run_begin","run":"r2","rank":1}
{"ts":1732900000.5,"tag":"step_begin","step":0}

{"ts":1732900001,"tag":"step_end","step":0,"rank":1,"context":{"loss":1,"m":{"a":null}}}
not json
{"ts":1732900001.5,"tag":"step_end","step":1,"context":{"loss":NaN,"m":{"a":2}}}
{"ts":1732900002.5,"tag":"step_end","step":0,"context":{"loss":3,"m":{"a":3}}}
{"ts":1732900003,"tag":"eval","bleu":2,"rank":1}
)";
    text += "{\"step\": 1, \"loss\": 0.5}\n{\"loss\": 0.25, \"tag\": \"late\"}\n";
    // Appended without run_begin after a run_begin run: the same run, with a restart.
    text += pythonSample();
    text += "\n";

    const QString reference = dump(*build(text));
    QVERIFY(reference.contains("run r2"));
    QVERIFY(reference.contains("restart"));
    QVERIFY(reference.contains("malformed"));
    QVERIFY(reference.contains("blank 2 skipped 30 "));
    QVERIFY(reference.contains("blank 2 skipped 31 "));

    QList<qsizetype> everyLine;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] == '\n')
            everyLine << i + 1;
    }
    RunBuilder perLine(QStringLiteral("run.jsonl"));
    feed(perLine, text, everyLine);
    QCOMPARE(dump(perLine), reference);

    QRandomGenerator random(7);
    for (int round = 0; round < 20; ++round) {
        QList<qsizetype> cuts;
        for (const qsizetype cut : everyLine) {
            if (random.bounded(4) == 0)
                cuts << cut;
        }
        RunBuilder pieces(QStringLiteral("run.jsonl"));
        feed(pieces, text, cuts);
        QCOMPARE(dump(pieces), reference);
    }
}

void TestRunBuilder::stdinName()
{
    const auto builder = build("{\"tag\":\"a\"}\n", QStringLiteral("-"));
    QCOMPARE(builder->run(0).id, QStringLiteral("stdin"));
    QCOMPARE(builder->run(0).displayName, QStringLiteral("stdin"));
    QCOMPARE(builder->run(0).sourcePath, QStringLiteral("-"));
}

// V19: a valid stream delivered in pieces cut at any byte (inside multibyte UTF-8 sequences and
// \r\n pairs too), reassembled by the LineAssembler as a follower does, gives the same runs,
// records, points and malformed lines as a one-shot parse. (F3 fuzzes the same property.)
void TestRunBuilder::arbitraryByteSplitsGiveTheSameRuns()
{
    QByteArray text = "\xEF\xBB\xBF" + pythonSample(); // BOM, \u escapes, NaN, Infinity
    text += R"({"ts":1732900000,"tag":"run_begin","run":"r\u00e9-2"})"
            "\r\n";
    for (int i = 0; i < 40; ++i) {
        // Raw UTF-8 (2, 3 and 4 bytes) in keys and strings, and escapes, so cuts land inside both.
        text += QByteArray(R"({"ts":)") + QByteArray::number(1732900001 + i)
            + R"(,"tag":"step_end","step":)" + QByteArray::number(i)
            + ",\"context\":{\"p\xC3\xA9rte\":" + QByteArray::number(1.0 / (i + 1))
            + ",\"\xE6\x97\xA5\xE6\x9C\xAC\":"
            + (i % 7 == 0 ? QByteArray("NaN") : QByteArray::number(i)) + R"(,"note":"\ud83d\udd25 )"
            + "\xF0\x9F\x94\xA5" + R"( \u00e9t\u00e9","emoji)" + "\xF0\x9F\x98\x80"
            + R"(":Infinity}})" + (i % 5 == 0 ? "\r\n" : "\n");
        if (i % 13 == 0)
            text += "{\"truncated\": \"\xC3\xA9\n\n"; // a malformed line, then a blank one
    }
    const QString reference = dump(*build(text));
    QVERIFY(reference.contains(QStringLiteral("run r\u00e9-2")));
    QVERIFY(reference.contains(QStringLiteral("series step_end/\u65e5\u672c")));
    QVERIFY(reference.contains(QStringLiteral("series step_end/emoji\U0001F600")));
    QVERIFY(reference.contains(QStringLiteral("malformed")));

    QRandomGenerator random(2024);
    for (int round = 0; round < 60; ++round) {
        viewer::LineAssembler assembler;
        QList<viewer::LineChunk> chunks;
        qsizetype pos = 0;
        while (pos < text.size()) {
            const qsizetype n = std::min<qsizetype>(
                round == 0 ? 1 : 1 + random.bounded(round < 30 ? 8 : 700), text.size() - pos);
            assembler.feed(text.mid(pos, n), chunks);
            pos += n;
        }
        ChunkParser parser;
        RunBuilder pieces(QStringLiteral("run.jsonl"));
        for (const viewer::LineChunk& chunk : chunks)
            pieces.append(parser.parse(chunk));
        QCOMPARE(dump(pieces), reference);
    }
}

// V17 on an equivalent of the seed's real runs/*.jsonl (not available here), written by the
// seed's own _record/json.dumps code (tests/data/make_python_sample.py --seed-run): 26,448
// lines, 4 runs appended without markers, steps repeated 9 times per epoch. The real loader reads
// it whole, 0 bad lines, and the nested loss_before.total is the series step_end/loss_before/total.
void TestRunBuilder::seedFormatFileLoadsFully()
{
    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (python.isEmpty())
        QSKIP("python3 is not installed (it writes the file with the seed's own code)");
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("seed_run.jsonl"));
    QProcess process;
    process.start(python,
        { QFINDTESTDATA("../data/make_python_sample.py"), QStringLiteral("--seed-run"), path });
    QVERIFY(process.waitForFinished(60000));
    QCOMPARE(process.exitCode(), 0);

    RunBuilder builder(path);
    std::atomic<bool> cancel { false };
    const viewer::RunLoader::Result result = viewer::RunLoader::load(path, builder, cancel);
    QCOMPARE(result.error, QString());
    QCOMPARE(result.end.offset, QFileInfo(path).size());
    QCOMPARE(builder.linesSeen(), std::uint64_t(26448));
    QCOMPARE(builder.runCount(), 4);
    for (int r = 0; r < builder.runCount(); ++r) {
        const Run& run = builder.run(r);
        QCOMPARE(run.malformed.size(), std::size_t(0));
        QCOMPARE(run.blankLines, std::uint64_t(0));
        QCOMPARE(run.records.size(), std::size_t(26448 / 4));
        QCOMPARE(tagsOf(run),
            QStringLiteral("epoch_begin=3 step_begin=3294 step_end=3294 error=18 epoch_end=3"));
        for (const char* key : { "step_end/loss_before/total", "step_end/loss_before/ce",
                 "step_end/loss_before/reg", "step_end/loss", "step_end/lr" }) {
            const int index = run.findSeries(QLatin1String(key));
            QVERIFY2(index >= 0, key);
            QCOMPARE(run.series[std::size_t(index)].size(), std::size_t(3 * 9 * 122));
        }
        QVERIFY(run.findSeries(QStringLiteral("step_end/phase")) < 0); // a string: skipped
        QCOMPARE(run.skippedValues, std::uint64_t(3 * 9 * 122));
        // Steps start over 9 times per epoch: segments, never a line drawn back across.
        const Series& total =
            run.series[std::size_t(run.findSeries(QStringLiteral("step_end/loss_before/total")))];
        QCOMPARE(total.segmentStarts().size(), std::size_t(3 * 9 - 1));
        QCOMPARE(total.values()[0], 3.0 + 0.1 * r);
    }
    QCOMPARE(builder.run(0).displayName, QStringLiteral("seed_run"));
    QCOMPARE(builder.run(3).displayName, QStringLiteral("seed_run #4"));
}

// V14: 100,000 distinct metric keys in one run: at most 10,000 series (the default cap), the rest
// counted and named once, in bounded time.
void TestRunBuilder::hundredThousandKeysAreCapped()
{
    QByteArray text;
    for (int r = 0; r < 100; ++r) {
        text +=
            QByteArray(R"({"tag":"step_end","step":)") + QByteArray::number(r) + R"(,"context":{)";
        for (int k = 0; k < 1000; ++k)
            text +=
                (k > 0 ? "," : "") + QByteArray("\"k") + QByteArray::number(r * 1000 + k) + "\":1";
        text += "}}\n";
    }
    QElapsedTimer timer;
    timer.start();
    const auto builder = build(text);
    qInfo("100,000 keys in %lld ms", timer.elapsed());
    const Run& run = builder->run(0);
    QCOMPARE(run.series.size(), std::size_t(RunBuilder::DefaultMaxSeries));
    QCOMPARE(run.droppedPoints, std::uint64_t(100000 - RunBuilder::DefaultMaxSeries));
    QCOMPARE(run.warnings.size(), 1);
    QVERIFY2(run.warnings[0].contains(QLatin1String("10000")), qPrintable(run.warnings[0]));
    QVERIFY(timer.elapsed() < 10000);
}

QTEST_GUILESS_MAIN(TestRunBuilder)
#include "tst_run_builder.moc"
