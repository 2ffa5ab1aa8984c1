#include "smoothed_curves.hpp"

#include "parallel_chunks.hpp"
#include "run.hpp"
#include "series.hpp"
#include "smoothing_job.hpp"

#include <QCoreApplication>
#include <QPointer>
#include <QThreadPool>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace viewer {

// Smoothed values of one run's series.
struct SmoothedCurves::RunCache
{
    const Run* run = nullptr;
    SmoothingKind kind = SmoothingKind::None;
    double param = 0.0;
    std::size_t done = 0; // source points covered by `smoothed`
    std::vector<double> smoothed; // parallel to the series' values
    Smoothing::EmaState ema;
    MinMaxPyramid pyramid; // of `smoothed`, for the decimator
    // Bumped whenever what is smoothed, or how, changes: a job's result of an older generation is
    // stale and dropped.
    std::uint64_t generation = 0;
    std::shared_ptr<SmoothingJob> job; // copying or computing; its result is awaited

    void restart()
    {
        done = 0;
        smoothed.clear();
        ema = {};
        pyramid.clear();
        ++generation;
    }
};

SmoothedCurves::SmoothedCurves(QString key, QObject* parent)
    : QObject(parent)
    , m_key(std::move(key))
{
}

SmoothedCurves::~SmoothedCurves() = default;

void SmoothedCurves::keepOnly(const QHash<int, const Run*>& runs)
{
    QHash<int, std::shared_ptr<RunCache>> kept;
    for (auto it = runs.begin(); it != runs.end(); ++it) {
        auto found = m_cache.find(it.key());
        if (found != m_cache.end() && (*found)->run == it.value())
            kept.insert(it.key(), *found);
    }
    m_cache = std::move(kept);
}

SmoothedCurves::RunCache& SmoothedCurves::cacheOf(int runId, const Run* run)
{
    auto& cache = m_cache[runId];
    if (!cache || cache->run != run) {
        cache = std::make_shared<RunCache>();
        cache->run = run;
    }
    return *cache;
}

bool SmoothedCurves::update(
    int runId, const Run* run, const Series& series, SmoothingKind kind, double param, bool wait)
{
    bool changed = false;
    if (RunCache* cache = prepare(runId, run, series, kind, param, wait, changed)) {
        compute(*cache, series);
        return true;
    }
    return changed;
}

bool SmoothedCurves::updateAll(const std::vector<Item>& items, SmoothingKind kind, double param)
{
    // Bookkeeping (the cache table, jobs, timers) here; the arithmetic, which touches only each
    // run's own cache, on every core.
    bool changed = false;
    std::vector<std::pair<RunCache*, const Series*>> todo;
    for (const Item& item : items) {
        bool itemChanged = false;
        if (RunCache* cache =
                prepare(item.runId, item.run, *item.series, kind, param, false, itemChanged))
            todo.emplace_back(cache, item.series);
        changed = changed || itemChanged;
    }
    ParallelChunks::run(todo.size(), 16, [&todo](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i)
            compute(*todo[i].first, *todo[i].second);
    });
    return changed || !todo.empty();
}

SmoothedCurves::RunCache* SmoothedCurves::prepare(int runId, const Run* run, const Series& series,
    SmoothingKind kind, double param, bool wait, bool& changed)
{
    RunCache& cache = cacheOf(runId, run);
    const std::vector<double>& values = series.values();
    const bool same = cache.kind == kind && cache.param == param && cache.done <= values.size();
    changed = !same || cache.done != values.size();
    if (!same) {
        cache.kind = kind;
        cache.param = param;
        cache.job.reset();
        cache.restart();
    }
    if (cache.kind == SmoothingKind::None || cache.done == values.size())
        return nullptr;
    if (wait && cache.job) {
        cache.job.reset(); // computed here instead: its result will be stale
        ++cache.generation;
    }
    if (!wait) {
        if (cache.job)
            return nullptr; // extended when its result arrives
        const std::size_t missing = values.size() - cache.done;
        // A long series smoothed for the first time (or a burst larger than what is done) goes
        // to a worker. A curve already smoothed is extended here, however large the batch: a
        // job recomputes from the start, so following a fast writer would cost the GUI thread
        // a copy of the whole series per batch, growing with the store (issue 11 item 6).
        if (missing > InPlacePoints && missing > cache.done) {
            // Recomputed from the start on a worker; the raw line is drawn meanwhile.
            cache.restart();
            cache.job =
                std::make_shared<SmoothingJob>(cache.generation, cache.kind, cache.param, series);
            // Even the first slice is copied later: this call returns at once.
            QTimer::singleShot(0, this,
                [this, weak = std::weak_ptr<RunCache>(m_cache.value(runId)), job = cache.job] {
                    continueJob(weak, job);
                });
            return nullptr;
        }
    }
    return &cache;
}

void SmoothedCurves::compute(RunCache& cache, const Series& series)
{
    // Both smoothings follow a growing series: the EMA appends (earlier values never change), the
    // moving average also recomputes the last half window, whose values change as points arrive.
    const std::vector<double>& values = series.values();
    switch (cache.kind) {
    case SmoothingKind::None:
        return;
    case SmoothingKind::Ema:
        Smoothing::appendEma(
            values, cache.param, cache.ema, cache.smoothed, series.segmentStarts());
        cache.pyramid.appended(cache.smoothed);
        break;
    case SmoothingKind::MovingAverage: {
        const int window = std::max(1, static_cast<int>(std::lround(cache.param)));
        if (cache.done == 0) {
            cache.smoothed = Smoothing::movingAverage(values, window, series.segmentStarts());
            cache.pyramid.rebuild(cache.smoothed);
        } else {
            const std::size_t rewritten = Smoothing::updateMovingAverage(
                values, window, cache.smoothed, series.segmentStarts());
            cache.pyramid.changedFrom(cache.smoothed, rewritten);
        }
        break;
    }
    }
    cache.done = values.size();
}

void SmoothedCurves::continueJob(
    const std::weak_ptr<RunCache>& weak, const std::shared_ptr<SmoothingJob>& job)
{
    const std::shared_ptr<RunCache> cache = weak.lock();
    if (!cache || cache->job != job || job->generation() != cache->generation)
        return; // superseded before its copy was complete
    const int index = cache->run->findSeries(m_key);
    if (index < 0)
        return;
    if (!job->copyStep(cache->run->series[static_cast<std::size_t>(index)], SnapshotSlice)) {
        QTimer::singleShot(0, this, [this, weak, job] { continueJob(weak, job); });
        return;
    }
    ++m_jobsStarted;
    QPointer<SmoothedCurves> self(this);
    QThreadPool::globalInstance()->start([self, weak, job] {
        job->run();
        // Handed back through the application object, which outlives any chart.
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, weak, job] {
                if (self)
                    self->accept(weak, job);
            },
            Qt::QueuedConnection);
    });
}

void SmoothedCurves::accept(
    const std::weak_ptr<RunCache>& weak, const std::shared_ptr<SmoothingJob>& job)
{
    const std::shared_ptr<RunCache> cache = weak.lock();
    if (!cache || job->generation() != cache->generation) {
        ++m_staleResults;
        return;
    }
    cache->smoothed = std::move(job->smoothed());
    cache->pyramid = std::move(job->pyramid());
    cache->ema = job->emaState();
    cache->done = job->size();
    cache->job.reset();
    emit resultArrived();
}

const std::vector<double>* SmoothedCurves::values(int runId, const Series& series) const
{
    const auto cache = m_cache.value(runId);
    if (!cache || cache->done != series.size() || cache->smoothed.size() != series.size())
        return nullptr;
    return &cache->smoothed;
}

const MinMaxPyramid* SmoothedCurves::pyramid(int runId) const
{
    const auto cache = m_cache.value(runId);
    return cache ? &cache->pyramid : nullptr;
}

const std::vector<double>* SmoothedCurves::partial(int runId) const
{
    const auto cache = m_cache.value(runId);
    return cache ? &cache->smoothed : nullptr;
}

bool SmoothedCurves::isPending() const
{
    for (const auto& cache : m_cache) {
        if (cache->job)
            return true;
    }
    return false;
}

} // namespace viewer
