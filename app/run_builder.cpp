#include "run_builder.hpp"

#include "run_builder_p.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace viewer {

namespace {

using RecordKind = ParsedChunk::RecordKind;

constexpr int Unmapped = -1; // chunk-local id not looked up yet
constexpr int Ignored = -2; // over a limit: its points are dropped (counted)
constexpr int Metadata = -3; // a static field of the run (run_begin info): not a metric
constexpr int NullOnly = -4; // only nulls so far, and the run has no such series: no gap to make

QString fromUtf8(const std::string& s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

} // namespace

bool RunBuilder::Private::seriesExists(const ParsedChunk& chunk, std::uint32_t local, int tag)
{
    const QString key = Series::makeKey(current().tags[tag], fromUtf8(chunk.series[local].path));
    return current().seriesByKey.contains(key);
}

AppendSummary::RunChange& RunBuilder::Private::change(AppendSummary& summary)
{
    const int index = static_cast<int>(runs.size()) - 1;
    if (summary.runs.empty() || summary.runs.back().run != index) {
        const Run& run = current();
        AppendSummary::RunChange c;
        c.run = index;
        c.firstRecord = static_cast<std::uint32_t>(run.records.size());
        c.firstTag = static_cast<int>(run.tags.size());
        c.firstSeries = static_cast<int>(run.series.size());
        c.firstEvent = run.events.size();
        c.firstMalformed = run.malformed.size();
        summary.runs.push_back(std::move(c));
    }
    return summary.runs.back();
}

void RunBuilder::Private::startRun(AppendSummary& summary)
{
    auto run = std::make_unique<Run>();
    const int number = static_cast<int>(runs.size()) + 1;
    const QString suffix = number > 1 ? QStringLiteral(" #%1").arg(number) : QString();
    run->sourcePath = sourcePath;
    run->id = fileName + suffix;
    run->displayName = baseName + suffix;
    run->blankLines = pendingBlank;
    pendingBlank = 0;
    runs.push_back(std::move(run));
    states.emplace_back();
    resetTranslation();
    AppendSummary::RunChange& c = change(summary);
    c.added = true;
}

void RunBuilder::Private::applyRunBegin(const ParsedChunk::Detail& detail, AppendSummary& summary)
{
    Run& run = current();
    state().fromRunBegin = true;
    run.info = detail.info;
    const QString id = detail.info.value(QStringLiteral("run")).toString();
    if (!id.isEmpty()) {
        // Ids are unique within a file: a repeated one (the same run id logged twice) gets #n.
        bool taken = false;
        for (std::size_t i = 0; i + 1 < runs.size(); ++i)
            taken = taken || runs[i]->id == id;
        run.id = taken ? id + QStringLiteral(" #%1").arg(runs.size()) : id;
        run.displayName = run.id; // README: run_begin's id names the run (not "<file> #2")
    }
    change(summary).infoChanged = true;
}

void RunBuilder::Private::warnOnce(bool& flag, const QString& text, AppendSummary& summary)
{
    if (flag)
        return;
    flag = true;
    current().warnings.append(text);
    change(summary).warningsChanged = true;
}

int RunBuilder::Private::mapTag(
    const ParsedChunk& chunk, std::uint32_t local, AppendSummary& summary)
{
    int& mapped = tagMap[local];
    if (mapped != Unmapped)
        return mapped;
    Run& run = current();
    RunState& st = state();
    const QString name = fromUtf8(chunk.tags[local].name);
    const auto it = st.tagIndex.constFind(name);
    if (it != st.tagIndex.constEnd()) {
        mapped = it.value();
    } else if (static_cast<std::size_t>(run.tags.size()) >= maxTags) {
        warnOnce(st.warnedTags,
            QStringLiteral("more than %1 tags: records of the others are kept without "
                           "their points")
                .arg(maxTags),
            summary);
        mapped = Ignored;
    } else {
        change(summary);
        mapped = static_cast<int>(run.tags.size());
        run.tags.append(name);
        run.tagCounts.push_back(0);
        st.tagIndex.insert(name, mapped);
    }
    return mapped;
}

int RunBuilder::Private::createSeries(
    const QString& tag, const QString& path, AppendSummary& summary)
{
    Run& run = current();
    RunState& st = state();
    const QString key = Series::makeKey(tag, path);
    const auto it = run.seriesByKey.constFind(key);
    if (it != run.seriesByKey.constEnd())
        return it.value();
    if (run.series.size() >= maxSeries) {
        warnOnce(st.warnedSeries,
            QStringLiteral("more than %1 series: the others are not plotted").arg(maxSeries),
            summary);
        return Ignored;
    }
    change(summary);
    const int index = static_cast<int>(run.series.size());
    run.series.emplace_back(tag, path);
    run.seriesByKey.insert(key, index);
    st.seriesLastStep.push_back(NaN);
    st.seriesStamp.push_back(0);
    return index;
}

int RunBuilder::Private::mapSeries(
    const ParsedChunk& chunk, std::uint32_t local, AppendSummary& summary)
{
    const int mapped = seriesMap[local];
    if (mapped != Unmapped)
        return mapped;
    const ParsedChunk::SeriesName& name = chunk.series[local];
    const int tag = mapTag(chunk, name.tag, summary);
    const QString path = fromUtf8(name.path);
    int result = Ignored;
    if (name.topLevel && current().info.contains(Series::unescapeSegment(path)))
        result = Metadata; // a top-level field named like a run_begin static field ("rank")
    else if (tag >= 0)
        result = createSeries(current().tags[tag], path, summary);
    seriesMap[local] = result;
    return result;
}

void RunBuilder::Private::appendPoint(
    int series, double value, std::uint32_t record, AppendSummary& summary)
{
    Run& run = current();
    RunState& st = state();
    const auto s = static_cast<std::size_t>(series);
    Series& target = run.series[s];
    if (st.seriesStamp[s] != generation) {
        st.seriesStamp[s] = generation;
        change(summary).series.push_back({ series, target.size() });
    }
    const double step = run.records.step(record);
    const bool restart = step < st.seriesLastStep[s]; // false when either is NaN
    if (!std::isnan(step))
        st.seriesLastStep[s] = step;
    target.append(value, record, restart);
    ++summary.points;
}

void RunBuilder::Private::appendGap(int series, AppendSummary& summary)
{
    // No point: the next one starts a segment. Reported like a point so that views that show
    // the null count (none draw the gap before the next point) hear of it.
    const auto s = static_cast<std::size_t>(series);
    Series& target = current().series[s];
    if (state().seriesStamp[s] != generation) {
        state().seriesStamp[s] = generation;
        change(summary).series.push_back({ series, target.size() });
    }
    target.appendGap();
}

void RunBuilder::Private::addMalformedLine(MalformedLine line, AppendSummary& summary)
{
    if (discarding())
        return;
    ensureRun(summary);
    change(summary);
    current().addMalformed(std::move(line));
    ++summary.malformed;
}

void RunBuilder::Private::addUnlistedMalformed(
    const QString& kind, std::uint64_t count, AppendSummary& summary)
{
    if (discarding())
        return;
    ensureRun(summary);
    change(summary);
    current().addUnlistedMalformed(kind, count);
    summary.malformed += count;
}

void RunBuilder::Private::mergeRecord(
    const ParsedChunk& chunk, const ParsedChunk::Record& r, AppendSummary& summary)
{
    // Run boundaries come first: the record opens the new run.
    if (r.kind == RecordKind::RunBegin) {
        if (runs.empty() || current().records.size() > 0 || discarding())
            startRun(summary);
        if (r.detail >= 0)
            applyRunBegin(chunk.details[static_cast<std::size_t>(r.detail)], summary);
    } else if (runs.empty()) {
        startRun(summary);
    } else if (r.kind == RecordKind::EpochBegin && !std::isnan(r.epoch) && !state().fromRunBegin) {
        const RunState& st = state();
        const bool higherSeen = st.maxEpochBegun > r.epoch || st.maxEpochEnded >= r.epoch;
        if (r.epoch <= st.firstEpoch && higherSeen)
            startRun(summary); // the epoch counter started over: a rerun appended to the file
    }
    if (discarding()) {
        noteEpoch(state(), r);
        ++summary.discarded;
        return;
    }
    if (translatedRun != static_cast<int>(runs.size()) - 1) {
        tagMap.assign(chunk.tags.size(), Unmapped);
        seriesMap.assign(chunk.series.size(), Unmapped);
        translatedRun = static_cast<int>(runs.size()) - 1;
    }

    Run& run = current();
    RunState& st = state();
    change(summary);
    const int tag = mapTag(chunk, r.tag, summary);
    double step = r.step;
    const bool hasStep = !std::isnan(step);
    if (!hasStep && r.kind == RecordKind::Flat)
        step = static_cast<double>(run.records.size()); // x of a log without a step: its index
    const std::uint32_t record = run.records.append(r.ts, step, r.epoch, r.offset,
        tag >= 0 ? static_cast<std::uint16_t>(tag) : RecordTable::NoTag);
    ++summary.records;
    if (tag >= 0)
        ++run.tagCounts[static_cast<std::size_t>(tag)];
    const double time = run.records.time(record);
    const double recordStep = run.records.step(record);
    const double recordEpoch = run.records.epoch(record);

    auto addEvent = [&](RunEvent::Kind kind, QString type, QString message) {
        RunEvent event;
        event.kind = kind;
        event.record = record;
        event.time = time;
        event.step = recordStep;
        event.epoch = recordEpoch;
        event.type = std::move(type);
        event.message = std::move(message);
        run.events.push_back(std::move(event));
    };

    noteEpoch(st, r);
    switch (r.kind) {
    case RecordKind::EpochBegin:
        addEvent(RunEvent::Kind::EpochBegin, {}, {});
        break;
    case RecordKind::EpochEnd:
        addEvent(RunEvent::Kind::EpochEnd, {}, {});
        break;
    case RecordKind::Error:
        if (r.detail >= 0) {
            const ParsedChunk::Detail& detail = chunk.details[static_cast<std::size_t>(r.detail)];
            addEvent(RunEvent::Kind::Error, detail.type, detail.message);
        } else {
            addEvent(RunEvent::Kind::Error, {}, {});
        }
        break;
    default:
        break;
    }

    const bool stepRecord = hasStep
        && (r.kind == RecordKind::StepBegin || r.kind == RecordKind::StepEnd
            || r.kind == RecordKind::Flat);
    if (stepRecord) {
        // A step going back is a resume (Restart event) unless the epoch moved on (trainers that
        // count steps per epoch start again at every epoch) or it went back to where the last
        // Restart went (a trainer making several passes over the same steps: one event, not one
        // per pass; every pass is still its own segment).
        const bool epochAdvanced = recordEpoch > st.lastStepEpoch; // false when either is NaN
        if (step < st.lastStep && !epochAdvanced && step != st.lastRestartStep) {
            st.lastRestartStep = step;
            addEvent(RunEvent::Kind::Restart, {},
                QStringLiteral("step went back from %1 to %2")
                    .arg(st.lastStep, 0, 'g', 17)
                    .arg(step, 0, 'g', 17));
        }
        st.lastStep = step;
        st.lastStepEpoch = recordEpoch;
    }

    // Points of the record.
    if (tag >= 0) {
        const std::uint32_t end = r.firstPoint + r.pointCount;
        for (std::uint32_t p = r.firstPoint; p < end; ++p) {
            const std::uint32_t local = chunk.pointSeries[p];
            const double value = chunk.pointValues[p];
            int series = seriesMap[local];
            if (series == Unmapped || series == NullOnly) {
                // null makes a gap only in a series that has numbers.
                if (ParsedChunk::isNullGap(value)
                    && (series == NullOnly || !seriesExists(chunk, local, tag))) {
                    seriesMap[local] = NullOnly;
                    ++run.skippedValues;
                    continue;
                }
                seriesMap[local] = Unmapped;
                series = mapSeries(chunk, local, summary);
            }
            if (series < 0) {
                if (series == Ignored)
                    ++run.droppedPoints;
                continue;
            }
            if (ParsedChunk::isNullGap(value))
                appendGap(series, summary);
            else
                appendPoint(series, value, record, summary);
        }
    } else {
        run.droppedPoints += r.pointCount;
    }

    // Derived series.
    const bool hasTime = !std::isnan(r.ts);
    if (r.kind == RecordKind::StepBegin) {
        st.beginStep = r.step;
        st.beginTime = hasTime ? time : NaN;
    } else if (r.kind == RecordKind::StepEnd) {
        if (hasStep && r.step == st.beginStep && hasTime && !std::isnan(st.beginTime)) {
            if (st.durationSeries < 0)
                st.durationSeries = createSeries(
                    QStringLiteral("derived"), QStringLiteral("step_duration"), summary);
            if (st.durationSeries >= 0)
                appendPoint(st.durationSeries, time - st.beginTime, record, summary);
        }
        st.beginStep = NaN;
    }
    if (hasTime) {
        const double bucket = std::floor(time);
        if (std::isnan(st.rpsBucket)) {
            st.rpsBucket = bucket;
            st.rpsCount = 0;
        } else if (bucket > st.rpsBucket) {
            if (st.rpsSeries < 0)
                st.rpsSeries = createSeries(
                    QStringLiteral("derived"), QStringLiteral("records_per_second"), summary);
            if (st.rpsSeries >= 0) {
                appendPoint(
                    st.rpsSeries, static_cast<double>(st.rpsCount), st.rpsLastRecord, summary);
                if (bucket > st.rpsBucket + 1)
                    appendPoint(st.rpsSeries, 0.0, record, summary); // a silent stretch
            }
            st.rpsBucket = bucket;
            st.rpsCount = 0;
        }
    }
    if (!std::isnan(st.rpsBucket)) {
        ++st.rpsCount;
        st.rpsLastRecord = record;
    }
}

void RunBuilder::Private::planCapacity(std::uint64_t mergedUpTo)
{
    // Extrapolating from less would be a guess; a few doublings on the way there cost little.
    constexpr std::uint64_t MinSampleBytes = 2 * 1024 * 1024;
    constexpr double Margin = 1.02;
    Run& run = current();
    RunState& st = state();
    if (st.capacityPlanned || run.records.size() == 0)
        return;
    const std::uint64_t first = run.records.offset(0);
    if (mergedUpTo < first + MinSampleBytes || expectedFileSize <= mergedUpTo)
        return;
    st.capacityPlanned = true;
    const double scale = static_cast<double>(expectedFileSize - first)
        / static_cast<double>(mergedUpTo - first) * Margin;
    const auto planned = [scale](std::size_t n) {
        return static_cast<std::size_t>(static_cast<double>(n) * scale) + 16;
    };
    run.records.reserve(planned(run.records.size()));
    for (Series& series : run.series)
        series.reserve(planned(series.size()));
}

RunBuilder::RunBuilder(QString sourcePath)
    : d(std::make_unique<Private>(std::move(sourcePath)))
{
}

RunBuilder::~RunBuilder() = default;

void RunBuilder::expectFileSize(std::uint64_t bytes)
{
    d->expectedFileSize = bytes;
}

void RunBuilder::setLimits(std::size_t maxSeries, std::size_t maxTags)
{
    d->maxSeries = maxSeries;
    d->maxTags = std::min<std::size_t>(maxTags, RecordTable::NoTag);
}

AppendSummary RunBuilder::append(const ParsedChunk& chunk)
{
    AppendSummary summary;
    if (++d->generation == 0) {
        for (Private::RunState& st : d->states)
            std::fill(st.seriesStamp.begin(), st.seriesStamp.end(), 0);
        d->generation = 1;
    }
    d->resetTranslation();

    // Records, malformed lines, blank lines, tallies and warnings, merged in line order so that
    // each lands in the run it belongs to, however the file was cut into chunks.
    std::size_t m = 0;
    std::size_t t = 0;
    std::size_t w = 0;
    std::size_t u = 0;
    const auto addUnlisted = [&](std::size_t beforeRecord) {
        for (; u < chunk.unlistedMalformed.size()
             && chunk.unlistedMalformed[u].beforeRecord <= beforeRecord;
             ++u) {
            const ParsedChunk::UnlistedMalformed& lines = chunk.unlistedMalformed[u];
            d->addUnlistedMalformed(chunk.malformedReasons[lines.reason], lines.count, summary);
        }
    };
    for (std::size_t i = 0; i < chunk.records.size(); ++i) {
        const ParsedChunk::Record& r = chunk.records[i];
        while (m < chunk.malformed.size() && chunk.malformed[m].line < r.line)
            d->addMalformedLine(chunk.malformed[m++], summary);
        addUnlisted(i);
        d->addBlankLines(r.blankBefore, summary);
        d->mergeRecord(chunk, r, summary);
        if (t < chunk.tallies.size() && chunk.tallies[t].record == i) {
            if (!d->discarding()) {
                d->current().skippedValues += chunk.tallies[t].skipped;
                d->current().droppedPoints += chunk.tallies[t].dropped;
            }
            ++t;
        }
        while (w < chunk.warnings.size() && chunk.warnings[w].line <= r.line)
            d->addWarning(chunk.warnings[w++], summary);
    }
    while (m < chunk.malformed.size())
        d->addMalformedLine(chunk.malformed[m++], summary);
    addUnlisted(chunk.records.size());
    d->addBlankLines(chunk.trailingBlankLines, summary);
    while (w < chunk.warnings.size())
        d->addWarning(chunk.warnings[w++], summary);
    summary.blankLines = chunk.blankLines;

    if (chunk.lineCount > 0)
        d->lines = std::max<std::uint64_t>(d->lines, chunk.firstLine + chunk.lineCount - 1);
    if (d->expectedFileSize > 0 && !d->runs.empty() && !d->discarding())
        d->planCapacity(chunk.endOffset);

    for (AppendSummary::RunChange& c : summary.runs) {
        std::sort(c.series.begin(), c.series.end(),
            [](const auto& a, const auto& b) { return a.series < b.series; });
    }
    d->resetTranslation();
    return summary;
}

AppendSummary RunBuilder::addMalformed(std::uint64_t line, std::uint64_t offset, QString reason)
{
    AppendSummary summary;
    d->addMalformedLine({ line, offset, std::move(reason) }, summary);
    d->lines = std::max(d->lines, line);
    return summary;
}

void RunBuilder::reset()
{
    d->runs.clear();
    d->states.clear();
    d->pendingBlank = 0;
    d->lines = 0;
    d->resetTranslation();
}

void RunBuilder::discardRun(int index)
{
    const auto i = static_cast<std::size_t>(index);
    Run& run = *d->runs[i];
    Run shell;
    shell.id = run.id;
    shell.sourcePath = run.sourcePath;
    shell.displayName = run.displayName;
    run = std::move(shell);
    // Only what the run rules look at stays (mergeRecord).
    Private::RunState& state = d->states[i];
    Private::RunState kept;
    kept.fromRunBegin = state.fromRunBegin;
    kept.firstEpoch = state.firstEpoch;
    kept.maxEpochBegun = state.maxEpochBegun;
    kept.maxEpochEnded = state.maxEpochEnded;
    kept.discarded = true;
    state = std::move(kept);
}

const QString& RunBuilder::sourcePath() const
{
    return d->sourcePath;
}

int RunBuilder::runCount() const
{
    return static_cast<int>(d->runs.size());
}

const Run& RunBuilder::run(int index) const
{
    return *d->runs[static_cast<std::size_t>(index)];
}

Run& RunBuilder::run(int index)
{
    return *d->runs[static_cast<std::size_t>(index)];
}

std::uint64_t RunBuilder::pendingBlankLines() const
{
    return d->pendingBlank;
}

std::uint64_t RunBuilder::linesSeen() const
{
    return d->lines;
}

} // namespace viewer
