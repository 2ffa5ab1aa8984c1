#include "data_table.hpp"
#include "run.hpp"
#include "run_list_model.hpp"
#include "run_name_delegate.hpp"
#include "run_summary.hpp"
#include "runs_panel.hpp"
#include "runs_table_model.hpp"
#include "workspace.hpp"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QTreeView>
#include <QtTest>

using namespace viewer;

class TestRunListModel : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void sourcesAndRuns();
    void visibility();
    void badInputs_data();
    void badInputs();
    void waitingFileAppears();
    void closeRemovesRows();
    void untrustedNamesArePlain();
    void bannerFactsAreInTheSummary();
    void garbageSaysOnlyTheFirstAreListed();
    void appendBatchChangesOnlyItsRows();
    void liveAppendKeepsTotals();
    void closingARunKeepsTotals();
    void countCellsOfSourcesAndRuns();
    void namesKeepWhereTheyDiffer_data();
    void namesKeepWhereTheyDiffer();
    void remoteSourcesSayTheirHost();
    void ranksAreNamedAsInTheRunsTable();

private:
    QString writeFile(const QString& name, const QByteArray& content);
    void waitIdle();
    QTemporaryDir* m_dir = nullptr;
    Workspace* m_workspace = nullptr;
    RunListModel* m_model = nullptr;
    QAbstractItemModelTester* m_tester = nullptr;
};

namespace {

QByteArray goodRun(int steps)
{
    QByteArray out = R"({"ts": 1732800000.0, "tag": "run_begin", "run": "r1"})"
                     "\n";
    for (int s = 0; s < steps; ++s)
        out += QByteArray(R"({"ts": )") + QByteArray::number(1732800001.0 + s, 'f', 1)
            + R"(, "tag": "step_end", "step": )" + QByteArray::number(s)
            + R"(, "context": {"loss": 0.5}})"
              "\n";
    return out;
}

} // namespace

void TestRunListModel::init()
{
    m_dir = new QTemporaryDir;
    m_workspace = new Workspace;
    m_model = new RunListModel(m_workspace);
    m_model->setColorProvider([](int) { return QColor(Qt::blue); });
    m_tester = new QAbstractItemModelTester(
        m_model, QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestRunListModel::cleanup()
{
    delete m_tester;
    delete m_model;
    delete m_workspace;
    delete m_dir;
}

QString TestRunListModel::writeFile(const QString& name, const QByteArray& content)
{
    const QString path = m_dir->filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(content);
    return path;
}

void TestRunListModel::waitIdle()
{
    QTRY_VERIFY_WITH_TIMEOUT(m_workspace->isIdle(), 10000);
    QCoreApplication::processEvents();
}

void TestRunListModel::sourcesAndRuns()
{
    const QString path = writeFile("a.jsonl", goodRun(5) + goodRun(3).replace("r1", "r2"));
    const int id = m_workspace->open(path, false);
    m_model->sync();
    QCOMPARE(m_model->rowCount(), 1);
    waitIdle();
    QTRY_COMPARE(m_model->rowCount(m_model->indexOfSource(id)), 2);
    const QModelIndex source = m_model->indexOfSource(id);
    QCOMPARE(source.data().toString(), QStringLiteral("a.jsonl"));
    QCOMPARE(source.data(RunListModel::PathRole).toString(), path);
    QCOMPARE(
        m_model->index(0, RunListModel::StateColumn).data().toString(), QStringLiteral("idle"));
    QCOMPARE(m_model->index(0, RunListModel::RecordsColumn)
                 .data(RunListModel::RecordCountRole)
                 .toULongLong(),
        10ull);
    const QModelIndex run = m_model->index(0, 0, source);
    QVERIFY(run.data(RunListModel::IsRunRole).toBool());
    QCOMPARE(run.data(Qt::DecorationRole).value<QColor>(), QColor(Qt::blue));
    QCOMPARE(m_model->indexOfRun(run.data(RunListModel::RunIdRole).toInt()), run);
    QVERIFY(m_model->problemOf(id).isEmpty());
}

void TestRunListModel::visibility()
{
    const int id =
        m_workspace->open(writeFile("a.jsonl", goodRun(3) + goodRun(3).replace("r1", "r2")), false);
    waitIdle();
    const QModelIndex source = m_model->indexOfSource(id);
    QCOMPARE(m_model->rowCount(source), 2);
    QSignalSpy spy(m_model, &RunListModel::runVisibilityChanged);
    const QModelIndex first = m_model->index(0, 0, source);
    const int runId = first.data(RunListModel::RunIdRole).toInt();
    QVERIFY(m_model->setData(first, Qt::Unchecked, Qt::CheckStateRole));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), runId);
    QCOMPARE(spy.at(0).at(1).toBool(), false);
    QVERIFY(!m_model->isRunVisible(runId));
    QCOMPARE(source.data(Qt::CheckStateRole).value<Qt::CheckState>(), Qt::PartiallyChecked);
    QVERIFY(m_model->setData(source, Qt::Unchecked, Qt::CheckStateRole));
    QCOMPARE(source.data(Qt::CheckStateRole).value<Qt::CheckState>(), Qt::Unchecked);
    QVERIFY(m_model->setData(source, Qt::Checked, Qt::CheckStateRole));
    QVERIFY(m_model->hiddenRuns().isEmpty());
}

void TestRunListModel::badInputs_data()
{
    testing::addTable<QString, QByteArray, bool, QString>(
        { "name", "content", "isFolder", "problemContains" },
        {
            { "missing file", "missing.jsonl", QByteArray(), false, "does not exist" },
            { "empty file", "empty.jsonl", QByteArray(""), false, "no records" },
            { "blank lines", "blank.jsonl", QByteArray("\n\n  \n"), false, "no records" },
            { "binary file", "binary.jsonl",
                QByteArray("\x7f"
                           "ELF\x02\x01\x01\0\0\0\n\x89PNG\r\n\x1a\n",
                    19),
                false, "not one valid record" },
            { "text, not JSON", "notes.jsonl", QByteArray("hello\nworld\n"), false,
                "not one valid record" },
            { "folder without runs", "emptydir", QByteArray(), true, "no runs" },
            // V20: records, then a last line that never got its newline.
            { "unfinished last line", "torn.jsonl",
                goodRun(2) + R"({"ts": 1732800009.0, "tag": "step_e)", false,
                "line 4 is incomplete (no newline at the end): not read" },
            { "only an unfinished line", "torn-only.jsonl",
                QByteArray(R"({"ts": 1732800009.0, "tag")"), false,
                "no records; line 1 is incomplete (no newline at the end): not read" },
        });
}

void TestRunListModel::badInputs()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(bool, isFolder);
    QFETCH(QString, problemContains);
    QString path = m_dir->filePath(name);
    if (isFolder)
        QVERIFY(QDir(m_dir->path()).mkdir(name));
    else if (name != QLatin1String("missing.jsonl"))
        path = writeFile(name, content);
    const int good = m_workspace->open(writeFile("good.jsonl", goodRun(4)), false);
    const int id = m_workspace->open(path, false);
    m_model->sync();
    waitIdle();
    QTRY_VERIFY_WITH_TIMEOUT(!m_model->problemOf(id).isEmpty(), 5000);
    const QString problem = m_model->problemOf(id);
    QVERIFY2(problem.contains(problemContains), qPrintable(problem));
    QVERIFY2(problem.contains(name), qPrintable(problem));
    const QModelIndex state = m_model->indexOfSource(id, RunListModel::StateColumn);
    QCOMPARE(state.data(RunListModel::ProblemRole).toString(), problem);
    QVERIFY(state.data(Qt::ForegroundRole).isValid()); // shown in red
    // The rest keeps working.
    QVERIFY(m_model->problemOf(good).isEmpty());
    QCOMPARE(m_model->indexOfSource(good, RunListModel::RecordsColumn)
                 .data(RunListModel::RecordCountRole)
                 .toULongLong(),
        5ull);
}

void TestRunListModel::waitingFileAppears()
{
    const QString path = m_dir->filePath("later.jsonl");
    const int id = m_workspace->open(path, true);
    m_model->sync();
    QTRY_COMPARE(m_model->indexOfSource(id, RunListModel::StateColumn).data().toString(),
        QStringLiteral("waiting for the file"));
    QVERIFY(m_model->problemOf(id).contains(QLatin1String("waiting for it to appear")));
    writeFile("later.jsonl", goodRun(3));
    QTRY_COMPARE_WITH_TIMEOUT(m_model->rowCount(m_model->indexOfSource(id)), 1, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(m_model->problemOf(id).isEmpty(), 5000);
    QTRY_VERIFY(m_model->indexOfSource(id, RunListModel::StateColumn)
                    .data()
                    .toString()
                    .startsWith(QLatin1String("live")));
}

void TestRunListModel::closeRemovesRows()
{
    const int a = m_workspace->open(writeFile("a.jsonl", goodRun(3)), false);
    const int b = m_workspace->open(writeFile("b.jsonl", goodRun(3)), false);
    waitIdle();
    m_model->sync();
    QCOMPARE(m_model->rowCount(), 2);
    m_workspace->close(a);
    m_model->sync();
    QCOMPARE(m_model->rowCount(), 1);
    QVERIFY(!m_model->indexOfSource(a).isValid());
    QVERIFY(m_model->indexOfSource(b).isValid());
}

void TestRunListModel::untrustedNamesArePlain()
{
    const QString name = QStringLiteral("<b>x<img src=x>&amp;.jsonl");
    const int id = m_workspace->open(writeFile(name, goodRun(2)), false);
    waitIdle();
    const QModelIndex source = m_model->indexOfSource(id);
    QCOMPARE(source.data().toString(), name);
    const QString tip = source.data(Qt::ToolTipRole).toString();
    QVERIFY(!tip.contains(QLatin1String("<b>")));
    QTextDocument doc;
    doc.setHtml(tip);
    QVERIFY(doc.toPlainText().contains(name));
}

void TestRunListModel::bannerFactsAreInTheSummary()
{
    // Issue 11 item 12: what the window's banner says of a file that hits the reader's limits
    // (a 100 KB key, more than 1,000 tags) is what --summary says (runSummary), fact for fact.
    QByteArray text = goodRun(2);
    text += R"({"ts": 1732800005.0, "tag": "step_end", "step": 2, "context": {")"
        + QByteArray(100 * 1024, 'k')
        + R"(": 1}})"
          "\n";
    for (int t = 0; t < 1001; ++t)
        text += R"({"ts": 1732800006.0, "tag": "t)" + QByteArray::number(t)
            + R"(", "v": 1})"
              "\n";
    const int id = m_workspace->open(writeFile("limits.jsonl", text), false);
    m_model->sync();
    waitIdle();
    QTRY_VERIFY_WITH_TIMEOUT(!m_model->problemOf(id).isEmpty(), 5000);
    const QString banner = m_model->problemOf(id);

    const QList<int> runs = m_workspace->runIds();
    QCOMPARE(runs.size(), 1);
    const QJsonObject summary = runSummary(*m_workspace->run(runs.front()));
    QStringList warnings;
    for (const QJsonValue& w : summary[QStringLiteral("warnings")].toArray())
        warnings << w.toString();
    QCOMPARE(warnings.size(), 2);
    QCOMPARE(banner,
        m_dir->filePath("limits.jsonl") + QStringLiteral(": ")
            + warnings.join(QStringLiteral("; ")));
    QVERIFY2(banner.contains(QLatin1String("key paths longer than 512 bytes")), qPrintable(banner));
    QVERIFY2(banner.contains(QLatin1String("more than 1000 tags")), qPrintable(banner));
    // And how much they left out.
    QCOMPARE(summary[QStringLiteral("dropped_points")].toInteger(), 1 + 3); // the key; t998-t1000
}

void TestRunListModel::garbageSaysOnlyTheFirstAreListed()
{
    // Issue 11 item 4: a file of garbage names the total and says only the first are listed,
    // in the banner and in --summary.
    QByteArray text;
    for (int i = 0; i < 2500; ++i)
        text += "garbage line\n";
    const int id = m_workspace->open(writeFile("garbage.jsonl", text), false);
    m_model->sync();
    waitIdle();
    QTRY_VERIFY_WITH_TIMEOUT(!m_model->problemOf(id).isEmpty(), 5000);
    const QString banner = m_model->problemOf(id);
    QVERIFY2(banner.contains(QLocale().toString(2500) + QStringLiteral(" malformed lines")),
        qPrintable(banner));
    QVERIFY2(banner.contains(QStringLiteral("only the first %1 are listed")
                                 .arg(QLocale().toString(qulonglong(Run::MaxListedMalformed)))),
        qPrintable(banner));
    const QJsonObject summary = runSummary(*m_workspace->run(m_workspace->runIds().front()));
    QCOMPARE(summary[QStringLiteral("malformed_count")].toInteger(), 2500);
    QCOMPARE(summary[QStringLiteral("malformed")].toArray().size(), 1000);
    QCOMPARE(summary[QStringLiteral("malformed_by_reason")].toObject(),
        QJsonObject({ { QStringLiteral("not JSON: expected a value"), 2500 } }));
    QCOMPARE(summary[QStringLiteral("malformed_note")].toString(),
        QStringLiteral("2500 malformed lines; only the first 1000 are listed"));
}

void TestRunListModel::appendBatchChangesOnlyItsRows()
{
    // Issue 15: a batch of appends to one run costs that run's row and its source's row, never a
    // reset nor a dataChanged over every row (with thousands of runs open, every batch did); and
    // of those rows only the cells that show something new: records added, the records cells; a
    // bad line, the rows; nothing new, nothing.
    const QString path = writeFile("three.jsonl",
        goodRun(2) + goodRun(2).replace("r1", "r2") + goodRun(2).replace("r1", "r3"));
    const int id = m_workspace->open(path, true);
    QTRY_COMPARE_WITH_TIMEOUT(m_model->rowCount(m_model->indexOfSource(id)), 3, 10000);
    const QModelIndex source = m_model->indexOfSource(id);
    const int middle = m_model->index(1, 0, source).data(RunListModel::RunIdRole).toInt();
    const int last = m_model->index(2, 0, source).data(RunListModel::RunIdRole).toInt();
    waitIdle();

    QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(m_model, &QAbstractItemModel::modelAboutToBeReset);
    QSignalSpy layout(m_model, &QAbstractItemModel::layoutAboutToBeChanged);
    emit m_workspace->runsAppended({ middle }); // nothing new in it
    QCOMPARE(changed.count(), 0);

    const auto append = [&path](const QByteArray& lines) {
        QFile file(path);
        if (file.open(QIODevice::Append))
            file.write(lines);
    };
    QVERIFY(m_workspace->run(last));
    const auto records = [this, last] { return m_workspace->run(last)->records.size(); };
    const std::size_t before = records();
    append(R"({"ts": 1732800100.0, "tag": "step_end", "step": 9, "context": {"loss": 0.5}})"
           "\n");
    QTRY_COMPARE_WITH_TIMEOUT(records(), before + 1, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(changed.count() >= 2, 5000);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(layout.count(), 0);
    bool sawRun = false;
    bool sawSource = false;
    for (const QList<QVariant>& args : std::as_const(changed)) {
        const QModelIndex topLeft = args.at(0).toModelIndex();
        const QModelIndex bottomRight = args.at(1).toModelIndex();
        if (topLeft.column() == RunListModel::StateColumn)
            continue; // the state may turn "live" (refreshState)
        QCOMPARE(topLeft, bottomRight); // one cell per signal
        QCOMPARE(topLeft.column(), int(RunListModel::RecordsColumn));
        if (topLeft.parent().isValid()) {
            QCOMPARE(topLeft.data(RunListModel::RunIdRole).toInt(), last);
            sawRun = true;
        } else {
            QCOMPARE(topLeft.row(), source.row());
            sawSource = true;
        }
    }
    QVERIFY(sawRun && sawSource);

    changed.clear();
    append("not json\n"); // a bad line: the bad-lines cells too, the rows are told
    QTRY_COMPARE_WITH_TIMEOUT(m_model->indexOfSource(id, RunListModel::MalformedColumn)
                                  .data(RunListModel::MalformedCountRole)
                                  .toULongLong(),
        1ull, 10000);
    bool sawRows = false;
    for (const QList<QVariant>& args : std::as_const(changed)) {
        const QModelIndex topLeft = args.at(0).toModelIndex();
        const QModelIndex bottomRight = args.at(1).toModelIndex();
        sawRows = sawRows
            || (topLeft.column() == 0 && bottomRight.column() == RunListModel::ColumnCount - 1);
    }
    QVERIFY(sawRows);
}

void TestRunListModel::liveAppendKeepsTotals()
{
    // The source row's totals follow appended records (kept by differences, not re-summed).
    const QString path = writeFile("live.jsonl", goodRun(3));
    const int id = m_workspace->open(path, true);
    QTRY_COMPARE_WITH_TIMEOUT(m_model->rowCount(m_model->indexOfSource(id)), 1, 10000);
    const QModelIndex records = m_model->indexOfSource(id, RunListModel::RecordsColumn);
    QTRY_COMPARE_WITH_TIMEOUT(
        records.data(RunListModel::RecordCountRole).toULongLong(), 4ull, 10000);
    QFile file(path);
    QVERIFY(file.open(QIODevice::Append));
    file.write(R"({"ts": 1732800100.0, "tag": "step_end", "step": 3, "context": {"loss": 0.5}})"
               "\nnot json\n");
    file.close();
    QTRY_COMPARE_WITH_TIMEOUT(
        records.data(RunListModel::RecordCountRole).toULongLong(), 5ull, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_model->indexOfSource(id, RunListModel::MalformedColumn)
                                  .data(RunListModel::MalformedCountRole)
                                  .toULongLong(),
        1ull, 10000);
    const QModelIndex run =
        m_model->index(0, RunListModel::RecordsColumn, m_model->indexOfSource(id));
    QCOMPARE(run.data(RunListModel::RecordCountRole).toULongLong(), 5ull);
    QCOMPARE(records.data().toString(), QLocale().toString(5));
}

// The records and bad-lines cells read alike on a file's row and on its run's row: counts right
// aligned, a non-zero bad-lines count red and underlined (it opens the list), nothing else styled.
void TestRunListModel::countCellsOfSourcesAndRuns()
{
    const int id = m_workspace->open(writeFile("bad.jsonl", goodRun(3) + "not json\n"), false);
    QTRY_COMPARE_WITH_TIMEOUT(m_model->rowCount(m_model->indexOfSource(id)), 1, 10000);
    const QModelIndex source = m_model->indexOfSource(id);
    QTRY_COMPARE_WITH_TIMEOUT(
        m_model->indexOfSource(id, RunListModel::MalformedColumn).data().toString(),
        QLocale().toString(1), 10000);
    const auto cell = [&](const QModelIndex& row, int column) {
        return row.parent().isValid() ? m_model->index(row.row(), column, row.parent())
                                      : m_model->indexOfSource(id, column);
    };
    const QVariant right = QVariant(Qt::AlignRight | Qt::AlignVCenter);
    for (const QModelIndex& row : { source, m_model->index(0, 0, source) }) {
        const QModelIndex records = cell(row, RunListModel::RecordsColumn);
        const QModelIndex bad = cell(row, RunListModel::MalformedColumn);
        const QModelIndex name = cell(row, RunListModel::NameColumn);
        QCOMPARE(records.data().toString(), QLocale().toString(4));
        QCOMPARE(records.data(RunListModel::RecordCountRole).toULongLong(), 4ull);
        QCOMPARE(bad.data().toString(), QLocale().toString(1));
        QCOMPARE(bad.data(RunListModel::MalformedCountRole).toULongLong(), 1ull);
        QCOMPARE(records.data(Qt::TextAlignmentRole), right);
        QCOMPARE(bad.data(Qt::TextAlignmentRole), right);
        QCOMPARE(name.data(Qt::TextAlignmentRole), QVariant());
        QVERIFY(bad.data(Qt::FontRole).value<QFont>().underline());
        QCOMPARE(records.data(Qt::FontRole), QVariant());
        QCOMPARE(bad.data(Qt::ForegroundRole).value<QBrush>().color(), QColor(0xd0, 0x30, 0x30));
        QCOMPARE(records.data(Qt::ForegroundRole), QVariant());
    }
}

void TestRunListModel::closingARunKeepsTotals()
{
    const int id = m_workspace->open(
        writeFile("two.jsonl", goodRun(3) + goodRun(1).replace("r1", "r2")), false);
    waitIdle();
    const QModelIndex source = m_model->indexOfSource(id);
    QCOMPARE(m_model->rowCount(source), 2);
    const QModelIndex records = m_model->indexOfSource(id, RunListModel::RecordsColumn);
    QCOMPARE(records.data(RunListModel::RecordCountRole).toULongLong(), 6ull);
    const int first = m_model->index(0, 0, source).data(RunListModel::RunIdRole).toInt();
    const int second = m_model->index(1, 0, source).data(RunListModel::RunIdRole).toInt();
    m_model->setRunVisible(second, false);
    m_workspace->closeRun(first);
    QCOMPARE(m_model->rowCount(source), 1);
    QCOMPARE(records.data(RunListModel::RecordCountRole).toULongLong(), 2ull);
    // The run left is found by id at its new row, and the source says it is hidden.
    QCOMPARE(m_model->indexOfRun(second), m_model->index(0, 0, source));
    QCOMPARE(source.data(Qt::CheckStateRole).value<Qt::CheckState>(), Qt::Unchecked);
    m_model->sync(); // a full recount agrees
    QCOMPARE(records.data(RunListModel::RecordCountRole).toULongLong(), 2ull);
}

// Issue 12: two names that differ only at their end, in a column too narrow for either, are
// drawn differently: the part that tells them apart stays, the rest is cut in the middle.
void TestRunListModel::namesKeepWhereTheyDiffer_data()
{
    testing::addTable<QString, QString>({ "first", "second" },
        {
            { "seed at the end", "sweep_lr=0.001,seed=1", "sweep_lr=0.001,seed=2" },
            { "longer than the model's 60 characters",
                "imagenet_resnet50_sweep_2026-12-07_lr=0.001,batch_size=256,warmup=5,seed=1",
                "imagenet_resnet50_sweep_2026-12-07_lr=0.001,batch_size=256,warmup=5,seed=2" },
            { "in the middle", "gpt-neox-20b-rank0-2026-12-07T01:33:40Z",
                "gpt-neox-20b-rank1-2026-12-07T01:33:40Z" },
        });
}

void TestRunListModel::namesKeepWhereTheyDiffer()
{
    QFETCH(QString, first);
    QFETCH(QString, second);
    const QByteArray one = goodRun(3).replace("r1", first.toUtf8());
    const QByteArray two = goodRun(3).replace("r1", second.toUtf8());
    const int id = m_workspace->open(writeFile("sweep.jsonl", one + two), false);
    m_model->sync();
    waitIdle();
    QTRY_COMPARE(m_model->rowCount(m_model->indexOfSource(id)), 2);
    const QModelIndex a = m_model->index(0, RunListModel::NameColumn, m_model->indexOfSource(id));
    const QModelIndex b = m_model->index(1, RunListModel::NameColumn, m_model->indexOfSource(id));
    QCOMPARE(a.data(RunListModel::FullNameRole).toString(), first);
    // The model's own text (60 characters at most) keeps them apart too.
    QVERIFY(a.data().toString().size() <= 60);
    QVERIFY(a.data().toString() != b.data().toString());

    RunsPanel panel(m_model);
    panel.resize(600, 300);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QTreeView* view = panel.view();
    view->header()->setSectionResizeMode(RunListModel::NameColumn, QHeaderView::Interactive);
    const QFontMetrics fm(view->font());
    view->header()->resizeSection(RunListModel::NameColumn, fm.horizontalAdvance(first) / 2 + 60);
    auto* delegate = qobject_cast<RunNameDelegate*>(view->itemDelegateForColumn(0));
    QVERIFY(delegate);
    auto shown = [&](const QModelIndex& index) {
        QStyleOptionViewItem option;
        option.initFrom(view);
        option.rect = view->visualRect(index);
        option.widget = view;
        return delegate->shownText(option, index);
    };
    const QString textA = shown(a);
    const QString textB = shown(b);
    QVERIFY2(textA.contains(QChar(0x2026)), qPrintable(textA)); // it is elided
    QVERIFY2(textA != textB, qPrintable(textA + " / " + textB));
    QVERIFY(fm.horizontalAdvance(textA) < view->visualRect(a).width());

    // A dock as narrow as the window gives it by default: the state column gives way, names
    // keep about half the width (they had none left: "✓ ▮" and no text).
    view->header()->setSectionResizeMode(RunListModel::NameColumn, QHeaderView::Stretch);
    panel.resize(320, 300);
    QTRY_VERIFY2(
        view->header()->sectionSize(RunListModel::NameColumn) >= view->viewport()->width() * 2 / 5,
        qPrintable(QString::number(view->header()->sectionSize(RunListModel::NameColumn))));
}

// Issue 16: two hosts' folders of one name are two source rows with two names (the host, and
// the port the address gives), never the same address elided the same way.
void TestRunListModel::remoteSourcesSayTheirHost()
{
    qputenv("TELEMETRY_SSH_COMMAND", "false"); // nothing connects: the names are the point
    const int first = m_workspace->open(QStringLiteral("ssh://127.0.0.1:2201/runs/job7/"));
    const int second = m_workspace->open(QStringLiteral("ssh://127.0.0.1:2202/runs/job7/"));
    const int file = m_workspace->open(QStringLiteral("ssh://node1/runs/job7/rank0.jsonl"));
    m_model->sync();
    QCOMPARE(
        m_model->indexOfSource(first).data().toString(), QStringLiteral("127.0.0.1:2201:job7"));
    QCOMPARE(
        m_model->indexOfSource(second).data().toString(), QStringLiteral("127.0.0.1:2202:job7"));
    QCOMPARE(m_model->indexOfSource(file).data().toString(), QStringLiteral("node1:rank0.jsonl"));
    QCOMPARE(m_model->indexOfSource(first).data(RunListModel::PathRole).toString(),
        QStringLiteral("ssh://127.0.0.1:2201/runs/job7/"));
    qunsetenv("TELEMETRY_SSH_COMMAND");
}

// The 8 ranks of a job log one run id: named by the runs table's names ("job7 rank 3"), not 8
// times "job7"; a name the table changes later reaches the panel through namesChanged().
void TestRunListModel::ranksAreNamedAsInTheRunsTable()
{
    QDir(m_dir->path()).mkdir(QStringLiteral("job7"));
    for (int rank = 0; rank < 3; ++rank) {
        const QByteArray begin =
            QByteArray(R"({"ts": 1732800000.0, "tag": "run_begin", "run": "r1", "rank": )")
            + QByteArray::number(rank) + "}\n";
        writeFile(QStringLiteral("job7/rank%1.jsonl").arg(rank),
            begin + goodRun(3).mid(goodRun(3).indexOf('\n') + 1));
    }
    RunsTableModel table;
    table.setWorkspace(m_workspace);
    m_model->setNameProvider([&table](int runId) { return table.nameOfRun(runId); });
    const int id = m_workspace->open(m_dir->filePath(QStringLiteral("job7")), false);
    m_model->sync();
    waitIdle();
    const QModelIndex source = m_model->indexOfSource(id);
    QTRY_COMPARE(m_model->rowCount(source), 3);
    m_model->namesChanged(m_workspace->runIds()); // as the window does on the table's changes
    QStringList names;
    for (int row = 0; row < 3; ++row)
        names << m_model->index(row, RunListModel::NameColumn, source)
                     .data(RunListModel::FullNameRole)
                     .toString();
    names.sort();
    QCOMPARE(names, QStringList({ "r1 rank 0", "r1 rank 1", "r1 rank 2" }));

    // Without the table's names: the run's own name, three times.
    m_model->setNameProvider({});
    QCOMPARE(m_model->index(0, RunListModel::NameColumn, source)
                 .data(RunListModel::FullNameRole)
                 .toString(),
        QStringLiteral("r1"));
}

QTEST_MAIN(TestRunListModel)

#include "tst_run_list_model.moc"
