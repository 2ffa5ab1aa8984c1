#include "chart_markers.hpp"
#include "chart_overlay.hpp"
#include "data_table.hpp"
#include "metric_chart.hpp"
#include "plain_label.hpp"
#include "series_layer.hpp"
#include "test_runs.hpp"

#include <QCategoryAxis>
#include <QDateTimeAxis>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QValueAxis>

using namespace viewer;
using namespace viewer::test;

class TestMetricChart : public QObject
{
    Q_OBJECT

private:
    static const QString Loss;

    // A chart of `key` over the given runs, laid out and drawn at 800x400.
    static std::unique_ptr<MetricChart> chartOf(
        const QString& key, const QList<const Run*>& runs, const ChartOptions& options = {})
    {
        auto chart = std::make_unique<MetricChart>(key);
        QList<ChartRun> list;
        int id = 1;
        const QColor colors[] = { QColor(0x1f77b4), QColor(0xff7f0e), QColor(0x2ca02c) };
        for (const Run* run : runs)
            list.push_back({ id, run, colors[(id - 1) % 3], -1 }), ++id;
        chart->setRuns(list);
        chart->setOptions(options);
        chart->renderImage(QSize(800, 400));
        return chart;
    }

    // The pixel column centre where the chart draws x.
    static double columnCentre(const MetricChart& chart, double x)
    {
        PixelColumns cols;
        cols.x0 = chart.xMin();
        cols.x1 = chart.xMax();
        cols.logX = chart.options().logX;
        cols.width = static_cast<int>(std::lround(chart.mapping().rect.width()));
        return chart.mapping().rect.left() + cols.pixelX(x);
    }

    static int curvePointCount(const LayerCurve& c)
    {
        int n = static_cast<int>(c.dots.size());
        for (const QPolygonF& p : c.pieces)
            n += static_cast<int>(p.size());
        return n;
    }

private slots:
    void initTestCase()
    {
        QApplication::setStyle(QStringLiteral("Fusion"));
    }

    void rangesFollowTheData()
    {
        const Run run = makeRun("a", Loss, 101, [](int i) { return 10.0 - i * 0.05; });
        auto chart = chartOf(Loss, { &run });
        QCOMPARE(chart->xMin(), 0.0);
        QCOMPARE(chart->xMax(), 100.0);
        QVERIFY(chart->yMin() < 5.0 && chart->yMin() > 4.0);
        QVERIFY(chart->yMax() > 10.0 && chart->yMax() < 10.5);
        QCOMPARE(chart->seriesLayer()->curves().size(), std::size_t(1));
        QVERIFY(curvePointCount(chart->seriesLayer()->curves()[0]) >= 2);
        QCOMPARE(chart->xAxisTitle(), QStringLiteral("step"));
    }

    // V30: Qt Charts renders titles and legend labels as HTML; a metric key or run name from a
    // record must show its characters, so what is handed to Qt Charts is escaped.
    void richTextShownLiterally_data()
    {
        testing::addTable<QString>({ "text" },
            {
                { "bold", QStringLiteral("<b>x</b>") },
                { "link", QStringLiteral("<a href=\"http://x\">y</a>") },
                { "image", QStringLiteral("<img src=\"http://127.0.0.1:9/p.png\">") },
                { "font", QStringLiteral("<font size=999999>x") },
                { "entity", QStringLiteral("&amp;") },
            });
    }
    void richTextShownLiterally()
    {
        QFETCH(QString, text);
        const QString key = QStringLiteral("step_end/") + text;
        Run run = makeRun(text, key, 10, [](int i) { return double(i); });
        auto chart = chartOf(key, { &run });
        QCOMPARE(chart->titleText(), key.toHtmlEscaped());
        QCOMPARE(chart->legendTexts(), QStringList { text.toHtmlEscaped() });
    }

    // V31: a 1 MiB tag name is elided, not laid out.
    void hugeNameElided()
    {
        const QString key = QStringLiteral("step_end/") + QString(1 << 20, QLatin1Char('m'));
        Run run =
            makeRun(QString(1 << 20, QLatin1Char('r')), key, 10, [](int i) { return double(i); });
        auto chart = chartOf(key, { &run });
        QVERIFY(chart->titleText().size() <= 200);
        QVERIFY(chart->legendTexts().value(0).size() <= 100);
        QVERIFY(chart->titleText().endsWith(QChar(0x2026)));
        QCOMPARE(plainLabel(QStringLiteral("a\u202Eb")), QStringLiteral("a[U+202E]b"));
    }

    void xModeSwitchChangesAxis()
    {
        Run run = makeRun("a", Loss, 300, [](int i) { return std::sin(i * 0.1); });
        auto chart = chartOf(Loss, { &run });
        QCOMPARE(chart->xMax(), 299.0);

        ChartOptions o;
        o.xMode = XAxisMode::Epoch;
        chart->setOptions(o);
        chart->renderImage(QSize(800, 400));
        QCOMPARE(chart->xAxisTitle(), QStringLiteral("epoch"));
        QCOMPARE(chart->xMin(), 0.0);
        QCOMPARE(chart->xMax(), 2.99); // fractional epoch: epoch 2's last step

        o.xMode = XAxisMode::Relative;
        chart->setOptions(o);
        chart->renderImage(QSize(800, 400));
        QCOMPARE(chart->xAxisTitle(), QStringLiteral("relative time (s)"));
        QCOMPARE(chart->xMin(), 0.0);
        QCOMPARE(chart->xMax(), 29.9);

        o.xMode = XAxisMode::Wall;
        chart->setOptions(o);
        chart->renderImage(QSize(800, 400));
        QCOMPARE(chart->xMin(), 1000.0);
        QVERIFY(qobject_cast<QDateTimeAxis*>(chart->xAxis()));

        o.xMode = XAxisMode::Sequence;
        chart->setOptions(o);
        chart->renderImage(QSize(800, 400));
        QCOMPARE(chart->xAxisTitle(), QStringLiteral("record # in run (every tag)"));
        QCOMPARE(chart->xMax(), 299.0);
    }

    // Debiased EMA (TensorBoard's): on the full-resolution values, whatever the zoom.
    void emaMatchesHandComputed()
    {
        const double w = 0.6;
        const std::vector<double> v = { 1.0, 5.0, 2.0, 8.0, 3.0, 3.0, 9.0, 0.0, 4.0, 6.0 };
        Run run = makeRun("a", Loss, static_cast<int>(v.size()),
            [&](int i) { return v[static_cast<std::size_t>(i)]; });
        ChartOptions o;
        o.smoothing = SmoothingKind::Ema;
        o.smoothingParam = w;
        auto chart = chartOf(Loss, { &run }, o);
        const std::vector<double>* smoothed = chart->smoothedValues(1);
        QVERIFY(smoothed);
        QCOMPARE(smoothed->size(), v.size());
        double last = 0.0;
        for (std::size_t i = 0; i < v.size(); ++i) {
            last = last * w + (1 - w) * v[i];
            const double expected = last / (1 - std::pow(w, double(i + 1)));
            QVERIFY2(std::abs((*smoothed)[i] - expected) < 1e-12,
                qPrintable(
                    QStringLiteral("point %1: %2 != %3").arg(i).arg((*smoothed)[i]).arg(expected)));
            const QList<HoverValue> at = chart->valuesAt(double(i));
            QCOMPARE(at.size(), 1);
            QVERIFY(std::abs(at[0].value - expected) < 1e-12);
            QCOMPARE(at[0].raw, v[i]);
        }
        // Raw line kept faint behind the smoothed one.
        const auto& curves = chart->seriesLayer()->curves();
        QCOMPARE(curves.size(), std::size_t(2));
        QVERIFY(curves[0].faint);
        QVERIFY(!curves[1].faint);
        // Zooming does not change the smoothed values.
        chart->setXRange(4, 8);
        chart->refresh();
        QVERIFY(
            std::abs(chart->valuesAt(6).value(0).value - (*chart->smoothedValues(1))[6]) < 1e-15);
    }

    // Issue 15: with no band and no line, the markers' item has no extent, so a live append's
    // strip never blits its (transparent) cached pixmap; it covers the plot again once it has one.
    void markersWithoutAnyHaveNoExtent()
    {
        ChartMarkers markers;
        markers.setPlotArea(QRectF(10, 10, 100, 50));
        QVERIFY(markers.boundingRect().isEmpty());
        markers.setMarkers({ { 20.0, 30.0 } }, {});
        QCOMPARE(markers.boundingRect(), QRectF(9, 9, 102, 52));
        markers.setMarkers({}, {});
        QVERIFY(markers.boundingRect().isEmpty());
    }

    void errorMarkerAtItsStep()
    {
        Run run = makeRun("a", Loss, 100, [](int i) { return double(i); });
        addError(run, 42, QStringLiteral("<b>RuntimeError</b>"),
            QStringLiteral("CUDA <img src=x> out of memory"));
        for (int i = 100; i < 120; ++i)
            addStep(run, i, { { Loss, double(i) } });
        auto chart = chartOf(Loss, { &run });
        const auto& lines = chart->markers()->lines();
        QCOMPARE(lines.size(), std::size_t(1));
        QCOMPARE(lines[0].kind, ChartMarkers::Line::Kind::Error);
        QVERIFY(std::abs(lines[0].px - chart->mapping().px(42)) < 0.01);

        // Hovering it names the error, as plain text.
        chart->hoverAt(QPointF(lines[0].px + 1, chart->mapping().rect.center().y()));
        bool found = false;
        for (const auto& line : chart->overlay()->hoverLines()) {
            if (line.text.contains(QStringLiteral(
                    "Error at 42: <b>RuntimeError</b>: CUDA <img src=x> out of memory")))
                found = line.warning;
        }
        QVERIFY(found);
    }

    void epochBandsAndRestarts()
    {
        Run run;
        run.displayName = QStringLiteral("a");
        for (int e = 0; e < 4; ++e) {
            addEpochBegin(run, e * 25, e);
            for (int i = 0; i < 25; ++i)
                addStep(run, e * 25 + i, { { Loss, double(i) } });
        }
        // Resumed from a checkpoint at step 60: the step goes backwards.
        for (int i = 60; i < 130; ++i)
            addStep(run, i, { { Loss, 100.0 - i } }, i == 60);
        auto chart = chartOf(Loss, { &run });
        // Every other epoch shaded: epochs 1 and 3.
        QCOMPARE(chart->markers()->bands().size(), std::size_t(2));
        QVERIFY(std::abs(chart->markers()->bands()[0].first - chart->mapping().px(25)) < 0.01);
        QVERIFY(std::abs(chart->markers()->bands()[0].second - chart->mapping().px(50)) < 0.01);
        // The restart is a dashed line at step 60, and no line joins step 99 to step 60.
        const auto& lines = chart->markers()->lines();
        QCOMPARE(lines.size(), std::size_t(1));
        QCOMPARE(lines[0].kind, ChartMarkers::Line::Kind::Restart);
        QVERIFY(std::abs(lines[0].px - chart->mapping().px(60)) < 0.01);
        QCOMPARE(chart->seriesLayer()->curves()[0].pieces.size(), std::size_t(2));
        QCOMPARE(chart->xMax(), 129.0);
    }

    // A step counter that restarts every pass is joined by the global step: no dashed line per
    // pass. A resume from a checkpoint (back to a middle step) still breaks the line and is marked.
    void restartsJoinedByGlobalStepAreNotMarked()
    {
        Run run;
        run.displayName = QStringLiteral("a");
        for (int pass = 0; pass < 3; ++pass) {
            for (int i = 0; i < 20; ++i)
                addStep(run, i, { { Loss, double(pass * 20 + i) } }, pass > 0 && i == 0);
        }
        for (int i = 10; i < 20; ++i) // the fourth pass resumes at step 10: global 50, back from 59
            addStep(run, i, { { Loss, double(i) } }, i == 10);
        auto chart = chartOf(Loss, { &run });
        QCOMPARE(chart->options().xMode, XAxisMode::GlobalStep);
        const auto& lines = chart->markers()->lines();
        QCOMPARE(lines.size(), std::size_t(1));
        QCOMPARE(lines[0].kind, ChartMarkers::Line::Kind::Restart);
        QVERIFY(std::abs(lines[0].px - chart->mapping().px(50)) < 0.01);
    }

    void nonFiniteMarkersAndCounts()
    {
        Run run = makeRun("a", Loss, 100, [](int i) {
            return i == 30 || i == 60 ? NaN : i == 70 ? Inf : i == 80 ? -Inf : std::cos(i * 0.2);
        });
        auto chart = chartOf(Loss, { &run });
        const LayerCurve& c = chart->seriesLayer()->curves().at(0);
        QCOMPARE(c.nanPx.size(), std::size_t(2));
        QVERIFY(std::abs(c.nanPx[0] - columnCentre(*chart, 30)) < 0.01);
        QVERIFY(std::abs(c.nanPx[1] - columnCentre(*chart, 60)) < 0.01);
        QCOMPARE(c.posInfPx.size(), std::size_t(1));
        QVERIFY(std::abs(c.posInfPx[0] - columnCentre(*chart, 70)) < 0.01);
        QCOMPARE(c.negInfPx.size(), std::size_t(1));
        // NaN and Inf break the line: 0-29, 31-59, 61-69, 71-79, 81-99.
        QCOMPARE(c.pieces.size(), std::size_t(5));
        // Inf does not blow up the y range.
        QVERIFY(chart->yMax() < 1.2 && chart->yMin() > -1.2);

        QCOMPARE(chart->nanCount(1), std::size_t(2));
        QCOMPARE(chart->firstNanX(1), 30.0);
        const auto& badges = chart->overlay()->badges();
        QCOMPARE(badges.size(), std::size_t(1));
        QCOMPARE(badges[0].text, QStringLiteral("2 NaN, 1 +Inf, 1 -Inf"));

        // Clicking the badge asks to go to the first NaN.
        QSignalSpy go(chart.get(), &MetricChart::goToXRequested);
        chart->resize(800, 400);
        const QPoint at = chart->mapFromScene(chart->chart()->mapToScene(badges[0].rect.center()));
        QTest::mouseClick(chart->viewport(), Qt::LeftButton, {}, at);
        QCOMPARE(go.count(), 1);
        QCOMPARE(go.at(0).at(0).toDouble(), 30.0);
    }

    void growsWhenTheRunGrows()
    {
        Run run = makeRun("a", Loss, 50, [](int i) { return double(i); });
        auto chart = chartOf(Loss, { &run });
        QCOMPARE(chart->xMax(), 49.0);
        for (int i = 50; i < 200; ++i)
            addStep(run, i, { { Loss, double(i) } });
        chart->dataChanged({ 1 });
        QVERIFY(chart->isDirty());
        chart->refresh();
        QCOMPARE(chart->xMax(), 199.0);
        QVERIFY(chart->yMax() >= 199.0);
        // A series that appears later in another run joins the chart.
        Run other;
        other.displayName = QStringLiteral("b");
        addStep(other, 0, { { QStringLiteral("step_end/acc"), 1.0 } });
        QList<ChartRun> runs = chart->runs();
        runs.push_back({ 2, &other, Qt::red, -1 });
        chart->setRuns(runs);
        chart->refresh();
        QCOMPARE(chart->legendTexts().size(), 1);
        addStep(other, 1, { { Loss, 5.0 } });
        chart->dataChanged({ 2 });
        chart->refresh();
        QCOMPARE(chart->legendTexts(), (QStringList { "a", "b" }));
    }

    // A one-sample spike among a million points is in the y range and drawn.
    void spikeSurvivesDecimation()
    {
        Run run = makeRun(
            "a", Loss, 1'000'000, [](int i) { return i == 654'321 ? 1000.0 : std::sin(i * 1e-3); });
        ChartOptions kept; // outliers kept: the spike sets the range
        kept.ignoreOutliers = false;
        auto chart = chartOf(Loss, { &run }, kept);
        QVERIFY(chart->yMax() >= 1000.0);
        double top = 1e9;
        for (const QPolygonF& p : chart->seriesLayer()->curves()[0].pieces) {
            for (const QPointF& q : p)
                top = std::min(top, q.y());
        }
        QVERIFY(std::abs(top - chart->mapping().py(1000.0)) < 0.5);
        QVERIFY(curvePointCount(chart->seriesLayer()->curves()[0]) <= 4 * 800 + 8);
    }

    // "Ignore outliers": the y range leaves out rare spikes (still drawn, clipped at the edge).
    void ignoreOutliersKeepsTheCurveReadable()
    {
        Run run = makeRun(
            "a", Loss, 10'000, [](int i) { return i == 5000 ? 1e6 : 1.0 + (i % 10) * 0.01; });
        ChartOptions kept;
        kept.ignoreOutliers = false;
        kept.smoothingChosen = true; // none: the raw spike is the drawn line
        auto chart = chartOf(Loss, { &run }, kept);
        QVERIFY(chart->yMax() >= 1e6);
        ChartOptions o; // ignoring outliers is the default (issue 13)
        o.smoothingChosen = true;
        chart->setOptions(o);
        chart->refresh();
        QVERIFY2(chart->yMax() < 1.2, qPrintable(QString::number(chart->yMax())));
        QVERIFY(chart->yMin() < 1.0 && chart->yMin() > 0.9);
        // The spike is still drawn: a line leaves through the top edge.
        double top = 1e9;
        for (const QPolygonF& p : chart->seriesLayer()->curves()[0].pieces) {
            for (const QPointF& q : p)
                top = std::min(top, q.y());
        }
        QVERIFY(top < chart->mapping().rect.top());
    }

    // Issue 13: an outlier the y range leaves out is marked at the edge it leaves by (in the
    // run's color), and the NaN markers of two runs sit on two rows, never one merged bar.
    void outliersMarkedAndNanRowsPerRun()
    {
        Run a = makeRun("a", Loss, 60, [](int i) {
            return i == 5 ? 1e6 : i == 30 ? NaN : 1.0 + 0.1 * std::sin(i);
        });
        Run b =
            makeRun("b", Loss, 60, [](int i) { return i == 40 ? NaN : 1.0 + 0.1 * std::cos(i); });
        auto chart = chartOf(Loss, { &a, &b });
        QVERIFY2(chart->yMax() < 2.0, qPrintable(QString::number(chart->yMax())));
        const auto& curves = chart->seriesLayer()->curves();
        QCOMPARE(curves.size(), std::size_t(2));
        QCOMPARE(curves[0].abovePx.size(), std::size_t(1));
        QVERIFY(std::abs(curves[0].abovePx[0] - chart->mapping().px(5)) < 3.0);
        QVERIFY(curves[1].abovePx.empty());
        QCOMPARE(curves[0].nanPx.size(), std::size_t(1));
        QCOMPARE(curves[1].nanPx.size(), std::size_t(1));
        QVERIFY(curves[0].markerRow != curves[1].markerRow);
    }

    // Issue 13: tick labels from AxisTicks: SI steps on x, distinct labels on a narrow y range.
    void tickLabelsReadable()
    {
        Run run = makeRun("a", Loss, 250'001, [](int i) { return 5e-05 + (i % 7) * 1e-12; });
        ChartOptions o;
        o.smoothingChosen = true;
        auto chart = chartOf(Loss, { &run }, o);
        auto* xAxis = qobject_cast<QCategoryAxis*>(chart->xAxis());
        auto* yAxis = qobject_cast<QCategoryAxis*>(chart->yAxis());
        QVERIFY(xAxis && yAxis);
        const QStringList x = xAxis->categoriesLabels();
        QVERIFY2(x.contains(QStringLiteral("100k")) && x.contains(QStringLiteral("200k")),
            qPrintable(x.join(' ')));
        const QStringList y = yAxis->categoriesLabels();
        QVERIFY2(y.size() >= 2 && QSet<QString>(y.begin(), y.end()).size() == y.size(),
            qPrintable(y.join(' ')));
    }

    void logScales()
    {
        Run run = makeRun("a", Loss, 1000, [](int i) { return i < 10 ? -1.0 : 1.0 / (i + 1); });
        ChartOptions o;
        o.logX = true;
        o.logY = true;
        o.smoothingChosen = true;
        auto chart = chartOf(Loss, { &run }, o);
        // True log axes, labelled at their values' log positions: powers of ten over x (3
        // decades), 1-2-5 over y (under 2 decades), never linear near zero.
        auto* xAxis = qobject_cast<QCategoryAxis*>(chart->xAxis());
        auto* yAxis = qobject_cast<QCategoryAxis*>(chart->yAxis());
        QVERIFY(xAxis && yAxis);
        QCOMPARE(xAxis->categoriesLabels(), (QStringList { "1", "10", "100" }));
        QCOMPARE(xAxis->endValue(QStringLiteral("100")), 2.0);
        QCOMPARE(xAxis->min(), 0.0);
        QCOMPARE(xAxis->max(), std::log10(999.0));
        const QStringList yLabels = yAxis->categoriesLabels();
        for (const char* label : { "0.002", "0.005", "0.01", "0.02", "0.05" })
            QVERIFY2(yLabels.contains(QLatin1String(label)), qPrintable(yLabels.join(' ')));
        QCOMPARE(yAxis->endValue(QStringLiteral("0.02")), std::log10(0.02));
        // Only the active axes are shown (a replaced axis must not leave its labels behind).
        int visible = 0;
        for (QAbstractAxis* axis : chart->chart()->axes())
            visible += axis->isVisible() ? 1 : 0;
        QCOMPARE(visible, 2);
        QCOMPARE(chart->xMin(), 1.0); // step 0 has no place on a log axis
        QCOMPARE(chart->xMax(), 999.0);
        QVERIFY(chart->yMin() > 0 && chart->yMin() <= 1.0 / 1000);
        QVERIFY(chart->yMax() >= 1.0 / 11 && chart->yMax() < 0.2);
        for (const QPolygonF& p : chart->seriesLayer()->curves()[0].pieces) {
            for (const QPointF& q : p)
                QVERIFY(std::isfinite(q.x()) && std::isfinite(q.y()));
        }
        // The hover box says why a value is missing.
        chart->hoverAt(QPointF(chart->mapping().px(5), chart->mapping().rect.center().y()));
        bool said = false;
        for (const auto& line : chart->overlay()->hoverLines())
            said = said || line.text.contains(QStringLiteral("not drawn on a log axis"));
        QVERIFY(said);
    }

    void meanBandOfAGroup()
    {
        Run a = makeRun("rank0", Loss, 100, [](int i) { return double(i); });
        Run b = makeRun("rank1", Loss, 100, [](int i) { return double(i) + 10.0; });
        a.sourcePath = QStringLiteral("/runs/seed-sweep/rank0.jsonl");
        b.sourcePath = QStringLiteral("/runs/seed-sweep/rank1.jsonl");
        auto chart = std::make_unique<MetricChart>(Loss);
        chart->setRuns({ { 1, &a, Qt::blue, 7 }, { 2, &b, Qt::green, 7 } });
        ChartOptions o;
        o.groupMode = GroupMode::MeanBand;
        chart->setOptions(o);
        chart->renderImage(QSize(800, 400));
        QCOMPARE(chart->seriesLayer()->curves().size(), std::size_t(1));
        QVERIFY(!chart->seriesLayer()->curves()[0].bands.empty());
        QCOMPARE(chart->legendTexts(), QStringList { QStringLiteral("seed-sweep (mean of 2)") });
        const QList<HoverValue> at = chart->valuesAt(50);
        QCOMPARE(at.size(), 1);
        QCOMPARE(at[0].value, 55.0);
        QCOMPARE(at[0].raw, 50.0);
        QCOMPARE(at[0].rawMax, 60.0);
    }

    void rubberBandZoomAndReset()
    {
        Run run = makeRun("a", Loss, 1001, [](int i) { return double(i % 17); });
        auto chart = chartOf(Loss, { &run });
        chart->show();
        QVERIFY(QTest::qWaitForWindowExposed(chart.get()));
        chart->refresh();
        QSignalSpy zoomed(chart.get(), &MetricChart::xRangeRequested);
        const QRectF plot = chart->mapping().rect;
        auto toView = [&](QPointF p) { return chart->mapFromScene(chart->chart()->mapToScene(p)); };
        const QPoint from = toView(QPointF(plot.left() + plot.width() * 0.25, plot.top() + 10));
        const QPoint to = toView(QPointF(plot.left() + plot.width() * 0.5, plot.bottom() - 10));
        QTest::mousePress(chart->viewport(), Qt::LeftButton, {}, from);
        QMouseEvent move(QEvent::MouseMove, to, chart->viewport()->mapToGlobal(to), Qt::NoButton,
            Qt::LeftButton, {});
        QApplication::sendEvent(chart->viewport(), &move);
        QTest::mouseRelease(chart->viewport(), Qt::LeftButton, {}, to);
        QCOMPARE(zoomed.count(), 1);
        QVERIFY(std::abs(chart->xMin() - 250) < 3);
        QVERIFY(std::abs(chart->xMax() - 500) < 3);
        QVERIFY(!chart->isAutoYRange());

        QSignalSpy reset(chart.get(), &MetricChart::resetRequested);
        QTest::mouseDClick(chart->viewport(), Qt::LeftButton, {}, from);
        QCOMPARE(reset.count(), 1);
        QCOMPARE(chart->xMin(), 0.0);
        QCOMPARE(chart->xMax(), 1000.0);
        QVERIFY(chart->isAutoYRange());

        // With "wheel zooms" off, Ctrl+wheel zooms x about the cursor.
        chart->setWheelZooms(false);
        const QPoint centre = toView(plot.center());
        QWheelEvent wheel(centre, chart->viewport()->mapToGlobal(centre), QPoint(), QPoint(0, 120),
            Qt::NoButton, Qt::ControlModifier, Qt::NoScrollPhase, false);
        QSignalSpy wheeled(chart.get(), &MetricChart::xRangeRequested);
        QApplication::sendEvent(chart->viewport(), &wheel);
        QCOMPARE(wheeled.count(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(chart->xMax() - chart->xMin() < 950, 1000);
        QVERIFY(chart->xMin() > 0);
        // A plain wheel is left to the scroll area around the charts.
        QWheelEvent plain(centre, chart->viewport()->mapToGlobal(centre), QPoint(), QPoint(0, 120),
            Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(chart->viewport(), &plain);
        QCOMPARE(wheeled.count(), 1);
    }

    // Issue 12: long names that differ only at their end stay apart in the hover and the badges.
    void namesStayApartInHoverAndBadges()
    {
        const QString stem = QStringLiteral(
            "imagenet_resnet50_sweep_2026-12-07_lr=0.001,bs=256,warmup=5,smoothing=0.1,seed=");
        Run a = makeRun(stem + "1", Loss, 100, [](int i) { return i == 10 ? NaN : double(i); });
        Run b = makeRun(stem + "2", Loss, 100, [](int i) { return i == 10 ? NaN : 2.0 * i; });
        auto chart = chartOf(Loss, { &a, &b });
        const auto& badges = chart->overlay()->badges();
        QCOMPARE(badges.size(), std::size_t(2));
        QVERIFY2(badges[0].text.contains("seed=1"), qPrintable(badges[0].text));
        QVERIFY2(badges[1].text.contains("seed=2"), qPrintable(badges[1].text));
        chart->hoverAt(QPointF(chart->mapping().px(20), chart->mapping().rect.center().y()));
        const auto& lines = chart->overlay()->hoverLines();
        QCOMPARE(lines.size(), std::size_t(3));
        QVERIFY2(lines[1].text.startsWith("imagenet_") && lines[1].text.contains("seed=2: 40"),
            qPrintable(lines[1].text));
        QVERIFY2(lines[2].text.contains("seed=1: 20"), qPrintable(lines[2].text));
    }

    void hoverListsEveryRun()
    {
        Run a = makeRun("a", Loss, 100, [](int i) { return double(i); });
        Run b = makeRun("b", Loss, 50, [](int i) { return 2.0 * i; });
        auto chart = chartOf(Loss, { &a, &b });
        QSignalSpy hovered(chart.get(), &MetricChart::hovered);
        chart->hoverAt(QPointF(chart->mapping().px(20), chart->mapping().rect.center().y()));
        QCOMPARE(hovered.count(), 1);
        QVERIFY(std::abs(hovered.at(0).at(0).toDouble() - 20) < 0.5);
        const auto& lines = chart->overlay()->hoverLines();
        QCOMPARE(lines.size(), std::size_t(3));
        // Sorted by value, highest first, as the lines lie on the plot (issue 12).
        QCOMPARE(lines[1].text, QStringLiteral("b: 40"));
        QCOMPARE(lines[2].text, QStringLiteral("a: 20"));
        QVERIFY(!std::isnan(chart->overlay()->crosshair()));
        chart->clearHover();
        QVERIFY(chart->overlay()->hoverLines().empty());
    }

    // 30 runs: at most 10 rows around the cursor's line, the rest counted (issue 12).
    void hoverShowsTenRowsAndCountsTheRest()
    {
        std::vector<Run> runs;
        runs.reserve(30);
        for (int k = 0; k < 30; ++k)
            runs.push_back(makeRun(QStringLiteral("r%1").arg(k), Loss, 100,
                [k](int i) { return double(k) + 0.001 * i; }));
        QList<const Run*> pointers;
        for (const Run& r : runs)
            pointers << &r;
        auto chart = chartOf(Loss, pointers);
        chart->hoverAt(QPointF(chart->mapping().px(50), chart->mapping().py(15.0)));
        const auto& lines = chart->overlay()->hoverLines();
        QStringList texts;
        for (const auto& l : lines)
            texts << l.text;
        QVERIFY2(lines.size() <= 13, qPrintable(texts.join(" | ")));
        QVERIFY2(texts.contains(QStringLiteral("r15: 15.05")), qPrintable(texts.join(" | ")));
        QVERIFY2(texts.filter(QStringLiteral(" more ")).size() == 2, qPrintable(texts.join(" | ")));
    }

    void renderIsNotBlank()
    {
        Run run = makeRun("a", Loss, 500, [](int i) { return std::exp(-i / 100.0); });
        auto chart = std::make_unique<MetricChart>(Loss);
        chart->setRuns({ { 1, &run, QColor(255, 0, 255), -1 } });
        const QImage image = chart->renderImage(QSize(640, 360));
        QCOMPARE(image.size(), QSize(640, 360));
        int lineColored = 0;
        QSet<QRgb> colors;
        for (int y = 0; y < image.height(); ++y) {
            for (int x = 0; x < image.width(); ++x) {
                const QRgb p = image.pixel(x, y);
                colors.insert(p);
                if (qRed(p) > 200 && qBlue(p) > 200 && qGreen(p) < 80)
                    ++lineColored;
            }
        }
        QVERIFY(colors.size() > 10);
        QVERIFY2(lineColored > 300, qPrintable(QString::number(lineColored)));
    }

    // Issue 11 item 2: the newest point is the one a user watches while following a run. It
    // sits at the right edge of the automatic x range; it must be inside the y range and drawn
    // (its line end, or the dot of a point alone after a NaN) inside the plot area.
    void newestPointDrawnInsidePlot_data()
    {
        testing::addColumns<int, int, double, bool, bool>(
            { "xMode", "points", "newest", "afterNaN", "followed" });
        for (int mode : { int(XAxisMode::Step), int(XAxisMode::Sequence) }) {
            const char* m = mode == int(XAxisMode::Step) ? "step" : "record";
            for (bool followed : { false, true }) {
                const char* f = followed ? "followed" : "loaded";
                QTest::addRow("%s, %s, 50 at 1 then 100", m, f)
                    << mode << 50 << 100.0 << false << followed;
                QTest::addRow("%s, %s, 10000 at 1 then 5", m, f)
                    << mode << 10000 << 5.0 << false << followed;
                QTest::addRow("%s, %s, one point after a NaN", m, f)
                    << mode << 50 << 100.0 << true << followed;
            }
        }
    }
    void newestPointDrawnInsidePlot()
    {
        QFETCH(int, xMode);
        QFETCH(int, points);
        QFETCH(double, newest);
        QFETCH(bool, afterNaN);
        QFETCH(bool, followed);
        Run run = makeRun("a", Loss, points, [](int) { return 1.0; });
        auto append = [&] {
            if (afterNaN)
                addStep(run, points, { { Loss, NaN } });
            addStep(run, afterNaN ? points + 1 : points, { { Loss, newest } });
        };
        if (!followed)
            append();
        auto chart = std::make_unique<MetricChart>(Loss);
        chart->setRuns({ { 1, &run, QColor(255, 0, 255), -1 } });
        ChartOptions options;
        options.xMode = XAxisMode(xMode);
        options.smoothingChosen = true; // none: the raw newest point is the drawn one
        chart->setOptions(options);
        QImage image = chart->renderImage(QSize(800, 400));
        if (followed) {
            append();
            chart->dataChanged({ 1 });
            image = chart->renderImage(QSize(800, 400));
        }
        const double x = xMode == int(XAxisMode::Step) ? double(afterNaN ? points + 1 : points)
                                                       : double(run.records.size() - 1);
        QCOMPARE(chart->xMax(), x);
        const QRectF plot = chart->mapping().rect;
        const double py = chart->mapping().py(newest);
        QVERIFY2(py >= plot.top() && py <= plot.bottom(),
            qPrintable(QStringLiteral("y %1..%2").arg(chart->yMin()).arg(chart->yMax())));
        // The line end or dot in the pixels at the right edge of the plot, at the newest value.
        const int right = static_cast<int>(std::floor(plot.right())) - 1;
        int drawn = 0;
        for (int px = right - 3; px <= right + 1;
             ++px) { // right + 1: the newest point's own column
            for (int y = static_cast<int>(py) - 3; y <= static_cast<int>(py) + 3; ++y) {
                const QRgb p = image.pixel(px, y);
                if (qRed(p) > 200 && qBlue(p) > 200 && qGreen(p) < 170)
                    ++drawn;
            }
        }
        QVERIFY2(drawn > 0, qPrintable(QStringLiteral("at (%1, %2)").arg(right).arg(py)));
    }

    // The default: a plain wheel over the plot zooms x about the cursor, Shift+wheel zooms y; over
    // the margins it scrolls the grid, and a scroll under way is not caught by the next plot.
    void wheelZoomsOverThePlot()
    {
        const Run run = makeRun("a", Loss, 1001, [](int i) { return std::sin(i / 50.0); });
        auto chart = chartOf(Loss, { &run });
        chart->resize(800, 400);
        chart->show();
        QVERIFY(QTest::qWaitForWindowExposed(chart.get()));
        chart->refresh();
        QVERIFY(chart->wheelZooms());
        const QRectF plot = chart->mapping().rect;
        const auto toView = [&](QPointF p) { return chart->mapFromScene(p); };
        const auto wheel = [&](QPointF at, Qt::KeyboardModifiers modifiers) {
            const QPoint p = toView(at);
            QWheelEvent event(p, chart->viewport()->mapToGlobal(p), QPoint(), QPoint(0, 120),
                Qt::NoButton, modifiers, Qt::NoScrollPhase, false);
            QApplication::sendEvent(chart->viewport(), &event);
            return event.isAccepted();
        };
        QSignalSpy zoomed(chart.get(), &MetricChart::xRangeRequested);
        const QPointF quarter(plot.left() + plot.width() / 4, plot.center().y());
        const double xAtCursor = chart->mapping().xAt(quarter.x());
        QVERIFY(wheel(quarter, Qt::NoModifier));
        QCOMPARE(zoomed.count(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(chart->xMax() - chart->xMin() < 950, 1000);
        // About the cursor: the x under it stays under it.
        QVERIFY(std::abs(chart->mapping().xAt(quarter.x()) - xAtCursor) < 2);

        QVERIFY(chart->isAutoYRange());
        QVERIFY(wheel(plot.center(), Qt::ShiftModifier));
        QTRY_VERIFY_WITH_TIMEOUT(!chart->isAutoYRange(), 1000);
        QCOMPARE(zoomed.count(), 1);

        // Over the title the wheel goes to the grid; the plot it then reaches keeps scrolling.
        QVERIFY(!wheel(QPointF(plot.center().x(), plot.top() / 2), Qt::NoModifier));
        QVERIFY(!wheel(plot.center(), Qt::NoModifier));
        QCOMPARE(zoomed.count(), 1);
        // Ctrl+wheel always zooms.
        QVERIFY(wheel(plot.center(), Qt::ControlModifier));
        QCOMPARE(zoomed.count(), 2);
    }
};

const QString TestMetricChart::Loss = QStringLiteral("step_end/loss");

QTEST_MAIN(TestMetricChart)
#include "tst_metric_chart.moc"
