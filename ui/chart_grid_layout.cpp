// ChartGrid's layout: where each chart goes (ChartLayoutPlan decides, this file applies it),
// the chosen row height, pinned charts and the maximised chart (issue 13, item 5), and which
// charts exist: those of the rows in or near the view (issue 15).
#include "chart_grid.hpp"
#include "chart_layout_plan.hpp"
#include "metric_chart.hpp"

#include <QEvent>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QShortcut>
#include <QTimer>

namespace viewer {

int ChartGrid::ChartOrder::rank(const QString& key)
{
    const QStringView tag = QStringView(key).left(key.indexOf(QLatin1Char('/')));
    if (tag == u"step_end")
        return 0;
    if (tag == u"epoch_end")
        return 1;
    if (tag == u"epoch_begin")
        return 3;
    if (tag == u"error")
        return 4;
    if (tag == u"derived")
        return 5;
    return 2;
}

bool ChartGrid::ChartOrder::operator()(const QString& a, const QString& b) const
{
    const int ra = rank(a);
    const int rb = rank(b);
    return ra != rb ? ra < rb : a < b;
}

QStringList ChartGrid::chartKeys() const
{
    return m_order;
}

void ChartGrid::updateOrder()
{
    QStringList keys;
    keys.reserve(static_cast<qsizetype>(m_slots.size()));
    for (const auto& [key, slot] : m_slots)
        keys << key;
    m_order = ChartLayoutPlan::order(keys, m_pinned);
    m_indexOf.clear();
    m_indexOf.reserve(m_order.size());
    for (int i = 0; i < m_order.size(); ++i)
        m_indexOf.insert(m_order[i], i);
}

void ChartGrid::placeChart(int index, MetricChart* chart) const
{
    chart->setGeometry(m_cells.rect(index));
}

void ChartGrid::relayoutGrid()
{
    const int width = m_scroll->viewport()->width();
    const int viewHeight = m_scroll->viewport()->height();
    m_cells.width = width;
    if (m_slots.empty()) {
        m_columns = 1;
        m_placeholder->setText(m_runs.empty() ? tr("Open a run (File > Open) to see its metrics.")
                : m_keys.isEmpty()            ? tr("The open runs have no numeric metrics yet.")
                                              : tr("No metric matches the filter."));
        m_container->setMinimumHeight(0);
        m_container->setMaximumHeight(QWIDGETSIZE_MAX);
        m_container->resize(width, viewHeight);
        m_placeholder->setGeometry(0, 0, width, viewHeight);
        m_placeholder->show();
        return;
    }
    m_placeholder->hide();
    const int innerHeight = viewHeight - 2 * m_cells.margin;
    if (!m_maximized.isEmpty()) {
        // One chart over the whole grid area; the others wait hidden (and are not redrawn).
        m_columns = 1;
        MetricChart* big = chart(m_maximized);
        forEachChart([big](MetricChart* c) {
            if (c != big)
                c->hide();
        });
        m_container->setFixedHeight(viewHeight);
        m_container->resize(width, viewHeight);
        big->setGeometry(m_cells.margin, m_cells.margin, width - 2 * m_cells.margin,
            std::max(innerHeight, ChartLayoutPlan::MinChartHeight));
        big->show();
        return;
    }
    const auto count = static_cast<int>(m_order.size());
    const auto planFor = [this, count, innerHeight](int w) {
        m_cells.width = w;
        m_columns = ChartLayoutPlan::columnsFor(w - 2 * m_cells.margin, count);
        m_cells.columns = m_columns;
        m_cells.rowHeight = ChartLayoutPlan::rowHeightFor(
            innerHeight, m_chartHeight, m_cells.rowsFor(count), m_cells.spacing);
        // The grid is as tall as all its rows, so that the scroll bar says where the view is,
        // though only the rows near the view have charts.
        return m_cells.heightFor(count);
    };
    // The scroll bar comes or goes with the grid's height and narrows or widens the view at the
    // next turn: planned for now, so that the charts are laid out (and drawn) once, not twice.
    int planned = width;
    const QScrollBar* bar = m_scroll->verticalScrollBar();
    if (m_scroll->verticalScrollBarPolicy() == Qt::ScrollBarAsNeeded) {
        const int extent = bar->sizeHint().width();
        const bool fits = planFor(width) <= viewHeight;
        if (!bar->isVisible() && !fits && width > extent)
            planned = width - extent;
        else if (bar->isVisible() && fits && planFor(width + extent) <= viewHeight)
            planned = width + extent;
    }
    const int height = planFor(planned);
    m_container->setFixedHeight(height);
    m_container->resize(m_cells.width, height);
    for (const auto& [key, slot] : m_slots) {
        if (!slot.chart)
            continue;
        placeChart(m_indexOf.value(key), slot.chart);
        slot.chart->setLayoutState(m_pinned.contains(key), false);
        slot.chart->show();
    }
    updateViewport(ChartsPerTurn);
}

void ChartGrid::updateViewport(int budget)
{
    m_fill->stop();
    if (m_slots.empty() || !m_maximized.isEmpty())
        return;
    const auto count = static_cast<int>(m_order.size());
    const int rows = m_cells.rowsFor(count);
    const int top = m_scroll->verticalScrollBar()->value();
    const int viewHeight = std::max(1, m_scroll->viewport()->height());
    const auto [first, last] = m_cells.rowsIn(top, top + viewHeight, rows);
    const int screen = last - first + 1;
    // Charts two screens away go (their state stays in the slot); one screen either side is
    // created ahead, so that a scroll by a page finds its charts there.
    const int keepFirst = first - 2 * screen;
    const int keepLast = last + 2 * screen;
    for (auto& [key, slot] : m_slots) {
        if (!slot.chart)
            continue;
        const int row = m_indexOf.value(key) / m_cells.columns;
        if (row < keepFirst || row > keepLast)
            destroyChart(slot);
    }
    // The rows in view first, then the next screen down, then the one above.
    QList<int> wanted;
    for (int r = first; r <= last; ++r)
        wanted << r;
    for (int r = last + 1; r <= std::min(rows - 1, last + screen); ++r)
        wanted << r;
    for (int r = first - 1; r >= std::max(0, first - screen); --r)
        wanted << r;
    bool created = false;
    for (int row : std::as_const(wanted)) {
        for (int i = row * m_cells.columns; i < std::min(count, (row + 1) * m_cells.columns); ++i) {
            ChartSlot& slot = m_slots.at(m_order[i]);
            if (slot.chart)
                continue;
            if (budget == 0) {
                m_fill->start(); // the rest at the next turns: the GUI stays responsive
                if (created)
                    scheduleRefresh();
                return;
            }
            MetricChart* c = createChart(m_order[i], slot);
            placeChart(i, c);
            c->show();
            created = true;
            if (budget > 0)
                --budget;
        }
    }
    if (created)
        scheduleRefresh();
}

void ChartGrid::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    relayoutGrid();
    scheduleRefresh();
}

bool ChartGrid::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_scroll->viewport() && event->type() == QEvent::Resize) {
        relayoutGrid();
        scheduleRefresh();
    }
    return QWidget::eventFilter(watched, event);
}

void ChartGrid::setChartHeight(int pixels)
{
    pixels = std::clamp(pixels, ChartLayoutPlan::MinChartHeight, ChartLayoutPlan::MaxChartHeight);
    if (pixels == m_chartHeight)
        return;
    m_chartHeight = pixels;
    relayoutGrid();
    scheduleRefresh();
}

void ChartGrid::setPinned(const QString& key, bool pinned)
{
    m_pinned.removeAll(key);
    if (pinned)
        m_pinned.prepend(key); // the most recently pinned comes first
    updateOrder();
    relayoutGrid();
    scheduleRefresh();
    emit chartsChanged();
}

void ChartGrid::setMaximizedChart(const QString& key)
{
    const QString next = m_slots.count(key) ? key : QString();
    if (next == m_maximized)
        return;
    if (const auto it = m_slots.find(m_maximized); it != m_slots.end() && it->second.chart)
        it->second.chart->setLayoutState(m_pinned.contains(m_maximized), false);
    m_maximized = next;
    m_escape->setEnabled(!m_maximized.isEmpty());
    relayoutGrid();
    if (MetricChart* big = chart(m_maximized)) {
        big->setLayoutState(m_pinned.contains(m_maximized), true);
        big->setFocus(Qt::OtherFocusReason); // Esc goes back
        m_scroll->verticalScrollBar()->setValue(0);
    }
    scheduleRefresh();
    emit maximizedChartChanged(m_maximized);
}

} // namespace viewer
