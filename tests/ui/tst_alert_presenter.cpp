// What the window does with an alert (issue 16): a row in the events table, the alert beside the
// run's state in the runs table until it clears, and a desktop notification whose text can never
// be markup.
#include "../data/step_lines.hpp"
#include "alert_monitor.hpp"
#include "alert_presenter.hpp"
#include "data_table.hpp"
#include "desktop_notifier.hpp"
#include "events_model.hpp"
#include "runs_table_model.hpp"
#include "runs_table_view_model.hpp"
#include "workspace.hpp"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace viewer;
using namespace viewer::test;

namespace {

constexpr int Guard = 20000; // ms: only a guard against a hang

} // namespace

class TestAlertPresenter : public QObject
{
    Q_OBJECT
private slots:
    void notificationTextIsNeverMarkup_data()
    {
        testing::addTable<QString, int, QString>({ "text", "maxChars", "shown" },
            {
                { "plain", "loss is NaN", 80, "loss is NaN" },
                { "tags", "<b>x</b> <img src=\"http://127.0.0.1/p.png\">", 80,
                    QStringLiteral("\u2039b\u203ax\u2039/b\u203a \u2039img "
                                   "src=\"http://127.0.0.1/p.png\"\u203a") },
                { "entity", "&amp;", 80, QStringLiteral("\uff06amp;") },
                { "newline, tab", "a\nb\tc", 80, "a b c" },
                { "elided", "abcdefghij", 5, QStringLiteral("abcd\u2026") },
            });
    }
    void notificationTextIsNeverMarkup()
    {
        QFETCH(QString, text);
        QFETCH(int, maxChars);
        QTEST(DesktopNotifier::notificationText(text, maxChars), "shown");
    }

    void alertReachesEventsAndRunsTable()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        QVERIFY(write(path, stepLine(1, "2.0"), QIODevice::WriteOnly));
        Workspace workspace;
        EventsModel events([&](int id) { return workspace.run(id); });
        RunsTableModel runs;
        runs.setWorkspace(&workspace);
        RunsTableViewModel view;
        view.setSourceModel(&runs);
        // As the window does: its own handlers first, then the presenter's.
        QObject::connect(&workspace, &Workspace::runAdded, &events, &EventsModel::addRun);
        QObject::connect(&workspace, &Workspace::runsAppended, &events, &EventsModel::runsAppended);
        AlertPresenter presenter(&workspace, &events, &view);
        presenter.setRules(AlertRule::defaults());
        QSignalSpy shown(&presenter, &AlertPresenter::alertShown);
        const int source = workspace.open(path, true);
        QTRY_COMPARE_WITH_TIMEOUT(
            workspace.source(source).state, Workspace::SourceState::Following, Guard);
        QCOMPARE(events.rowCount(), 0);

        QVERIFY(write(path, stepLine(2, "NaN"), QIODevice::Append));
        QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, Guard);
        QCOMPARE(events.rowCount(), 1);
        QCOMPARE(events.index(0, EventsModel::TypeColumn).data().toString(),
            QStringLiteral("alert: nan"));
        QCOMPARE(events.index(0, EventsModel::MessageColumn).data().toString(),
            QStringLiteral("step_end/loss is NaN at step 2"));
        const int runId = workspace.runIds().first();
        const auto stateText = [&] {
            return view.index(runs.rowOfRun(runId), RunsTableModel::StateColumn).data().toString();
        };
        QVERIFY2(stateText().endsWith(QStringLiteral(" (alert: nan)")), qPrintable(stateText()));

        QVERIFY(write(path, stepLine(3, "1.0"), QIODevice::Append));
        QTRY_VERIFY_WITH_TIMEOUT(!stateText().contains(QStringLiteral("alert")), Guard);
        QCOMPARE(events.rowCount(), 1); // the row stays: it happened
    }
};

QTEST_MAIN(TestAlertPresenter)
#include "tst_alert_presenter.moc"
