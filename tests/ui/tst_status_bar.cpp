#include "data_table.hpp"
#include "message_banner.hpp"
#include "paint_counter.hpp"
#include "status_bar.hpp"

#include <QDateTime>
#include <QLabel>
#include <QSignalSpy>
#include <QToolButton>
#include <QtTest>

using namespace viewer;

class TestStatusBar : public QObject
{
    Q_OBJECT
private slots:
    void countsAndFollow();
    void age_data();
    void age();
    void progressAndCancel();
    void bannerCollectsMessages();
    void unchangedTextIsNotRepainted();
};

void TestStatusBar::countsAndFollow()
{
    StatusBar bar;
    bar.setCounts(1234567, 42, 1);
    QVERIFY(bar.countsText().contains(QLatin1String("42 series")));
    QVERIFY(bar.countsText().contains(QLatin1String("1 run")));
    QVERIFY(bar.countsText().contains(QLocale().toString(1234567)));
    bar.setCounts(0, 0, 3);
    QVERIFY(bar.countsText().contains(QLatin1String("3 runs")));
    bar.setFollowState(QStringLiteral("<b>paused</b>"));
    QCOMPARE(bar.followText(), QStringLiteral("<b>paused</b>"));
    for (QLabel* label : bar.findChildren<QLabel*>())
        QCOMPARE(label->textFormat(), Qt::PlainText);
    QCOMPARE(bar.ageText(), QStringLiteral("no records yet"));
    bar.setLastUpdate(QDateTime::currentMSecsSinceEpoch() - 5000);
    QVERIFY(bar.ageText().contains(QLatin1String("s ago")));
}

void TestStatusBar::age_data()
{
    testing::addTable<qint64, QString>({ "msecs", "text" },
        {
            { "now", qint64(300), "last record just now" },
            { "future clock", qint64(-5000), "last record just now" },
            { "seconds", qint64(12000), "last record 12 s ago" },
            { "minutes", qint64(5 * 60000 + 10), "last record 5 min ago" },
            { "hours", qint64(2 * 3600000 + 7 * 60000), "last record 2 h 7 min ago" },
            { "a day", qint64(30 * 3600000LL), "last record 1 day ago" },
            { "days", qint64(3 * 86400000LL), "last record 3 days ago" },
        });
}

void TestStatusBar::age()
{
    QFETCH(qint64, msecs);
    QFETCH(QString, text);
    QCOMPARE(StatusBar::formatAge(msecs), text);
}

void TestStatusBar::progressAndCancel()
{
    StatusBar bar;
    QVERIFY(!bar.isProgressVisible());
    QSignalSpy cancel(&bar, &StatusBar::cancelRequested);
    bar.setLoadProgress(250, 1000);
    QVERIFY(bar.isProgressVisible());
    QCOMPARE(bar.progressPermille(), 250);
    QVERIFY(!bar.cancelButton()->isHidden());
    bar.cancelButton()->click();
    QCOMPARE(cancel.count(), 1);
    bar.setLoadProgress(0, -1);
    QVERIFY(!bar.isProgressVisible());
    QVERIFY(bar.cancelButton()->isHidden());
}

void TestStatusBar::bannerCollectsMessages()
{
    MessageBanner banner;
    QVERIFY(banner.isHidden());
    banner.addMessage(QStringLiteral("/runs/<b>a</b>.jsonl does not exist"));
    banner.addMessage(QStringLiteral("/runs/<b>a</b>.jsonl does not exist")); // not repeated
    QCOMPARE(banner.messages().size(), 1);
    QVERIFY(!banner.isHidden());
    QCOMPARE(banner.label()->textFormat(), Qt::PlainText);
    QVERIFY(banner.label()->text().contains(QLatin1String("<b>a</b>")));
    for (int i = 0; i < 20; ++i)
        banner.addMessage(QStringLiteral("problem %1").arg(i));
    QCOMPARE(banner.messages().size(), MessageBanner::MaxMessages);
    QVERIFY(banner.label()->text().contains(QLatin1String("earlier messages not shown")));
    banner.addMessage(QString(1 << 20, QLatin1Char('x'))); // elided, no layout blow-up
    QVERIFY(banner.messages().last().size() < 1000);
    banner.clear();
    QVERIFY(banner.isHidden());
    QVERIFY(banner.messages().isEmpty());
}

// Issue 15: the window sets the status at every live batch; what did not change is not painted
// again, and a count that changed repaints its label only: not the whole bar (its size grip, its
// other labels) and the window under it.
void TestStatusBar::unchangedTextIsNotRepainted()
{
    QWidget window;
    auto* bar = new StatusBar(&window);
    bar->setGeometry(0, 0, 900, 30);
    window.resize(900, 30);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    bar->setCounts(1000, 4, 1);
    bar->setFollowState(QStringLiteral("following 1 source"));
    bar->setLastUpdate(now);
    bar->setLoadProgress(0, -1);
    PaintCounter barPaints(bar);
    QLabel* counts = nullptr;
    for (QLabel* label : bar->findChildren<QLabel*>()) {
        if (label->text() == bar->countsText())
            counts = label;
    }
    QVERIFY(counts);
    barPaints.takePaintedRegion();
    bar->setCounts(1000, 4, 1);
    bar->setFollowState(QStringLiteral("following 1 source"));
    bar->setLastUpdate(now);
    bar->setLoadProgress(0, -1);
    QVERIFY(barPaints.takePaintedRegion().isEmpty());
    // A count of the same width (digits are as wide as each other): from the second on, the
    // label's rectangle alone (the first one fixes its size, which lays the bar out once more).
    bar->setCounts(1001, 4, 1);
    barPaints.takePaintedRegion();
    bar->setCounts(1002, 4, 1);
    const QRegion painted = barPaints.takePaintedRegion();
    QVERIFY(!painted.isEmpty());
    QVERIFY2(counts->geometry().contains(painted.boundingRect()),
        qPrintable(
            QStringLiteral("%1 %2").arg(painted.boundingRect().width()).arg(counts->width())));
    QVERIFY(bar->countsText().contains(QLocale().toString(1002)));
    // Wider: laid out again, the text whole.
    bar->setCounts(1000000, 4, 1);
    QVERIFY(!barPaints.takePaintedRegion().isEmpty());
    QCOMPARE(counts->width(), counts->sizeHint().width());
}

QTEST_MAIN(TestStatusBar)
#include "tst_status_bar.moc"
