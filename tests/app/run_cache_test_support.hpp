#pragma once
// Helpers of tst_run_cache: realistic training logs and a dump of every field of a RunBuilder.
// (Apart from the test so that moc does not have to read the raw JSON strings.)
#include "bulk_load.hpp"
#include "run_builder.hpp"
#include "run_cache.hpp"
#include "run_loader.hpp"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <atomic>
#include <cmath>
#include <fcntl.h>
#include <sys/stat.h>
#include <utility>
#include <vector>

namespace viewer::test {

inline QString num(double v)
{
    return std::isnan(v) ? QStringLiteral("nan") : QString::number(v, 'g', 17);
}

// The types of a run_begin info map, which JSON text would not show (2 vs 2.0).
inline QString typesOf(const QVariant& v)
{
    QString out = QString::fromLatin1(v.typeName() ? v.typeName() : "invalid");
    if (v.typeId() == QMetaType::QVariantMap) {
        const QVariantMap map = v.toMap();
        for (auto it = map.cbegin(); it != map.cend(); ++it)
            out += QLatin1Char(' ') + it.key() + QLatin1Char(':') + typesOf(it.value());
    } else if (v.typeId() == QMetaType::QVariantList) {
        for (const QVariant& item : v.toList())
            out += QLatin1Char(' ') + typesOf(item);
    }
    return out;
}

// Every field a user can see or merging reads, as text: runs, info, tags, records in every x
// mode, series with their points, segments, markers, counts and pyramids, events, malformed
// lines and counts, warnings, and the builder's line count.
inline QString fullDump(const RunBuilder& builder)
{
    using viewer::XAxisMode;
    QString out = QStringLiteral("lines %1 pendingBlank %2\n")
                      .arg(builder.linesSeen())
                      .arg(builder.pendingBlankLines());
    for (int r = 0; r < builder.runCount(); ++r) {
        const Run& run = builder.run(r);
        out += QStringLiteral("run %1 '%2' from %3 blank %4 skipped %5 dropped %6\n")
                   .arg(run.id, run.displayName, run.sourcePath)
                   .arg(run.blankLines)
                   .arg(run.skippedValues)
                   .arg(run.droppedPoints);
        out += QStringLiteral(" info %1 %2\n")
                   .arg(QString::fromUtf8(QJsonDocument(QJsonObject::fromVariantMap(run.info))
                                              .toJson(QJsonDocument::Compact)),
                       typesOf(run.info));
        for (qsizetype t = 0; t < run.tags.size(); ++t)
            out += QStringLiteral(" tag %1 x%2\n").arg(run.tags[t]).arg(run.tagCounts[t]);
        for (std::uint32_t i = 0; i < run.records.size(); ++i) {
            out += QStringLiteral(" rec %1 %2 %3 e%4 g%5 fe%6 @%7 t%8\n")
                       .arg(num(run.records.time(i)), num(run.records.step(i)),
                           num(run.records.x(XAxisMode::Relative, i)), num(run.records.epoch(i)),
                           num(run.records.x(XAxisMode::GlobalStep, i)),
                           num(run.records.x(XAxisMode::Epoch, i)))
                       .arg(run.records.offset(i))
                       .arg(run.records.tag(i));
        }
        out += QStringLiteral(" firstLoggedStep %1 restarts %2\n")
                   .arg(num(run.records.firstLoggedStep()))
                   .arg(run.records.stepCounterRestarts());
        for (const Series& s : run.series) {
            out += QStringLiteral(" series %1 (%2 | %3) nan %4 +inf %5 -inf %6 null %7 min %8 "
                                  "max %9:")
                       .arg(s.key(), s.tag(), s.path())
                       .arg(s.nanCount())
                       .arg(s.posInfCount())
                       .arg(s.negInfCount())
                       .arg(s.nullCount())
                       .arg(num(s.min()), num(s.max()));
            for (std::size_t p = 0; p < s.size(); ++p)
                out += QStringLiteral(" %1@%2").arg(num(s.values()[p])).arg(s.records()[p]);
            for (const std::uint32_t start : s.segmentStarts())
                out += QStringLiteral(" |%1").arg(start);
            for (const std::uint32_t at : s.nonFinite())
                out += QStringLiteral(" !%1").arg(at);
            double lo = 0;
            double hi = 0;
            const bool any = s.pyramid().range(s.values(), 0, s.size(), lo, hi);
            out += QStringLiteral(" pyramid %1 %2 %3 %4\n")
                       .arg(s.pyramid().size())
                       .arg(any)
                       .arg(num(lo), num(hi));
        }
        for (const viewer::RunEvent& e : run.events) {
            out += QStringLiteral(" event %1 rec %2 t %3 s %4 e %5 '%6' '%7'\n")
                       .arg(viewer::RunEvent::kindName(e.kind))
                       .arg(e.record)
                       .arg(num(e.time), num(e.step), num(e.epoch), e.type, e.message);
        }
        for (const viewer::MalformedLine& m : run.malformed)
            out += QStringLiteral(" malformed %1 @%2 %3\n").arg(m.line).arg(m.offset).arg(m.reason);
        out += QStringLiteral(" malformedCount %1\n").arg(run.malformedCount);
        for (const viewer::MalformedCount& c : run.malformedByReason)
            out += QStringLiteral(" byReason %1 x%2\n").arg(c.reason).arg(c.count);
        for (const QString& w : run.warnings)
            out += QStringLiteral(" warning %1\n").arg(w);
    }
    return out;
}

// Records of a realistic training log: run_begin with nested info, epochs with step_begin /
// step_end pairs (derived step_duration and records_per_second), NaN and Infinity, nulls,
// strings, an error, a resume (the step goes back), malformed and blank lines. `part` varies the
// values and the run id so that each part reads as a new run.
inline QByteArray trainingLog(int part, int steps, double t0)
{
    QByteArray text = R"({"ts":)" + QByteArray::number(t0, 'f', 3)
        + R"(,"tag":"run_begin","run":"job-)" + QByteArray::number(part)
        + R"(","rank":2,"host":"node1","config":{"lr":0.001,"layers":[64,64],"big":18446744073709551615}})"
        + "\n\n";
    double t = t0;
    for (int epoch = 0; epoch < 2; ++epoch) {
        text += R"({"ts":)" + QByteArray::number(t += 0.4, 'f', 3)
            + R"(,"tag":"epoch_begin","epoch":)" + QByteArray::number(epoch) + "}\n";
        for (int i = 0; i < steps; ++i) {
            const int step = epoch * steps + (epoch == 1 && i > steps / 2 ? i - 3 : i);
            text += R"({"ts":)" + QByteArray::number(t += 0.3, 'f', 3)
                + R"(,"tag":"step_begin","step":)" + QByteArray::number(step) + "}\n";
            const QByteArray loss = i % 17 == 5 ? QByteArray("NaN")
                : i % 23 == 7                   ? QByteArray("Infinity")
                : i % 29 == 3                   ? QByteArray("null")
                                                : QByteArray::number(1.0 / (i + part + 1), 'g', 17);
            text += R"({"ts":)" + QByteArray::number(t += 0.35, 'f', 3)
                + R"(,"tag":"step_end","step":)" + QByteArray::number(step)
                + R"(,"context":{"loss":)" + loss + R"(,"metrics":{"acc":)"
                + QByteArray::number(i * 0.01 * (part + 1), 'g', 17)
                + R"(,"a/b":-0.0},"note":"ok","rank":2}})" + "\n";
            if (i == steps / 3)
                text += "{\"cut\": \n";
            if (i == steps / 4)
                text += "\n  \n";
            if (i == steps / 2)
                text += "not json at all\n";
        }
        text += R"({"ts":)" + QByteArray::number(t += 0.2, 'f', 3)
            + R"(,"tag":"epoch_end","epoch":)" + QByteArray::number(epoch)
            + R"(,"context":{"val_loss":0.5}})" + "\n";
    }
    text += R"({"ts":)" + QByteArray::number(t + 3, 'f', 3)
        + R"(,"tag":"error","type":"RuntimeError","message":"CUDA out of memory <b>x</b>"})" + "\n";
    return text;
}

// Short lines, many records: series longer than a StridedIndexColumn block, "a" in every record
// (strided blocks), "b" with gaps (plain blocks).
inline QByteArray blockLog(int records)
{
    QByteArray text;
    for (int i = 0; i < records; ++i) {
        text += R"({"step":)" + QByteArray::number(i) + R"(,"a":)" + QByteArray::number(i)
            + R"(,"b":)" + (i % 7 == 3 ? QByteArray("null") : QByteArray::number(i)) + "}\n";
    }
    return text;
}

// Variants of a file, as data rows use them.
inline QByteArray fileText(const QString& kind)
{
    if (kind == QLatin1String("several runs"))
        return trainingLog(0, 200, 1000) + trainingLog(1, 150, 2000) + trainingLog(2, 100, 3000);
    if (kind == QLatin1String("no run_begin, rerun by epoch")) {
        QByteArray text;
        for (int pass = 0; pass < 2; ++pass) {
            for (int e = 0; e < 3; ++e) {
                text += R"({"ts":)" + QByteArray::number(10 * pass + e)
                    + R"(,"tag":"epoch_begin","epoch":)" + QByteArray::number(e) + "}\n";
                text += R"({"ts":)" + QByteArray::number(10 * pass + e) + R"(.5,"loss":)"
                    + QByteArray::number(e + pass) + "}\n";
                text += R"({"ts":)" + QByteArray::number(10 * pass + e)
                    + R"(.7,"tag":"epoch_end","epoch":)" + QByteArray::number(e) + "}\n";
            }
        }
        return "\n\n" + text + "trailing garbage\n";
    }
    if (kind == QLatin1String("strided and plain blocks"))
        return blockLog(1000);
    if (kind == QLatin1String("malformed only"))
        return "{\"a\": \n[1,2]\n\"text\"\n";
    if (kind == QLatin1String("incomplete last line"))
        return trainingLog(3, 20, 50) + R"({"ts":99,"tag":"step_end","st)";
    return trainingLog(4, 50, 500); // "one run"
}

inline bool writeFile(const QString& path, const QByteArray& bytes, QIODevice::OpenMode mode = {})
{
    QFile out(path);
    return out.open(QIODevice::WriteOnly | mode) && out.write(bytes) == bytes.size();
}

struct Parsed
{
    std::unique_ptr<RunBuilder> builder;
    RunLoader::Result result;
};

inline Parsed parse(const QString& path)
{
    Parsed p { std::make_unique<RunBuilder>(path), {} };
    const std::atomic<bool> cancel { false };
    p.result = RunLoader::load(path, *p.builder, cancel, {}, 2, 4096); // many blocks
    return p;
}

// What a user sees after BulkLoad with `cache` shared (the dump, and where following resumes).
inline QString loadedDump(const QString& path, const std::shared_ptr<const RunCache>& cache)
{
    RunCache::setShared(cache);
    const std::atomic<bool> cancel { false };
    const BulkLoad::Result loaded = BulkLoad::run({ path }, false, 3, cancel, {}, 2);
    RunCache::setShared(nullptr);
    if (loaded.files.size() != 1 || !loaded.files[0].builder)
        return QStringLiteral("not loaded: %1").arg(loaded.error);
    const BulkLoad::File& f = loaded.files[0];
    return fullDump(*f.builder)
        + QStringLiteral("end %1 line %2 size %3 error '%4'\n")
              .arg(f.end.offset)
              .arg(f.end.lineNumber)
              .arg(f.size)
              .arg(f.error);
}

inline QString freshDump(const QString& path)
{
    return loadedDump(path, nullptr);
}

// Sets a file's mtime `seconds` away from now (a change a test must not depend on the clock for).
inline void setMtime(const QString& path, int seconds)
{
    struct timespec times[2] = {};
    times[0].tv_nsec = UTIME_OMIT;
    ::clock_gettime(CLOCK_REALTIME, &times[1]);
    times[1].tv_sec += seconds;
    ::utimensat(AT_FDCWD, QFile::encodeName(path).constData(), times, 0);
}

// The logs whose cache files seed the fuzzer (small: it reads up to 64 KiB).
inline std::vector<std::pair<const char*, QByteArray>> fuzzSeedTexts()
{
    return {
        { "blocks", blockLog(600) },
        { "one_run", trainingLog(0, 6, 10) },
        { "several_runs", trainingLog(1, 4, 10) + trainingLog(2, 3, 20) },
        { "rerun_by_epoch", fileText(QStringLiteral("no run_begin, rerun by epoch")) },
        { "malformed_only", fileText(QStringLiteral("malformed only")) },
        { "incomplete_last_line", trainingLog(3, 3, 50) + R"({"ts":99,"tag":"st)" },
        { "empty", QByteArray() },
    };
}

} // namespace viewer::test
