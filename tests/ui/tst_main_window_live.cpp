// The main window while files are followed: live appends, counts that keep their width, pausing.
#include "chart_grid.hpp"
#include "command_line_options.hpp"
#include "events_model.hpp"
#include "events_table.hpp"
#include "file_dialog_answer.hpp"
#include "main_window.hpp"
#include "main_window_fixture.hpp"
#include "message_banner.hpp"
#include "metric_chart.hpp"
#include "metric_filter_panel.hpp"
#include "metric_filter_proxy.hpp"
#include "metric_tree_model.hpp"
#include "paint_counter.hpp"
#include "record_table_model.hpp"
#include "records_view.hpp"
#include "run_list_model.hpp"
#include "runs_panel.hpp"
#include "settings.hpp"
#include "status_bar.hpp"
#include "tag_filter.hpp"
#include "workspace.hpp"

#include <QComboBox>
#include <QFileDialog>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QTreeView>
#include <QtTest>

#include <memory>

using namespace viewer;

class TestMainWindowLive : public QObject, public test::MainWindowFixture
{
    Q_OBJECT
private slots:
    void init()
    {
        setUpWindow();
    }
    void cleanup()
    {
        tearDownWindow();
    }
    void liveAppendGrows();
    void liveCountsKeepTheTagsHeader();
    void liveRecordCountLaysOutNothing();
    void pauseStopsFollowing();
};

void TestMainWindowLive::liveAppendGrows()
{
    const QString path = writeRun("live.jsonl", 10);
    openAndSettle({ path });
    const int runId = m_window->workspace()->runIds().first();
    const std::size_t before = m_window->workspace()->run(runId)->records.size();
    QFile f(path);
    QVERIFY(f.open(QIODevice::Append));
    for (int s = 10; s < 20; ++s)
        f.write(QStringLiteral(
            R"({"ts": %1, "tag": "step_end", "step": %2, "context": {"loss": 0.1, "grad_norm": 3}})"
            "\n")
                    .arg(1732800100.0 + s)
                    .arg(s)
                    .toUtf8());
    f.close();
    QTRY_COMPARE_WITH_TIMEOUT(m_window->workspace()->run(runId)->records.size(), before + 10, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->recordModel()->rowCount(), int(before + 10), 5000);
    // A new metric appears as a chart.
    QTRY_VERIFY_WITH_TIMEOUT(
        m_window->chartGrid()->chartKeys().contains("step_end/grad_norm"), 5000);
    QVERIFY(m_window->statusBarWidget()->followText().contains(QLatin1String("following")));
}

// Issue 15: a live batch changes the tags' record counts; the count cell repaints, not the
// header, and the column keeps the width ResizeToContents gave it, widening with the text.
void TestMainWindowLive::liveCountsKeepTheTagsHeader()
{
    const QString path = writeRun("live.jsonl", 10);
    openAndSettle({ path });
    QTreeView* tags = nullptr;
    for (QTreeView* view : m_window->findChildren<QTreeView*>()) {
        if (view->model() == m_window->tagFilter())
            tags = view;
    }
    QVERIFY(tags);
    QTreeView reference; // the same rows, the count column fitted by Qt
    reference.setModel(m_window->tagFilter());
    reference.header()->setStretchLastSection(false);
    reference.header()->setSectionResizeMode(TagFilter::NameColumn, QHeaderView::Stretch);
    reference.header()->setSectionResizeMode(TagFilter::CountColumn, QHeaderView::ResizeToContents);
    reference.resize(tags->size());
    reference.show();
    QVERIFY(QTest::qWaitForWindowExposed(&reference));
    const auto countWidth = [](QTreeView* view) {
        return view->header()->sectionSize(TagFilter::CountColumn);
    };
    QCOMPARE(countWidth(tags), countWidth(&reference));
    const auto stepEndCount = [this] {
        const TagFilter* filter = m_window->tagFilter();
        for (int row = 0; row < filter->rowCount(); ++row) {
            const QModelIndex index = filter->index(row, TagFilter::CountColumn);
            if (filter->data(index, TagFilter::TagRole).toString() == QLatin1String("step_end"))
                return filter->data(index, TagFilter::CountRole).toULongLong();
        }
        return quint64(0);
    };
    const auto append = [&path](int from, int to) {
        QFile f(path);
        if (!f.open(QIODevice::Append))
            return;
        for (int s = from; s < to; ++s)
            f.write(QStringLiteral(
                R"({"ts": %1, "tag": "step_end", "step": %2, "context": {"loss": 0.1}})"
                "\n")
                        .arg(1732800100.0 + s)
                        .arg(s)
                        .toUtf8());
    };
    const PaintCounter headerPaints(tags->header()->viewport());
    const PaintCounter cellPaints(tags->viewport());
    const int headerBefore = headerPaints.paintsAfterUpdates();
    const int cellsBefore = cellPaints.paintsAfterUpdates();
    append(10, 15); // 10 -> 15: the same width
    QTRY_COMPARE_WITH_TIMEOUT(stepEndCount(), quint64(15), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(cellPaints.paintsAfterUpdates() > cellsBefore, 5000);
    QCOMPARE(headerPaints.paintsAfterUpdates(), headerBefore);
    // The header's own width (~60 px) holds up to 8 digits: without it, the column is as wide as
    // its counts, and a count that no longer fits widens it.
    tags->header()->hide();
    tags->resizeColumnToContents(TagFilter::CountColumn);
    QVERIFY(countWidth(tags) < tags->fontMetrics().horizontalAdvance(QLocale().toString(100'000)));
    append(15, 100'000); // 100,000: wider
    QTRY_COMPARE_WITH_TIMEOUT(stepEndCount(), quint64(100'000), 20000);
    m_window->flushPendingUpdates();
    const int widened = countWidth(tags);
    tags->resizeColumnToContents(TagFilter::CountColumn); // what fitting it now gives
    QCOMPARE(widened, countWidth(tags));
    QVERIFY(widened > tags->fontMetrics().horizontalAdvance(QLocale().toString(100'000)));
}

// Issue 15: a live batch that changes the records view's count to a text of the same width
// repaints the label; it lays out neither the view nor the dock and the window above it
// (QMainWindowLayout's activation was ~5 % of a followed window's CPU).
void TestMainWindowLive::liveRecordCountLaysOutNothing()
{
    const QString path = writeRun("live.jsonl", 10);
    openAndSettle({ path });
    RecordsView* view = m_window->recordsView();
    QLabel* count = nullptr;
    for (QLabel* label : view->findChildren<QLabel*>()) {
        if (label->text().endsWith(QLatin1String(" records")))
            count = label;
    }
    QVERIFY(count);
    struct LayoutRequests : QObject
    {
        int count = 0;
        bool eventFilter(QObject*, QEvent* event) override
        {
            count += event->type() == QEvent::LayoutRequest ? 1 : 0;
            return false;
        }
    } requests;
    view->installEventFilter(&requests);
    const auto appendFive = [&path, count](int from) {
        const QString before = count->text();
        QFile f(path);
        if (!f.open(QIODevice::Append))
            return false;
        for (int s = from; s < from + 5; ++s)
            f.write(QStringLiteral(
                R"({"ts": %1, "tag": "step_end", "step": %2, "context": {"loss": 0.1}})"
                "\n")
                        .arg(1732800100.0 + s)
                        .arg(s)
                        .toUtf8());
        f.close();
        return QTest::qWaitFor([&] { return count->text() != before; }, 5000);
    };
    QVERIFY(appendFive(10)); // may lay out once: the label is fixed at its width then
    PaintCounter::deliverUpdates();
    requests.count = 0;
    const QString before = count->text();
    QVERIFY(appendFive(15));
    PaintCounter::deliverUpdates();
    QCOMPARE(count->fontMetrics().horizontalAdvance(count->text()),
        count->fontMetrics().horizontalAdvance(before));
    QCOMPARE(requests.count, 0);
}

void TestMainWindowLive::pauseStopsFollowing()
{
    openAndSettle({ writeRun("run.jsonl", 10) });
    const int source = m_window->workspace()->sourceIds().first();
    QTRY_COMPARE(m_window->workspace()->source(source).state, Workspace::SourceState::Following);
    m_window->setFollowPaused(true);
    QCOMPARE(m_window->workspace()->source(source).state, Workspace::SourceState::Idle);
    QCOMPARE(m_window->statusBarWidget()->followText(), QStringLiteral("paused"));
    QVERIFY(!m_window->chartGrid()->followLatest());
    m_window->setFollowPaused(false);
    QCOMPARE(m_window->workspace()->source(source).state, Workspace::SourceState::Following);
    QVERIFY(m_window->chartGrid()->followLatest());
}

QTEST_MAIN(TestMainWindowLive)
#include "tst_main_window_live.moc"
