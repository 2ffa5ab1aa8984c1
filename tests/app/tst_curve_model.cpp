// The chart's widget-free curve model: which curves, x and y ranges (followed: points appended
// after a draw), group aggregates, hover values, smoothing and CSV rows, without a widget.
#include "curve_model.hpp"
#include "data_table.hpp"
#include "hover_values.hpp"
#include "smoothed_curves.hpp"
#include "smoothing.hpp"
#include "test_runs.hpp"

#include <QTest>
#include <QTextStream>

using namespace viewer;
using namespace viewer::test;

namespace {

const QString Loss = QStringLiteral("step_end/loss");

PixelColumns columnsFor(const CurveModel& model, int width = 800)
{
    const auto [x0, x1] = model.xRange();
    PixelColumns cols;
    cols.x0 = x0;
    cols.x1 = x1;
    cols.width = width;
    return cols;
}

// What a chart does per redraw: update, x range, decimate, y range.
std::pair<double, double> draw(CurveModel& model)
{
    model.update();
    const PixelColumns cols = columnsFor(model);
    model.decimate(cols);
    return model.yRange(cols.x0, cols.x1);
}

} // namespace

class TestCurveModel : public QObject
{
    Q_OBJECT
private slots:
    void curvesPerRunAndGroup()
    {
        Run a = makeRun(QStringLiteral("a"), Loss, 10, [](int i) { return double(i); });
        Run b = makeRun(QStringLiteral("b"), Loss, 10, [](int i) { return double(i) + 2; });
        Run c = makeRun(QStringLiteral("c"), QStringLiteral("step_end/acc"), 10,
            [](int i) { return double(i); });
        CurveModel model(Loss);
        model.setRuns({ { 1, &a, 7, {} }, { 2, &b, 7, {} }, { 3, &c, -1, {} } });
        model.update();
        QCOMPARE(model.curves().size(), std::size_t(2)); // c has no loss
        ChartOptions options;
        options.groupMode = GroupMode::MeanBand;
        QVERIFY(model.setOptions(options));
        QVERIFY(!model.setOptions(options));
        model.update();
        QCOMPARE(model.curves().size(), std::size_t(1));
        const Curve& mean = *model.curves().front();
        QCOMPARE(mean.members, (QList<int> { 1, 2 }));
        QCOMPARE(mean.name, QStringLiteral("a (mean of 2)"));
        const QList<CurveValue> values = model.valuesAt(4.2);
        QCOMPARE(values.size(), 1);
        QVERIFY(values.front().group);
        QCOMPARE(values.front().x, 4.0);
        QCOMPARE(values.front().value, 5.0);
        QCOMPARE(values.front().raw, 4.0);
        QCOMPARE(values.front().rawMax, 6.0);
        // The hover names the members holding the min and the max (issue 12).
        QCOMPARE(values.front().minRunId, 1);
        QCOMPARE(values.front().maxRunId, 2);
        QCOMPARE(values.front().minName, QStringLiteral("a"));
        QCOMPARE(values.front().maxName, QStringLiteral("b"));
        // A group named by the field it was grouped by.
        model.setRuns(
            { { 1, &a, 7, QStringLiteral("job=x") }, { 2, &b, 7, QStringLiteral("job=x") } });
        model.update();
        QCOMPARE(model.curves().front()->name, QStringLiteral("job=x (mean of 2)"));
    }

    // Issue 12: "Mean + min/max" can draw each group's members too, thin and faint under the
    // band: the members come before their group's curve; the hover, the y range and the
    // decimation of the mean are the group's as without them.
    void groupMembersFaint()
    {
        Run a = makeRun(QStringLiteral("a"), Loss, 10, [](int i) { return double(i); });
        Run b = makeRun(QStringLiteral("b"), Loss, 10, [](int i) { return double(i) + 2; });
        Run c = makeRun(QStringLiteral("c"), Loss, 10, [](int i) { return 100.0 + i; });
        CurveModel model(Loss);
        model.setRuns({ { 1, &a, 7, {} }, { 2, &b, 7, {} }, { 3, &c, -1, {} } });
        ChartOptions options;
        options.groupMode = GroupMode::MeanBand;
        model.setOptions(options);
        model.update();
        QCOMPARE(model.curves().size(), std::size_t(2));
        const auto yWithout = model.yRange(0, 9);

        options.groupMembersFaint = true;
        QVERIFY(model.setOptions(options));
        model.update();
        QCOMPARE(model.curves().size(), std::size_t(4));
        QVERIFY(model.curves()[0]->faintMember && model.curves()[1]->faintMember);
        QCOMPARE(model.curves()[0]->runId, 1);
        QCOMPARE(model.curves()[1]->runId, 2);
        QCOMPARE(model.curves()[2]->members, (QList<int> { 1, 2 }));
        QVERIFY(!model.curves()[3]->faintMember); // a group of one is its run's line
        PixelColumns cols;
        cols.x0 = 0;
        cols.x1 = 9;
        cols.width = 100;
        model.decimate(cols);
        QVERIFY(!model.curves()[0]->raw.points.empty()); // a member is decimated to be drawn
        QCOMPARE(model.valuesAt(4.0).size(), 2); // the group and c: members are not hovered
        QCOMPARE(model.yRange(0, 9), yWithout);
    }

    void hoverWindow_data()
    {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        testing::addTable<QList<double>, double, int, QList<double>, int, int>(
            { "values", "cursorY", "maxRows", "rows", "above", "below" },
            {
                { "few: all, sorted high to low", QList<double> { 1, 3, 2 }, 0.0, 10,
                    QList<double> { 3, 2, 1 }, 0, 0 },
                { "around the cursor", QList<double> { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, 4.9, 3,
                    QList<double> { 6, 5, 4 }, 3, 4 },
                { "cursor above every line", QList<double> { 0, 1, 2, 3, 4, 5 }, 99.0, 2,
                    QList<double> { 5, 4 }, 0, 4 },
                { "cursor below every line", QList<double> { 0, 1, 2, 3, 4, 5 }, -9.0, 2,
                    QList<double> { 1, 0 }, 4, 0 },
                { "NaN last, never nearest", QList<double> { nan, 2, nan, 1 }, 1.0, 2,
                    QList<double> { 2, 1 }, 0, 2 },
            });
    }
    void hoverWindow()
    {
        QFETCH(QList<double>, values);
        QFETCH(double, cursorY);
        QFETCH(int, maxRows);
        QList<CurveValue> in;
        for (double v : values) {
            CurveValue c;
            c.runId = int(in.size());
            c.value = v;
            in << c;
        }
        const HoverValues::Window w = HoverValues::window(in, cursorY, maxRows);
        QList<double> rows;
        for (const CurveValue& c : w.rows)
            rows << c.value;
        QTEST(rows, "rows");
        QTEST(w.moreAbove, "above");
        QTEST(w.moreBelow, "below");
    }

    void xRangeFixedOrData()
    {
        Run a = makeRun(QStringLiteral("a"), Loss, 11, [](int i) { return double(i); });
        CurveModel model(Loss);
        model.setRuns({ { 1, &a, -1, {} } });
        QCOMPARE(model.xRange(), std::make_pair(0.0, 10.0));
        QVERIFY(model.setXRange(2, 4));
        QVERIFY(!model.setXRange(2, 4));
        QVERIFY(!model.setXRange(4, 2)); // refused
        QCOMPARE(model.xRange(), std::make_pair(2.0, 4.0));
        QVERIFY(model.setAutoXRange());
        ChartOptions options;
        options.xMode = XAxisMode::Sequence;
        model.setXRange(2, 4);
        model.setFixedY(std::make_pair(0.0, 1.0));
        model.setOptions(options); // a new x mode: both ranges automatic again
        QVERIFY(!model.fixedX());
        QVERIFY(!model.fixedY());
    }

    // Issue 11 item 2: the newest point, at the right edge of the automatic x range, is inside
    // the y range, drawn first or appended after a draw (following), in step and record x.
    // Issue 13: what a chart shows when the user has chosen nothing. Steps 0..59 restarting every
    // pass (the seed's Python logger): global step, one line across the passes, and the y range
    // fits the smoothed line (EMA 0.6 above 500 points of a step_end series).
    void automaticDefaults_data()
    {
        testing::addTable<int, bool, int, int, int>(
            { "passes", "chosen", "xMode", "smoothing", "pieces" },
            {
                // of the drawn line
                { "9 passes of 0..59", 9, false, int(XAxisMode::GlobalStep),
                    int(SmoothingKind::Ema), 1 },
                { "one pass: step, no smoothing", 1, false, int(XAxisMode::Step),
                    int(SmoothingKind::None), 1 },
                { "chosen: kept", 9, true, int(XAxisMode::Step), int(SmoothingKind::None), 9 },
            });
    }
    void automaticDefaults()
    {
        QFETCH(int, passes);
        QFETCH(bool, chosen);
        QFETCH(int, xMode);
        QFETCH(int, smoothing);
        QFETCH(int, pieces);
        Run a;
        a.displayName = QStringLiteral("a");
        for (int p = 0; p < passes; ++p) {
            for (int step = 0; step < 60; ++step)
                addStep(a, step, { { Loss, 1.0 + 0.1 * std::sin(step + p) } }, p > 0 && step == 0);
        }
        CurveModel model(Loss);
        ChartOptions options;
        options.xModeChosen = chosen;
        options.smoothingChosen = chosen;
        model.setOptions(options);
        model.setRuns({ { 1, &a, -1, {} } });
        draw(model);
        QCOMPARE(int(model.options().xMode), xMode);
        QCOMPARE(int(model.options().smoothing), smoothing);
        QCOMPARE(model.curves().size(), std::size_t(1));
        const Curve& curve = *model.curves().front();
        const DecimatedSeries& line = curve.lineIsSmoothed ? curve.line : curve.raw;
        QCOMPARE(int(line.pieceCount()), pieces);
    }

    // Once drawn, the decimated points are freed (5,000 runs: a fifth of the window's memory);
    // the NaN x's stay for the hover, and the next decimation makes the points again even for
    // the same pixel columns.
    void releasedPointsComeBackAtTheNextDecimation()
    {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        Run a;
        a.displayName = QStringLiteral("a");
        for (int step = 0; step < 5000; ++step)
            addStep(a, step, { { Loss, step == 100 ? nan : std::sin(step * 0.01) } });
        CurveModel model(Loss);
        model.setRuns({ { 1, &a, -1, {} } });
        draw(model);
        const Curve& curve = *model.curves().front();
        const std::vector<QPointF> drawn = curve.raw.points;
        QVERIFY(!drawn.empty());
        QCOMPARE(curve.raw.nanX.size(), std::size_t(1));
        model.releaseDecimatedPoints();
        QVERIFY(curve.raw.points.empty());
        QCOMPARE(curve.raw.points.capacity(), std::size_t(0));
        QVERIFY(curve.raw.indices.empty());
        QCOMPARE(curve.raw.nanX.size(), std::size_t(1));
        model.decimate(columnsFor(model)); // the same columns as before
        QCOMPARE(curve.raw.points, drawn);
    }

    // decimateLater() leaves each curve to decimateCurve() (a chart decimates, maps and frees a
    // curve at a time, on every core): the same points as decimate(), the same y range before
    // any curve is decimated, and nothing pending once the data changes (update()). Many runs,
    // so that decimate() works on several threads; smoothed and raw, one with a NaN.
    void decimateLaterGivesTheSamePoints_data()
    {
        QTest::addColumn<bool>("logY");
        QTest::newRow("linear y") << false;
        QTest::newRow("log y: decimated at once") << true;
    }
    void decimateLaterGivesTheSamePoints()
    {
        QFETCH(bool, logY);
        const double nan = std::numeric_limits<double>::quiet_NaN();
        std::vector<Run> runs(200);
        QList<CurveRun> shown;
        for (int r = 0; r < int(runs.size()); ++r) {
            for (int step = 0; step < 700; ++step) {
                const double v = r == 7 && step == 300 ? nan : 2.0 + std::sin(step * 0.05 + r);
                addStep(runs[std::size_t(r)], step, { { Loss, v } });
            }
            shown.push_back({ r + 1, &runs[std::size_t(r)], -1, {} });
        }
        ChartOptions options;
        options.logY = logY;
        CurveModel eager(Loss);
        CurveModel lazy(Loss);
        for (CurveModel* model : { &eager, &lazy }) {
            model->setOptions(options);
            model->setRuns(shown);
            model->update();
        }
        const PixelColumns cols = columnsFor(eager, 300);
        eager.decimate(cols);
        lazy.decimateLater(cols);
        QCOMPARE(lazy.yRange(cols.x0, cols.x1), eager.yRange(cols.x0, cols.x1));
        QCOMPARE(lazy.curves().size(), eager.curves().size());
        for (std::size_t i = 0; i < lazy.curves().size(); ++i) {
            const Curve& e = *eager.curves()[i];
            const Curve& l = *lazy.curves()[i];
            QVERIFY(e.lineIsSmoothed); // 700 points: EMA by default
            QCOMPARE(l.decimationPending, !logY);
            lazy.decimateCurve(i);
            QVERIFY(!l.decimationPending);
            QVERIFY(!e.raw.points.empty());
            QCOMPARE(l.raw.points, e.raw.points);
            QCOMPARE(l.raw.pieceStarts, e.raw.pieceStarts);
            QCOMPARE(l.raw.nanX, e.raw.nanX);
            QCOMPARE(l.line.points, e.line.points);
            QCOMPARE(l.lineIsSmoothed, e.lineIsSmoothed);
        }
        QCOMPARE(lazy.curves()[7]->raw.nanX.size(), std::size_t(1)); // run 7 has the NaN
        lazy.decimateLater(columnsFor(lazy, 200));
        lazy.update(); // the runs may change now: nothing is left pending on them
        for (const auto& curve : lazy.curves())
            QVERIFY(!curve->decimationPending);
    }

    // The x extent is kept between calls (the grid asks for it several times per chart and
    // refresh) and follows every change: points appended (dataChanged), runs, x mode.
    void dataXExtentFollowsChanges()
    {
        Run a = makeRun(QStringLiteral("a"), Loss, 11, [](int i) { return double(i); });
        Run b = makeRun(QStringLiteral("b"), Loss, 21, [](int i) { return double(i); });
        CurveModel model(Loss);
        model.setRuns({ { 1, &a, -1, {} } });
        double x0 = 0;
        double x1 = 0;
        QVERIFY(model.dataXExtent(x0, x1));
        QCOMPARE(x1, 10.0);
        addStep(a, 30, { { Loss, 1.0 } });
        QVERIFY(!model.dataChanged({ 2 })); // not a shown run: nothing to forget
        QVERIFY(model.dataChanged({ 1 }));
        QVERIFY(model.dataXExtent(x0, x1));
        QCOMPARE(x1, 30.0);
        model.setRuns({ { 2, &b, -1, {} } });
        QVERIFY(model.dataXExtent(x0, x1));
        QCOMPARE(x1, 20.0);
        ChartOptions options;
        options.xMode = XAxisMode::Sequence;
        model.setOptions(options);
        QVERIFY(model.dataXExtent(x0, x1));
        QCOMPARE(x1, double(b.records.size() - 1));
        model.setRuns({});
        QVERIFY(!model.dataXExtent(x0, x1));
    }

    // A chart frees each curve's points as soon as that curve is in pixels (CurveGeometry's
    // built callback): one curve's, the others stay until their turn.
    void oneCurvesPointsAreReleasedAlone()
    {
        Run a;
        Run b;
        for (int step = 0; step < 500; ++step) {
            addStep(a, step, { { Loss, std::sin(step * 0.01) } });
            addStep(b, step, { { Loss, std::cos(step * 0.01) } });
        }
        CurveModel model(Loss);
        model.setRuns({ { 1, &a, -1, {} }, { 2, &b, -1, {} } });
        draw(model);
        QCOMPARE(model.curves().size(), std::size_t(2));
        model.releaseDecimatedPoints(0);
        QVERIFY(model.curves()[0]->raw.points.empty());
        QVERIFY(!model.curves()[1]->raw.points.empty());
        model.decimate(columnsFor(model)); // stale now: made again, the same columns or not
        QVERIFY(!model.curves()[0]->raw.points.empty());
    }

    void newestPointInYRange_data()
    {
        testing::addColumns<int, int, bool, bool>({ "xMode", "points", "followed", "afterNaN" });
        for (int mode : { int(XAxisMode::Step), int(XAxisMode::Sequence) }) {
            const char* m = mode == int(XAxisMode::Step) ? "step" : "record";
            for (bool followed : { false, true }) {
                const char* f = followed ? "followed" : "loaded";
                QTest::addRow("%s, %s, 50 then 100", m, f) << mode << 50 << followed << false;
                QTest::addRow("%s, %s, 10000 then 5", m, f) << mode << 10000 << followed << false;
                QTest::addRow("%s, %s, after NaN", m, f) << mode << 50 << followed << true;
            }
        }
    }
    void newestPointInYRange()
    {
        QFETCH(int, xMode);
        QFETCH(int, points);
        QFETCH(bool, followed);
        QFETCH(bool, afterNaN);
        const double newest = points > 100 ? 5.0 : 100.0;
        Run a = makeRun(QStringLiteral("a"), Loss, points, [](int) { return 1.0; });
        CurveModel model(Loss);
        ChartOptions options;
        options.xMode = XAxisMode(xMode);
        options.smoothingChosen = true; // none: the raw newest point is the drawn one
        model.setOptions(options);
        model.setRuns({ { 1, &a, -1, {} } });
        if (followed)
            draw(model);
        if (afterNaN)
            addStep(a, points, { { Loss, NaN } });
        addStep(a, points + 1, { { Loss, newest } });
        model.dataChanged({ 1 });
        const auto [lo, hi] = draw(model);
        QVERIFY2(lo < 1.0 && hi > newest, qPrintable(QStringLiteral("%1..%2").arg(lo).arg(hi)));
    }

    // A live group is extended by what its members appended (issue 11 item 6): after every
    // batch, with a member lagging behind, repeated x and NaN, the aggregate equals one built
    // from scratch.
    void liveGroupAggregateEqualsRebuild()
    {
        Run a;
        Run b;
        a.displayName = QStringLiteral("a");
        b.displayName = QStringLiteral("b");
        ChartOptions options;
        options.groupMode = GroupMode::MeanBand;
        CurveModel live(Loss);
        live.setOptions(options);
        live.setRuns({ { 1, &a, 0, {} }, { 2, &b, 0, {} } });
        int stepA = 0;
        int stepB = 0;
        for (int batch = 0; batch < 12; ++batch) {
            for (int k = 0; k < 7; ++k, ++stepA)
                addStep(a, stepA, { { Loss, stepA % 11 == 5 ? NaN : std::sin(stepA) } });
            // b lags behind a, then catches up; it repeats a step now and then.
            for (int k = 0; k < (batch % 3 == 0 ? 2 : 9); ++k, ++stepB) {
                addStep(b, stepB, { { Loss, std::cos(stepB) } });
                if (stepB % 5 == 0)
                    addStep(b, stepB, { { Loss, 2.0 * std::cos(stepB) } });
            }
            live.dataChanged({ 1, 2 });
            live.update();
            CurveModel fresh(Loss);
            fresh.setOptions(options);
            fresh.setRuns({ { 1, &a, 0, {} }, { 2, &b, 0, {} } });
            fresh.update();
            const GroupAggregate& got = live.curves().front()->aggregate;
            const GroupAggregate& want = fresh.curves().front()->aggregate;
            QCOMPARE(got.x, want.x);
            QCOMPARE(got.count, want.count);
            for (const auto& [g, w] : { std::pair { &got.mean, &want.mean },
                     std::pair { &got.min, &want.min }, std::pair { &got.max, &want.max } }) {
                QCOMPARE(g->size(), w->size());
                for (std::size_t i = 0; i < g->size(); ++i)
                    QVERIFY((std::isnan((*g)[i]) && std::isnan((*w)[i])) || (*g)[i] == (*w)[i]);
            }
            QCOMPARE(got.meanNonFinite, want.meanNonFinite);
            QCOMPARE(got.maxNonFinite, want.maxNonFinite);
            double lo = 0;
            double hi = 0;
            double wantLo = 0;
            double wantHi = 0;
            QCOMPARE(got.maxPyramid.range(got.max, 0, got.max.size(), lo, hi),
                want.maxPyramid.range(want.max, 0, want.max.size(), wantLo, wantHi));
            QCOMPARE(lo, wantLo);
            QCOMPARE(hi, wantHi);
            QCOMPARE(got.meanPyramid.size(), got.mean.size());
        }
    }

    // A smoothed curve is extended by what was appended, in place, however large the batch (a
    // job would recompute the whole series per batch while a fast writer is followed).
    void largeBatchExtendsSmoothingInPlace_data()
    {
        testing::addTable<int, double>({ "kind", "param" },
            {
                { "ema", int(SmoothingKind::Ema), 0.9 },
                { "moving average", int(SmoothingKind::MovingAverage), 25.0 },
            });
    }
    void largeBatchExtendsSmoothingInPlace()
    {
        QFETCH(int, kind);
        QFETCH(double, param);
        constexpr int First = 300000;
        constexpr int Batch = 150000; // more than SmoothedCurves::InPlacePoints
        static_assert(std::size_t(Batch) > SmoothedCurves::InPlacePoints);
        Run a = makeRun(QStringLiteral("a"), Loss, First, [](int i) { return std::sin(i * 0.01); });
        CurveModel model(Loss);
        model.setRuns({ { 1, &a, -1, {} } });
        ChartOptions options;
        options.smoothing = SmoothingKind(kind);
        options.smoothingParam = param;
        model.setOptions(options);
        QVERIFY(model.finishSmoothing());
        for (int i = First; i < First + Batch; ++i)
            addStep(a, i, { { Loss, std::sin(i * 0.01) } });
        model.dataChanged({ 1 });
        model.update();
        QVERIFY(!model.smoothing().isPending());
        const std::vector<double>* smoothed = model.smoothedValues(1);
        QVERIFY(smoothed);
        const Series& s = seriesOf(a, Loss);
        const std::vector<double> want = SmoothingKind(kind) == SmoothingKind::Ema
            ? Smoothing::ema(s.values(), param)
            : Smoothing::movingAverage(s.values(), int(param));
        QCOMPARE(*smoothed, want);
    }

    void hoverNearestPoint()
    {
        Run a = makeRun(QStringLiteral("a"), Loss, 10, [](int i) { return double(i * i); });
        CurveModel model(Loss);
        model.setRuns({ { 1, &a, -1, {} } });
        model.update();
        const QList<CurveValue> values = model.valuesAt(3.4);
        QCOMPARE(values.size(), 1);
        QCOMPARE(values.front().x, 3.0);
        QCOMPARE(values.front().value, 9.0);
        QCOMPARE(values.front().record, std::uint32_t(3));
    }

    void smoothingAndCsv()
    {
        Run a = makeRun(QStringLiteral("=a"), Loss, 5, [](int i) { return double(i); });
        CurveModel model(Loss);
        model.setRuns({ { 1, &a, -1, {} } });
        ChartOptions options;
        options.smoothing = SmoothingKind::Ema;
        options.smoothingParam = 0.5;
        model.setOptions(options);
        QVERIFY(!model.smoothedValues(1));
        QVERIFY(model.finishSmoothing());
        const std::vector<double>* smoothed = model.smoothedValues(1);
        QVERIFY(smoothed);
        QCOMPARE(*smoothed, Smoothing::ema(seriesOf(a, Loss).values(), 0.5));
        QString text;
        QTextStream out(&text);
        model.writeCsvRows(out, XAxisMode::Step);
        out.flush();
        const QStringList rows = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(rows.size(), 5);
        QVERIFY(rows.front().startsWith(QStringLiteral("'=a,step_end/loss,0,0,0")));
    }
};

QTEST_GUILESS_MAIN(TestCurveModel)
#include "tst_curve_model.moc"
