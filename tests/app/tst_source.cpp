// A new kind of source is one class: MemorySource below (lines held in memory, delivered on a
// worker thread as the Source contract says) is handed to Workspace::open, and its lines become
// runs, its states and notes reach SourceInfo, with no code for it in the workspace.
#include "follow_test_support.hpp"
#include "source.hpp"
#include "worker_thread.hpp"
#include "workspace.hpp"
#include "workspace_test_support.hpp"

#include <QSignalSpy>
#include <QTest>

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

private:
    void deliver()
    {
        LineChunk chunk;
        chunk.path = path();
        chunk.lineCount = m_content.count('\n');
        chunk.bytes = m_content.left(m_content.lastIndexOf('\n') + 1);
        emit linesRead(chunk);
        const qint64 tail = m_content.size() - chunk.bytes.size();
        if (tail > 0)
            emit incompleteLineFound(
                path(), chunk.lineCount + 1, chunk.bytes.size(), m_content.right(tail));
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
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("runs");
        QTest::addColumn<int>("points");
        QTest::addColumn<int>("malformed");

        QTest::newRow("one run") << stepLines(0, 10) << 1 << 10 << 0;
        QTest::newRow("two runs") << runBegin("a") + stepLines(0, 5) + runBegin("b")
                + stepLines(0, 7) << 2
                                  << 12 << 0;
        QTest::newRow("a malformed line is counted")
            << stepLines(0, 3) + "{not json\n" + stepLines(3, 4) << 1 << 4 << 1;
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
