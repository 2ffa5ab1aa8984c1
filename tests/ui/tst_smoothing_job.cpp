// Smoothing off the GUI thread: a SmoothingJob gives exactly the synchronous smoothing, a chart
// hands long series to it and returns at once (raw line first), drops results of a superseded
// smoothing, and extends a finished curve in place as points arrive.
#include "data_table.hpp"
#include "metric_chart.hpp"
#include "series.hpp"
#include "series_layer.hpp"
#include "smoothing.hpp"
#include "smoothing_job.hpp"
#include "test_runs.hpp"

#include <QElapsedTimer>
#include <QTest>
#include <QThreadPool>

#include <cstring>
#include <limits>
#include <memory>

using namespace viewer;
using namespace viewer::test;

namespace {

const QString Loss = QStringLiteral("step_end/loss");

double valueAt(int i)
{
    if (i % 997 == 13)
        return NaN;
    return 1.0 / (1 + i % 5000) + 0.001 * ((i * 7919LL) % 101);
}

// n points of Loss, with a restart (new segment) at n/3; built directly, fast enough for millions.
void appendPoints(Run& run, int from, int to)
{
    Series& s = seriesOf(run, Loss);
    const std::uint16_t tag = 0;
    for (int i = from; i < to; ++i) {
        const int n = static_cast<int>(run.records.size());
        const std::uint32_t r = run.records.append(1000.0 + i, i, 0.0, n * 100ull, tag);
        s.append(valueAt(i), r, i == 1'000'000);
    }
}

std::unique_ptr<Run> longRun(int n)
{
    auto run = std::make_unique<Run>();
    run->id = run->displayName = QStringLiteral("long");
    run->tags << QStringLiteral("step_end");
    run->tagCounts.push_back(0);
    seriesOf(*run, Loss).reserve(static_cast<std::size_t>(n));
    run->records.reserve(static_cast<std::size_t>(n));
    appendPoints(*run, 0, n);
    return run;
}

std::vector<double> synchronous(const Series& s, SmoothingKind kind, double param)
{
    if (kind == SmoothingKind::Ema)
        return Smoothing::ema(s.values(), param, s.segmentStarts());
    return Smoothing::movingAverage(
        s.values(), static_cast<int>(std::lround(param)), s.segmentStarts());
}

bool sameValues(const std::vector<double>& a, const std::vector<double>& b)
{
    return a.size() == b.size()
        && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0; // NaN == NaN
}

ChartOptions smoothingOptions(SmoothingKind kind, double param)
{
    ChartOptions o;
    o.smoothing = kind;
    o.smoothingParam = param;
    return o;
}

} // namespace

class TestSmoothingJob : public QObject
{
    Q_OBJECT

    static constexpr int LongPoints = 5'000'000;
    std::unique_ptr<Run> m_long; // shared by the chart tests: built once
    std::unique_ptr<MetricChart> m_chart;

    // A shown chart of the long run with the raw line drawn (its pyramid built) and no smoothing.
    void showLongChart()
    {
        m_chart = std::make_unique<MetricChart>(Loss);
        m_chart->resize(800, 400);
        m_chart->setRuns({ { 1, m_long.get(), QColor(Qt::blue), -1 } });
        m_chart->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_chart.get()));
        m_chart->refresh();
    }

private slots:
    void initTestCase()
    {
        m_long = longRun(LongPoints);
    }

    void cleanup()
    {
        m_chart.reset();
        QThreadPool::globalInstance()->waitForDone();
        QCoreApplication::sendPostedEvents();
    }

    void jobEqualsSynchronousSmoothing_data()
    {
        testing::addTable<int, double>({ "kind", "param" },
            {
                { "ema 0.9", int(SmoothingKind::Ema), 0.9 },
                { "ema 0.999", int(SmoothingKind::Ema), 0.999 },
                { "moving average 25", int(SmoothingKind::MovingAverage), 25.0 },
                { "moving average 1", int(SmoothingKind::MovingAverage), 1.0 },
            });
    }

    // Copied in slices while the series grows, computed elsewhere: the same values, and an EMA
    // continues from the job's state exactly as if computed in one go.
    void jobEqualsSynchronousSmoothing()
    {
        QFETCH(int, kind);
        QFETCH(double, param);
        const auto k = static_cast<SmoothingKind>(kind);
        Run run;
        run.tags << QStringLiteral("step_end");
        run.tagCounts.push_back(0);
        appendPoints(run, 0, 1'200'000);
        const Series& s = run.series.front();
        SmoothingJob job(7, k, param, s);
        QCOMPARE(job.size(), std::size_t(1'200'000));
        int steps = 1;
        while (!job.copyStep(s, 100'000)) {
            appendPoints(run, static_cast<int>(s.size()), static_cast<int>(s.size()) + 50'000);
            ++steps;
        }
        QCOMPARE(steps, 12);
        job.run();
        QCOMPARE(job.generation(), std::uint64_t(7));
        // Of the points copied: a centred average near the end depends on the points after.
        Series copied(QStringLiteral("step_end"), QStringLiteral("loss"));
        for (std::size_t i = 0; i < job.size(); ++i)
            copied.append(s.values()[i], 0, i == 1'000'000);
        const std::vector<double> expected = synchronous(copied, k, param);
        QVERIFY(sameValues(job.smoothed(), expected));
        QCOMPARE(job.pyramid().size(), job.size());
        if (k == SmoothingKind::Ema) {
            Smoothing::EmaState state = job.emaState();
            std::vector<double> continued = job.smoothed();
            Smoothing::appendEma(s.values(), param, state, continued, s.segmentStarts());
            QVERIFY(sameValues(continued, synchronous(s, k, param)));
        }
    }

    void longSeriesSmoothOffTheGuiThread_data()
    {
        testing::addTable<int, double>({ "kind", "param" },
            {
                { "ema", int(SmoothingKind::Ema), 0.9 },
                { "moving average", int(SmoothingKind::MovingAverage), 50.0 },
            });
    }

    // Turning smoothing on for 5 M points returns at once with the raw line drawn; the smoothed
    // line replaces it when the worker is done, equal to the synchronous smoothing.
    void longSeriesSmoothOffTheGuiThread()
    {
        QFETCH(int, kind);
        QFETCH(double, param);
        const auto k = static_cast<SmoothingKind>(kind);
        showLongChart();
        // Best of three (the machine may be busy): each asks for a new smoothing.
        qint64 elapsedMs = std::numeric_limits<qint64>::max();
        for (double offset : { 0.02, 0.01, 0.0 }) {
            QElapsedTimer timer;
            timer.start();
            m_chart->setOptions(smoothingOptions(k, param + offset));
            m_chart->refresh();
            elapsedMs = std::min(elapsedMs, timer.elapsed());
            QVERIFY(m_chart->isSmoothingPending());
            QCOMPARE(m_chart->smoothedValues(1), nullptr);
            QCOMPARE(m_chart->seriesLayer()->curves().size(), std::size_t(1)); // the raw line
            QVERIFY(!m_chart->seriesLayer()->curves().front().faint);
        }

        QTRY_VERIFY_WITH_TIMEOUT(m_chart->smoothedValues(1) != nullptr, 30000);
        QVERIFY(
            sameValues(*m_chart->smoothedValues(1), synchronous(m_long->series.front(), k, param)));
        const auto& curves = m_chart->seriesLayer()->curves();
        QCOMPARE(curves.size(), std::size_t(2));
        QVERIFY(curves[0].faint);

        // The synchronous smoothing this replaces, for comparison.
        QElapsedTimer timer;
        timer.start();
        const std::vector<double> inPlace = synchronous(m_long->series.front(), k, param);
        const qint64 synchronousMs = timer.elapsed();
        qInfo("setting smoothing on %d points: %lld ms on the GUI thread (computing it there: "
              "%lld ms)",
            LongPoints, elapsedMs, synchronousMs);
        // The figure is printed, not asserted (durations are benchmark figures): that the work
        // left the GUI thread is shown above by the pending job and the raw line drawn meanwhile.
    }

    // Two smoothings asked in a row: the first one's result, arriving late, is dropped.
    void staleResultsAreDropped()
    {
        showLongChart();
        m_chart->setOptions(smoothingOptions(SmoothingKind::Ema, 0.9));
        m_chart->refresh();
        QElapsedTimer timer;
        timer.start();
        while (m_chart->smoothingJobsStarted() < 1 && timer.elapsed() < 20000)
            QCoreApplication::processEvents(); // until the first job is on the worker
        QCOMPARE(m_chart->smoothingJobsStarted(), 1);
        m_chart->setOptions(smoothingOptions(SmoothingKind::Ema, 0.5));
        m_chart->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(m_chart->smoothedValues(1) != nullptr, 30000);
        QThreadPool::globalInstance()->waitForDone();
        QTRY_COMPARE_WITH_TIMEOUT(m_chart->staleSmoothingResults(), 1, 5000);
        QCOMPARE(m_chart->smoothingJobsStarted(), 2);
        QVERIFY(sameValues(*m_chart->smoothedValues(1),
            synchronous(m_long->series.front(), SmoothingKind::Ema, 0.5)));
    }

    void appendedPointsExtendInPlace_data()
    {
        longSeriesSmoothOffTheGuiThread_data();
    }

    // Once smoothed, a live batch of points extends the curve in place (no new job).
    void appendedPointsExtendInPlace()
    {
        QFETCH(int, kind);
        QFETCH(double, param);
        const auto k = static_cast<SmoothingKind>(kind);
        showLongChart();
        m_chart->setOptions(smoothingOptions(k, param));
        m_chart->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(m_chart->smoothedValues(1) != nullptr, 30000);
        const int n = static_cast<int>(m_long->series.front().size());
        appendPoints(*m_long, n, n + 1000);
        m_chart->dataChanged({ 1 });
        m_chart->refresh();
        QVERIFY(!m_chart->isSmoothingPending());
        QVERIFY(m_chart->smoothedValues(1));
        QVERIFY(
            sameValues(*m_chart->smoothedValues(1), synchronous(m_long->series.front(), k, param)));
        QCOMPARE(m_chart->smoothingJobsStarted(), 1);
    }
};

QTEST_MAIN(TestSmoothingJob)
#include "tst_smoothing_job.moc"
