#include "alert_presenter.hpp"

#include "alert_monitor.hpp"
#include "desktop_notifier.hpp"
#include "events_model.hpp"
#include "runs_table_view_model.hpp"

#include <QInputDialog>
#include <QMessageBox>

namespace viewer {

AlertPresenter::AlertPresenter(
    Workspace* workspace, EventsModel* events, RunsTableViewModel* runsTable, QObject* parent)
    : QObject(parent)
    , m_monitor(new AlertMonitor(workspace, this))
    , m_notifier(new DesktopNotifier(this))
    , m_events(events)
    , m_runsTable(runsTable)
{
    m_runsTable->setAlertText([this](int runId) {
        QStringList names;
        for (const Alert& alert : m_monitor->activeAlerts(runId))
            names << alert.rule.name();
        return names.join(QStringLiteral(", "));
    });
    connect(m_monitor, &AlertMonitor::alertRaised, this, [this](const Alert& alert) {
        m_events->addAlert(alert);
        m_runsTable->runAlertsChanged(alert.runId);
        m_notifier->notify(tr("%1: %2").arg(alert.runName, alert.rule.name()), alert.message);
        emit alertShown(alert);
    });
    connect(m_monitor, &AlertMonitor::alertCleared, this,
        [this](const Alert& alert) { m_runsTable->runAlertsChanged(alert.runId); });
}

void AlertPresenter::setRules(const QList<AlertRule>& rules)
{
    m_monitor->setRules(rules);
}

const QList<AlertRule>& AlertPresenter::rules() const
{
    return m_monitor->rules();
}

std::optional<QList<AlertRule>> AlertPresenter::askRules(
    QWidget* parent, const QList<AlertRule>& current)
{
    bool ok = false;
    const QString text = QInputDialog::getText(parent, tr("Alert Rules"),
        tr("Alert rules for followed runs, comma separated (empty: none).\n"
           "nan, error, stall, stall=SECONDS, METRIC>VALUE, METRIC<VALUE,\n"
           "METRIC<best-DELTA, METRIC>best+DELTA (e.g. loss>10, val_acc<best-0.05)"),
        QLineEdit::Normal, AlertRule::names(current).join(QLatin1Char(',')), &ok);
    if (!ok)
        return std::nullopt;
    if (text.trimmed().isEmpty())
        return QList<AlertRule> {};
    QString error;
    std::optional<QList<AlertRule>> rules = AlertRule::parseList(text, &error);
    if (!rules) {
        QMessageBox box(QMessageBox::Warning, tr("Alert Rules"), error, QMessageBox::Ok, parent);
        box.setTextFormat(Qt::PlainText);
        box.exec();
    }
    return rules;
}

} // namespace viewer
