#pragma once

#include <QCoreApplication>
#include <QEvent>
#include <QObject>
#include <QPaintEvent>
#include <QRegion>
#include <QWidget>

#include <utility>

// Counts the paint events a widget receives, and the region they painted, to check that a view is
// not repainted when what it shows did not change. paintsAfterUpdates() delivers the pending update
// requests first (an update() is a posted event, painted at once on the offscreen platform).
class PaintCounter : public QObject
{
public:
    explicit PaintCounter(QWidget* widget)
        : m_widget(widget)
    {
        widget->installEventFilter(this);
    }
    ~PaintCounter() override
    {
        if (m_widget)
            m_widget->removeEventFilter(this);
    }
    PaintCounter(const PaintCounter&) = delete;
    PaintCounter& operator=(const PaintCounter&) = delete;

    int paintsAfterUpdates() const
    {
        deliverUpdates();
        return m_paints;
    }
    // What the paints since the last call covered, in the widget's coordinates.
    QRegion takePaintedRegion()
    {
        deliverUpdates();
        return std::exchange(m_painted, QRegion());
    }

    // A layout request can post an update that posts a paint: a few rounds.
    static void deliverUpdates()
    {
        for (int round = 0; round < 4; ++round)
            QCoreApplication::sendPostedEvents();
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched == m_widget && event->type() == QEvent::Paint) {
            ++m_paints;
            m_painted += static_cast<QPaintEvent*>(event)->region();
        }
        return false;
    }

private:
    QWidget* m_widget;
    int m_paints = 0;
    QRegion m_painted;
};
