// The horizontal headers of the view models: every column's title and tooltip, in column order,
// as a user reads them above each table and tree (the models share ColumnTitles for them).
#include "data_table.hpp"
#include "events_model.hpp"
#include "malformed_lines_model.hpp"
#include "metric_tree_model.hpp"
#include "record_table_model.hpp"
#include "run_list_model.hpp"
#include "tag_filter.hpp"
#include "workspace.hpp"

#include <QAbstractItemModelTester>
#include <QTest>

#include <memory>

using namespace viewer;

namespace {

std::unique_ptr<QAbstractItemModel> makeModel(const QString& name, Workspace* workspace)
{
    const auto noRun = [](int) -> const Run* { return nullptr; };
    if (name == QLatin1String("EventsModel"))
        return std::make_unique<EventsModel>(noRun);
    if (name == QLatin1String("RecordTableModel"))
        return std::make_unique<RecordTableModel>(noRun);
    if (name == QLatin1String("MalformedLinesModel"))
        return std::make_unique<MalformedLinesModel>();
    if (name == QLatin1String("TagFilter"))
        return std::make_unique<TagFilter>();
    if (name == QLatin1String("MetricTreeModel"))
        return std::make_unique<MetricTreeModel>();
    if (name == QLatin1String("RunListModel"))
        return std::make_unique<RunListModel>(workspace);
    return nullptr;
}

QStringList headersOf(const QAbstractItemModel& model, int role)
{
    QStringList columns;
    for (int c = 0; c < model.columnCount(); ++c)
        columns << model.headerData(c, Qt::Horizontal, role).toString();
    return columns;
}

} // namespace

class TestColumnHeaders : public QObject
{
    Q_OBJECT

private slots:
    void headers_data();
    void headers();
};

void TestColumnHeaders::headers_data()
{
    // toolTips: "" for none
    testing::addColumns<QString, QStringList, QStringList>({ "model", "titles", "toolTips" });
    const QString none;
    QTest::newRow("events") << "EventsModel"
                            << QStringList { "Time", "Run", "Step", "Type", "Message" }
                            << QStringList(5, none);
    QTest::newRow("records") << "RecordTableModel"
                             << QStringList { "#", "Time", "Step", "Epoch", "Tag" }
                             << QStringList(5, none);
    QTest::newRow("malformed lines")
        << "MalformedLinesModel" << QStringList { "Line", "Byte offset", "Reason" }
        << QStringList(3, none);
    QTest::newRow("tags") << "TagFilter" << QStringList { "Tag", "Records" }
                          << QStringList(2, none);
    QTest::newRow("metrics") << "MetricTreeModel" << QStringList { "Metric", "NaN/Inf" }
                             << QStringList { none,
                                    "Points that are NaN, +Inf or -Inf, over every open run" };
    QTest::newRow("runs") << "RunListModel"
                          << QStringList { "Run", "State", "Records", "Bad lines" }
                          << QStringList { none, none, none,
                                 "Lines that are not records (not JSON, cut short, ...): click a "
                                 "count to see their line numbers and reasons" };
}

void TestColumnHeaders::headers()
{
    QFETCH(QString, model);
    QFETCH(QStringList, titles);
    QFETCH(QStringList, toolTips);
    Workspace workspace;
    const std::unique_ptr<QAbstractItemModel> m = makeModel(model, &workspace);
    QVERIFY(m);
    QAbstractItemModelTester tester(
        m.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(headersOf(*m, Qt::DisplayRole), titles);
    QCOMPARE(headersOf(*m, Qt::ToolTipRole), toolTips);
    // Nothing past the last column, nothing on the vertical header, no other role.
    QCOMPARE(m->headerData(m->columnCount(), Qt::Horizontal, Qt::DisplayRole), QVariant());
    QCOMPARE(m->headerData(0, Qt::Vertical, Qt::DisplayRole), QVariant());
    QCOMPARE(m->headerData(0, Qt::Horizontal, Qt::EditRole), QVariant());
    QCOMPARE(m->headerData(0, Qt::Horizontal, Qt::ToolTipRole), QVariant());
}

QTEST_MAIN(TestColumnHeaders)
#include "tst_column_headers.moc"
