#pragma once

#include "alert.hpp"
#include "alert_rules.hpp"

#include <QHash>
#include <QList>
#include <QObject>

#include <functional>
#include <map>
#include <memory>

class QTimer;

namespace viewer {

struct Run;
class Workspace;

// Watches a Workspace's runs against alert rules (issue 16): a NaN/±Inf in a step_end or
// epoch_end metric, an `error` record, a run gone quiet, a metric crossing a threshold.
// Widget-free, GUI thread (the Workspace's). Each append batch costs only what it added: per run
// and series a "checked up to" point index, per run the events and records checked. Stalls are
// checked on a coarse timer against the wall clock of the records' arrival (setClock for tests).
//
// An alert fires once per run and rule (alertRaised), and fires again only after it cleared
// (alertCleared):
//   nan       clears when every metric that went non-finite has a finite point after it;
//   error     clears when the run writes a step_end or epoch_end record after the error;
//   stall     clears when records arrive;
//   threshold clears when the latest point of every matching metric is back within.
// A stall needs the run's source to be followed, the run to be the last one of its file and its
// last record not to be an epoch_end (a run that ended cleanly is not stalled).
class AlertMonitor : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultTickMsecs = 1000;
    // The median record interval of a stall rule is taken over this many latest intervals.
    static constexpr std::size_t MedianWindow = 1000;

    explicit AlertMonitor(Workspace* workspace, QObject* parent = nullptr);
    ~AlertMonitor() override;

    // Replaces the rules. Active alerts are forgotten (not cleared); what the runs hold now is
    // taken as known, and only what arrives afterwards can fire.
    void setRules(const QList<AlertRule>& rules);
    const QList<AlertRule>& rules() const
    {
        return m_rules;
    }
    // Whether records a run already holds when it is added by a source's initial load are checked
    // (--watch: yes, a NaN already in the file fires). Off (the window): only records that arrive
    // while following can fire; the runs table's state tells what the loaded records hold.
    // Records of a run that a followed source brings later (standard input, a new file in a
    // folder, a new run in a file) always count as arriving. Set before opening sources.
    void setCheckExistingRecords(bool on)
    {
        m_checkExisting = on;
    }
    void setClock(std::function<qint64()> msecsNow);
    void setTickInterval(int msecs);

    // Checks every watched run for a stall now (the timer calls it).
    void checkStalls();

    // The alerts of a run that fired and have not cleared, in rule order.
    QList<Alert> activeAlerts(int runId) const;

signals:
    void alertRaised(const viewer::Alert& alert);
    // The condition of `alert` (as it was raised) is over.
    void alertCleared(const viewer::Alert& alert);

private:
    struct RuleState;
    struct RunWatch;
    struct Trigger;

    void addRun(int runId);
    void removeRun(int runId);
    void runsAppended(const QList<int>& runIds);
    void process(int runId, RunWatch& watch, bool silent);
    void checkNonFinite(const Run& run, RunWatch& watch, std::size_t rule, Trigger& trigger);
    void checkThreshold(const Run& run, RunWatch& watch, std::size_t rule, Trigger& trigger);
    void checkErrors(const Run& run, RunWatch& watch, std::size_t rule, Trigger& trigger);
    void settle(int runId, const Run& run, RuleState& state, const AlertRule& rule,
        const Trigger& trigger, bool silent);
    bool stallEligible(int runId, const Run& run) const;
    double stallLimitSeconds(const AlertRule& rule, const Run& run, RunWatch& watch) const;
    void resetWatch(RunWatch& watch) const;
    void updateTimer();

    Workspace* m_workspace;
    QList<AlertRule> m_rules;
    bool m_checkExisting = false;
    std::function<qint64()> m_now;
    QTimer* m_timer;
    std::map<int, std::unique_ptr<RunWatch>> m_runs;
    QHash<QString, int> m_lastRunOfFile; // source path -> the latest run read from it
};

} // namespace viewer
