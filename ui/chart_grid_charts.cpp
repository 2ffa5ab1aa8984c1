// ChartGrid's entries and widgets (issue 15): one light slot per key in the grid, a MetricChart
// only while its row is near the view. What a chart would say while it does not exist (its x mode,
// its data's extent, CSV rows, NaN positions) comes from a widget-free CurveModel of the key.
#include "chart_grid.hpp"
#include "curve_model.hpp"
#include "metric_chart.hpp"

#include <QShortcut>
#include <QTimer>

namespace viewer {

int ChartGrid::chartCount() const
{
    return static_cast<int>(m_slots.size());
}

MetricChart* ChartGrid::chart(const QString& key) const
{
    const auto it = m_slots.find(key);
    if (it == m_slots.end())
        return nullptr;
    if (it->second.chart)
        return it->second.chart;
    // Asked for a chart that is not near the view (tests, the maximised chart): made now, at
    // its place; the next viewport update destroys it again if it stays far from the view.
    auto* self = const_cast<ChartGrid*>(this);
    ChartSlot& slot = self->m_slots.at(key);
    MetricChart* made = self->createChart(key, slot);
    if (m_maximized.isEmpty() || m_maximized != key)
        placeChart(m_indexOf.value(key), made);
    made->setVisible(m_maximized.isEmpty() || m_maximized == key);
    made->refresh(); // drawn as the grid's other charts are: the caller reads its axes
    return made;
}

QList<MetricChart*> ChartGrid::createdCharts() const
{
    QList<MetricChart*> charts;
    forEachChart([&charts](MetricChart* c) { charts << c; });
    return charts;
}

MetricChart* ChartGrid::createChart(const QString& key, ChartSlot& slot)
{
    auto* chart = new MetricChart(key, m_container);
    chart->setOptions(slot.options);
    chart->setWheelZooms(m_wheelZooms);
    chart->setLegendShown(m_chartLegends);
    chart->setRuns(chartRuns());
    chart->setLayoutState(m_pinned.contains(key), m_maximized == key);
    // The shared x range of its x mode, then the y zoom the user left on this key.
    const auto view = m_xViews.constFind(static_cast<int>(chart->options().xMode));
    if (view != m_xViews.constEnd() && view->everShown && view->shown.second > view->shown.first)
        chart->setXRange(view->shown.first, view->shown.second);
    else
        chart->setAutoXRange();
    if (slot.fixedY)
        chart->setFixedYRange(slot.fixedY);
    connect(chart, &MetricChart::xRangeRequested, this,
        [this, chart](double x0, double x1) { onChartXRange(chart, x0, x1); });
    connect(chart, &MetricChart::resetRequested, this, &ChartGrid::resetZoom);
    connect(chart, &MetricChart::goToXRequested, this, &ChartGrid::zoomToX);
    connect(chart, &MetricChart::optionsEdited, this, [this, chart, key] {
        const auto it = m_slots.find(key);
        if (it != m_slots.end()) {
            it->second.options = chart->options(); // kept when the chart goes
            it->second.stamp = 0;
        }
        applyXView(chart->options().xMode, false);
    });
    connect(chart, &MetricChart::maximizeToggleRequested, this,
        [this, key] { setMaximizedChart(m_maximized == key ? QString() : key); });
    connect(chart, &MetricChart::pinRequested, this,
        [this, key](bool pinned) { setPinned(key, pinned); });
    connect(chart, &MetricChart::hovered, this, [this, chart](double x) {
        forEachChart([this, chart, x](MetricChart* other) {
            if (other != chart && other->options().xMode == chart->options().xMode
                && isShown(other))
                other->setSyncedCrosshair(x);
        });
        emit hoveredX(x);
    });
    slot.chart = chart;
    return chart;
}

void ChartGrid::destroyChart(ChartSlot& slot)
{
    MetricChart* chart = slot.chart;
    if (!chart)
        return;
    slot.fixedY = chart->model().fixedY();
    slot.chart = nullptr;
    disconnect(chart, nullptr, this, nullptr);
    chart->hide();
    // Later: this may run inside one of the chart's own handlers (its menu pinned it away).
    chart->deleteLater();
}

std::unique_ptr<CurveModel> ChartGrid::modelOf(const QString& key, const ChartSlot& slot) const
{
    auto model = std::make_unique<CurveModel>(key);
    QList<CurveRun> runs;
    for (const ChartRun& r : chartRuns())
        runs.push_back({ r.runId, r.run, r.group, r.groupName });
    model->setRuns(runs);
    model->setOptions(slot.options);
    return model;
}

const ChartGrid::ChartSlot& ChartGrid::factsOf(const QString& key, ChartSlot& slot)
{
    if (slot.chart) {
        slot.shownMode = slot.chart->options().xMode;
        slot.hasExtent = slot.chart->dataXExtent(slot.x0, slot.x1);
        slot.xMetricMissing = slot.chart->model().xMetricMissing();
        slot.stamp = m_dataStamp;
        return slot;
    }
    if (slot.stamp == m_dataStamp)
        return slot;
    const std::unique_ptr<CurveModel> model = modelOf(key, slot);
    slot.shownMode = model->options().xMode;
    slot.hasExtent = model->dataXExtent(slot.x0, slot.x1);
    slot.xMetricMissing = model->xMetricMissing();
    slot.stamp = m_dataStamp;
    return slot;
}

void ChartGrid::syncCharts()
{
    scanKeys();
    bool changed = false;
    // Remove the slots (and charts) of keys that left the filter, or whose runs were hidden or
    // closed.
    for (auto it = m_slots.begin(); it != m_slots.end();) {
        const bool keep =
            m_keys.contains(it->first) && (!m_filter || m_filter->contains(it->first));
        if (keep) {
            ++it;
            continue;
        }
        destroyChart(it->second);
        it = m_slots.erase(it);
        changed = true;
    }
    // A slot for each key that is present and passes the filter; its chart comes when its row
    // is near the view.
    for (const QString& key : std::as_const(m_keys)) {
        if (m_slots.count(key) || (m_filter && !m_filter->contains(key)))
            continue;
        ChartSlot slot;
        slot.options = m_options;
        m_slots.emplace(key, std::move(slot));
        changed = true;
    }
    if (!m_maximized.isEmpty() && !m_slots.count(m_maximized)) {
        m_maximized.clear(); // the maximised chart left (filtered out, its runs closed)
        m_escape->setEnabled(false);
        emit maximizedChartChanged(m_maximized);
    }
    if (changed) {
        updateOrder();
        // The shared x range first: the charts the layout creates start with it and are drawn
        // once, not once with their own range and again with the grid's.
        applyXView(m_options.xMode, false);
        relayoutGrid();
        emit chartsChanged();
    } else if (m_slots.empty()) {
        relayoutGrid();
    }
}

} // namespace viewer
