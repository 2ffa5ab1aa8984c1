// A new kind of source is one class: MemorySource below (lines held in memory, delivered on a
// worker thread as the Source contract says) is handed to Workspace::open, and its lines become
// runs, its states and notes reach SourceInfo, with no code for it in the workspace.
#include "chunk_budget.hpp"
#include "data_table.hpp"
#include "follow_test_support.hpp"
#include "push_source.hpp"
#include "source.hpp"
#include "worker_thread.hpp"
#include "workspace.hpp"
#include "workspace_test_support.hpp"

#include <QSignalSpy>
#include <QTest>

#include <chrono>
#include <future>

using namespace viewer;
using namespace viewer::test;

namespace {

// Test-only: a source whose whole content is known up front. start() delivers it from a thread
// of its own, then reports the source read to its end (Idle), or Failed with `failure`.
class MemorySource : public Source
{
public:
    MemorySource(const QByteArray& content, const QString& failure = {})
        : Source(QStringLiteral("memory:run"), SourceState::Following)
        , m_content(content)
        , m_failure(failure)
        , m_thread(QStringLiteral("memory source"))
    {
    }
    ~MemorySource() override
    {
        stop();
    }

    bool isStream() const override
    {
        return true;
    }

    void start(const QHash<QString, LinePosition>&, bool) override
    {
        ++starts;
        auto* context = new QObject;
        m_thread.start(context);
        QMetaObject::invokeMethod(context, [this] { deliver(); });
    }
    void stop() override
    {
        m_thread.stop();
    }

    int starts = 0;
    // When set, the chunk carries a credit of this budget, as the followers' chunks do.
    ChunkBudget* budget = nullptr;
    // Set once the chunk was handed over and the source let go of its own copy.
    std::promise<void> delivered;

private:
    void deliver()
    {
        const qsizetype complete = m_content.lastIndexOf('\n') + 1;
        {
            LineChunk chunk;
            chunk.path = path();
            chunk.lineCount = m_content.count('\n');
            chunk.bytes = m_content.left(complete);
            if (budget)
                chunk.credit = budget->take(chunk.bytes.size());
            emit linesRead(chunk);
        }
        delivered.set_value();
        const qint64 tail = m_content.size() - complete;
        if (tail > 0)
            emit incompleteLineFound(
                path(), m_content.count('\n') + 1, complete, m_content.right(tail));
        if (m_failure.isEmpty())
            emit stateChanged(SourceState::Idle, {});
        else
            emit stateChanged(SourceState::Failed, m_failure);
    }

    QByteArray m_content;
    QString m_failure;
    WorkerThread m_thread;
};

QByteArray runBegin(const char* id)
{
    return QByteArray("{\"ts\": 1732800000.0, \"tag\": \"run_begin\", \"run\": \"") + id + "\"}\n";
}

} // namespace

class TestSource : public QObject
{
    Q_OBJECT
private slots:
    // What the source reports is what the workspace shows: its failure, its unfinished tail.
    void stateAndTailReachTheSourceInfo()
    {
        Workspace workspace;
        const int failed =
            workspace.open(std::make_unique<MemorySource>(QByteArray(), QStringLiteral("gone")));
        QTRY_COMPARE_WITH_TIMEOUT(workspace.source(failed).state, SourceState::Failed, 5000);
        QCOMPARE(workspace.source(failed).message, QStringLiteral("gone"));

        const int tail =
            workspace.open(std::make_unique<MemorySource>(stepLines(0, 2) + "{\"ts\": 1"));
        QTRY_COMPARE_WITH_TIMEOUT(workspace.source(tail).state, SourceState::Idle, 5000);
        QCOMPARE(workspace.source(tail).incompleteLines.size(), 1);
        QCOMPARE(workspace.source(tail).message,
            QStringLiteral("line 3 is incomplete (no newline at the end): not read"));
        QCOMPARE(lossPoints(workspace), std::size_t(2));
    }

    void linesBecomeRuns_data()
    {
        testing::addTable<QByteArray, int, int, int>({ "content", "runs", "points", "malformed" },
            {
                { "one run", stepLines(0, 10), 1, 10, 0 },
                { "two runs", runBegin("a") + stepLines(0, 5) + runBegin("b") + stepLines(0, 7), 2,
                    12, 0 },
                { "a malformed line is counted", stepLines(0, 3) + "{not json\n" + stepLines(3, 4),
                    1, 4, 1 },
            });
    }
    void linesBecomeRuns()
    {
        QFETCH(QByteArray, content);
        QFETCH(int, runs);
        QFETCH(int, points);
        QFETCH(int, malformed);

        Workspace workspace;
        QSignalSpy added(&workspace, &Workspace::runAdded);
        auto source = std::make_unique<MemorySource>(content);
        const MemorySource* memory = source.get();
        const int id = workspace.open(std::move(source));
        QCOMPARE(memory->starts, 1);
        QTRY_COMPARE_WITH_TIMEOUT(workspace.source(id).state, SourceState::Idle, 5000);
        QCOMPARE(added.size(), runs);
        QCOMPARE(workspace.runIds().size(), runs);
        QCOMPARE(lossPoints(workspace), std::size_t(points));
        std::uint64_t malformedLines = 0;
        for (int runId : workspace.runIds()) {
            QCOMPARE(workspace.sourceOfRun(runId), id);
            malformedLines += workspace.run(runId)->malformedCount;
        }
        QCOMPARE(malformedLines, std::uint64_t(malformed));
        QVERIFY(workspace.source(id).isStream);
        QVERIFY(workspace.isIdle());
    }

    // Back-pressure: a chunk's credit is held until the GUI thread has merged it, so a reader
    // faster than the merge pauses instead of queueing without bound.
    void creditIsGivenBackOnceMerged()
    {
        const QByteArray lines = stepLines(0, 20);
        ChunkBudget budget;
        auto source = std::make_unique<MemorySource>(lines);
        source->budget = &budget;
        std::future<void> delivered = source->delivered.get_future();
        Workspace workspace;
        workspace.open(std::move(source));
        // This thread has not run its event loop: the merge is still queued, with the credit.
        QVERIFY(delivered.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
        QCOMPARE(budget.bytesInFlight(), qint64(lines.size()));
        QCOMPARE(workspace.runIds().size(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(lossPoints(workspace), std::size_t(20), 5000);
        QCOMPARE(budget.bytesInFlight(), qint64(0));
    }

    // Issue 15: the chunks of one read pass (a folder's changed files) reach the GUI thread
    // together: nothing of the pass is merged before its last chunk, then all of it at once, in
    // the order read (one wake-up per pass, not per file).
    void aReadPassIsMergedInOneGo()
    {
        Workspace workspace;
        auto source = std::make_unique<PushSource>(QStringLiteral("pass:run"));
        PushSource* pass = source.get();
        workspace.open(std::move(source));
        pass->push(stepLines(0, 2), true);
        pass->push(stepLines(2, 3), true);
        QCoreApplication::processEvents();
        QCOMPARE(lossPoints(workspace), std::size_t(0));
        pass->push(stepLines(3, 5), false);
        QTRY_COMPARE_WITH_TIMEOUT(lossPoints(workspace), std::size_t(5), 5000);
        const Run* run = workspace.run(workspace.runIds().value(0));
        QVERIFY(run);
        QCOMPARE(run->records.size(), std::size_t(5)); // in the order read, none twice

        pass->push(stepLines(5, 6), false); // a pass of one chunk: merged on its own
        QTRY_COMPARE_WITH_TIMEOUT(lossPoints(workspace), std::size_t(6), 5000);
    }

    // The first announcement after a quiet spell names every run of the pass, not only the run
    // of its first chunk (the others would wait for the pacer).
    void aPassIsAnnouncedWhole()
    {
        Workspace workspace;
        QSignalSpy appended(&workspace, &Workspace::runsAppended);
        auto source = std::make_unique<PushSource>(QStringLiteral("pass:run"));
        PushSource* pass = source.get();
        workspace.open(std::move(source));
        pass->push(runBegin("a") + stepLines(0, 2), true);
        pass->push(runBegin("b") + stepLines(0, 2), false);
        QTRY_VERIFY_WITH_TIMEOUT(!appended.isEmpty(), 5000);
        QCOMPARE(appended.first().first().value<QList<int>>().size(), 2);
    }

    void closeStopsTheSourceAndFreesItsRuns()
    {
        Workspace workspace;
        QSignalSpy removed(&workspace, &Workspace::runRemoved);
        const int id = workspace.open(std::make_unique<MemorySource>(stepLines(0, 4)));
        QTRY_COMPARE_WITH_TIMEOUT(workspace.runIds().size(), 1, 5000);
        workspace.close(id);
        QCOMPARE(removed.size(), 1);
        QVERIFY(workspace.runIds().isEmpty());
        QVERIFY(workspace.sourceIds().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSource)
#include "tst_source.moc"
