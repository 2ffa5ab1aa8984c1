#include "events_model.hpp"
#include "events_table.hpp"
#include "run_fixtures.hpp"
#include "run_name_delegate.hpp"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTextDocument>
#include <QtTest>

#include <map>

using namespace viewer;

class TestEventsModel : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void rows();
    void appendAndRemove();
    void xFollowsTheMode();
    void zoomRequest();
    void kindFilter();
    void richTextIsShownLiterally();
    void alertRows();
    void runNamesStayApart();

private:
    std::map<int, Run> m_runs;
    EventsModel* m_model = nullptr;
    QAbstractItemModelTester* m_tester = nullptr;
};

void TestEventsModel::init()
{
    m_runs.clear();
    m_model = new EventsModel([this](int id) -> const Run* {
        auto it = m_runs.find(id);
        return it == m_runs.end() ? nullptr : &it->second;
    });
    m_tester = new QAbstractItemModelTester(
        m_model, QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestEventsModel::cleanup()
{
    delete m_tester;
    delete m_model;
}

void TestEventsModel::rows()
{
    // 20 steps, 10 per epoch: 2 begins + 2 ends; one error at step 13.
    m_runs[1] = fixtures::makeRun("a", 20, 10, -1, 13, "CUDA out of memory");
    m_model->addRun(1);
    QCOMPARE(m_model->rowCount(), 5);
    int errors = 0;
    for (int r = 0; r < m_model->rowCount(); ++r) {
        if (m_model->index(r, 0).data(EventsModel::KindRole).toInt()
            == int(RunEvent::Kind::Error)) {
            ++errors;
            QCOMPARE(m_model->index(r, EventsModel::TypeColumn).data().toString(),
                QStringLiteral("RuntimeError"));
            QCOMPARE(m_model->index(r, EventsModel::MessageColumn).data().toString(),
                QStringLiteral("CUDA out of memory"));
            QCOMPARE(m_model->index(r, EventsModel::StepColumn).data().toString(),
                QStringLiteral("13")); // nearest step: the last one seen
            QCOMPARE(
                m_model->index(r, EventsModel::RunColumn).data().toString(), QStringLiteral("a"));
            QVERIFY(!m_model->index(r, EventsModel::TimeColumn).data().toString().isEmpty());
        }
    }
    QCOMPARE(errors, 1);
    QCOMPARE(m_model->index(0, EventsModel::TypeColumn).data().toString(),
        QStringLiteral("epoch 0 begins"));
}

void TestEventsModel::appendAndRemove()
{
    m_runs[1] = fixtures::makeRun("a", 10, 10);
    m_runs[2] = fixtures::makeRun("b", 10, 5);
    m_model->addRun(1);
    m_model->addRun(2);
    QCOMPARE(m_model->rowCount(), 2 + 4);
    QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
    Run& a = m_runs[1];
    fixtures::addError(a, fixtures::addRecord(a, "error", 1732800100.0, 10), "ValueError", "late");
    m_model->runsAppended({ 1, 2 });
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(m_model->rowCount(), 7);
    QCOMPARE(
        m_model->index(6, EventsModel::MessageColumn).data().toString(), QStringLiteral("late"));
    m_model->runsAppended({ 1 }); // nothing new: nothing inserted
    QCOMPARE(inserted.count(), 1);
    m_model->removeRun(1);
    QCOMPARE(m_model->rowCount(), 4);
    for (int r = 0; r < m_model->rowCount(); ++r)
        QCOMPARE(m_model->index(r, 0).data(EventsModel::RunIdRole).toInt(), 2);
    m_runs.erase(2); // gone from the workspace before removeRun: no crash, no rows
    QVERIFY(!m_model->index(0, 0).data().isValid());
    m_model->clear();
    QCOMPARE(m_model->rowCount(), 0);
}

void TestEventsModel::xFollowsTheMode()
{
    m_runs[1] = fixtures::makeRun("a", 30, 10, -1, 17);
    m_model->addRun(1);
    int errorRow = -1;
    for (int r = 0; r < m_model->rowCount(); ++r) {
        if (m_model->index(r, 0).data(EventsModel::KindRole).toInt() == int(RunEvent::Kind::Error))
            errorRow = r;
    }
    QVERIFY(errorRow >= 0);
    const Run& run = m_runs[1];
    const auto record = m_model->index(errorRow, 0).data(EventsModel::RecordRole).toUInt();
    QCOMPARE(m_model->xOfRow(errorRow), 17.0);
    QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
    m_model->setXAxisMode(XAxisMode::Sequence);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(m_model->xOfRow(errorRow), double(record));
    m_model->setXAxisMode(XAxisMode::Relative);
    QCOMPARE(m_model->xOfRow(errorRow), run.records.time(record) - run.records.firstTime());
    m_model->setXAxisMode(XAxisMode::Epoch);
    const double epochX = m_model->index(errorRow, 0).data(EventsModel::XRole).toDouble();
    QVERIFY(epochX >= 1.0 && epochX < 2.0); // fractional epoch: within epoch 1
}

void TestEventsModel::zoomRequest()
{
    m_runs[1] = fixtures::makeRun("a", 30, 10, -1, 17);
    m_model->addRun(1);
    EventsTable table(m_model);
    QSignalSpy zoom(&table, &EventsTable::zoomRequested);
    QSortFilterProxyModel* proxy = table.proxy();
    QModelIndex errorIndex;
    for (int r = 0; r < proxy->rowCount(); ++r) {
        if (proxy->index(r, 0).data(EventsModel::KindNameRole).toString() == QLatin1String("error"))
            errorIndex = proxy->index(r, EventsModel::MessageColumn);
    }
    QVERIFY(errorIndex.isValid());
    table.show();
    QVERIFY(QTest::qWaitForWindowExposed(&table));
    QTableView* view = table.view();
    view->scrollTo(errorIndex);
    const QRect rect = view->visualRect(errorIndex);
    QTest::mousePress(view->viewport(), Qt::LeftButton, {}, rect.center());
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, rect.center());
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(zoom.count(), 1);
    QCOMPARE(zoom.at(0).at(0).toDouble(), 17.0);
    QCOMPARE(zoom.at(0).at(1).toInt(), 1);
    // Sorted by time: the first row is the first event of the run.
    QCOMPARE(proxy->index(0, EventsModel::TypeColumn).data().toString(),
        QStringLiteral("epoch 0 begins"));
}

void TestEventsModel::kindFilter()
{
    m_runs[1] = fixtures::makeRun("a", 30, 10, -1, 17);
    m_model->addRun(1);
    EventsTable table(m_model);
    table.setKinds(EventsTable::Kinds::Errors);
    QCOMPARE(table.proxy()->rowCount(), 1);
    table.setKinds(EventsTable::Kinds::Epochs);
    QCOMPARE(table.proxy()->rowCount(), 6);
    table.setKinds(EventsTable::Kinds::Restarts);
    QCOMPARE(table.proxy()->rowCount(), 0);
    table.setKinds(EventsTable::Kinds::All);
    QCOMPARE(table.proxy()->rowCount(), 7);
}

void TestEventsModel::richTextIsShownLiterally()
{
    const QString evil = QStringLiteral("<b>x</b><img src=/etc/hosts>");
    m_runs[1] = fixtures::makeRun("<i>run</i>", 5, 10, -1, 2, evil);
    m_runs[1].events.back().type = QStringLiteral("<font size=999999>Big");
    m_model->addRun(1);
    const int row = m_model->rowCount() - 1; // begin of epoch 0, then the error
    QCOMPARE(
        m_model->index(row, 0).data(EventsModel::KindRole).toInt(), int(RunEvent::Kind::Error));
    QCOMPARE(m_model->index(row, EventsModel::MessageColumn).data().toString(), evil);
    QCOMPARE(m_model->index(row, EventsModel::TypeColumn).data().toString(),
        QStringLiteral("<font size=999999>Big"));
    QCOMPARE(m_model->index(row, EventsModel::RunColumn).data().toString(),
        QStringLiteral("<i>run</i>"));
    const QString tip =
        m_model->index(row, EventsModel::MessageColumn).data(Qt::ToolTipRole).toString();
    QVERIFY(!tip.contains(QLatin1String("<img")));
    QVERIFY(!tip.contains(QLatin1String("<b>")));
    QTextDocument doc;
    doc.setHtml(tip);
    QCOMPARE(doc.toPlainText(), QStringLiteral("<font size=999999>Big: ") + evil);
}

// Issue 16: an alert is a row of kind "alert" beside the events, plain text, filtered as its own
// kind, and gone with its run.
void TestEventsModel::alertRows()
{
    m_runs[1] = fixtures::makeRun("a", 20, 10, -1, -1, "");
    m_runs[2] = fixtures::makeRun("b", 20, 10, -1, -1, "");
    m_model->addRun(1);
    m_model->addRun(2);
    const int events = m_model->rowCount();
    Alert alert;
    alert.runId = 1;
    alert.rule = *AlertRule::parse(QStringLiteral("loss>10"), nullptr);
    alert.metric = QStringLiteral("step_end/loss");
    alert.record = 5;
    alert.step = 5;
    alert.value = 12;
    alert.time = 1732800000.5;
    alert.message = QStringLiteral("step_end/loss = 12, above 10 at step 5 <b>x</b>");
    m_model->addAlert(alert);
    alert.runId = 42; // not added: no row
    m_model->addAlert(alert);
    QCOMPARE(m_model->rowCount(), events + 1);
    const int row = events;
    QCOMPARE(
        m_model->index(row, 0).data(EventsModel::KindNameRole).toString(), QStringLiteral("alert"));
    QCOMPARE(m_model->index(row, 0).data(EventsModel::KindRole).toInt(), EventsModel::AlertKind);
    QCOMPARE(m_model->index(row, EventsModel::TypeColumn).data().toString(),
        QStringLiteral("alert: loss>10"));
    QCOMPARE(m_model->index(row, EventsModel::MessageColumn).data().toString(),
        QStringLiteral("step_end/loss = 12, above 10 at step 5 <b>x</b>"));
    QCOMPARE(m_model->index(row, EventsModel::StepColumn).data().toString(), QStringLiteral("5"));
    QCOMPARE(m_model->index(row, 0).data(EventsModel::RecordRole).toUInt(), 5u);
    QVERIFY(m_model->eventOfRow(row) == nullptr);
    QVERIFY(m_model->alertOfRow(row) != nullptr);

    EventsTable table(m_model);
    table.setKinds(EventsTable::Kinds::Alerts);
    QCOMPARE(table.proxy()->rowCount(), 1);
    table.setKinds(EventsTable::Kinds::Errors);
    QCOMPARE(table.proxy()->rowCount(), 0);

    m_model->removeRun(2); // rebuilt: the alert of run 1 stays
    QCOMPARE(m_model->rowCount(), events / 2 + 1);
    m_model->removeRun(1);
    QCOMPARE(m_model->rowCount(), 0);
}

// Issue 12: two runs whose long names differ only at their end: the run column (60 characters)
// and the delegate's text in a narrow column keep the end that tells them apart.
void TestEventsModel::runNamesStayApart()
{
    const QString stem =
        QStringLiteral("imagenet_resnet50_sweep_2026-12-07_lr=0.001,bs=256,warmup=5,seed=");
    m_runs[1] = fixtures::makeRun(stem + "1", 20, 10, -1, 13, "boom");
    m_runs[2] = fixtures::makeRun(stem + "2", 20, 10, -1, 13, "boom");
    m_model->addRun(1);
    m_model->addRun(2);
    QCOMPARE(m_model->rowCount(), 10);
    QStringList shown;
    QTableView view;
    view.setModel(m_model);
    auto* delegate =
        new RunNameDelegate(EventsModel::RunNameRole, EventsModel::RunNamePartRole, &view);
    view.setItemDelegateForColumn(EventsModel::RunColumn, delegate);
    view.setColumnWidth(EventsModel::RunColumn, 160);
    view.resize(800, 400);
    view.show();
    for (int r : { 0, 5 }) {
        const QModelIndex cell = m_model->index(r, EventsModel::RunColumn);
        QVERIFY(cell.data().toString().size() <= 60);
        QStyleOptionViewItem option;
        option.initFrom(&view);
        option.rect = view.visualRect(cell);
        option.widget = &view;
        shown << cell.data().toString() << delegate->shownText(option, cell);
    }
    QVERIFY2(
        shown[0].endsWith("seed=1") && shown[2].endsWith("seed=2"), qPrintable(shown.join('|')));
    QVERIFY2(shown[1].contains(QChar(0x2026)) && shown[1] != shown[3], qPrintable(shown.join('|')));
}

QTEST_MAIN(TestEventsModel)

#include "tst_events_model.moc"
