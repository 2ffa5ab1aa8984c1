#pragma once
// RunBuilder's insides, shared by run_builder.cpp (merging) and run_cache_file.cpp (saving and
// restoring a builder, so that a cached file goes on appending exactly as if it had been parsed).

#include "run_builder.hpp"

#include <QFileInfo>
#include <QHash>

#include <cmath>
#include <limits>

namespace viewer {

class RunBuilder::Private
{
public:
    using RecordKind = ParsedChunk::RecordKind;
    static constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

    explicit Private(QString path)
        : sourcePath(std::move(path))
    {
        const QFileInfo info(sourcePath);
        fileName = sourcePath == QLatin1String("-") ? QStringLiteral("stdin") : info.fileName();
        baseName =
            sourcePath == QLatin1String("-") ? QStringLiteral("stdin") : info.completeBaseName();
        if (fileName.isEmpty())
            fileName = sourcePath;
        if (baseName.isEmpty())
            baseName = fileName;
    }

    // Per run: what merging needs beyond the Run itself.
    struct RunState
    {
        bool fromRunBegin = false;
        QHash<QString, int> tagIndex;
        double firstEpoch = NaN;
        double maxEpochBegun = NaN;
        double maxEpochEnded = NaN;
        double lastStep = NaN; // of the last step record (step_begin/step_end/flat)
        double lastStepEpoch = NaN; // the epoch of that record
        double lastRestartStep = NaN; // where the last Restart event went back to
        std::vector<double> seriesLastStep; // per series: step of its last point
        std::vector<std::uint32_t> seriesStamp; // per series: append generation that touched it
        double beginStep = NaN; // last step_begin not yet matched
        double beginTime = NaN;
        double rpsBucket = NaN; // floor(ts) of the second being counted
        std::uint64_t rpsCount = 0;
        std::uint32_t rpsLastRecord = 0;
        int durationSeries = -1;
        int rpsSeries = -1;
        bool warnedSeries = false;
        bool warnedTags = false;
        bool warnedKeyPath = false;
        bool warnedChunkSeries = false;
        bool capacityPlanned = false;
        bool discarded = false; // closed by the user: the rules see its records, nothing is kept
    };

    Run& current()
    {
        return *runs.back();
    }
    RunState& state()
    {
        return states.back();
    }

    AppendSummary::RunChange& change(AppendSummary& summary);
    void startRun(AppendSummary& summary);
    void ensureRun(AppendSummary& summary)
    {
        if (runs.empty())
            startRun(summary);
    }
    void applyRunBegin(const ParsedChunk::Detail& detail, AppendSummary& summary);
    int mapTag(const ParsedChunk& chunk, std::uint32_t local, AppendSummary& summary);
    int mapSeries(const ParsedChunk& chunk, std::uint32_t local, AppendSummary& summary);
    int createSeries(const QString& tag, const QString& path, AppendSummary& summary);
    bool seriesExists(const ParsedChunk& chunk, std::uint32_t local, int tag);
    void appendPoint(int series, double value, std::uint32_t record, AppendSummary& summary);
    void appendGap(int series, AppendSummary& summary);
    void warnOnce(bool& flag, const QString& text, AppendSummary& summary);
    void mergeRecord(
        const ParsedChunk& chunk, const ParsedChunk::Record& r, AppendSummary& summary);
    void addMalformedLine(MalformedLine line, AppendSummary& summary);
    void addUnlistedMalformed(const QString& kind, std::uint64_t count, AppendSummary& summary);
    // What the epoch rule for run boundaries (mergeRecord) needs to know of a run.
    static void noteEpoch(RunState& st, const ParsedChunk::Record& r)
    {
        if (std::isnan(r.epoch))
            return;
        if (r.kind == RecordKind::EpochBegin) {
            if (std::isnan(st.firstEpoch))
                st.firstEpoch = r.epoch;
            if (!(st.maxEpochBegun >= r.epoch))
                st.maxEpochBegun = r.epoch;
        } else if (r.kind == RecordKind::EpochEnd && !(st.maxEpochEnded >= r.epoch)) {
            st.maxEpochEnded = r.epoch;
        }
    }
    // True while the records being merged belong to a run the user closed.
    bool discarding() const
    {
        return !states.empty() && states.back().discarded;
    }
    void addBlankLines(std::uint64_t count, AppendSummary& summary)
    {
        if (count == 0 || discarding())
            return;
        if (runs.empty()) {
            pendingBlank += count;
            return;
        }
        change(summary);
        current().blankLines += count;
    }
    void addWarning(const ParsedChunk::Warning& warning, AppendSummary& summary)
    {
        if (discarding())
            return;
        ensureRun(summary);
        RunState& st = state();
        bool& flag = warning.kind == ParsedChunk::Warning::Kind::LongKeyPath ? st.warnedKeyPath
                                                                             : st.warnedChunkSeries;
        warnOnce(flag, warning.text, summary);
    }
    void planCapacity(std::uint64_t mergedUpTo);
    void resetTranslation()
    {
        tagMap.clear();
        seriesMap.clear();
        translatedRun = -1;
    }

    QString sourcePath;
    QString fileName;
    QString baseName;
    std::size_t maxSeries = DefaultMaxSeries;
    std::size_t maxTags = DefaultMaxTags;
    std::vector<std::unique_ptr<Run>> runs;
    std::vector<RunState> states; // parallel to runs
    std::uint64_t pendingBlank = 0;
    std::uint64_t lines = 0;
    std::uint32_t generation = 0; // of the append in progress
    std::uint64_t expectedFileSize = 0; // 0: unknown (following, standard input)

    // Translation of the current chunk's local ids for the current run (reset when either
    // changes): no string is hashed per point.
    std::vector<int> tagMap;
    std::vector<int> seriesMap;
    int translatedRun = -1;
};

} // namespace viewer
