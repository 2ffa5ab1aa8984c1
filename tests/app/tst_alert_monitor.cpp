// AlertMonitor (issue 16): each rule fires on a followed file in the batch that brings the record
// that breaks it (never later), once per run and rule, clears, and fires again after clearing. A
// stall is checked against an injected clock. Waits are QTRY guards against a hang (seconds), never
// asserted durations.
#include "../data/step_lines.hpp"
#include "alert_monitor.hpp"
#include "data_table.hpp"
#include "run.hpp"
#include "workspace.hpp"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace viewer;
using viewer::test::write;

namespace {

constexpr int Guard = 20000; // ms: only a guard against a hang

QByteArray stepLine(int step, const QByteArray& loss, double ts = -1.0)
{
    return "{\"ts\": " + QByteArray::number(ts >= 0 ? ts : 1732800000.0 + step, 'f', 3)
        + ", \"tag\": \"step_end\", \"step\": " + QByteArray::number(step)
        + ", \"context\": {\"loss\": " + loss + "}}\n";
}

QByteArray epochLine(int epoch, const QByteArray& valAcc)
{
    return "{\"ts\": " + QByteArray::number(1732800100.0 + epoch, 'f', 3)
        + ", \"tag\": \"epoch_end\", \"epoch\": " + QByteArray::number(epoch)
        + ", \"context\": {\"val_acc\": " + valAcc + "}}\n";
}

QByteArray errorLine(const QByteArray& message)
{
    return "{\"ts\": 1732800200.0, \"tag\": \"error\", \"type\": \"RuntimeError\", \"message\": \""
        + message + "\"}\n";
}

QList<AlertRule> rules(const QString& text)
{
    QString error;
    const auto parsed = AlertRule::parseList(text, &error);
    if (!parsed)
        qFatal("%s", qPrintable(error));
    return *parsed;
}

std::size_t recordsOf(const Workspace& workspace)
{
    const QList<int> ids = workspace.runIds();
    return ids.isEmpty() ? 0 : workspace.run(ids.first())->records.size();
}

// A followed file, a monitor on it, and what was seen in which batch.
struct Watched
{
    QTemporaryDir dir;
    QString path;
    Workspace workspace;
    AlertMonitor monitor { &workspace };
    qint64 now = 1'700'000'000'000;
    // For each batch: the run's records after it, and the alerts raised by then. The monitor
    // connected to runsAppended first, so a batch's alerts are counted in its own entry.
    QList<QPair<std::size_t, int>> batches;
    int raised = 0;

    bool open(const QList<AlertRule>& alertRules, const QByteArray& content, bool checkExisting)
    {
        path = dir.filePath(QStringLiteral("run.jsonl"));
        if (!write(path, content, QIODevice::WriteOnly))
            return false;
        monitor.setRules(alertRules);
        monitor.setCheckExistingRecords(checkExisting);
        monitor.setClock([this] { return now; });
        monitor.setTickInterval(10);
        QObject::connect(&monitor, &AlertMonitor::alertRaised, [this] { ++raised; });
        QObject::connect(&workspace, &Workspace::runsAppended, [this](const QList<int>&) {
            batches.append({ recordsOf(workspace), raised });
        });
        const int source = workspace.open(path, true);
        return QTest::qWaitFor(
            [&] { return workspace.source(source).state == Workspace::SourceState::Following; },
            Guard);
    }

    bool append(const QByteArray& bytes)
    {
        return write(path, bytes, QIODevice::Append);
    }

    // The alerts raised by the end of the first batch that held `records` records.
    int raisedByBatchWith(std::size_t records) const
    {
        for (const auto& [n, count] : batches)
            if (n >= records)
                return count;
        return -1;
    }
};

} // namespace

class TestAlertMonitor : public QObject
{
    Q_OBJECT
private slots:
    void firesOnceClearsAndFiresAgain_data()
    {
        // start: the file before following
        // triggerAgain: breaks the rule again while active
        testing::addColumns<QString, QByteArray, QByteArray, QByteArray, QByteArray, QString,
            QString, QString>(
            { "rule", "start", "trigger", "triggerAgain", "clear", "kind", "metric", "message" });

        const QByteArray start = stepLine(1, "2.0") + stepLine(2, "1.5");
        QTest::newRow("nan") << "nan" << start << stepLine(3, "NaN") << stepLine(4, "Infinity")
                             << stepLine(5, "1.0") << "nan"
                             << "step_end/loss"
                             << "step_end/loss is NaN at step 3";
        QTest::newRow("-inf") << "nan" << start << stepLine(3, "-Infinity") << stepLine(4, "NaN")
                              << stepLine(5, "1.0") << "nan"
                              << "step_end/loss"
                              << "step_end/loss is -Inf at step 3";
        QTest::newRow("error") << "error" << start << errorLine("CUDA out of memory")
                               << errorLine("again") << stepLine(3, "1.0") << "error"
                               << ""
                               << "error record at step 2: RuntimeError: CUDA out of memory";
        QTest::newRow("loss>10") << "loss>10" << start << stepLine(3, "12") << stepLine(4, "15")
                                 << stepLine(5, "1") << "threshold"
                                 << "step_end/loss"
                                 << "step_end/loss = 12, above 10 at step 3";
        QTest::newRow("val_acc<best-0.05")
            << "val_acc < best - 0.05" << start + epochLine(0, "0.9") << epochLine(1, "0.8")
            << epochLine(2, "0.7") << epochLine(3, "0.95") << "threshold"
            << "epoch_end/val_acc"
            << "epoch_end/val_acc = 0.8, below the best 0.9 minus 0.05 at step 2";
        QTest::newRow("loss>best+0.5")
            << "loss>best+0.5" << start << stepLine(3, "2.1") << stepLine(4, "2.5")
            << stepLine(5, "1.2") << "threshold"
            << "step_end/loss"
            << "step_end/loss = 2.1, above the best 1.5 plus 0.5 at step 3";
    }
    void firesOnceClearsAndFiresAgain()
    {
        QFETCH(QString, rule);
        QFETCH(QByteArray, start);
        QFETCH(QByteArray, trigger);
        QFETCH(QByteArray, triggerAgain);
        QFETCH(QByteArray, clear);
        Watched w;
        QVERIFY(w.open(rules(rule), start, /*checkExisting=*/false));
        QSignalSpy raised(&w.monitor, &AlertMonitor::alertRaised);
        QSignalSpy cleared(&w.monitor, &AlertMonitor::alertCleared);
        const std::size_t before = recordsOf(w.workspace);

        QVERIFY(w.append(trigger));
        QTRY_COMPARE_WITH_TIMEOUT(raised.count(), 1, Guard);
        // Raised while the batch that brought the record was announced: not a batch later.
        QCOMPARE(w.raisedByBatchWith(before + 1), 1);
        const auto alert = raised.at(0).at(0).value<Alert>();
        QTEST(alert.rule.kindName(), "kind");
        QTEST(alert.metric, "metric");
        QTEST(alert.message, "message");
        QCOMPARE(alert.runId, w.workspace.runIds().first());
        QCOMPARE(alert.record, std::uint32_t(before));
        QCOMPARE(w.monitor.activeAlerts(alert.runId).size(), 1);

        // Once per run and rule: breaking it again while active fires nothing.
        QVERIFY(w.append(triggerAgain));
        QTRY_COMPARE_WITH_TIMEOUT(recordsOf(w.workspace), before + 2, Guard);
        QCOMPARE(raised.count(), 1);
        QCOMPARE(cleared.count(), 0);

        QVERIFY(w.append(clear));
        QTRY_COMPARE_WITH_TIMEOUT(cleared.count(), 1, Guard);
        QCOMPARE(cleared.at(0).at(0).value<Alert>().message, alert.message);
        QVERIFY(w.monitor.activeAlerts(alert.runId).isEmpty());

        QVERIFY(w.append(trigger));
        QTRY_COMPARE_WITH_TIMEOUT(raised.count(), 2, Guard);
        QCOMPARE(w.raisedByBatchWith(before + 4), 2);
    }

    // The window checks only what arrives while following (the runs table states what the file
    // held); --watch checks the records already there too.
    void existingRecords_data()
    {
        testing::addTable<bool>({ "checkExisting" },
            {
                { "window: not checked", false },
                { "watch: checked", true },
            });
    }
    void existingRecords()
    {
        QFETCH(bool, checkExisting);
        Watched w;
        QVERIFY(w.open(rules("nan,error"), stepLine(1, "NaN") + errorLine("boom"), checkExisting));
        QSignalSpy raised(&w.monitor, &AlertMonitor::alertRaised);
        if (checkExisting) {
            QTRY_COMPARE_WITH_TIMEOUT(w.raised, 2, Guard); // while loading
            return;
        }
        QCOMPARE(w.raised, 0);
        // A NaN that arrives fires, though the loaded series already ended in one.
        QVERIFY(w.append(stepLine(2, "NaN")));
        QTRY_COMPARE_WITH_TIMEOUT(raised.count(), 1, Guard);
        QCOMPARE(raised.at(0).at(0).value<Alert>().message,
            QStringLiteral("step_end/loss is NaN at step 2"));
    }

    // No record for 10x the median record interval (at least 60 s), or for stall=SECONDS, by the
    // wall clock of the records' arrival (injected).
    void stallFiresClearsAndFiresAgain_data()
    {
        // interval: s between the records' ts
        // quietEnough: s
        testing::addColumns<QString, double, int>({ "rule", "interval", "quietEnough" });
        QTest::newRow("stall: at least 60 s") << "stall" << 1.0 << 60;
        QTest::newRow("stall: 10x a 20 s interval") << "stall" << 20.0 << 200;
        QTest::newRow("stall=600") << "stall=600" << 1.0 << 600;
        QTest::newRow("stall=2") << "stall=2" << 1.0 << 2;
    }
    void stallFiresClearsAndFiresAgain()
    {
        QFETCH(QString, rule);
        QFETCH(double, interval);
        QFETCH(int, quietEnough);
        QByteArray start;
        for (int s = 0; s < 9; ++s)
            start += stepLine(s, "1.0", 1732800000.0 + s * interval);
        Watched w;
        QVERIFY(w.open(rules(rule), start, false));
        QSignalSpy raised(&w.monitor, &AlertMonitor::alertRaised);
        QSignalSpy cleared(&w.monitor, &AlertMonitor::alertCleared);

        // Loaded but nothing arrived yet while watching: an old file is not a stalled run.
        w.now += 1000 * 1000 * 1000;
        w.monitor.checkStalls();
        QCOMPARE(raised.count(), 0);

        QVERIFY(w.append(stepLine(9, "1.0", 1732800000.0 + 9 * interval)));
        QTRY_COMPARE_WITH_TIMEOUT(recordsOf(w.workspace), std::size_t(10), Guard);
        w.now += qint64(quietEnough) * 1000 - 1;
        w.monitor.checkStalls();
        QCOMPARE(raised.count(), 0); // a millisecond short
        w.now += 1;
        QTRY_COMPARE_WITH_TIMEOUT(raised.count(), 1, Guard); // the monitor's own timer
        const auto alert = raised.at(0).at(0).value<Alert>();
        QCOMPARE(alert.rule.kindName(), QStringLiteral("stall"));
        QVERIFY2(alert.message.startsWith(QStringLiteral("no record for %1 s").arg(quietEnough)),
            qPrintable(alert.message));
        QCOMPARE(alert.time, double(w.now) / 1000.0);
        w.now += 1000 * 1000;
        w.monitor.checkStalls();
        QCOMPARE(raised.count(), 1); // once until it clears

        QVERIFY(w.append(stepLine(10, "1.0", 1732800000.0 + 10 * interval)));
        QTRY_COMPARE_WITH_TIMEOUT(cleared.count(), 1, Guard);
        w.now += qint64(quietEnough) * 1000;
        QTRY_COMPARE_WITH_TIMEOUT(raised.count(), 2, Guard);
    }

    // A run whose last record is an epoch_end ended cleanly; a run followed by a later run of the
    // same file is over: neither is stalled.
    void finishedRunsDoNotStall_data()
    {
        testing::addColumns<QByteArray, int>({ "appended", "runs" });
        QTest::newRow("last record epoch_end") << epochLine(0, "0.5") << 1;
        QTest::newRow("a later run in the file") << stepLine(1, "1.0") // the first run is live...
                + "{\"ts\": 1732800300.0, \"tag\": \"run_begin\", \"run\": \"second\"}\n"
                                                 << 2; // ...until the second starts
    }
    void finishedRunsDoNotStall()
    {
        QFETCH(QByteArray, appended);
        Watched w;
        QVERIFY(w.open(rules("stall"), stepLine(0, "1.0"), false));
        QSignalSpy raised(&w.monitor, &AlertMonitor::alertRaised);
        const int firstRun = w.workspace.runIds().first();
        QVERIFY(w.append(appended));
        QFETCH(int, runs);
        QTRY_COMPARE_WITH_TIMEOUT(w.workspace.runIds().size(), runs, Guard);
        QTRY_COMPARE_WITH_TIMEOUT(w.workspace.run(firstRun)->records.size(), std::size_t(2), Guard);
        w.now += 3600 * 1000;
        w.monitor.checkStalls();
        for (const QVariantList& args : std::as_const(raised))
            QVERIFY(args.at(0).value<Alert>().runId != firstRun);
        if (runs == 1)
            QCOMPARE(raised.count(), 0);
        else
            QCOMPARE(raised.count(), 1); // the second run, which is live and went quiet
    }

    void alertAsJsonLine()
    {
        Alert alert;
        alert.runName = QStringLiteral("exp<1>");
        alert.sourcePath = QStringLiteral("/runs/exp1.jsonl");
        alert.metric = QStringLiteral("step_end/loss");
        alert.record = 4;
        alert.step = 123;
        alert.value = std::nan("");
        alert.time = 1732800006.5;
        alert.message = QStringLiteral("step_end/loss is NaN at step 123");
        QCOMPARE(alert.toJsonLine(),
            QByteArray("{\"alert\":\"nan\",\"file\":\"/runs/exp1.jsonl\",\"message\":"
                       "\"step_end/loss is NaN at step 123\",\"metric\":\"step_end/loss\","
                       "\"record\":4,\"rule\":\"nan\",\"run\":\"exp<1>\",\"step\":123,"
                       "\"time\":1732800006.5,\"value\":\"NaN\"}\n"));
    }
};

QTEST_GUILESS_MAIN(TestAlertMonitor)
#include "tst_alert_monitor.moc"
