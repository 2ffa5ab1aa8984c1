// The runs table dock (issue 12): sorting from the header puts the sweep's best trial first, the
// filter box filters and shows a bad expression's error, "Only selected" asks for the selected
// runs, the check boxes show and hide runs through the hooks, columns equal for every run start
// hidden, and config values are drawn as plain text.
#include "../data/sweep_fixture.hpp"
#include "paint_counter.hpp"
#include "run_name_delegate.hpp"
#include "runs_table.hpp"
#include "runs_table_model.hpp"
#include "workspace.hpp"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

using namespace viewer;

class TestRunsTable : public QObject
{
    Q_OBJECT
private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_best = test::writeSweep(m_dir->path());
        QVERIFY(!m_best.isEmpty());
        m_workspace = std::make_unique<Workspace>();
        m_model = std::make_unique<RunsTableModel>();
        m_model->setWorkspace(m_workspace.get());
        RunsTableViewModel::Hooks hooks;
        hooks.isVisible = [this](int id) { return !m_hidden.contains(id); };
        hooks.setVisible = [this](int id, bool on) {
            if (on)
                m_hidden.remove(id);
            else
                m_hidden.insert(id);
        };
        m_table = std::make_unique<RunsTable>(m_model.get(), hooks);
        m_table->resize(1200, 500);
        m_table->show();
        m_workspace->open(m_dir->path(), false);
        QTRY_COMPARE_WITH_TIMEOUT(m_table->view()->model()->rowCount(), 24, 20000);
    }

    void cleanup()
    {
        m_table.reset();
        m_model.reset();
        m_workspace.reset();
        m_hidden.clear();
    }

    // Issue 15: a run updated by a live batch repaints its row, not the header, and the colour
    // column stays fitted to its check box and swatch (as ResizeToContents fitted it).
    void aRowUpdateKeepsTheHeader()
    {
        QTableView* view = m_table->view();
        QHeaderView* header = view->horizontalHeader();
        QTableView reference; // the same rows, the column fitted by Qt
        reference.setModel(view->model());
        reference.horizontalHeader()->setSectionResizeMode(
            RunsTableModel::ColorColumn, QHeaderView::ResizeToContents);
        reference.resize(view->size());
        reference.show();
        QVERIFY(QTest::qWaitForWindowExposed(&reference));
        const int fitted = reference.horizontalHeader()->sectionSize(RunsTableModel::ColorColumn);
        QCOMPARE(header->sectionSize(RunsTableModel::ColorColumn), fitted);
        const PaintCounter headerPaints(header->viewport());
        const PaintCounter cellPaints(view->viewport());
        const int headerBefore = headerPaints.paintsAfterUpdates();
        const int cellsBefore = cellPaints.paintsAfterUpdates();
        m_model->updateRuns(m_workspace->runIds());
        QVERIFY(cellPaints.paintsAfterUpdates() > cellsBefore);
        QCOMPARE(headerPaints.paintsAfterUpdates(), headerBefore);
        QCOMPARE(header->sectionSize(RunsTableModel::ColorColumn), fitted);
    }

    // Issue 12: in a narrow name column, trials whose ids differ only at their end (-s1 / -s2)
    // or only in their middle (lr0.0001 / lr0.0003) are drawn differently.
    void namesCutWhereTheyDoNotDiffer()
    {
        QTableView* view = m_table->view();
        view->horizontalHeader()->resizeSection(RunsTableModel::NameColumn, 110);
        QStringList shown;
        auto* delegate =
            qobject_cast<RunNameDelegate*>(view->itemDelegateForColumn(RunsTableModel::NameColumn));
        QVERIFY(delegate);
        for (const char* id : { "sweep-lr0.0001-bs32-adamw-s1", "sweep-lr0.0001-bs32-adamw-s2",
                 "sweep-lr0.0003-bs32-adamw-s1" }) {
            const QModelIndexList hits =
                view->model()->match(view->model()->index(0, RunsTableModel::NameColumn),
                    Qt::DisplayRole, QString::fromLatin1(id), 1, Qt::MatchExactly);
            QCOMPARE(hits.size(), qsizetype(1));
            QStyleOptionViewItem option;
            option.initFrom(view);
            option.rect = view->visualRect(hits.first());
            option.widget = view;
            shown << delegate->shownText(option, hits.first());
        }
        QVERIFY2(shown[0].contains(QChar(0x2026)), qPrintable(shown.join(" | ")));
        QVERIFY2(shown[0].endsWith("1") && shown[1].endsWith("2"), qPrintable(shown.join(" | ")));
        QVERIFY2(shown[0] != shown[2], qPrintable(shown.join(" | ")));
    }

    void headerSortPutsTheBestFirst()
    {
        const int accuracy = m_model->columnIndex("val_acc:last");
        m_table->view()->sortByColumn(accuracy, Qt::DescendingOrder);
        QCOMPARE(m_table->view()->model()->index(0, RunsTableModel::NameColumn).data().toString(),
            m_best);
        const int lr = m_model->columnIndex("config.lr");
        QCOMPARE(m_table->view()->model()->index(0, lr).data().toString(), QStringLiteral("3e-4"));
        QVERIFY(!m_table->view()->isColumnHidden(lr));
        // Equal for every run: hidden until asked for.
        QVERIFY(m_table->view()->isColumnHidden(m_model->columnIndex("host")));
    }

    void filterBox()
    {
        m_table->filterEdit()->setText("config.optimizer == sgd and config.batch_size > 32");
        QTRY_COMPARE(m_table->view()->model()->rowCount(), 6); // debounced
        QCOMPARE(m_table->filterError(), QString());
        m_table->filterEdit()->setText("config.lr <");
        m_table->applyFilter();
        QCOMPARE(m_table->filterError(),
            QStringLiteral("Filter: expected a value after \"<\" (showing every run)"));
        QCOMPARE(m_table->view()->model()->rowCount(), 24);
        m_table->filterEdit()->clear();
        m_table->applyFilter();
        QCOMPARE(m_table->filterError(), QString());
    }

    void onlySelectedAndCheckBoxes()
    {
        QAbstractItemModel* model = m_table->view()->model();
        m_table->view()->selectRow(2);
        m_table->view()->selectionModel()->select(
            model->index(5, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QSignalSpy only(m_table.get(), &RunsTable::showOnlyRequested);
        QToolButton* button = nullptr;
        for (QToolButton* b : m_table->findChildren<QToolButton*>()) {
            if (b->text() == QLatin1String("Only selected"))
                button = b;
        }
        QVERIFY(button);
        button->click();
        QCOMPARE(only.size(), 1);
        const QList<int> runs = only.front().front().value<QList<int>>();
        QCOMPARE(runs.size(), 2);
        QVERIFY(runs.contains(model->index(2, 0).data(RunsTableModel::RunIdRole).toInt()));
        QVERIFY(runs.contains(model->index(5, 0).data(RunsTableModel::RunIdRole).toInt()));

        const QModelIndex box = model->index(1, RunsTableModel::ColorColumn);
        QCOMPARE(box.data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QVERIFY(model->flags(box) & Qt::ItemIsUserCheckable);
        QVERIFY(model->setData(box, Qt::Unchecked, Qt::CheckStateRole));
        QVERIFY(m_hidden.contains(box.data(RunsTableModel::RunIdRole).toInt()));
        QCOMPARE(box.data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
        QVERIFY(box.data(Qt::DecorationRole).value<QColor>().isValid());
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_best;
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<RunsTableModel> m_model;
    std::unique_ptr<RunsTable> m_table;
    QSet<int> m_hidden;
};

QTEST_MAIN(TestRunsTable)
#include "tst_runs_table.moc"
