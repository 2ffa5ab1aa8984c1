#pragma once

#include "alert_rules.hpp"

#include <QObject>

#include <optional>

class QWidget;

namespace viewer {

class AlertMonitor;
class DesktopNotifier;
class EventsModel;
class RunsTableViewModel;
class Workspace;
struct Alert;

// What the window does with alerts (issue 16): each alert that fires gets a row in the events
// table and a desktop notification, and the runs table shows it beside the run's state until it
// clears. Owns the AlertMonitor. GUI thread. Create it after the window's own workspace
// connections, so that a new run is in the events table before its first alert.
class AlertPresenter : public QObject
{
    Q_OBJECT
public:
    AlertPresenter(Workspace* workspace, EventsModel* events, RunsTableViewModel* runsTable,
        QObject* parent = nullptr);

    void setRules(const QList<AlertRule>& rules);
    const QList<AlertRule>& rules() const;
    AlertMonitor* monitor() const
    {
        return m_monitor;
    }
    DesktopNotifier* notifier() const
    {
        return m_notifier;
    }

    // Asks for the rules as text (comma separated); a bad rule is named and nothing changes.
    // Returns the new rules, or nullopt when cancelled or invalid.
    static std::optional<QList<AlertRule>> askRules(
        QWidget* parent, const QList<AlertRule>& current);

signals:
    void alertShown(const viewer::Alert& alert);

private:
    AlertMonitor* m_monitor;
    DesktopNotifier* m_notifier;
    EventsModel* m_events;
    RunsTableViewModel* m_runsTable;
};

} // namespace viewer
