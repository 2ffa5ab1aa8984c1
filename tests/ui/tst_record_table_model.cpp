#include "record_search.hpp"
#include "record_table_model.hpp"
#include "records_view.hpp"
#include "run_fixtures.hpp"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <map>

using namespace viewer;

class TestRecordTableModel : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void columns();
    void millionRowsAreServedLazily();
    void tagFilter();
    void recordFilterAndAppends();
    void runGoneShowsNothing();
    void searchFile();
    void recordsViewSearchAndRawText();

private:
    RecordTableModel::RunLookup lookup()
    {
        return [this](int id) -> const Run* {
            auto it = m_runs.find(id);
            return it == m_runs.end() ? nullptr : &it->second;
        };
    }
    std::map<int, Run> m_runs;
};

void TestRecordTableModel::init()
{
    m_runs.clear();
}

void TestRecordTableModel::cleanup()
{
    m_runs.clear();
}

void TestRecordTableModel::columns()
{
    m_runs[1] = fixtures::makeRun("a", 10, 10);
    RecordTableModel model(lookup());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.setRun(1);
    const Run& run = m_runs[1];
    QCOMPARE(model.rowCount(), int(run.records.size()));
    QCOMPARE(
        model.index(1, RecordTableModel::TagColumn).data().toString(), QStringLiteral("step_end"));
    QCOMPARE(model.index(1, RecordTableModel::StepColumn).data().toString(), QStringLiteral("0"));
    QCOMPARE(model.index(1, RecordTableModel::RecordColumn).data().toString(), QStringLiteral("1"));
    QVERIFY(model.index(1, RecordTableModel::TimeColumn)
                .data()
                .toString()
                .startsWith(QStringLiteral("20"))); // a date
    QCOMPARE(model.index(1, 0).data(RecordTableModel::RecordRole).toUInt(), 1u);
}

void TestRecordTableModel::millionRowsAreServedLazily()
{
    constexpr std::uint32_t N = 1000000;
    Run& run = m_runs[1];
    run.displayName = QStringLiteral("big");
    run.tags = { "step_end", "epoch_end" };
    run.records.reserve(N);
    for (std::uint32_t i = 0; i < N; ++i)
        run.records.append(
            1732800000.0 + i * 0.01, i, i / 1000, std::uint64_t(i) * 120, i % 1000 == 999 ? 1 : 0);

    QElapsedTimer timer;
    timer.start();
    RecordTableModel model(lookup());
    model.setRun(1);
    QTableView view;
    view.verticalHeader()->hide();
    view.verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view.setModel(&model);
    view.resize(800, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.scrollToBottom();
    QCoreApplication::processEvents();
    const qint64 ms = timer.elapsed();
    qInfo("1,000,000 records: model + view shown and scrolled to the end in %lld ms", ms);
    QCOMPARE(model.rowCount(), int(N));
    QCOMPARE(model.index(int(N) - 1, RecordTableModel::StepColumn).data().toString(),
        QStringLiteral("999999"));

    timer.restart();
    model.setTagFilter({ "epoch_end" });
    QCOMPARE(model.rowCount(), int(N / 1000));
    QCOMPARE(model.recordAt(0), 999u);
    qInfo("tag filter over 1,000,000 records: %lld ms", timer.elapsed());
}

void TestRecordTableModel::tagFilter()
{
    m_runs[1] = fixtures::makeRun("a", 20, 10, -1, 5);
    RecordTableModel model(lookup());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRun(1);
    model.setTagFilter({ "error" });
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(
        model.index(0, RecordTableModel::TagColumn).data().toString(), QStringLiteral("error"));
    QVERIFY(model.isFiltered());
    const std::uint32_t errorRecord = model.recordAt(0);
    QCOMPARE(model.rowOfRecord(errorRecord), 0);
    QCOMPARE(model.rowOfRecord(0), -1);
    // Appends: only matching new records become rows.
    Run& run = m_runs[1];
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    fixtures::addRecord(run, "step_end", 1732800999.0, 99);
    fixtures::addRecord(run, "error", 1732801000.0, 99);
    fixtures::addRecord(run, "brand_new_tag", 1732801001.0, 99);
    model.refresh();
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(model.rowCount(), 2);
    model.setTagFilter({ "brand_new_tag" });
    QCOMPARE(model.rowCount(), 1);
    model.setTagFilter({});
    QVERIFY(!model.isFiltered());
    QCOMPARE(model.rowCount(), int(run.records.size()));
}

void TestRecordTableModel::recordFilterAndAppends()
{
    m_runs[1] = fixtures::makeRun("a", 20, 10);
    RecordTableModel model(lookup());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRun(1);
    const auto total = std::uint32_t(m_runs[1].records.size());
    model.setRecordFilter(std::vector<std::uint32_t> { 1, 3, 5 }, total);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.recordAt(2), 5u);
    Run& run = m_runs[1];
    fixtures::addRecord(run, "step_end", 1732800999.0, 99);
    fixtures::addRecord(run, "step_end", 1732801000.0, 100);
    model.refresh(); // not searched yet: not shown
    QCOMPARE(model.rowCount(), 3);
    model.addRecordMatches({ total + 1 }, total + 2);
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.recordFilterCoverage(), total + 2);
    model.setTagFilter({ "epoch_end" }); // both filters at once
    QCOMPARE(model.rowCount(), 0);
    model.setTagFilter({});
    model.setRecordFilter(std::nullopt, 0);
    QCOMPARE(model.rowCount(), int(run.records.size()));
    // Unfiltered appends insert rows at the end.
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    fixtures::addRecord(run, "step_end", 1732801001.0, 101);
    model.refresh();
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(model.rowCount(), int(run.records.size()));
}

void TestRecordTableModel::runGoneShowsNothing()
{
    m_runs[1] = fixtures::makeRun("a", 5, 10);
    RecordTableModel model(lookup());
    model.setRun(1);
    m_runs.clear();
    QVERIFY(!model.index(0, 0).data().isValid());
    model.refresh();
    QCOMPARE(model.rowCount(), 0);
}

void TestRecordTableModel::searchFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("run.jsonl");
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    std::vector<std::uint64_t> offsets;
    for (int i = 0; i < 5000; ++i) {
        offsets.push_back(std::uint64_t(file.pos()));
        const QByteArray line = i % 1000 == 7
            ? QByteArray("{\"tag\": \"error\", \"message\": \"CUDA Out Of Memory\"}\n")
            : QByteArray("{\"tag\": \"step_end\", \"step\": ") + QByteArray::number(i) + "}\n";
        file.write(line);
    }
    offsets.push_back(std::uint64_t(file.pos())); // a last line without its newline
    file.write("{\"tag\": \"error\", \"message\": \"cuda out of memory, no newline\"}");
    file.close();

    std::atomic<bool> stop { false };
    QString error;
    const std::vector<std::uint32_t> found =
        RecordSearch::searchFile(path, 0, offsets, "out of memory", stop, &error);
    QVERIFY(error.isEmpty());
    QCOMPARE(found, (std::vector<std::uint32_t> { 7, 1007, 2007, 3007, 4007, 5000 }));
    // From the middle: indices are offset by `first`.
    const std::vector<std::uint64_t> tail(offsets.begin() + 2000, offsets.end());
    QCOMPARE(RecordSearch::searchFile(path, 2000, tail, "out of memory", stop, &error),
        (std::vector<std::uint32_t> { 2007, 3007, 4007, 5000 }));
    RecordSearch::searchFile(dir.filePath("missing.jsonl"), 0, offsets, "x", stop, &error);
    QVERIFY(!error.isEmpty());

    RecordSearch search;
    QSignalSpy finished(&search, &RecordSearch::finished);
    search.start(path, 0, offsets, "STEP\": 4999");
    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.at(0).at(0).value<QList<quint32>>(), QList<quint32> { 4999 });
    QCOMPARE(finished.at(0).at(1).toUInt(), quint32(offsets.size()));
    // A superseded search never reports.
    search.start(path, 0, offsets, "a");
    search.start(path, 0, offsets, "error");
    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.count(), 2);
    QCOMPARE(finished.at(1).at(0).value<QList<quint32>>().size(), 6);
}

void TestRecordTableModel::recordsViewSearchAndRawText()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("run.jsonl");
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    Run& run = m_runs[4];
    run.displayName = QStringLiteral("run");
    run.sourcePath = path;
    run.tags = { "step_end", "error" };
    QList<QByteArray> lines;
    for (int i = 0; i < 50; ++i) {
        const QByteArray line = i == 30
            ? QByteArray(R"({"tag": "error", "message": "<b>x</b><img src=/etc/hosts>"})")
            : QByteArray(R"({"tag": "step_end", "step": )") + QByteArray::number(i) + "}";
        run.records.append(1732800000.0 + i, i, 0, std::uint64_t(file.pos()), i == 30 ? 1 : 0);
        file.write(line + "\n");
        lines << line;
    }
    file.close();

    RecordTableModel model(lookup());
    RecordsView view(&model, [&](int runId, std::uint32_t record) {
        return runId == 4 && record < lines.size() ? lines.at(record) : QByteArray();
    });
    view.setRun(4);
    QCOMPARE(model.rowCount(), 50);
    QCOMPARE(view.statusLabel()->textFormat(), Qt::PlainText);
    view.setSearchText(QStringLiteral("<IMG"));
    view.applySearchNow();
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 1, 5000);
    QCOMPARE(model.recordAt(0), 30u);
    view.selectRecord(30);
    // The raw JSON is plain text: the markup is there as characters.
    QCOMPARE(view.rawView()->toPlainText(), QString::fromUtf8(lines.at(30)));
    QVERIFY(view.rawView()->document()->toHtml().contains(QLatin1String("&lt;img")));
    view.setSearchText(QString());
    view.applySearchNow();
    QCOMPARE(model.rowCount(), 50);
    view.setTagFilter(QStringLiteral("error"));
    QCOMPARE(model.rowCount(), 1);
}

QTEST_MAIN(TestRecordTableModel)
#include "tst_record_table_model.moc"
