#include "run_summary.hpp"

#include "field_value.hpp"
#include "run.hpp"
#include "run_state.hpp"
#include "series_result.hpp"

#include <QJsonArray>

#include <cmath>

namespace viewer {

namespace {

// JSON has no NaN: a value that is not finite (no finite point at all) is null.
QJsonValue number(double value)
{
    return std::isfinite(value) ? QJsonValue(value) : QJsonValue(QJsonValue::Null);
}

QJsonObject seriesSummary(const Run& run, const Series& series)
{
    QJsonObject object;
    object[QStringLiteral("name")] = series.path();
    object[QStringLiteral("tag")] = series.tag();
    object[QStringLiteral("points")] = static_cast<qint64>(series.size());
    object[QStringLiteral("nan")] = static_cast<qint64>(series.nanCount());
    object[QStringLiteral("null")] = static_cast<qint64>(series.nullCount()); // gaps, not points
    object[QStringLiteral("posinf")] = static_cast<qint64>(series.posInfCount());
    object[QStringLiteral("neginf")] = static_cast<qint64>(series.negInfCount());
    object[QStringLiteral("min")] = number(series.min());
    object[QStringLiteral("max")] = number(series.max());
    // The value the run logged last (null when it was NaN or ±Inf: see nan/posinf/neginf).
    object[QStringLiteral("last")] =
        series.size() > 0 ? number(series.values().back()) : QJsonValue(QJsonValue::Null);
    if (series.size() > 0) {
        object[QStringLiteral("first_x")] = number(run.records.step(series.records().front()));
        object[QStringLiteral("last_x")] = number(run.records.step(series.records().back()));
    }
    object[QStringLiteral("segments")] = static_cast<qint64>(series.segmentStarts().size() + 1);
    return object;
}

} // namespace

QJsonObject runSummary(const Run& run)
{
    QJsonObject object;
    object[QStringLiteral("id")] = run.id;
    object[QStringLiteral("source")] = run.sourcePath;
    object[QStringLiteral("name")] = run.displayName;
    if (!run.info.isEmpty())
        object[QStringLiteral("info")] = QJsonObject::fromVariantMap(run.info);
    // run_begin's config flattened with dots: {"lr": 0.0003, "optimizer.name": "adamw"}.
    QJsonObject config;
    const QString prefix = QStringLiteral("config.");
    for (const FlatField& field : flattenFields(run.info)) {
        if (!field.name.startsWith(prefix))
            continue;
        const QVariant raw = [&] {
            QVariant v = run.info;
            for (const QString& part : field.name.split(QLatin1Char('.'))) {
                if (v.typeId() != QMetaType::QVariantMap)
                    return QVariant();
                v = v.toMap().value(part);
            }
            return v;
        }();
        // Numbers and booleans keep their JSON type; the rest is the text the table shows.
        const bool keepType = raw.typeId() == QMetaType::Double || raw.typeId() == QMetaType::Bool
            || raw.typeId() == QMetaType::LongLong || raw.typeId() == QMetaType::Int;
        config[field.name.mid(prefix.size())] =
            keepType ? QJsonValue::fromVariant(raw) : QJsonValue(field.value.text);
    }
    object[QStringLiteral("config")] = config;
    // Read to its end (--summary never follows): finished, crashed, or diverged when a NaN/Inf
    // reached its default result series (the first loss-like and accuracy-like ones).
    RunStateInput input;
    QStringList keys;
    for (const Series& s : run.series)
        keys << s.key();
    for (const QString& key : SeriesResult::defaultKeys(keys)) {
        const Series& s = run.series[static_cast<std::size_t>(run.findSeries(key))];
        input.nonFiniteWatched = input.nonFiniteWatched || !s.nonFinite().empty();
    }
    object[QStringLiteral("state")] = runStateName(classifyRun(run, input));
    object[QStringLiteral("records")] = static_cast<qint64>(run.records.size());
    object[QStringLiteral("blank_lines")] = static_cast<qint64>(run.blankLines);

    QJsonObject tags;
    for (qsizetype i = 0; i < run.tags.size(); ++i)
        tags[run.tags[i]] = static_cast<qint64>(run.tagCounts[static_cast<std::size_t>(i)]);
    object[QStringLiteral("tags")] = tags;

    QJsonArray series;
    for (const Series& s : run.series)
        series.append(seriesSummary(run, s));
    object[QStringLiteral("series")] = series;

    QJsonArray events;
    for (const RunEvent& e : run.events) {
        QJsonObject event;
        event[QStringLiteral("kind")] = RunEvent::kindName(e.kind);
        event[QStringLiteral("record")] = static_cast<qint64>(e.record);
        event[QStringLiteral("ts")] = number(e.time);
        event[QStringLiteral("step")] = number(e.step);
        event[QStringLiteral("epoch")] = number(e.epoch);
        if (e.kind == RunEvent::Kind::Error) {
            event[QStringLiteral("type")] = e.type;
            event[QStringLiteral("message")] = e.message;
        }
        events.append(event);
    }
    object[QStringLiteral("events")] = events;

    QJsonArray malformed;
    for (const MalformedLine& m : run.malformed) {
        QJsonObject line;
        line[QStringLiteral("line")] = static_cast<qint64>(m.line);
        line[QStringLiteral("reason")] = m.reason;
        malformed.append(line);
    }
    object[QStringLiteral("malformed")] = malformed;
    // Every malformed line is counted; only the first Run::MaxListedMalformed are listed above.
    object[QStringLiteral("malformed_count")] = static_cast<qint64>(run.malformedCount);
    QJsonObject byReason;
    for (const MalformedCount& c : run.malformedByReason)
        byReason[c.reason] = static_cast<qint64>(c.count);
    object[QStringLiteral("malformed_by_reason")] = byReason;
    if (run.malformedCount > run.malformed.size()) {
        object[QStringLiteral("malformed_note")] =
            QStringLiteral("%1 malformed lines; only the first %2 are listed")
                .arg(run.malformedCount)
                .arg(run.malformed.size());
    }

    // What the window's banner and run tooltip say about limits, so that --summary tells the same.
    object[QStringLiteral("warnings")] = QJsonArray::fromStringList(run.warnings);
    object[QStringLiteral("dropped_points")] = static_cast<qint64>(run.droppedPoints);
    object[QStringLiteral("skipped_values")] = static_cast<qint64>(run.skippedValues);
    return object;
}

} // namespace viewer
