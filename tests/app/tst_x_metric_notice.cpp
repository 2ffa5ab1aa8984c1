#include "data_table.hpp"
#include "x_metric_notice.hpp"

#include <QTest>

using viewer::XMetricNotice;

// Issue 13: --x METRIC names each tag whose charts have nothing to draw, once.
class TestXMetricNotice : public QObject
{
    Q_OBJECT
private slots:
    void messages_data();
    void messages();
    void oncePerTagUntilTheMetricChanges();
};

void TestXMetricNotice::messages_data()
{
    testing::addTable<QStringList, QStringList>({ "keys", "expected" },
        {
            { "none", QStringList(), QStringList() },
            { "one chart", QStringList { "epoch_end/val_loss" },
                QStringList {
                    "x = tokens: no run logs tokens with its epoch_end records, so 1 chart "
                    "has nothing to draw: epoch_end/val_loss" } },
            { "two charts of a tag, sorted; two tags, sorted",
                QStringList { "epoch_end/val_loss", "error/step", "epoch_end/val_acc" },
                QStringList {
                    "x = tokens: no run logs tokens with its epoch_end records, so 2 charts "
                    "have nothing to draw: epoch_end/val_acc, epoch_end/val_loss",
                    "x = tokens: no run logs tokens with its error records, so 1 chart has nothing "
                    "to "
                    "draw: error/step" } },
        });
}

void TestXMetricNotice::messages()
{
    QFETCH(QStringList, keys);
    QFETCH(QStringList, expected);
    XMetricNotice notice;
    QCOMPARE(notice.newMessages(QStringLiteral("tokens"), keys), expected);
}

void TestXMetricNotice::oncePerTagUntilTheMetricChanges()
{
    XMetricNotice notice;
    const QStringList keys { "epoch_end/val_loss" };
    QCOMPARE(notice.newMessages(QStringLiteral("tokens"), keys).size(), 1);
    QVERIFY(notice.newMessages(QStringLiteral("tokens"), keys).isEmpty());
    // A chart of the same tag appearing later (a live run) is not a new message.
    QVERIFY(notice.newMessages(QStringLiteral("tokens"), { "epoch_end/val_acc" }).isEmpty());
    QCOMPARE(notice.newMessages(QStringLiteral("samples"), keys).size(), 1);
    QVERIFY(notice.newMessages(QString(), {}).isEmpty());
}

QTEST_APPLESS_MAIN(TestXMetricNotice)
#include "tst_x_metric_notice.moc"
