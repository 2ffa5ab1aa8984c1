// The Workspace wires loader, followers, parser and store: open a file/folder, follow appends,
// start over on truncation, cancel a load, close a source and free its runs.
#include "follow_test_support.hpp"
#include "workspace.hpp"
#include "workspace_test_support.hpp"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace viewer;
using namespace viewer::test;

namespace {

QByteArray stepLine(int step, double loss)
{
    return QByteArray("{\"ts\": ") + QByteArray::number(1732800000.0 + step, 'f', 3)
        + ", \"tag\": \"step_end\", \"step\": " + QByteArray::number(step)
        + ", \"context\": {\"loss\": " + QByteArray::number(loss) + "}}\n";
}

QByteArray runBeginLine(const QByteArray& id)
{
    return "{\"ts\": 1732800000.0, \"tag\": \"run_begin\", \"run\": \"" + id + "\"}\n";
}

QByteArray epochLine(const char* tag, int epoch)
{
    return QByteArray("{\"ts\": 1732800000.0, \"tag\": \"") + tag
        + "\", \"epoch\": " + QByteArray::number(epoch) + "}\n";
}

// One run of `steps` steps: with run_begin, or as epochs 0 and 1 (the epoch rule cuts runs).
QByteArray runLines(bool withRunBegin, const QByteArray& id, int firstStep, int steps)
{
    QByteArray bytes = withRunBegin ? runBeginLine(id) : epochLine("epoch_begin", 0);
    for (int i = 0; i < steps; ++i) {
        if (!withRunBegin && i == steps / 2)
            bytes += epochLine("epoch_end", 0) + epochLine("epoch_begin", 1);
        bytes += stepLine(firstStep + i, 1.0);
    }
    return bytes;
}

} // namespace

class TestWorkspace : public QObject
{
    Q_OBJECT
private slots:
    void opensAFileAndFollowsAppends()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        QVERIFY(appendFile(path, stepLines(0, 100)));

        Workspace workspace;
        const int source = openLoaded(workspace, path);
        QVERIFY(source > 0);
        QCOMPARE(workspace.runIds().size(), 1);
        QCOMPARE(seriesPoints(workspace, QStringLiteral("step_end/loss")), std::size_t(100));
        QCOMPARE(workspace.source(source).state, Workspace::SourceState::Following);

        // A partial line is held until its newline arrives, then both halves make one record.
        const QByteArray next = stepLine(100, 0.5);
        QVERIFY(appendFile(path, next.left(20)));
        QVERIFY(appendFile(path, next.mid(20) + stepLine(101, 0.25)));
        QTRY_COMPARE_WITH_TIMEOUT(
            seriesPoints(workspace, QStringLiteral("step_end/loss")), std::size_t(102), 5000);
        const Run* run = workspace.run(workspace.runIds().front());
        QVERIFY(run->malformed.empty());
        QCOMPARE(workspace.recordText(workspace.runIds().front(), 100), next.chopped(1));
    }

    void truncationStartsTheFileOver()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        QVERIFY(appendFile(path, stepLines(0, 50)));

        Workspace workspace;
        QSignalSpy reset(&workspace, &Workspace::sourceReset);
        QVERIFY(openLoaded(workspace, path) > 0);
        QCOMPARE(seriesPoints(workspace, QStringLiteral("step_end/loss")), std::size_t(50));

        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(stepLine(0, 2.0) + stepLine(1, 3.0));
        file.close();
        QTRY_VERIFY_WITH_TIMEOUT(!reset.isEmpty(), 5000);
        // Nothing stale, nothing twice: exactly the new file's two points.
        QTRY_COMPARE_WITH_TIMEOUT(
            seriesPoints(workspace, QStringLiteral("step_end/loss")), std::size_t(2), 5000);
    }

    void folderRunsJoinAsFilesAppear()
    {
        QTemporaryDir dir;
        QVERIFY(appendFile(dir.filePath(QStringLiteral("rank0.jsonl")), stepLine(0, 1.0)));
        Workspace workspace;
        QVERIFY(openLoaded(workspace, dir.path()) > 0);
        QCOMPARE(workspace.runIds().size(), 1);
        QVERIFY(appendFile(dir.filePath(QStringLiteral("rank1.jsonl")), stepLine(0, 2.0)));
        QTRY_COMPARE_WITH_TIMEOUT(workspace.runIds().size(), 2, 5000);
    }

    void missingFileWaitsThenLoads()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("later.jsonl"));
        Workspace workspace;
        const int source = workspace.open(path);
        QCOMPARE(workspace.source(source).state, Workspace::SourceState::Waiting);
        QVERIFY(appendFile(path, stepLine(0, 1.0)));
        QTRY_COMPARE_WITH_TIMEOUT(
            seriesPoints(workspace, QStringLiteral("step_end/loss")), std::size_t(1), 5000);
    }

    void missingFileWithoutFollowFails()
    {
        Workspace workspace;
        const int source = workspace.open(QStringLiteral("/nonexistent/run.jsonl"), false);
        QCOMPARE(workspace.source(source).state, Workspace::SourceState::Failed);
        QVERIFY(workspace.source(source).message.contains(QStringLiteral("does not exist")));
        QVERIFY(workspace.isIdle());
    }

    // V20 while following: an unfinished last line is noted once it sits idle, and the note goes
    // when the line is completed (then it is an ordinary record).
    void incompleteLineIsNotedUntilCompleted()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        const QByteArray next = stepLine(1, 0.5);
        QVERIFY(appendFile(path, stepLine(0, 1.0) + next.left(15)));
        Workspace workspace;
        const int source = workspace.open(path);
        QTRY_COMPARE_WITH_TIMEOUT(workspace.source(source).incompleteLines.size(), 1, 10000);
        const Workspace::IncompleteLine line = workspace.source(source).incompleteLines.front();
        QCOMPARE(line.line, 2);
        QCOMPARE(line.offset, stepLine(0, 1.0).size());
        QCOMPARE(line.bytes, 15);
        QCOMPARE(workspace.source(source).message,
            QStringLiteral("line 2 is incomplete (no newline yet)"));

        QVERIFY(appendFile(path, next.mid(15)));
        QTRY_COMPARE_WITH_TIMEOUT(
            seriesPoints(workspace, QStringLiteral("step_end/loss")), std::size_t(2), 5000);
        QVERIFY(workspace.source(source).incompleteLines.isEmpty());
        QVERIFY(workspace.source(source).message.isEmpty());
    }

    // V20 without following: the end of the file is final, so the unfinished line is named as
    // not read; a folder without *.jsonl files says so.
    void loadWithoutFollowNamesWhatItCouldNotRead()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        QVERIFY(appendFile(path, stepLine(0, 1.0) + stepLine(1, 1.0).left(10)));
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("empty.jsonl"))));
        Workspace workspace;
        const int file = workspace.open(path, false);
        const int folder = workspace.open(dir.filePath(QStringLiteral("empty.jsonl")), false);
        QTRY_VERIFY_WITH_TIMEOUT(workspace.isIdle(), 5000);
        QCOMPARE(seriesPoints(workspace, QStringLiteral("step_end/loss")), std::size_t(1));
        QCOMPARE(workspace.source(file).incompleteLines.size(), 1);
        QCOMPARE(workspace.source(file).incompleteLines.front().line, 2);
        QCOMPARE(workspace.source(file).message,
            QStringLiteral("line 2 is incomplete (no newline at the end): not read"));
        QCOMPARE(workspace.source(folder).state, Workspace::SourceState::Idle);
        QCOMPARE(
            workspace.source(folder).message, QStringLiteral("a folder without *.jsonl files"));
    }

    void cancelKeepsWhatWasLoaded()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("big.jsonl"));
        QVERIFY(appendFile(path, stepLines(0, 400000)));

        Workspace workspace;
        QSignalSpy finished(&workspace, &Workspace::loadFinished);
        int source = -1;
        connect(&workspace, &Workspace::loadProgress, this,
            [&](int id, qint64, qint64) { workspace.cancel(id); });
        source = workspace.open(path);
        QVERIFY(finished.wait(10000));
        const Workspace::SourceInfo info = workspace.source(source);
        QCOMPARE(info.state, Workspace::SourceState::Idle);
        QCOMPARE(info.message, QStringLiteral("load cancelled"));
        QVERIFY(seriesPoints(workspace, QStringLiteral("step_end/loss")) < std::size_t(400000));
    }

    void closeFreesTheRuns()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        QVERIFY(appendFile(path, stepLine(0, 1.0)));
        Workspace workspace;
        QSignalSpy removed(&workspace, &Workspace::runRemoved);
        const int source = openLoaded(workspace, path);
        QVERIFY(source > 0);
        const int runId = workspace.runIds().front();
        workspace.close(source);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(workspace.run(runId), nullptr);
        QVERIFY(workspace.sourceIds().isEmpty());
    }

    void closeRunFreesOnlyThatRun()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        QVERIFY(appendFile(path, runLines(true, "a", 0, 10) + runLines(true, "b", 0, 20)));
        Workspace workspace;
        QSignalSpy removed(&workspace, &Workspace::runRemoved);
        const int source = openLoaded(workspace, path, false);
        QVERIFY(source > 0);
        const QList<int> ids = workspace.runIds();
        QCOMPARE(ids.size(), 2);

        workspace.closeRun(ids.front());
        QCOMPARE(removed.size(), 1);
        QCOMPARE(removed.front().front().toInt(), ids.front());
        QCOMPARE(workspace.run(ids.front()), nullptr);
        QCOMPARE(workspace.runIds(), QList<int> { ids.back() });
        QCOMPARE(seriesPoints(workspace, QStringLiteral("step_end/loss")), std::size_t(20));
        QCOMPARE(workspace.sourceIds(), QList<int> { source });
    }

    void closingTheLastRunClosesTheSource()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        QVERIFY(appendFile(path, runLines(true, "a", 0, 10) + runLines(true, "b", 0, 20)));
        Workspace workspace;
        QVERIFY(openLoaded(workspace, path) > 0);
        const QList<int> ids = workspace.runIds();
        workspace.closeRun(ids.back());
        QCOMPARE(workspace.sourceIds().size(), 1);
        workspace.closeRun(ids.front());
        QVERIFY(workspace.sourceIds().isEmpty());
        QVERIFY(workspace.runIds().isEmpty());
    }

    void closedRunOfAFollowedFileStaysClosed_data()
    {
        QTest::addColumn<bool>("withRunBegin");
        QTest::addColumn<bool>("sameChunk"); // the closed run's last records and the next run's
        QTest::addColumn<QString>("nextId");
        QTest::newRow("run_begin, separate chunks") << true << false << QStringLiteral("c");
        QTest::newRow("run_begin, one chunk") << true << true << QStringLiteral("c");
        QTest::newRow("epoch rule, separate chunks")
            << false << false << QStringLiteral("run.jsonl #3");
        QTest::newRow("epoch rule, one chunk") << false << true << QStringLiteral("run.jsonl #3");
    }

    // The closed run is the one the file is still appending to: what keeps arriving for it is
    // dropped, a run that starts later shows up, named as if nothing was closed.
    void closedRunOfAFollowedFileStaysClosed()
    {
        QFETCH(bool, withRunBegin);
        QFETCH(bool, sameChunk);
        QFETCH(QString, nextId);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        // The growing run's first epoch and half of its second are written before it is closed.
        const QByteArray closedRun = runLines(withRunBegin, "b", 0, 40);
        const qsizetype cut = closedRun.indexOf(stepLine(30, 1.0));
        QVERIFY(appendFile(path, runLines(withRunBegin, "a", 0, 10) + closedRun.left(cut)));
        Workspace workspace;
        QSignalSpy added(&workspace, &Workspace::runAdded);
        const int source = openLoaded(workspace, path);
        QVERIFY(source > 0);
        QCOMPARE(workspace.runIds().size(), 2);
        const int first = workspace.runIds().front();
        workspace.closeRun(workspace.runIds().back());
        QCOMPARE(workspace.runIds(), QList<int> { first });
        added.clear();

        QByteArray rest = closedRun.mid(cut);
        if (!withRunBegin)
            rest += epochLine("epoch_end", 1);
        if (sameChunk) {
            QVERIFY(appendFile(path, rest + runLines(withRunBegin, "c", 100, 5)));
        } else {
            QVERIFY(appendFile(path, rest));
            QTRY_VERIFY_WITH_TIMEOUT(workspace.source(source).lastAppendMsecs > 0, 5000);
            QCOMPARE(workspace.runIds(), QList<int> { first });
            QVERIFY(appendFile(path, runLines(withRunBegin, "c", 100, 5)));
        }
        QTRY_COMPARE_WITH_TIMEOUT(added.size(), 1, 5000);
        const int next = added.front().front().toInt();
        QCOMPARE(workspace.runIds(), (QList<int> { first, next }));
        QCOMPARE(workspace.run(next)->id, nextId);
        // Named by run_begin's id when it has one (issue 12), else by the file as before.
        QCOMPARE(
            workspace.run(next)->displayName, withRunBegin ? nextId : QStringLiteral("run #3"));
        // Only the first run's 10 points and the new run's 5: none of the closed run's.
        QCOMPARE(seriesPoints(workspace, QStringLiteral("step_end/loss")), std::size_t(15));

        // The new run keeps growing as usual.
        QVERIFY(appendFile(path, stepLine(105, 1.0)));
        QTRY_COMPARE_WITH_TIMEOUT(
            seriesPoints(workspace, QStringLiteral("step_end/loss")), std::size_t(16), 5000);
    }
};

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
