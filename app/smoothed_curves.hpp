#pragma once

#include "chart_options.hpp"
#include "min_max_pyramid.hpp"
#include "smoothing.hpp"

#include <QHash>
#include <QObject>
#include <QString>

#include <cstdint>
#include <memory>
#include <vector>

namespace viewer {

class Series;
class SmoothingJob;
struct Run;

// The smoothed curves of one metric's runs, kept across redraws and extended as points arrive.
// GUI thread (the thread that owns the runs). Up to InPlacePoints missing points, or fewer than
// are already smoothed, are smoothed in place (work proportional to what was appended); more go
// to a SmoothingJob: the GUI thread copies the series in
// slices between other events, a worker computes, and the result comes back as a value
// (resultArrived); a result whose run or smoothing changed meanwhile is dropped as stale.
class SmoothedCurves : public QObject
{
    Q_OBJECT
public:
    // Up to this many points to smooth (a whole series or the points appended since the last
    // time), smoothing is done in place; more go to a worker thread.
    static constexpr std::size_t InPlacePoints = 100000;
    static constexpr std::size_t SnapshotSlice = 262144; // points copied per event-loop turn

    // key: the metric whose series are smoothed (found again in the run when a copy continues).
    explicit SmoothedCurves(QString key, QObject* parent = nullptr);
    ~SmoothedCurves() override;

    // Drops the caches of runs not in this list (or whose Run changed).
    void keepOnly(const QHash<int, const Run*>& runs);
    // Brings a run's smoothed curve up to date with `series` and the smoothing asked for: in
    // place when little is missing (or wait), else by a job whose result arrives later.
    // Returns true when it changed anything that is drawn.
    bool update(int runId, const Run* run, const Series& series, SmoothingKind kind, double param,
        bool wait);
    // update(..., wait = false) of many runs at once: what is smoothed in place is smoothed on
    // every core (ParallelChunks). True when it changed anything that is drawn.
    struct Item
    {
        int runId = -1;
        const Run* run = nullptr;
        const Series* series = nullptr;
    };
    bool updateAll(const std::vector<Item>& items, SmoothingKind kind, double param);
    // The smoothed values of a run when they cover all of `series` (as of the last update()),
    // else nullptr; pyramid(): their min/max pyramid.
    const std::vector<double>* values(int runId, const Series& series) const;
    const MinMaxPyramid* pyramid(int runId) const;
    // The smoothed values computed so far (may be shorter than the series), or nullptr.
    const std::vector<double>* partial(int runId) const;

    bool isPending() const; // a job is copying or computing
    int jobsStarted() const
    {
        return m_jobsStarted;
    }
    int staleResults() const
    {
        return m_staleResults;
    }

signals:
    // A job's result was taken in: redraw (points appended meanwhile are smoothed then).
    void resultArrived();

private:
    struct RunCache;
    RunCache& cacheOf(int runId, const Run* run);
    // update()'s bookkeeping (GUI thread): the cache to compute in place, or nullptr (nothing
    // missing, or a job does it). changed: something drawn changed even if nothing is computed.
    RunCache* prepare(int runId, const Run* run, const Series& series, SmoothingKind kind,
        double param, bool wait, bool& changed);
    // The arithmetic of an in-place update; touches `cache` alone (any thread).
    static void compute(RunCache& cache, const Series& series);
    void continueJob(
        const std::weak_ptr<RunCache>& cache, const std::shared_ptr<SmoothingJob>& job);
    void accept(const std::weak_ptr<RunCache>& cache, const std::shared_ptr<SmoothingJob>& job);

    QString m_key;
    QHash<int, std::shared_ptr<RunCache>> m_cache;
    int m_jobsStarted = 0;
    int m_staleResults = 0;
};

} // namespace viewer
