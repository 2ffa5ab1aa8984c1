#pragma once

#include <QRect>
#include <QString>
#include <QStringList>

#include <utility>

namespace viewer {

// The decisions of the chart grid that are not pixels: how many columns fit a width, how tall a
// row is so that whole rows fill the view, and the order of the charts (pinned first, then the
// user's metrics, then the viewer's own derived/* series). Pure functions; any thread. ChartGrid
// applies them to its widgets.
class ChartLayoutPlan
{
public:
    // A chart narrower than this reads badly (tick labels collide, the legend covers the plot).
    static constexpr int MinChartWidth = 380;
    static constexpr int MaxColumns = 4;
    static constexpr int MinChartHeight = 160;
    static constexpr int MaxChartHeight = 1600;
    static constexpr int DefaultChartHeight = 300;

    // 1 to MaxColumns columns of at least MinChartWidth in `width`, and never more columns than
    // charts: a single chart left by a filter fills the width. Example: 1400 px, 9 charts -> 3.
    static int columnsFor(int width, int chartCount);

    // The height of a row: near `chosenHeight`, adjusted so that the rows in view are whole (the
    // bottom row is never cut off when the grid is scrolled to the top): the view holds
    // round(viewHeight / chosenHeight) rows, at least 1 and at most `rows`, and they share it.
    // `spacing` is the gap between rows. Example: 800 px view, 300 chosen, 5 rows -> 3 rows of
    // ~262 px; 800 px view, 2 rows -> 2 rows of ~397 px.
    static int rowHeightFor(int viewHeight, int chosenHeight, int rows, int spacing);

    // Where each chart of the grid goes, in the grid's own coordinates (issue 15: the grid places
    // only the charts near the view, so it needs any chart's place without a layout of them all).
    // Example: width 1000, 2 columns, margin 4, spacing 6: columns of 493 px at x = 4 and 503;
    // rows of 300 px at y = 4, 310, 616...
    struct Cells
    {
        int width = 0; // of the whole grid, margins included
        int columns = 1;
        int rowHeight = DefaultChartHeight;
        int spacing = 6; // between rows and between columns
        int margin = 4; // around the whole grid

        int rowsFor(int count) const; // rows of `count` charts
        int heightFor(int count) const; // of the whole grid of `count` charts, margins included
        QRect rect(int index) const; // of the chart at `index` in grid order
        // The rows that a band [top, bottom) of the grid touches, clamped to [0, rows - 1]
        // (first > last when there are no rows).
        std::pair<int, int> rowsIn(int top, int bottom, int rows) const;
    };

    enum class Section
    {
        Pinned, // the user pinned it to the top
        User, // a metric the trainer logged
        Derived, // derived/*: computed by the viewer (records per second, step duration)
    };
    static Section sectionOf(const QString& key, const QStringList& pinned);
    static bool isDerived(const QString& key);

    // `keys` in grid order: pinned keys first, in the order of `pinned` (the most recently pinned
    // first), then the others in their given order with derived/* keys moved after the user's.
    // The relative order of the user's keys and of the derived keys is kept.
    static QStringList order(const QStringList& keys, const QStringList& pinned);
};

} // namespace viewer
