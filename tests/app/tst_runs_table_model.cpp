// The runs table (issue 12), headless under QAbstractItemModelTester: a 24-run sweep sorted by
// val_acc:last puts the best trial first with its config in columns; 8 ranks of 2 jobs group into
// 2 by run id; states; numbers sort as numbers; incremental updates move only changed rows.
#include "../data/sweep_fixture.hpp"
#include "../ui/test_runs.hpp"
#include "curve_model.hpp"
#include "data_table.hpp"
#include "run_group_ids.hpp"
#include "runs_table_model.hpp"
#include "workspace.hpp"

#include <QAbstractItemModelTester>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <map>

using namespace viewer;
using namespace viewer::test;

namespace {

// Opens `dir` (not followed) in `workspace`, shown by `model` if given; true once its runs are in.
bool loadFolder(Workspace& workspace, const QString& dir, RunsTableModel* model = nullptr)
{
    if (model)
        model->setWorkspace(&workspace);
    workspace.open(dir, /*follow=*/false);
    return QTest::qWaitFor(
        [&] { return workspace.isIdle() && !workspace.runIds().isEmpty(); }, 20000);
}

// A runs table that QAbstractItemModelTester watches for as long as it lives.
struct TestedRunsTable : RunsTableModel
{
    QAbstractItemModelTester tester { this,
        QAbstractItemModelTester::FailureReportingMode::QtTest };
};

// Runs built by hand, handed to the model as the workspace would.
struct HandRuns
{
    std::map<int, Run> runs;
    QSet<int> followed;
    RunsTableModel::RunSource source()
    {
        return { [this](int id) { return runs.count(id) ? &runs.at(id) : nullptr; },
            [this](int id) { return followed.contains(id); } };
    }
};

QStringList columnTexts(const RunsTableModel& model, int column)
{
    QStringList out;
    for (int r = 0; r < model.rowCount(); ++r)
        out << model.cell(r, column).text;
    return out;
}

} // namespace

class TestRunsTableModel : public QObject
{
    Q_OBJECT
private slots:
    void sweepSortedByValAccPutsTheBestFirst()
    {
        QTemporaryDir dir;
        const QString best = writeSweep(dir.path());
        QVERIFY(!best.isEmpty());
        Workspace workspace;
        TestedRunsTable model;
        QVERIFY(loadFolder(workspace, dir.path(), &model));
        QTRY_COMPARE(model.rowCount(), 24);

        // Every run_begin field a column, config flattened with dots.
        for (const char* name : { "config.lr", "config.batch_size", "config.optimizer",
                 "config.seed", "run", "host", "rank", "pid" })
            QVERIFY2(model.columnIndex(QString::fromLatin1(name)) >= 0, name);
        // Equal for every run: hidden by default; the swept fields are not.
        QVERIFY(model.isHiddenByDefault(model.columnIndex("host")));
        QVERIFY(model.isHiddenByDefault(model.columnIndex("rank")));
        QVERIFY(!model.isHiddenByDefault(model.columnIndex("config.lr")));
        QVERIFY(!model.isHiddenByDefault(model.columnIndex("run")));
        // Default result columns: the first loss-like and the first accuracy-like series.
        QCOMPARE(model.resultKeys(), QStringList({ "step_end/loss", "epoch_end/val_acc" }));

        const int accuracy = model.columnIndex("val_acc:last");
        QCOMPARE(model.columnName(accuracy), QStringLiteral("epoch_end/val_acc:last"));
        model.sort(accuracy, Qt::DescendingOrder);
        QCOMPARE(model.cell(0, RunsTableModel::NameColumn).text, best);
        QCOMPARE(model.cell(0, model.columnIndex("config.lr")).text, QStringLiteral("3e-4"));
        QCOMPARE(model.cell(0, model.columnIndex("config.batch_size")).text, QStringLiteral("64"));
        QCOMPARE(
            model.cell(0, model.columnIndex("config.optimizer")).text, QStringLiteral("adamw"));
        QCOMPARE(model.cell(0, model.columnIndex("config.seed")).text, QStringLiteral("2"));
        QCOMPARE(model.cell(0, accuracy).number, 0.902);
        QCOMPARE(model.cell(0, model.columnIndex("val_acc:best_step")).number, 11.0);
        QCOMPARE(model.cell(0, RunsTableModel::StateColumn).text, QStringLiteral("finished"));
        for (int r = 1; r < model.rowCount(); ++r)
            QVERIFY(model.cell(r - 1, accuracy).number >= model.cell(r, accuracy).number);
        model.sort(accuracy, Qt::AscendingOrder);
        QCOMPARE(model.cell(23, RunsTableModel::NameColumn).text, best);

        // Filter: comparisons and text.
        QCOMPARE(model.setFilter("config.lr < 1e-3 and config.optimizer == sgd"), QString());
        QCOMPARE(model.rowCount(), 8);
        QCOMPARE(model.setFilter("val_acc > 0.88"), QString());
        QCOMPARE(model.rowCount(), 4); // 0.902, 0.901, 0.882, 0.881
        QCOMPARE(model.setFilter("bs64-adamw"), QString());
        QCOMPARE(model.rowCount(), 6);
        QCOMPARE(model.setFilter("config.lr <"), QStringLiteral("expected a value after \"<\""));
        QCOMPARE(model.rowCount(), 24); // a bad filter hides nothing
        QCOMPARE(model.setFilter(""), QString());
        QCOMPARE(model.rowCount(), 24);
    }

    void filterOnASeriesBringsItsColumns()
    {
        QTemporaryDir dir;
        writeSweep(dir.path());
        Workspace workspace;
        TestedRunsTable model;
        QVERIFY(loadFolder(workspace, dir.path(), &model));
        QTRY_COMPARE(model.rowCount(), 24);
        QVERIFY(model.columnIndex("val_loss") < 0);
        QCOMPARE(model.setFilter("val_loss < 0.11"), QString());
        QVERIFY(model.columnIndex("val_loss:min") >= 0);
        QCOMPARE(model.rowCount(), 2); // val_acc 0.902 and 0.901
    }

    void ranksOfTwoJobsGroupByRunId()
    {
        QTemporaryDir dir;
        QVERIFY(writeTwoJobs(dir.path()));
        Workspace workspace;
        TestedRunsTable model;
        QVERIFY(loadFolder(workspace, dir.path(), &model));
        QTRY_COMPARE(model.rowCount(), 8);
        QSet<QString> groups;
        QSet<QString> hosts;
        for (int r = 0; r < model.rowCount(); ++r) {
            groups.insert(model.groupKeyOf(model.runIdAt(r), "run"));
            hosts.insert(model.groupKeyOf(model.runIdAt(r), "host"));
        }
        QCOMPARE(groups, QSet<QString>({ "job-a", "job-b" }));
        QCOMPARE(hosts.size(), 2);
        // Named by run_begin's id, and the ranks of one job told apart.
        const QStringList names = columnTexts(model, RunsTableModel::NameColumn);
        QVERIFY2(names.contains("job-a rank 0") && names.contains("job-b rank 3"),
            qPrintable(names.join(", ")));
        QCOMPARE(QSet<QString>(names.begin(), names.end()).size(), 8);
        // Colour by run: 8 colours (each rank its own); by job: 2.
        QSet<Rgb> colors;
        for (int r = 0; r < model.rowCount(); ++r)
            colors.insert(model.colorOf(model.runIdAt(r)));
        QCOMPARE(colors.size(), 8);
        model.setColorBy("run");
        colors.clear();
        for (int r = 0; r < model.rowCount(); ++r)
            colors.insert(model.colorOf(model.runIdAt(r)));
        QCOMPARE(colors.size(), 2);
    }

    // 8 ranks of 2 jobs in one folder: grouped by run id the charts draw 2 bands, not 1 (issue 12).
    void ranksOfTwoJobsDrawTwoBands_data()
    {
        testing::addTable<QString, QStringList>({ "field", "names" },
            {
                { "run", "run", QStringList { "job-a (mean of 4)", "job-b (mean of 4)" } },
                { "folder: one band, as before", "folder", QStringList { "" } },
                { "host", "host",
                    QStringList { "host=node0 (mean of 4)", "host=node1 (mean of 4)" } },
            });
    }
    void ranksOfTwoJobsDrawTwoBands()
    {
        QFETCH(QString, field);
        QFETCH(QStringList, names);
        QTemporaryDir dir;
        QVERIFY(writeTwoJobs(dir.path()));
        Workspace workspace;
        QVERIFY(loadFolder(workspace, dir.path()));
        QTRY_COMPARE(workspace.runIds().size(), 8);
        RunGroupIds groups;
        groups.setField(field);
        QList<CurveRun> runs;
        for (int id : workspace.runIds()) {
            const RunGroupIds::Group g = groups.groupOf(*workspace.run(id));
            runs.push_back({ id, workspace.run(id), g.id, g.label });
        }
        CurveModel model(QStringLiteral("step_end/loss"));
        model.setRuns(runs);
        ChartOptions options;
        options.groupMode = GroupMode::MeanBand;
        model.setOptions(options);
        model.update();
        QStringList drawn;
        for (const auto& curve : model.curves()) {
            QCOMPARE(curve->members.size(), 8 / int(names.size()));
            drawn << curve->name;
        }
        drawn.sort();
        if (field == QLatin1String("folder"))
            QVERIFY2(drawn.size() == 1 && drawn.front().endsWith("(mean of 8)"),
                qPrintable(drawn.join(", ")));
        else
            QCOMPARE(drawn, names);
    }

    void states_data()
    {
        testing::addTable<QString, QString>({ "kind", "state" },
            {
                { "not followed", "done", "finished" },
                { "error record", "error", "crashed" },
                { "crash handler's signal record", "signal", "crashed" },
                { "NaN loss", "nan", "diverged" },
                { "followed, records now", "live", "live" },
                { "followed, nothing for a while", "quiet", "quiet" },
                { "followed, quiet after epoch_end", "epoch_end", "finished" },
            });
    }

    void states()
    {
        QFETCH(QString, kind);
        QFETCH(QString, state);
        HandRuns hand;
        Run run = makeRun("r", "step_end/loss", 10, [](int i) { return 1.0 / (i + 1); });
        if (kind == "error")
            addError(run, 9, "RuntimeError", "CUDA out of memory");
        if (kind == "signal")
            addError(run, 9, "SIGSEGV", "segmentation fault"); // {"tag":"error",...,"signal":11}
        if (kind == "nan")
            addStep(run, 10, { { "step_end/loss", NaN } });
        if (kind == "epoch_end") {
            RunEvent ev;
            ev.kind = RunEvent::Kind::EpochEnd;
            run.events.push_back(ev);
        }
        hand.runs.emplace(1, std::move(run));
        if (kind == "live" || kind == "quiet" || kind == "epoch_end")
            hand.followed.insert(1);
        qint64 now = 1000000;
        TestedRunsTable model;
        model.setClock([&now] { return now; });
        model.setRunSource(hand.source());
        model.updateRuns({ 1 });
        if (kind == "quiet" || kind == "epoch_end") {
            now += RunsTableModel::QuietAfterMsecs + 1;
            model.refreshStates();
        }
        QCOMPARE(model.cell(0, RunsTableModel::StateColumn).text, state);
    }

    void earlierRunOfAFollowedFileIsFinished()
    {
        HandRuns hand;
        hand.runs.emplace(1, makeRun("a", "step_end/loss", 3, [](int) { return 1.0; }));
        hand.runs.emplace(2, makeRun("b", "step_end/loss", 3, [](int) { return 1.0; }));
        hand.runs.at(2).sourcePath = hand.runs.at(1).sourcePath; // appended to the same file
        hand.followed = { 1, 2 };
        TestedRunsTable model;
        model.setRunSource(hand.source());
        model.updateRuns({ 1 });
        QCOMPARE(model.cell(0, RunsTableModel::StateColumn).text, QStringLiteral("live"));
        model.updateRuns({ 2 });
        QCOMPARE(
            columnTexts(model, RunsTableModel::StateColumn), QStringList({ "finished", "live" }));
    }

    void numbersSortAsNumbers()
    {
        HandRuns hand;
        const QList<QVariant> sizes = { 128, 8, 64, QString("16"), QVariant() };
        for (int i = 0; i < sizes.size(); ++i) {
            Run run =
                makeRun(QStringLiteral("r%1").arg(i), "step_end/loss", 2, [](int) { return 1.0; });
            QVariantMap config;
            if (sizes[i].isValid())
                config.insert("batch_size", sizes[i]);
            config.insert("tag", "x");
            run.info = QVariantMap { { "config", config } };
            hand.runs.emplace(i + 1, std::move(run));
        }
        TestedRunsTable model;
        model.setRunSource(hand.source());
        model.updateRuns({ 1, 2, 3, 4, 5 });
        const int column = model.columnIndex("config.batch_size");
        model.sort(column, Qt::AscendingOrder);
        QCOMPARE(columnTexts(model, column), QStringList({ "8", "16", "64", "128", "" }));
        model.sort(column, Qt::DescendingOrder);
        QCOMPARE(columnTexts(model, column), QStringList({ "128", "64", "16", "8", "" }));
        QVERIFY(model.isHiddenByDefault(model.columnIndex("config.tag")));
        QVERIFY(!model.isHiddenByDefault(column)); // one run lacks it: it tells something
    }

    void appendedRecordsMoveOnlyTheChangedRow()
    {
        HandRuns hand;
        for (int i = 1; i <= 50; ++i)
            hand.runs.emplace(i,
                makeRun(QStringLiteral("r%1").arg(i), "step_end/loss", 5, [i](int) { return i; }));
        TestedRunsTable model;
        model.setRunSource(hand.source());
        QList<int> all;
        for (int i = 1; i <= 50; ++i)
            all << i;
        model.updateRuns(all);
        const int last = model.columnIndex("loss:last");
        model.sort(last, Qt::AscendingOrder);
        QCOMPARE(model.runIdAt(0), 1);

        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);
        QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        // Run 40's loss drops below everyone's: it alone moves to the top.
        addStep(hand.runs.at(40), 5, { { "step_end/loss", 0.5 } });
        addStep(hand.runs.at(7), 5, { { "step_end/loss", 7.0 } }); // same value: stays put
        model.updateRuns({ 40, 7 });
        QCOMPARE(model.runIdAt(0), 40);
        QCOMPARE(model.runIdAt(1), 1);
        QCOMPARE(moved.size(), 1);
        QCOMPARE(changed.size(), 2);
        QCOMPARE(reset.size(), 0);
        QCOMPARE(layout.size(), 0);
        QCOMPARE(model.cell(0, model.columnIndex("loss:min")).number, 0.5);

        // A new run lands where it belongs; a removed one goes.
        hand.runs.emplace(51, makeRun("r51", "step_end/loss", 2, [](int) { return 2.5; }));
        model.updateRuns({ 51 });
        QCOMPARE(model.runIdAt(3), 51);
        model.removeRun(40);
        QCOMPARE(model.runIdAt(0), 1);
        QCOMPARE(model.rowCount(), 50);
    }

    // New rows name only themselves when their colours are given: the charts recolour those runs,
    // not every open one per batch (5,000 runs arriving in batches spent 6 s there). A new
    // colour-by recolours every run: an empty list.
    void newRunsAloneAreRecoloured()
    {
        HandRuns hand;
        for (int i = 1; i <= 51; ++i)
            hand.runs.emplace(i,
                makeRun(QStringLiteral("r%1").arg(i), "step_end/loss", 3, [](int) { return 1.0; }));
        TestedRunsTable model;
        model.setRunSource(hand.source());
        QList<int> first;
        for (int i = 1; i <= 50; ++i)
            first << i;
        model.updateRuns(first);
        QSignalSpy colors(&model, &RunsTableModel::colorsChanged);
        model.updateRuns({ 51 });
        QCOMPARE(colors.size(), 1);
        QCOMPARE(colors.at(0).at(0).value<QList<int>>(), QList<int>({ 51 }));
        QVERIFY(model.hasColor(51));
        model.setColorBy(QStringLiteral("run"));
        model.setColorBy(QString());
        QCOMPARE(colors.size(), 3);
        QVERIFY(colors.at(2).at(0).value<QList<int>>().isEmpty());
    }

    void configValuesArePlainText()
    {
        HandRuns hand;
        Run run = makeRun("<b>bold</b>", "step_end/loss", 2, [](int) { return 1.0; });
        run.info =
            QVariantMap { { "config", QVariantMap { { "note", "<img src=x onerror=1>" } } } };
        hand.runs.emplace(1, std::move(run));
        RunsTableModel model;
        model.setRunSource(hand.source());
        model.updateRuns({ 1 });
        const QModelIndex note = model.index(0, model.columnIndex("config.note"));
        QCOMPARE(note.data().toString(), QStringLiteral("<img src=x onerror=1>"));
        QCOMPARE(
            note.data(Qt::ToolTipRole).toString(), QStringLiteral("&lt;img src=x onerror=1&gt;"));
        QCOMPARE(model.index(0, RunsTableModel::NameColumn).data(Qt::ToolTipRole).toString(),
            QStringLiteral("&lt;b&gt;bold&lt;/b&gt;"));
    }
};

QTEST_GUILESS_MAIN(TestRunsTableModel)
#include "tst_runs_table_model.moc"
