#include "malformed_lines_dialog.hpp"
#include "malformed_lines_model.hpp"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QLocale>
#include <QTableView>
#include <QTextDocument>
#include <QtTest>

using namespace viewer;

class TestMalformedLinesDialog : public QObject
{
    Q_OBJECT
private slots:
    void listsLinesAndReasons();
    void saysOnlyTheFirstAreListed();
    void richTextIsShownLiterally();
};

namespace {

Run runWithBadLines(const QString& reason)
{
    Run run;
    run.id = QStringLiteral("r");
    run.displayName = QStringLiteral("train.jsonl");
    run.sourcePath = QStringLiteral("/runs/train.jsonl");
    run.addMalformed({ 3, 120, QStringLiteral("not JSON: unterminated string at byte 17") });
    run.addMalformed({ 1042, 88012, reason });
    return run;
}

} // namespace

void TestMalformedLinesDialog::listsLinesAndReasons()
{
    const Run run = runWithBadLines(QStringLiteral("not an object: a JSON array"));
    MalformedLinesDialog dialog(run);
    QAbstractItemModelTester tester(
        dialog.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(dialog.model()->rowCount(), 2);
    QCOMPARE(dialog.model()->index(1, MalformedLinesModel::LineColumn).data().toString(),
        QStringLiteral("1042"));
    QCOMPARE(dialog.model()->index(1, MalformedLinesModel::OffsetColumn).data().toString(),
        QStringLiteral("88012"));
    QCOMPARE(dialog.model()->index(0, MalformedLinesModel::ReasonColumn).data().toString(),
        QStringLiteral("not JSON: unterminated string at byte 17"));
    QVERIFY(dialog.summaryLabel()->text().contains(QLatin1String("2 lines")));
    QVERIFY(dialog.summaryLabel()->text().contains(QLatin1String("/runs/train.jsonl")));
    // A copy: the run may change or go away while the dialog is open.
    QCOMPARE(dialog.model()->lines().size(), std::size_t(2));
}

void TestMalformedLinesDialog::saysOnlyTheFirstAreListed()
{
    // Issue 11 item 4: a run keeps the first Run::MaxListedMalformed lines; the dialog gives
    // the total, says that only the first are listed, and counts by reason.
    Run run = runWithBadLines(QStringLiteral("not a JSON object (an array)"));
    for (std::uint64_t line = 2000; line < 4000; ++line)
        run.addMalformed(
            { line, line * 10, QStringLiteral("not JSON: text after the object at column 9") });
    QCOMPARE(run.malformed.size(), Run::MaxListedMalformed);
    MalformedLinesDialog dialog(run);
    QCOMPARE(dialog.model()->rowCount(), 1000);
    const QString text = dialog.summaryLabel()->text();
    QVERIFY2(text.contains(QLocale().toString(2002) + QStringLiteral(" lines")), qPrintable(text));
    QVERIFY2(
        text.contains(QStringLiteral("Only the first %1 are listed").arg(QLocale().toString(1000))),
        qPrintable(text));
    QVERIFY2(text.contains(
                 QStringLiteral("not JSON: text after the object: ") + QLocale().toString(2000)),
        qPrintable(text));
}

void TestMalformedLinesDialog::richTextIsShownLiterally()
{
    const QString evil = QStringLiteral("<b>x</b><img src=/etc/hosts>");
    Run run = runWithBadLines(QStringLiteral("not JSON near '") + evil + QLatin1Char('\''));
    run.sourcePath = QStringLiteral("/runs/<b>bold</b>.jsonl");
    run.displayName = QStringLiteral("<b>bold</b>.jsonl");
    MalformedLinesDialog dialog(run);
    QCOMPARE(dialog.summaryLabel()->textFormat(), Qt::PlainText);
    QVERIFY(dialog.summaryLabel()->text().contains(QLatin1String("/runs/<b>bold</b>.jsonl")));
    QVERIFY(dialog.windowTitle().contains(QLatin1String("<b>bold</b>.jsonl")));
    const QModelIndex reason = dialog.model()->index(1, MalformedLinesModel::ReasonColumn);
    QVERIFY(reason.data().toString().contains(evil));
    const QString tip = reason.data(Qt::ToolTipRole).toString();
    QVERIFY(!tip.contains(QLatin1String("<img")));
    QTextDocument doc;
    doc.setHtml(tip);
    QVERIFY(doc.toPlainText().contains(evil));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
}

QTEST_MAIN(TestMalformedLinesDialog)
#include "tst_malformed_lines_dialog.moc"
