#include "tag_filter.hpp"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTextDocument>
#include <QtTest>

using viewer::TagFilter;

class TestTagFilter : public QObject
{
    Q_OBJECT
private slots:
    void rowsFollowTheRuns();
    void checkingHidesAndShows();
    void stateSurvivesRemoval();
    void showOnlyHidesNewTags();
    void untrustedTagsArePlain();
};

namespace {

QStringList column(const TagFilter& f)
{
    QStringList out;
    for (int r = 0; r < f.rowCount(); ++r)
        out << f.index(r, 0).data(TagFilter::TagRole).toString();
    return out;
}

} // namespace

void TestTagFilter::rowsFollowTheRuns()
{
    TagFilter f;
    QAbstractItemModelTester tester(&f, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy changed(&f, &TagFilter::visibleTagsChanged);
    f.setTagCounts({ { "step_end", 10 }, { "epoch_end", 2 } });
    QCOMPARE(column(f), (QStringList { "epoch_end", "step_end" }));
    QCOMPARE(changed.count(), 1);
    f.setTagCounts({ { "step_end", 12 }, { "epoch_end", 2 }, { "error", 1 }, { "custom", 3 } });
    QCOMPARE(column(f), (QStringList { "custom", "epoch_end", "error", "step_end" }));
    QCOMPARE(f.index(3, TagFilter::CountColumn).data(TagFilter::CountRole).toULongLong(), 12ull);
    QCOMPARE(f.index(2, 0).data(Qt::CheckStateRole).value<Qt::CheckState>(), Qt::Checked);
    f.setTagCounts({ { "step_end", 12 } });
    QCOMPARE(column(f), QStringList { "step_end" });
    f.setTagCounts({});
    QCOMPARE(f.rowCount(), 0);
}

void TestTagFilter::checkingHidesAndShows()
{
    TagFilter f;
    QAbstractItemModelTester tester(&f, QAbstractItemModelTester::FailureReportingMode::QtTest);
    f.setTagCounts({ { "step_end", 10 }, { "error", 1 } });
    QSignalSpy changed(&f, &TagFilter::visibleTagsChanged);
    QVERIFY(f.setData(f.index(1, 0), Qt::Unchecked, Qt::CheckStateRole)); // step_end
    QCOMPARE(changed.count(), 1);
    QVERIFY(!f.isTagVisible("step_end"));
    QCOMPARE(f.visibleTags(), QSet<QString> { "error" });
    QCOMPARE(f.hiddenTags(), QStringList { "step_end" });
    QVERIFY(!f.setData(f.index(1, 1), Qt::Checked, Qt::CheckStateRole)); // count column
    f.setAllVisible(true);
    QVERIFY(f.isTagVisible("step_end"));
    f.setAllVisible(false);
    QVERIFY(f.visibleTags().isEmpty());
}

void TestTagFilter::stateSurvivesRemoval()
{
    TagFilter f;
    f.setTagCounts({ { "step_end", 10 }, { "error", 1 } });
    f.setTagVisible("error", false);
    f.setTagCounts({ { "step_end", 10 } }); // the run with errors closed
    f.setTagCounts({ { "step_end", 10 }, { "error", 4 } }); // and reopened
    QVERIFY(!f.isTagVisible("error"));
    QCOMPARE(f.index(0, 0).data(Qt::CheckStateRole).value<Qt::CheckState>(), Qt::Unchecked);
}

void TestTagFilter::showOnlyHidesNewTags()
{
    TagFilter f;
    QAbstractItemModelTester tester(&f, QAbstractItemModelTester::FailureReportingMode::QtTest);
    f.setTagCounts({ { "step_end", 10 }, { "step_begin", 10 } });
    f.showOnly({ "step_end", "error" });
    QVERIFY(f.isTagVisible("step_end"));
    QVERIFY(!f.isTagVisible("step_begin"));
    QVERIFY(f.isTagVisible("error")); // listed, not seen yet
    QVERIFY(!f.isTagVisible("custom"));
    f.setTagCounts({ { "step_end", 10 }, { "step_begin", 10 }, { "error", 1 }, { "custom", 2 } });
    QCOMPARE(f.visibleTags(), (QSet<QString> { "step_end", "error" }));
    f.setTagVisible("custom", true); // the user may still check it
    QVERIFY(f.isTagVisible("custom"));
}

void TestTagFilter::untrustedTagsArePlain()
{
    TagFilter f;
    const QString evil = QStringLiteral("<b>x</b><img src=/etc/hosts>");
    const QString huge(1 << 20, QLatin1Char('t'));
    f.setTagCounts({ { evil, 1 }, { huge, 1 } });
    const QModelIndex e =
        f.index(0, 0).data(TagFilter::TagRole).toString() == evil ? f.index(0, 0) : f.index(1, 0);
    QCOMPARE(e.data(Qt::DisplayRole).toString(), evil); // a table cell shows the characters
    QTextDocument doc;
    doc.setHtml(e.data(Qt::ToolTipRole).toString());
    QVERIFY(doc.toPlainText().startsWith(evil));
    QVERIFY(!e.data(Qt::ToolTipRole).toString().contains(QLatin1String("<img")));
    const QModelIndex h = e.row() == 0 ? f.index(1, 0) : f.index(0, 0);
    QVERIFY(h.data(Qt::DisplayRole).toString().size() < 100); // elided, not a megabyte of layout
    QCOMPARE(h.data(TagFilter::TagRole).toString().size(), huge.size());
}

QTEST_MAIN(TestTagFilter)
#include "tst_tag_filter.moc"
