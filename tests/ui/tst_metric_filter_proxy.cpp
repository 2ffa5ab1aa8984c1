#include "data_table.hpp"
#include "metric_filter_proxy.hpp"
#include "metric_tree_model.hpp"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

using viewer::MetricFilterProxy;
using viewer::MetricTreeModel;

class TestMetricFilterProxy : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void filter_data();
    void filter();
    void invalidRegex();
    void hiddenTags();
    void groupCheckActsOnShownMetrics();

private:
    QStringList shownKeys() const;
    MetricTreeModel* m_model = nullptr;
    MetricFilterProxy* m_proxy = nullptr;
    QAbstractItemModelTester* m_tester = nullptr;
};

void TestMetricFilterProxy::init()
{
    m_model = new MetricTreeModel;
    m_proxy = new MetricFilterProxy;
    m_proxy->setSourceModel(m_model);
    m_tester = new QAbstractItemModelTester(
        m_proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QList<MetricTreeModel::Metric> metrics;
    for (const char* key :
        { "step_end/loss", "step_end/lr", "step_end/metrics/acc", "step_end/metrics/top5",
            "epoch_end/val_loss", "epoch_end/val_acc", "custom/Loss_Scale" }) {
        const QString k = QString::fromLatin1(key);
        const qsizetype slash = k.indexOf(QLatin1Char('/'));
        metrics.append({ k, k.left(slash), k.mid(slash + 1), 0 });
    }
    m_model->setMetrics(metrics);
}

void TestMetricFilterProxy::cleanup()
{
    delete m_tester;
    delete m_proxy;
    delete m_model;
}

QStringList TestMetricFilterProxy::shownKeys() const
{
    QStringList keys;
    std::function<void(const QModelIndex&)> walk = [&](const QModelIndex& parent) {
        for (int r = 0; r < m_proxy->rowCount(parent); ++r) {
            const QModelIndex i = m_proxy->index(r, 0, parent);
            const QString key = i.data(MetricTreeModel::KeyRole).toString();
            if (!key.isEmpty())
                keys << key;
            walk(i);
        }
    };
    walk({});
    keys.sort();
    return keys;
}

void TestMetricFilterProxy::filter_data()
{
    testing::addTable<QString, bool, QStringList>({ "pattern", "regex", "expected" },
        {
            { "empty shows all", "", false,
                QStringList { "custom/Loss_Scale", "epoch_end/val_acc", "epoch_end/val_loss",
                    "step_end/loss", "step_end/lr", "step_end/metrics/acc",
                    "step_end/metrics/top5" } },
            { "substring, case-insensitive", "loss", false,
                QStringList { "custom/Loss_Scale", "epoch_end/val_loss", "step_end/loss" } },
            { "substring of a group", "metrics", false,
                QStringList { "step_end/metrics/acc", "step_end/metrics/top5" } },
            { "substring is literal", "val.loss", false, QStringList {} },
            { "regex anywhere", "val.loss", true, QStringList { "epoch_end/val_loss" } },
            { "regex anchored", "^step_end/(loss|lr)$", true,
                QStringList { "step_end/loss", "step_end/lr" } },
            { "regex case-insensitive", "^CUSTOM/", true, QStringList { "custom/Loss_Scale" } },
            { "nothing matches", "zzz", true, QStringList {} },
        });
}

void TestMetricFilterProxy::filter()
{
    QFETCH(QString, pattern);
    QFETCH(bool, regex);
    QFETCH(QStringList, expected);
    QSignalSpy changed(m_proxy, &MetricFilterProxy::filterChanged);
    m_proxy->setPattern(pattern, regex);
    QCOMPARE(shownKeys(), expected);
    QVERIFY(m_proxy->patternError().isEmpty());
    for (const QString& key : expected)
        QVERIFY(m_proxy->acceptsKey(key, key.section(QLatin1Char('/'), 0, 0)));
    if (!pattern.isEmpty())
        QCOMPARE(changed.count(), 1);
}

void TestMetricFilterProxy::invalidRegex()
{
    m_proxy->setPattern("loss(", true);
    QVERIFY(!m_proxy->patternError().isEmpty());
    QVERIFY(m_proxy->patternError().contains(QLatin1String("Invalid regular expression")));
    QCOMPARE(shownKeys(), QStringList {}); // matched literally: no key contains "loss("
    m_proxy->setPattern("[", true);
    QVERIFY(!m_proxy->patternError().isEmpty());
    m_proxy->setPattern("loss", true); // fixed: the error goes
    QVERIFY(m_proxy->patternError().isEmpty());
    QCOMPARE(shownKeys().size(), 3);
    // A literal search for the same text is no error.
    m_proxy->setPattern("loss(", false);
    QVERIFY(m_proxy->patternError().isEmpty());
}

void TestMetricFilterProxy::hiddenTags()
{
    m_proxy->setHiddenTags({ "step_end" });
    QCOMPARE(shownKeys(),
        (QStringList { "custom/Loss_Scale", "epoch_end/val_acc", "epoch_end/val_loss" }));
    QCOMPARE(m_proxy->rowCount(), 2); // the step_end group is gone too
    QVERIFY(!m_proxy->acceptsKey("step_end/loss", "step_end"));
    m_proxy->setPattern("loss", false);
    QCOMPARE(shownKeys(), (QStringList { "custom/Loss_Scale", "epoch_end/val_loss" }));
    m_proxy->setHiddenTags({});
    QCOMPARE(shownKeys().size(), 3);
}

void TestMetricFilterProxy::groupCheckActsOnShownMetrics()
{
    m_proxy->setPattern("loss", false);
    QModelIndex stepEnd;
    for (int r = 0; r < m_proxy->rowCount(); ++r) {
        if (m_proxy->index(r, 0).data().toString() == QLatin1String("step_end"))
            stepEnd = m_proxy->index(r, 0);
    }
    QVERIFY(stepEnd.isValid());
    QCOMPARE(stepEnd.data(Qt::CheckStateRole).value<Qt::CheckState>(), Qt::Checked);
    QVERIFY(m_proxy->setData(stepEnd, Qt::Unchecked, Qt::CheckStateRole));
    // Only the shown loss metric was unchecked; lr and metrics/* are untouched.
    QVERIFY(!m_model->isChecked("step_end/loss"));
    QVERIFY(m_model->isChecked("step_end/lr"));
    QVERIFY(m_model->isChecked("step_end/metrics/acc"));
    QCOMPARE(stepEnd.data(Qt::CheckStateRole).value<Qt::CheckState>(), Qt::Unchecked);
    m_proxy->setPattern(QString(), false);
    QCOMPARE(m_model->index(0, 0).isValid(), true);
    const QModelIndex source = m_model->indexOfKey("step_end/loss").parent();
    QCOMPARE(source.data(Qt::CheckStateRole).value<Qt::CheckState>(), Qt::PartiallyChecked);
}

QTEST_GUILESS_MAIN(TestMetricFilterProxy)
#include "tst_metric_filter_proxy.moc"
