#include "data_table.hpp"
#include "metric_filter_panel.hpp"
#include "metric_filter_proxy.hpp"
#include "metric_tree_model.hpp"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTreeView>
#include <QtTest>

using viewer::MetricFilterPanel;
using viewer::MetricFilterProxy;
using viewer::MetricTreeModel;
using Metric = MetricTreeModel::Metric;

class TestMetricTreeModel : public QObject
{
    Q_OBJECT
private slots:
    void buildsGroups();
    void checkingGroups();
    void removalAndReappearance();
    void nonFiniteCounts();
    void naturalOrder();
    void bulkInsert();
    void bulkInsertKeepsNaturalOrder();
    void updateMetricsTouchesOnlyWhatChanged();
    void derivedLastAndCollapsed_data();
    void derivedLastAndCollapsed();
};

namespace {

Metric m(const QString& tag, const QString& path, quint64 nonFinite = 0)
{
    return { tag + QLatin1Char('/') + path, tag, path, nonFinite };
}

QModelIndex child(const MetricTreeModel& model, const QModelIndex& parent, const QString& name)
{
    for (int r = 0; r < model.rowCount(parent); ++r) {
        const QModelIndex i = model.index(r, 0, parent);
        if (i.data().toString() == name)
            return i;
    }
    return {};
}

Qt::CheckState state(const QModelIndex& i)
{
    return i.data(Qt::CheckStateRole).value<Qt::CheckState>();
}

} // namespace

void TestMetricTreeModel::buildsGroups()
{
    MetricTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMetrics({ m("step_end", "loss"), m("step_end", "metrics/acc"),
        m("step_end", "metrics/top5"), m("epoch_end", "val_loss") });
    QCOMPARE(model.rowCount(), 2);
    const QModelIndex stepEnd = child(model, {}, "step_end");
    QVERIFY(stepEnd.isValid());
    QCOMPARE(model.rowCount(stepEnd), 2); // loss, metrics
    const QModelIndex metrics = child(model, stepEnd, "metrics");
    QCOMPARE(model.rowCount(metrics), 2);
    const QModelIndex acc = child(model, metrics, "acc");
    QCOMPARE(acc.data(MetricTreeModel::KeyRole).toString(), QStringLiteral("step_end/metrics/acc"));
    QCOMPARE(acc.data(MetricTreeModel::TagRole).toString(), QStringLiteral("step_end"));
    QCOMPARE(
        metrics.data(MetricTreeModel::PathRole).toString(), QStringLiteral("step_end/metrics"));
    QVERIFY(metrics.data(MetricTreeModel::KeyRole).toString().isEmpty());
    QCOMPARE(stepEnd.data(MetricTreeModel::MetricCountRole).toInt(), 3);
    QCOMPARE(model.parent(acc), metrics);
    QCOMPARE(model.indexOfKey("step_end/metrics/acc"), acc);
    QCOMPARE(model.tagOfKey("epoch_end/val_loss"), QStringLiteral("epoch_end"));
    QCOMPARE(model.checkedKeys().size(), 4);
}

void TestMetricTreeModel::checkingGroups()
{
    MetricTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMetrics(
        { m("step_end", "loss"), m("step_end", "metrics/acc"), m("step_end", "metrics/top5") });
    QSignalSpy changed(&model, &MetricTreeModel::checkedKeysChanged);
    const QModelIndex stepEnd = child(model, {}, "step_end");
    const QModelIndex metrics = child(model, stepEnd, "metrics");

    QVERIFY(model.setData(metrics, Qt::Unchecked, Qt::CheckStateRole));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.checkedKeys(), QSet<QString> { "step_end/loss" });
    QCOMPARE(state(metrics), Qt::Unchecked);
    QCOMPARE(state(stepEnd), Qt::PartiallyChecked);

    QVERIFY(model.setData(child(model, metrics, "acc"), Qt::Checked, Qt::CheckStateRole));
    QCOMPARE(state(metrics), Qt::PartiallyChecked);

    QVERIFY(model.setData(stepEnd, Qt::Checked, Qt::CheckStateRole));
    QCOMPARE(state(stepEnd), Qt::Checked);
    QCOMPARE(model.checkedKeys().size(), 3);
    model.setAllChecked(false);
    QVERIFY(model.checkedKeys().isEmpty());
    QCOMPARE(model.uncheckedKeys().size(), 3);
}

void TestMetricTreeModel::removalAndReappearance()
{
    MetricTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMetrics(
        { m("step_end", "loss"), m("epoch_end", "val/loss"), m("epoch_end", "val/acc") });
    model.setChecked({ "epoch_end/val/acc" }, false);
    model.setMetrics({ m("step_end", "loss") }); // the run with epochs closed
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.metricCount(), 1);
    QVERIFY(!child(model, {}, "epoch_end").isValid());
    model.setMetrics({ m("step_end", "loss"), m("epoch_end", "val/acc") });
    QVERIFY(!model.isChecked("epoch_end/val/acc")); // remembered
    QCOMPARE(model.checkedKeys(), QSet<QString> { "step_end/loss" });

    // A key that is both a metric and a group (a number in one record, an object in another).
    model.setMetrics({ m("step_end", "loss"), m("step_end", "loss/total") });
    const QModelIndex loss = child(model, child(model, {}, "step_end"), "loss");
    QVERIFY(loss.data(MetricTreeModel::IsMetricRole).toBool());
    QCOMPARE(model.rowCount(loss), 1);
    model.setMetrics({ m("step_end", "loss/total") });
    QVERIFY(!model.indexOfKey("step_end/loss").isValid());
    QVERIFY(model.indexOfKey("step_end/loss/total").isValid());
    model.setMetrics({});
    QCOMPARE(model.rowCount(), 0);
}

void TestMetricTreeModel::nonFiniteCounts()
{
    MetricTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMetrics({ m("step_end", "loss", 2), m("step_end", "metrics/acc", 0) });
    const QModelIndex stepEnd = child(model, {}, "step_end");
    QCOMPARE(stepEnd.data(MetricTreeModel::NonFiniteRole).toULongLong(), 2ull);
    QCOMPARE(model.index(stepEnd.row(), MetricTreeModel::NonFiniteColumn).data().toString(),
        QStringLiteral("2"));
    QSignalSpy data(&model, &QAbstractItemModel::dataChanged);
    model.setMetrics({ m("step_end", "loss", 5), m("step_end", "metrics/acc", 1) });
    QVERIFY(data.count() > 0);
    QCOMPARE(stepEnd.data(MetricTreeModel::NonFiniteRole).toULongLong(), 6ull);
    const QModelIndex acc =
        model.indexOfKey("step_end/metrics/acc", MetricTreeModel::NonFiniteColumn);
    QVERIFY(acc.data(Qt::ForegroundRole).isValid()); // stands out
}

void TestMetricTreeModel::naturalOrder()
{
    MetricTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMetrics({ m("t", "layer10"), m("t", "layer2"), m("t", "Layer1"), m("t", "b") });
    const QModelIndex t = child(model, {}, "t");
    QStringList names;
    for (int r = 0; r < model.rowCount(t); ++r)
        names << model.index(r, 0, t).data().toString();
    QCOMPARE(names, (QStringList { "b", "Layer1", "layer2", "layer10" }));
}

void TestMetricTreeModel::bulkInsert()
{
    MetricTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QList<Metric> metrics;
    for (int i = 0; i < 20000; ++i)
        metrics << m("step_end", QStringLiteral("group%1/metric%2").arg(i % 100).arg(i));
    QElapsedTimer timer;
    timer.start();
    model.setMetrics(metrics);
    QCOMPARE(reset.count(), 1); // one reset, not 20000 inserts
    QCOMPARE(model.metricCount(), 20000);
    qInfo("20,000 metrics in one reset: %lld ms (figure: tests/bench/bench_gui_thread)",
        timer.elapsed());
    metrics << m("step_end", "extra");
    model.setMetrics(metrics); // a few more: row by row
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.metricCount(), 20001);
}

void TestMetricTreeModel::bulkInsertKeepsNaturalOrder()
{
    // A reset appends each group's children and sorts them once: the order must be the one the
    // row-by-row inserts keep (natural, case-insensitive), also under groups that existed before.
    MetricTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMetrics({ m("t", "g/Layer5") });
    QList<Metric> metrics;
    QStringList expected;
    for (int i = 0; i < MetricTreeModel::BulkInsertThreshold + 50; ++i) {
        const int n = (i * 37) % (MetricTreeModel::BulkInsertThreshold + 50); // shuffled
        metrics << m("t", QStringLiteral("g/%1ayer%2").arg(n % 2 ? "L" : "l").arg(n));
        expected << QStringLiteral("%1ayer%2").arg(i % 2 ? "L" : "l").arg(i);
    }
    metrics << m("t", "g/a\\/b"); // an escaped '/' stays one segment
    expected.prepend("a\\/b");
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setMetrics(metrics);
    QCOMPARE(reset.count(), 1);
    const QModelIndex g = child(model, child(model, {}, "t"), "g");
    QStringList names;
    for (int r = 0; r < model.rowCount(g); ++r)
        names << model.index(r, 0, g).data(MetricTreeModel::PathRole).toString().mid(4);
    QCOMPARE(names, expected);
    QCOMPARE(model.metricCount(), expected.size());
}

void TestMetricTreeModel::updateMetricsTouchesOnlyWhatChanged()
{
    MetricTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMetrics({ m("t", "a"), m("t", "b"), m("t", "c") });
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    Metric b = m("t", "b");
    b.nonFinite = 2;
    model.updateMetrics({ b }, { QStringLiteral("t/c") }); // "a" is not named: it stays
    QCOMPARE(model.metricCount(), 2);
    QVERIFY(model.indexOfKey("t/a").isValid());
    QCOMPARE(model.indexOfKey("t/b").data(MetricTreeModel::NonFiniteRole).toULongLong(), 2ull);
    QCOMPARE(removed.count(), 1);
    for (const QList<QVariant>& args : std::as_const(changed))
        QVERIFY(args.at(0).toModelIndex().data(MetricTreeModel::KeyRole).toString() != "t/a");
}

// Issue 13: the viewer's own derived/* series come after the trainer's tags and start
// collapsed in the panel's tree (row-by-row inserts and a bulk reset alike); a search opens them.
void TestMetricTreeModel::derivedLastAndCollapsed_data()
{
    testing::addTable<int>({ "extra" },
        {
            // more metrics than BulkInsertThreshold: one reset
            { "row by row", 0 },
            { "bulk", MetricTreeModel::BulkInsertThreshold + 1 },
        });
}

void TestMetricTreeModel::derivedLastAndCollapsed()
{
    QFETCH(int, extra);
    MetricTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    MetricFilterProxy proxy;
    MetricFilterPanel panel(&model, &proxy);
    QList<Metric> metrics { m("derived", "records_per_second"), m("derived", "step_duration"),
        m("epoch_end", "val_loss"), m("step_end", "loss"), m("zeta", "custom") };
    for (int i = 0; i < extra; ++i)
        metrics << m("step_end", QStringLiteral("layer%1").arg(i));
    model.updateMetrics(metrics, {});
    QCOMPARE(model.rowCount(), 4);
    QStringList tags;
    for (int r = 0; r < model.rowCount(); ++r)
        tags << model.index(r, 0).data().toString();
    QCOMPARE(tags, (QStringList { "epoch_end", "step_end", "zeta", "derived" }));
    const QModelIndex derived = child(model, {}, "derived");
    QVERIFY(derived.data(MetricTreeModel::CollapsedByDefaultRole).toBool());
    QVERIFY(!child(model, {}, "step_end").data(MetricTreeModel::CollapsedByDefaultRole).toBool());
    QTreeView* view = panel.view();
    QVERIFY(!view->isExpanded(proxy.mapFromSource(derived)));
    QVERIFY(view->isExpanded(proxy.mapFromSource(child(model, {}, "step_end"))));
    // Still checked: collapsed in the tree, not hidden from the grid.
    QVERIFY(model.isChecked("derived/step_duration"));
}

QTEST_MAIN(TestMetricTreeModel)
#include "tst_metric_tree_model.moc"
