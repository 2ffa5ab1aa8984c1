// ChartGrid's layout: where each chart goes (ChartLayoutPlan decides, this file applies it),
// the chosen row height, pinned charts and the maximised chart (issue 13, item 5).
#include "chart_grid.hpp"
#include "chart_layout_plan.hpp"
#include "metric_chart.hpp"

#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QShortcut>

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
    QStringList keys;
    for (const auto& [key, chart] : m_charts)
        keys << key;
    return ChartLayoutPlan::order(keys, m_pinned);
}

void ChartGrid::relayoutGrid()
{
    const int width = m_scroll->viewport()->width();
    const int viewHeight = m_scroll->viewport()->height();
    while (m_layout->count() > 0)
        delete m_layout->takeAt(0); // the QWidgetItem only: the widgets are added again below
    if (m_charts.empty()) {
        m_columns = 1;
        m_placeholder->setText(m_runs.empty() ? tr("Open a run (File > Open) to see its metrics.")
                : m_keys.isEmpty()            ? tr("The open runs have no numeric metrics yet.")
                                              : tr("No metric matches the filter."));
        m_placeholder->show();
        m_layout->addWidget(m_placeholder, 0, 0);
        return;
    }
    m_placeholder->hide();
    const QMargins margins = m_layout->contentsMargins();
    const int innerHeight = viewHeight - margins.top() - margins.bottom();
    if (MetricChart* big = chart(m_maximized)) {
        // One chart over the whole grid area; the others wait hidden (and are not redrawn).
        m_columns = 1;
        for (auto& [key, chart] : m_charts) {
            if (chart != big)
                chart->hide();
        }
        big->setFixedHeight(std::max(innerHeight, ChartLayoutPlan::MinChartHeight));
        m_layout->addWidget(big, 0, 0);
        big->show();
    } else {
        const QStringList keys = chartKeys();
        const auto count = static_cast<int>(keys.size());
        m_columns = ChartLayoutPlan::columnsFor(width - margins.left() - margins.right(), count);
        const int rows = (count + m_columns - 1) / m_columns;
        const int height =
            ChartLayoutPlan::rowHeightFor(innerHeight, m_chartHeight, rows, m_layout->spacing());
        for (int i = 0; i < count; ++i) {
            MetricChart* c = m_charts.at(keys[i]);
            c->setFixedHeight(height);
            c->setLayoutState(m_pinned.contains(keys[i]), false);
            m_layout->addWidget(c, i / m_columns, i % m_columns);
            c->show();
        }
    }
    for (int c = 0; c < ChartLayoutPlan::MaxColumns; ++c)
        m_layout->setColumnStretch(c, c < m_columns ? 1 : 0);
    m_layout->setRowStretch(m_layout->rowCount(), 1);
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
    relayoutGrid();
    scheduleRefresh();
    emit chartsChanged();
}

void ChartGrid::setMaximizedChart(const QString& key)
{
    const QString next = chart(key) ? key : QString();
    if (next == m_maximized)
        return;
    if (MetricChart* before = chart(m_maximized))
        before->setLayoutState(m_pinned.contains(m_maximized), false);
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
