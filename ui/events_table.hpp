#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QModelIndex;
class QSortFilterProxyModel;
class QTableView;

namespace viewer {

class EventsModel;

// The events table: errors, epochs and restarts of every open run, sorted by time, filterable by
// kind. Double-click (or Enter) on an event asks to show its moment on every chart
// (zoomRequested with its x in the charts' x mode). GUI thread.
class EventsTable : public QWidget
{
    Q_OBJECT
public:
    enum class Kinds
    {
        All,
        Errors,
        Epochs,
        Restarts,
        Alerts,
    };

    explicit EventsTable(EventsModel* model, QWidget* parent = nullptr);

    QTableView* view() const
    {
        return m_view;
    }
    QSortFilterProxyModel* proxy() const
    {
        return m_proxy;
    }
    void setKinds(Kinds kinds);
    // What a double-click on this row (of the proxy) does.
    void activate(const QModelIndex& proxyIndex);

signals:
    void zoomRequested(double x, int runId);

private:
    void updateCount();

    EventsModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_view;
    QComboBox* m_kinds;
    QLabel* m_count;
};

} // namespace viewer
