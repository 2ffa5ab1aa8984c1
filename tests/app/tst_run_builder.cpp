#include "chunk_parser.hpp"
#include "line_assembler.hpp"
#include "run_builder.hpp"
#include "run_builder_test_support.hpp"
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

// RunBuilder: how records become runs, series and events (the rules of docs/format.md).

using namespace run_builder_test;

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
    void keyChangingType();
    void staticFieldsAreNotSeries();
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

QTEST_GUILESS_MAIN(TestRunBuilder)
#include "tst_run_builder.moc"
