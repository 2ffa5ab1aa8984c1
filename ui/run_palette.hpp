#pragma once

#include <QColor>
#include <QHash>

namespace viewer {

// A stable color per run id: runs keep their color for as long as the palette lives, whatever is
// opened or closed after them. GUI thread. Red is never handed out: it is reserved for errors and
// NaN markers, which must never be mistaken for a run.
class RunPalette
{
public:
    // The run's color; assigns the next free one on first use.
    QColor color(int runId);
    // The run's color if it has one, else the color it would get next (const: assigns nothing).
    QColor peek(int runId) const;
    void setColor(int runId, const QColor& color);

    // The n-th color of the sequence: 10 distinct hues first, then golden-angle hues off red.
    static QColor nthColor(int n);

private:
    QHash<int, QColor> m_colors;
    int m_next = 0;
};

} // namespace viewer
