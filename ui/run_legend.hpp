#pragma once

#include "run_colors.hpp"

#include <QColor>
#include <QList>
#include <QString>
#include <QWidget>

#include <vector>

namespace viewer {

// One legend for the whole window (issue 12 item 4, issue 15): a strip of swatches and names,
// painted (no widget or Qt Charts series per run, so 5,000 runs cost what the ~50 entries that fit
// cost), at most MaxRows rows, the rest counted as "+N more". Click an entry: hide/show its run;
// double-click: show only it; hover: that run is highlighted in every chart. With colour by a
// numeric field a colour bar names the field and its range. Names are drawn as plain text.
class RunLegend : public QWidget
{
    Q_OBJECT
public:
    struct Entry
    {
        int runId = -1;
        QString name; // plain text, already short (RunNames::elideApart)
        QColor color;
        bool visible = true;

        bool operator==(const Entry& o) const
        {
            return runId == o.runId && name == o.name && color == o.color && visible == o.visible;
        }
        bool operator!=(const Entry& o) const
        {
            return !(*this == o);
        }
    };
    static constexpr int MaxRows = 2;

    explicit RunLegend(QWidget* parent = nullptr);

    // In the order to show; total: every run (entries that do not fit, and runs not in `entries`,
    // are counted as "+N more").
    // The same entries and total as shown: nothing is laid out or repainted (the window refreshes
    // the legend at every live batch, when a run's record count changed).
    void setEntries(QList<Entry> entries, int total);
    // field "" or an invalid range: no colour bar.
    void setColorBar(const QString& field, const RunColors::Range& range);

    // For tests: the entries drawn, and the "+N more" count.
    int shownCount() const
    {
        return static_cast<int>(m_rects.size());
    }
    int moreCount() const
    {
        return m_total - shownCount();
    }
    QRect entryRect(int i) const
    {
        return m_rects.at(static_cast<std::size_t>(i));
    }
    const QList<Entry>& entries() const
    {
        return m_entries;
    }
    QString colorBarText() const; // "config.lr 0.0001 … 0.001 (log)", "" when none
    // The text drawn for a name in `width` pixels: the name when it fits, else elided in the
    // middle (QFontMetrics::elidedText cuts a name given exactly its own advance: "s…s").
    static QString labelText(const QFontMetrics& fm, const QString& name, int width);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void toggleRequested(int runId);
    void soloRequested(int runId);
    void highlightRequested(int runId); // -1: none

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void layoutEntries();
    int entryAt(const QPoint& pos) const;
    int rowHeight() const;

    QList<Entry> m_entries;
    int m_total = 0;
    std::vector<QRect> m_rects; // of the entries that fit, in order
    QRect m_more; // "+N more"
    QRect m_bar; // the colour bar's gradient
    QString m_barField;
    RunColors::Range m_range;
    int m_hovered = -1;
    bool m_afterDoubleClick = false; // the next release ends a double-click: no toggle
};

} // namespace viewer
