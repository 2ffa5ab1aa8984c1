#include "chunk_parser.hpp"
#include "chunk_parser_test_support.hpp"
#include "data_table.hpp"
#include "json_line_scanner.hpp"
#include "line_assembler.hpp"
#include "line_chunk.hpp"

#include <QFile>
#include <QRandomGenerator>
#include <QTest>

#include <cmath>
#include <limits>
#include <string>

// ChunkParser: what a record line becomes (fields, tags, series paths, points, details).

using namespace chunk_parser_test;

class TestChunkParser : public QObject
{
    Q_OBJECT

private slots:
    void record_data();
    void record();
    void runBeginInfo();
    void errorDetail();
    void tagAfterPayload();
    void knownTagStillValidatesWhatFollows();
    void shapeCacheFollowsNesting();
    void duplicateKeyLastWins();
    void repeatedShape_data();
    void repeatedShape();
    void pythonLoggerFile();
};

void TestChunkParser::record_data()
{
    const int stepEnd = int(RecordKind::StepEnd);
    testing::addTable<QByteArray, QString, int, double, double, double, QString, int>(
        { "line", "tag", "kind", "ts", "step", "epoch", "points", "skipped" },
        {
            { "python spacing",
                QByteArray(
                    R"({"ts": 1732800000.05, "tag": "step_end", "step": 0, "context": {"loss": 2.01, "lr": 0.001, "metrics": {"acc": 0.1}}})"),
                "step_end", stepEnd, 1732800000.05, 0.0, NaN,
                "step_end/loss=2.0099999999999998;step_end/"
                "lr=0.001;step_end/metrics/acc=0.10000000000000001",
                0 },
            { "compact, other field order",
                QByteArray(R"({"context":{"loss":1},"step":7,"tag":"step_end","ts":5})"),
                "step_end", stepEnd, 5.0, 7.0, NaN, "step_end/loss=1", 0 },
            { "step_begin", QByteArray(R"({"ts":1,"tag":"step_begin","step":3})"), "step_begin",
                int(RecordKind::StepBegin), 1.0, 3.0, NaN, "", 0 },
            { "epoch_end",
                QByteArray(
                    R"({"ts": 2, "tag": "epoch_end", "epoch": 1, "context": {"val_loss": 0.5}})"),
                "epoch_end", int(RecordKind::EpochEnd), 2.0, NaN, 1.0, "epoch_end/val_loss=0.5",
                0 },
            { "NaN token (V4)",
                QByteArray(R"({"ts": 1, "tag": "step_end", "step": 1, "context": {"loss": NaN}})"),
                "step_end", stepEnd, 1.0, 1.0, NaN, "step_end/loss=nan", 0 },
            { "Infinity tokens (V4)",
                QByteArray(
                    R"({"ts": 1, "tag": "step_end", "step": 1, "context": {"a": Infinity, "b": -Infinity}})"),
                "step_end", stepEnd, 1.0, 1.0, NaN, "step_end/a=inf;step_end/b=-inf", 0 },
            { "NaN inside a string stays text (V4)",
                QByteArray(
                    R"({"ts": 1, "tag": "step_end", "step": 1, "context": {"loss": NaN, "note": "loss is NaN", "x": "Infinity and beyond"}})"),
                "step_end", stepEnd, 1.0, 1.0, NaN, "step_end/loss=nan", 2 },
            { "strict-JSON strings (V5)",
                QByteArray(
                    R"({"ts":1,"tag":"step_end","step":1,"context":{"a":"NaN","b":"Infinity","c":"-Infinity"}})"),
                "step_end", stepEnd, 1.0, 1.0, NaN, "step_end/a=nan;step_end/b=inf;step_end/c=-inf",
                0 },
            { "null is a gap (V5)",
                QByteArray(R"({"ts":1,"tag":"step_end","step":1,"context":{"loss":null}})"),
                "step_end", stepEnd, 1.0, 1.0, NaN, "step_end/loss=null", 0 },
            { "strings, booleans, arrays are skipped (V16)",
                QByteArray(
                    R"({"ts":1,"tag":"step_end","step":1,"context":{"a":"x","b":true,"c":[1,2],"d":{"e":false},"f":3}})"),
                "step_end", stepEnd, 1.0, 1.0, NaN, "step_end/f=3", 4 },
            { "big integer, tiny, -0 (V8)",
                QByteArray(
                    R"({"ts":1,"tag":"step_end","step":1,"context":{"a":18446744073709551616,"b":1e-400,"c":-0}})"),
                "step_end", stepEnd, 1.0, 1.0, NaN,
                "step_end/a=1.8446744073709552e+19;step_end/"
                "b=0;step_end/c=-0",
                0 },
            { "int64 extremes",
                QByteArray(
                    R"({"ts":1,"tag":"x","a":-9223372036854775808,"b":9223372036854775807})"),
                "x", int(RecordKind::Custom), 1.0, NaN, NaN,
                "^x/a=-9.2233720368547758e+18;^x/b=9.2233720368547758e+18", 0 },
            { "ts missing (V7)", QByteArray(R"({"tag":"step_begin","step":2})"), "step_begin",
                int(RecordKind::StepBegin), NaN, 2.0, NaN, "", 0 },
            { "ts is a string (V7)",
                QByteArray(R"({"ts":"yesterday","tag":"step_begin","step":2})"), "step_begin",
                int(RecordKind::StepBegin), NaN, 2.0, NaN, "", 0 },
            { "step 1.5, kept (V7)", QByteArray(R"({"ts":1,"tag":"step_begin","step":1.5})"),
                "step_begin", int(RecordKind::StepBegin), 1.0, 1.5, NaN, "", 0 },
            { "step -1, kept (V7)", QByteArray(R"({"ts":1,"tag":"step_begin","step":-1})"),
                "step_begin", int(RecordKind::StepBegin), 1.0, -1.0, NaN, "", 0 },
            { "step 1e300, kept (V7)", QByteArray(R"({"ts":1,"tag":"step_begin","step":1e300})"),
                "step_begin", int(RecordKind::StepBegin), 1.0, 1e300, NaN, "", 0 },
            { "custom tag payload",
                QByteArray(
                    R"({"ts":1,"tag":"eval","step":4,"bleu":31.5,"name":"dev","scores":{"f1":0.5},"context":{"x":1}})"),
                "eval", int(RecordKind::Custom), 1.0, 4.0, NaN,
                "^eval/bleu=31.5;^eval/scores/f1=0.5;eval/x=1", 1 },
            { "reserved fields are not series",
                QByteArray(
                    R"({"ts":1,"tag":"eval","seq":4,"run":"r","run_id":"r","host":"h","pid":3,"start_time":"t","logger":"l","v":2})"),
                "eval", int(RecordKind::Custom), 1.0, NaN, NaN, "^eval/v=2", 0 },
            { "known tags keep top-level metadata out",
                QByteArray(R"({"ts":1,"tag":"step_end","step":1,"rank":3,"context":{"loss":1}})"),
                "step_end", stepEnd, 1.0, 1.0, NaN, "step_end/loss=1", 0 },
            { "flat log", QByteArray(R"({"step": 3, "loss": 0.25, "acc": 0.5})"), "metrics",
                int(RecordKind::Flat), NaN, 3.0, NaN, "^metrics/loss=0.25;^metrics/acc=0.5", 0 },
            { "flat log, global_step",
                QByteArray(R"({"global_step": 30, "epoch": 1, "train": {"loss": 1}})"), "metrics",
                int(RecordKind::Flat), NaN, 30.0, 1.0, "^metrics/train/loss=1", 0 },
            { "flat log, iteration", QByteArray(R"({"iteration": 5, "loss": 1})"), "metrics",
                int(RecordKind::Flat), NaN, 5.0, NaN, "^metrics/loss=1", 0 },
            { "flat log, iter", QByteArray(R"({"iter": 6, "loss": 1})"), "metrics",
                int(RecordKind::Flat), NaN, 6.0, NaN, "^metrics/loss=1", 0 },
            { "flat log, epoch only", QByteArray(R"({"epoch": 2, "loss": 1})"), "metrics",
                int(RecordKind::Flat), NaN, 2.0, 2.0, "^metrics/loss=1", 0 },
            { "flat log, no step", QByteArray(R"({"ts": 9, "loss": 1})"), "metrics",
                int(RecordKind::Flat), 9.0, NaN, NaN, "^metrics/loss=1", 0 },
            { "empty object", QByteArray("{}"), "metrics", int(RecordKind::Flat), NaN, NaN, NaN, "",
                0 },
            { "\\u0000 in a key is kept (V12)", QByteArray(R"({"ts":1,"tag":"t","a\u0000b":1})"),
                "t", int(RecordKind::Custom), 1.0, NaN, NaN,
                QStringLiteral("^t/a") + QChar(0) + QStringLiteral("b=1"), 0 },
            { "escaped key", QByteArray(R"({"ts":1,"tag":"t","caf\u00e9":1,"a\/b":2})"), "t",
                int(RecordKind::Custom), 1.0, NaN, NaN, QStringLiteral("^t/caf\u00e9=1;^t/a\\/b=2"),
                0 },
            // Issue 11 item 10: keys are data. A '/' or '\' inside a key is escaped in the path, so
            // a key "a/b" and a group "a" with a key "b" are two series.
            { "slash in a key is not a group (issue 11.10)",
                QByteArray(R"({"ts":1,"tag":"step_end","step":1,"context":{"a/b":1,"a":{"b":2}}})"),
                "step_end", stepEnd, 1.0, 1.0, NaN,
                QStringLiteral("step_end/a\\/b=1;step_end/a/b=2"), 0 },
            { "backslash in a key is escaped (issue 11.10)",
                QByteArray(
                    R"({"ts":1,"tag":"step_end","step":1,"context":{"a\\":{"b":1},"a\\/b":2}})"),
                "step_end", stepEnd, 1.0, 1.0, NaN,
                QStringLiteral("step_end/a\\\\/b=1;step_end/a\\\\\\/b=2"), 0 },
            { "escaped known key", QByteArray(R"({"t\u0073":4,"tag":"t","v":1})"), "t",
                int(RecordKind::Custom), 4.0, NaN, NaN, "^t/v=1", 0 },
            { "escaped tag", QByteArray(R"({"ts":1,"tag":"st\u0065p_end","step":1})"), "step_end",
                stepEnd, 1.0, 1.0, NaN, "", 0 },
            { "context that is a number",
                QByteArray(R"({"ts":1,"tag":"step_end","step":1,"context":5})"), "step_end",
                stepEnd, 1.0, 1.0, NaN, "step_end/context=5", 0 },
            { "whitespace around", QByteArray(" \t{\"ts\":1,\"tag\":\"a\"} \t"), "a",
                int(RecordKind::Custom), 1.0, NaN, NaN, "", 0 },
            { "CRLF (V2)", QByteArray("{\"ts\":1,\"tag\":\"a\",\"v\":1}\r"), "a",
                int(RecordKind::Custom), 1.0, NaN, NaN, "^a/v=1", 0 },
            { "BOM on line 1 (V2)", QByteArray("\xEF\xBB\xBF{\"ts\":1,\"tag\":\"a\"}"), "a",
                int(RecordKind::Custom), 1.0, NaN, NaN, "", 0 },
            { "error",
                QByteArray(
                    R"({"ts": 3, "tag": "error", "type": "RuntimeError", "message": "CUDA out of memory"})"),
                "error", int(RecordKind::Error), 3.0, NaN, NaN, "", 0 },
            { "run_begin",
                QByteArray(R"({"ts":1,"tag":"run_begin","run":"r1","host":"h","pid":12,"rank":0})"),
                "run_begin", int(RecordKind::RunBegin), 1.0, NaN, NaN, "", 0 },
        });
}

void TestChunkParser::record()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, tag);
    QFETCH(int, kind);
    QFETCH(double, ts);
    QFETCH(double, step);
    QFETCH(double, epoch);
    QFETCH(QString, points);
    QFETCH(int, skipped);

    const ParsedChunk chunk = parseText(line + '\n');
    QCOMPARE(malformedOf(chunk), QString());
    QCOMPARE(chunk.records.size(), std::size_t(1));
    QCOMPARE(chunk.lineCount, std::uint64_t(1));
    const ParsedChunk::Record& r = chunk.records[0];
    QCOMPARE(QString::fromStdString(chunk.tags[r.tag].name), tag);
    QCOMPARE(int(r.kind), kind);
    QVERIFY2(sameDouble(r.ts, ts), qPrintable(QString::number(r.ts, 'g', 17)));
    QVERIFY2(sameDouble(r.step, step), qPrintable(QString::number(r.step, 'g', 17)));
    QVERIFY2(sameDouble(r.epoch, epoch), qPrintable(QString::number(r.epoch, 'g', 17)));
    QCOMPARE(pointsOf(chunk, 0), points);
    QCOMPARE(chunk.skippedValues, std::uint64_t(skipped));
    QCOMPARE(r.line, std::uint64_t(1));
    QCOMPARE(r.offset, std::uint64_t(0));
}

void TestChunkParser::runBeginInfo()
{
    const ParsedChunk chunk = parseText(
        R"({"ts": 1.5, "tag": "run_begin", "run": "r-1", "host": "gpu1", "pid": 42, "rank": 0, "big": 18446744073709551615, "cfg": {"lr": 0.1, "layers": [1, 2]}, "ok": true, "none": null})"
        "\n");
    QCOMPARE(malformedOf(chunk), QString());
    QCOMPARE(chunk.records.size(), std::size_t(1));
    const ParsedChunk::Record& r = chunk.records[0];
    QCOMPARE(r.kind, RecordKind::RunBegin);
    QVERIFY(r.detail >= 0);
    const QVariantMap& info = chunk.details[std::size_t(r.detail)].info;
    QCOMPARE(info.value("run").toString(), QStringLiteral("r-1"));
    QCOMPARE(info.value("host").toString(), QStringLiteral("gpu1"));
    QCOMPARE(info.value("pid").toLongLong(), 42);
    QCOMPARE(info.value("rank").toLongLong(), 0);
    QCOMPARE(info.value("big").toULongLong(), std::numeric_limits<quint64>::max());
    QCOMPARE(info.value("cfg").toMap().value("lr").toDouble(), 0.1);
    QCOMPARE(info.value("cfg").toMap().value("layers").toList().size(), 2);
    QCOMPARE(info.value("ok").toBool(), true);
    QVERIFY(info.contains("none"));
    QVERIFY(!info.contains("ts"));
    QVERIFY(!info.contains("tag"));
    QCOMPARE(r.pointCount, std::uint32_t(0)); // run_begin's fields are info, not metrics
}

void TestChunkParser::errorDetail()
{
    const ParsedChunk chunk = parseText(
        R"({"ts": 3, "tag": "error", "type": "RuntimeError", "message": "loss is NaN \u2013 <b>x</b>", "context": {"step": 7}})"
        "\n"
        R"({"ts": 4, "tag": "error", "message": 5})"
        "\n");
    QCOMPARE(malformedOf(chunk), QString());
    QCOMPARE(chunk.records.size(), std::size_t(2));
    const ParsedChunk::Detail& d = chunk.details[std::size_t(chunk.records[0].detail)];
    QCOMPARE(d.type, QStringLiteral("RuntimeError"));
    QCOMPARE(d.message, QStringLiteral("loss is NaN \u2013 <b>x</b>"));
    QCOMPARE(pointsOf(chunk, 0), QStringLiteral("error/step=7"));
    const ParsedChunk::Detail& d2 = chunk.details[std::size_t(chunk.records[1].detail)];
    QCOMPARE(d2.type, QString());
    QCOMPARE(d2.message, QString());
}

void TestChunkParser::tagAfterPayload()
{
    // Field order is free: payload before the tag is read again under the right tag.
    const ParsedChunk chunk =
        parseText(R"({"context":{"loss":1},"rank":2,"tag":"step_end","step":1})"
                  "\n"
                  R"({"bleu":3,"tag":"eval"})"
                  "\n"
                  R"({"bleu":3,"tag":"a","tag":"b"})"
                  "\n");
    QCOMPARE(malformedOf(chunk), QString());
    QCOMPARE(chunk.records.size(), std::size_t(3));
    QCOMPARE(pointsOf(chunk, 0), QStringLiteral("step_end/loss=1"));
    QCOMPARE(pointsOf(chunk, 1), QStringLiteral("^eval/bleu=3"));
    QCOMPARE(pointsOf(chunk, 2), QStringLiteral("^b/bleu=3")); // duplicate "tag": the last wins
}

void TestChunkParser::knownTagStillValidatesWhatFollows()
{
    // A tag seen before is matched in place; what follows it must still be checked (F1 found
    // {"tag":"st":}} taken as a record once "st" was known).
    const ParsedChunk chunk = parseText(R"({"tag":"st"})"
                                        "\n"
                                        R"({"tag":"st":}})"
                                        "\n"
                                        R"({"tag":"st" "x"})"
                                        "\n"
                                        R"({"tag":"st","step":1})"
                                        "\n");
    QCOMPARE(chunk.records.size(), std::size_t(2));
    QCOMPARE(chunk.malformed.size(), std::size_t(2));
    QCOMPARE(chunk.malformed[0].line, std::uint64_t(2));
    QCOMPARE(chunk.malformed[1].line, std::uint64_t(3));
}

void TestChunkParser::shapeCacheFollowsNesting()
{
    // The same keys in the same order but nested differently must give different paths, and a
    // shorter record must not leave a stale tail that a later record could match.
    const ParsedChunk chunk = parseText(R"({"tag":"t","context":{"metrics":{"acc":1}}})"
                                        "\n"
                                        R"({"tag":"t","context":{"metrics":2,"acc":3}})"
                                        "\n"
                                        R"({"tag":"t","context":{"a":{"b":4,"c":5}}})"
                                        "\n"
                                        R"({"tag":"t","context":{"x":6}})"
                                        "\n"
                                        R"({"tag":"t","context":{"x":{"b":7}}})"
                                        "\n"
                                        R"({"tag":"t","context":{"x":{"b":8}}})"
                                        "\n"
                                        R"({"tag":"t","context":{"x":{"b":"s"}}})"
                                        "\n"
                                        R"({"tag":"t","context":{"x":{"b":9}}})"
                                        "\n");
    QCOMPARE(malformedOf(chunk), QString());
    QCOMPARE(pointsOf(chunk, 0), QStringLiteral("t/metrics/acc=1"));
    QCOMPARE(pointsOf(chunk, 1), QStringLiteral("t/metrics=2;t/acc=3"));
    QCOMPARE(pointsOf(chunk, 2), QStringLiteral("t/a/b=4;t/a/c=5"));
    QCOMPARE(pointsOf(chunk, 3), QStringLiteral("t/x=6"));
    QCOMPARE(pointsOf(chunk, 4), QStringLiteral("t/x/b=7"));
    QCOMPARE(pointsOf(chunk, 5), QStringLiteral("t/x/b=8"));
    QCOMPARE(pointsOf(chunk, 6), QString());
    QCOMPARE(pointsOf(chunk, 7), QStringLiteral("t/x/b=9"));
    // One chunk-local series per distinct path.
    QCOMPARE(chunk.series.size(), std::size_t(7));
}

void TestChunkParser::duplicateKeyLastWins()
{
    // V13: like nlohmann and Python, the last one wins.
    const ParsedChunk chunk = parseText(
        R"({"ts":1,"ts":2,"tag":"step_end","step":1,"step":2,"context":{"loss":1,"loss":2,"m":{"a":1},"m":{"a":3}}})"
        "\n");
    QCOMPARE(malformedOf(chunk), QString());
    QCOMPARE(chunk.records[0].ts, 2.0);
    QCOMPARE(chunk.records[0].step, 2.0);
    QCOMPARE(pointsOf(chunk, 0), QStringLiteral("step_end/loss=2;step_end/m/a=3"));
}

void TestChunkParser::repeatedShape_data()
{
    // Records repeating their tag's shape take each leaf's series from the shape cache (the
    // parser's fast path): what they give must be what the first record of that shape gave.
    // 30 nested groups named by 15 slashes: 479 bytes of path, 929 once escaped, over the
    // 512-byte limit (keys under 16 bytes, so that the shape cache holds them).
    QByteArray deep = "1";
    for (int i = 0; i < 30; ++i)
        deep = R"({"///////////////":)" + deep + '}';
    const auto deepRecord = [&](int ok) {
        return R"({"tag":"t","context":{"ok":)" + QByteArray::number(ok) + R"(,"g":)" + deep
            + "}}\n";
    };
    testing::addTable<QByteArray, QString, int, int>({ "text", "points", "dropped", "skipped" },
        {
            { "escaped path over the limit", deepRecord(1) + deepRecord(3) + deepRecord(5),
                "t/ok=1 | t/ok=3 | t/ok=5", 3, 0 },
            { "keys of 16 bytes and more",
                QByteArray(
                    R"({"tag":"t","context":{"validation_accuracy":1,"gradient_norm_total":2}})"
                    "\n"
                    R"({"tag":"t","context":{"validation_accuracy":3,"gradient_norm_total":4}})"
                    "\n"
                    R"({"tag":"t","context":{"validation_accuracyX":5,"gradient_norm_tota":6}})"
                    "\n"
                    R"({"tag":"t","context":{"validation_accuracy":7,"gradient_norm_total":8}})"
                    "\n"),
                "t/validation_accuracy=1;t/gradient_norm_total=2 | "
                "t/validation_accuracy=3;t/gradient_norm_total=4 | "
                "t/validation_accuracyX=5;t/gradient_norm_tota=6 | "
                "t/validation_accuracy=7;t/gradient_norm_total=8",
                0, 0 },
            { "a long key escaped or not",
                QByteArray(R"({"tag":"t","context":{"validation\u0041ccuracy_x":1}})"
                           "\n"
                           R"({"tag":"t","context":{"validationAccuracy_x":2}})"
                           "\n"
                           R"({"tag":"t","context":{"validation\u0041ccuracy_x":3}})"
                           "\n"),
                "t/validationAccuracy_x=1 | t/validationAccuracy_x=2 | t/validationAccuracy_x=3", 0,
                0 },
            { "duplicate key",
                QByteArray(R"({"tag":"t","context":{"a":1,"a":2,"b":3}})"
                           "\n"
                           R"({"tag":"t","context":{"a":4,"a":5,"b":6}})"
                           "\n"),
                "t/a=2;t/b=3 | t/a=5;t/b=6", 0, 0 },
            { "a group, then other values under its key",
                QByteArray(R"({"tag":"t","context":{"m":{"a":1},"z":0}})"
                           "\n"
                           R"({"tag":"t","context":{"m":"x","z":0}})"
                           "\n"
                           R"({"tag":"t","context":{"m":{"a":2},"z":0}})"
                           "\n"
                           R"({"tag":"t","context":{"m":null,"z":0}})"
                           "\n"
                           R"({"tag":"t","context":{"m":[1],"z":0}})"
                           "\n"
                           R"({"tag":"t","context":{"m":{"a":3},"z":0}})"
                           "\n"),
                "t/m/a=1;t/z=0 | t/z=0 | t/m/a=2;t/z=0 | t/m=null;t/z=0 | t/z=0 | t/m/a=3;t/z=0", 0,
                2 },
        });
}

void TestChunkParser::repeatedShape()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, points);
    QFETCH(int, dropped);
    QFETCH(int, skipped);
    const ParsedChunk chunk = parseText(text);
    QCOMPARE(malformedOf(chunk), QString());
    QStringList records;
    for (std::size_t r = 0; r < chunk.records.size(); ++r)
        records << pointsOf(chunk, r);
    QCOMPARE(records.join(QStringLiteral(" | ")), points);
    QCOMPARE(chunk.droppedPoints, std::uint64_t(dropped));
    QCOMPARE(chunk.skippedValues, std::uint64_t(skipped));
}

void TestChunkParser::pythonLoggerFile()
{
    // V17 in small: a file the seed's Python TelemetryLogger wrote
    // (tests/data/make_python_sample.py): json.dumps spacing, \uXXXX escapes, bare
    // NaN/Infinity/-Infinity.
    QFile file(QFINDTESTDATA("../data/python_logger_sample.jsonl"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    const ParsedChunk chunk = parseText(text);
    QCOMPARE(malformedOf(chunk), QString());
    QCOMPARE(chunk.lineCount, std::uint64_t(25));
    QCOMPARE(chunk.records.size(), std::size_t(25));
    QStringList tags;
    for (const ParsedChunk::Tag& t : chunk.tags)
        tags << QString::fromStdString(t.name);
    QCOMPARE(tags, QStringList({ "epoch_begin", "step_begin", "step_end", "epoch_end", "error" }));
    // 10 step_end x 6 numbers, 2 epoch_end x 2.
    QCOMPARE(chunk.pointCount(), std::size_t(64));
    // Per step_end: the "parts" array, "note" and "converged".
    QCOMPARE(chunk.skippedValues, std::uint64_t(30));
    QCOMPARE(pointsOf(chunk, 8),
        QStringLiteral(
            "step_end/loss=nan;step_end/lr=0.001;step_end/metrics/acc=0.30000000000000004;"
            "step_end/metrics/grad_norm=1.5;step_end/loss_before/total=1.5;"
            "step_end/pr\u00e9cision=0.5"));
    QVERIFY(pointsOf(chunk, 10).contains(QStringLiteral("step_end/metrics/grad_norm=inf")));
    QVERIFY(pointsOf(chunk, 16).contains(QStringLiteral("step_end/metrics/grad_norm=-inf")));
    const ParsedChunk::Record& error = chunk.records[19];
    QCOMPARE(error.kind, RecordKind::Error);
    QCOMPARE(chunk.details[std::size_t(error.detail)].message,
        QStringLiteral("CUDA out of memory \u2013 tried 2.00 GiB"));
}

QTEST_GUILESS_MAIN(TestChunkParser)
#include "tst_chunk_parser.moc"
