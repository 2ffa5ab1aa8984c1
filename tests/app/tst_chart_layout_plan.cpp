#include "chart_layout_plan.hpp"
#include "data_table.hpp"

#include <QRect>
#include <QTest>

using viewer::ChartLayoutPlan;

// Issue 13, item 5: charts fill the width (1 to 4 columns by width), whole rows in view, and
// the order pinned, user, derived.
class TestChartLayoutPlan : public QObject
{
    Q_OBJECT
private slots:
    void columnsFor_data();
    void columnsFor();
    void rowHeightFor_data();
    void rowHeightFor();
    void order_data();
    void order();
    void cells_data();
    void cells();
    void rowsIn_data();
    void rowsIn();
};

void TestChartLayoutPlan::columnsFor_data()
{
    testing::addTable<int, int, int>({ "width", "charts", "columns" },
        {
            { "narrow: one", 300, 9, 1 },
            { "just under two", 759, 9, 1 },
            { "two", 760, 9, 2 },
            { "default window (1400 - docks)", 1080, 9, 2 },
            { "three", 1140, 9, 3 },
            { "1920 wide", 1600, 9, 4 },
            { "never more than four", 3840, 9, 4 },
            { "one chart fills the width", 1600, 1, 1 },
            { "two charts, two columns", 1600, 2, 2 },
            { "no charts", 1600, 0, 1 },
            { "zero width", 0, 9, 1 },
        });
}

void TestChartLayoutPlan::columnsFor()
{
    QFETCH(int, width);
    QFETCH(int, charts);
    QFETCH(int, columns);
    QCOMPARE(ChartLayoutPlan::columnsFor(width, charts), columns);
}

void TestChartLayoutPlan::rowHeightFor_data()
{
    testing::addTable<int, int, int, int, int>({ "view", "chosen", "rows", "spacing", "height" },
        {
            // 800 / 300 = 2.67 -> 3 whole rows share the view: (800 - 2 * 6) / 3.
            { "three whole rows", 800, 300, 5, 6, 262 },
            { "two rows fill the view", 800, 300, 2, 6, 397 },
            { "one chart fills the view", 700, 300, 1, 6, 700 },
            { "tall chosen: one row", 800, 700, 4, 6, 800 },
            { "small chosen: many rows", 900, 200, 10, 0, 180 },
            { "view under the minimum: scrolls", 100, 300, 3, 6, ChartLayoutPlan::MinChartHeight },
            { "no view yet: the chosen height", 0, 300, 3, 6, 300 },
            { "chosen clamped to the minimum", 0, 10, 3, 6, ChartLayoutPlan::MinChartHeight },
        });
}

void TestChartLayoutPlan::rowHeightFor()
{
    QFETCH(int, view);
    QFETCH(int, chosen);
    QFETCH(int, rows);
    QFETCH(int, spacing);
    QFETCH(int, height);
    QCOMPARE(ChartLayoutPlan::rowHeightFor(view, chosen, rows, spacing), height);
}

void TestChartLayoutPlan::order_data()
{
    const QStringList keys { "derived/records_per_second", "derived/step_duration",
        "epoch_end/val_loss", "step_end/loss", "step_end/lr" };
    testing::addTable<QStringList, QStringList, QStringList>({ "keys", "pinned", "expected" },
        {
            { "derived after the user's metrics", keys, QStringList(),
                QStringList { "epoch_end/val_loss", "step_end/loss", "step_end/lr",
                    "derived/records_per_second", "derived/step_duration" } },
            { "pinned first", keys, QStringList { "step_end/lr" },
                QStringList { "step_end/lr", "epoch_end/val_loss", "step_end/loss",
                    "derived/records_per_second", "derived/step_duration" } },
            { "pinned in pin order, a derived one too", keys,
                QStringList { "derived/step_duration", "step_end/loss" },
                QStringList { "derived/step_duration", "step_end/loss", "epoch_end/val_loss",
                    "step_end/lr", "derived/records_per_second" } },
            { "a pinned key not shown is skipped",
                QStringList { "step_end/loss", "derived/step_duration" },
                QStringList { "step_end/acc" },
                QStringList { "step_end/loss", "derived/step_duration" } },
            { "a key that only starts with derived is the user's",
                QStringList { "derived_loss/x", "step_end/loss" }, QStringList(),
                QStringList { "derived_loss/x", "step_end/loss" } },
            { "empty", QStringList(), QStringList { "step_end/loss" }, QStringList() },
        });
}

void TestChartLayoutPlan::order()
{
    QFETCH(QStringList, keys);
    QFETCH(QStringList, pinned);
    QFETCH(QStringList, expected);
    QCOMPARE(ChartLayoutPlan::order(keys, pinned), expected);
}

// Issue 15: the virtualized grid places each chart from its index alone.
void TestChartLayoutPlan::cells_data()
{
    testing::addTable<int, int, QRect>({ "columns", "index", "rect" },
        {
            // width 1000, margin 4, spacing 6, rows of 300: inner 992 - gaps.
            { "one column", 1, 0, QRect(4, 4, 992, 300) },
            { "one column, third row", 1, 2, QRect(4, 616, 992, 300) },
            { "two columns, left", 2, 0, QRect(4, 4, 493, 300) },
            { "two columns, right", 2, 1, QRect(503, 4, 493, 300) },
            { "two columns, second row", 2, 3, QRect(503, 310, 493, 300) },
            // 992 - 12 = 980 = 3 x 326 + 2: the last column takes the 2 px left over.
            { "three columns, last takes the rest", 3, 2, QRect(668, 4, 328, 300) },
            { "row 2,500 of 10,000 charts", 4, 9999, QRect(751, 4 + 2499 * 306, 245, 300) },
        });
}

void TestChartLayoutPlan::cells()
{
    QFETCH(int, columns);
    QFETCH(int, index);
    QFETCH(QRect, rect);
    ChartLayoutPlan::Cells cells;
    cells.width = 1000;
    cells.columns = columns;
    cells.rowHeight = 300;
    QCOMPARE(cells.rect(index), rect);
    // Neighbours never overlap.
    QVERIFY(!cells.rect(index).intersects(cells.rect(index + 1)));
    QVERIFY(!cells.rect(index).intersects(cells.rect(index + columns)));
}

void TestChartLayoutPlan::rowsIn_data()
{
    testing::addTable<int, int, int, int>({ "top", "bottom", "first", "last" },
        {
            // rows of 300 every 306 px from y = 4, 10 rows (grid height 3062).
            { "the top", 0, 800, 0, 2 },
            { "a row's last pixel", 0, 310, 0, 0 },
            { "the next row's first pixel", 0, 311, 0, 1 },
            { "scrolled", 1000, 1800, 3, 5 },
            { "the bottom", 2262, 3062, 7, 9 },
            { "past the bottom: clamped", 5000, 6000, 9, 9 },
        });
}

void TestChartLayoutPlan::rowsIn()
{
    QFETCH(int, top);
    QFETCH(int, bottom);
    QFETCH(int, first);
    QFETCH(int, last);
    ChartLayoutPlan::Cells cells;
    cells.width = 1000;
    cells.rowHeight = 300;
    QCOMPARE(cells.heightFor(10), 3062);
    QCOMPARE(cells.rowsIn(top, bottom, 10), std::make_pair(first, last));
}

QTEST_APPLESS_MAIN(TestChartLayoutPlan)
#include "tst_chart_layout_plan.moc"
