// The Workspace wires loader, followers, parser and store: open a file/folder, follow appends,
// start over on truncation, cancel a load, close a source and free its runs.
#include "workspace.hpp"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace viewer;

namespace {

QByteArray stepLine(int step, double loss)
{
    return QByteArray("{\"ts\": ") + QByteArray::number(1732800000.0 + step, 'f', 3)
        + ", \"tag\": \"step_end\", \"step\": " + QByteArray::number(step)
        + ", \"context\": {\"loss\": " + QByteArray::number(loss) + "}}\n";
}

void append(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::Append));
    QCOMPARE(file.write(bytes), bytes.size());
}

std::size_t points(const Workspace& workspace, const QString& key)
{
    std::size_t n = 0;
    for (int id : workspace.runIds()) {
        const Run* run = workspace.run(id);
        const int s = run->findSeries(key);
        if (s >= 0)
            n += run->series[static_cast<std::size_t>(s)].size();
    }
    return n;
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
        QByteArray content;
        for (int i = 0; i < 100; ++i)
            content += stepLine(i, 1.0 / (i + 1));
        append(path, content);

        Workspace workspace;
        QSignalSpy finished(&workspace, &Workspace::loadFinished);
        const int source = workspace.open(path);
        QVERIFY(finished.wait(5000));
        QCOMPARE(workspace.runIds().size(), 1);
        QCOMPARE(points(workspace, QStringLiteral("step_end/loss")), std::size_t(100));
        QCOMPARE(workspace.source(source).state, Workspace::SourceState::Following);

        // A partial line is held until its newline arrives, then both halves make one record.
        const QByteArray next = stepLine(100, 0.5);
        append(path, next.left(20));
        append(path, next.mid(20) + stepLine(101, 0.25));
        QTRY_COMPARE_WITH_TIMEOUT(points(workspace, QStringLiteral("step_end/loss")),
                                  std::size_t(102), 5000);
        const Run* run = workspace.run(workspace.runIds().front());
        QVERIFY(run->malformed.empty());
        QCOMPARE(workspace.recordText(workspace.runIds().front(), 100), next.chopped(1));
    }

    void truncationStartsTheFileOver()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        QByteArray content;
        for (int i = 0; i < 50; ++i)
            content += stepLine(i, 1.0);
        append(path, content);

        Workspace workspace;
        QSignalSpy finished(&workspace, &Workspace::loadFinished);
        QSignalSpy reset(&workspace, &Workspace::sourceReset);
        workspace.open(path);
        QVERIFY(finished.wait(5000));
        QCOMPARE(points(workspace, QStringLiteral("step_end/loss")), std::size_t(50));

        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(stepLine(0, 2.0) + stepLine(1, 3.0));
        file.close();
        QTRY_VERIFY_WITH_TIMEOUT(!reset.isEmpty(), 5000);
        // Nothing stale, nothing twice: exactly the new file's two points.
        QTRY_COMPARE_WITH_TIMEOUT(points(workspace, QStringLiteral("step_end/loss")),
                                  std::size_t(2), 5000);
    }

    void folderRunsJoinAsFilesAppear()
    {
        QTemporaryDir dir;
        append(dir.filePath(QStringLiteral("rank0.jsonl")), stepLine(0, 1.0));
        Workspace workspace;
        QSignalSpy finished(&workspace, &Workspace::loadFinished);
        workspace.open(dir.path());
        QVERIFY(finished.wait(5000));
        QCOMPARE(workspace.runIds().size(), 1);
        append(dir.filePath(QStringLiteral("rank1.jsonl")), stepLine(0, 2.0));
        QTRY_COMPARE_WITH_TIMEOUT(workspace.runIds().size(), 2, 5000);
    }

    void missingFileWaitsThenLoads()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("later.jsonl"));
        Workspace workspace;
        const int source = workspace.open(path);
        QCOMPARE(workspace.source(source).state, Workspace::SourceState::Waiting);
        append(path, stepLine(0, 1.0));
        QTRY_COMPARE_WITH_TIMEOUT(points(workspace, QStringLiteral("step_end/loss")),
                                  std::size_t(1), 5000);
    }

    void missingFileWithoutFollowFails()
    {
        Workspace workspace;
        const int source = workspace.open(QStringLiteral("/nonexistent/run.jsonl"), false);
        QCOMPARE(workspace.source(source).state, Workspace::SourceState::Failed);
        QVERIFY(workspace.source(source).message.contains(QStringLiteral("does not exist")));
        QVERIFY(workspace.isIdle());
    }

    void cancelKeepsWhatWasLoaded()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("big.jsonl"));
        QByteArray content;
        for (int i = 0; i < 400000; ++i)
            content += stepLine(i, 1.0);
        append(path, content);

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
        QVERIFY(points(workspace, QStringLiteral("step_end/loss")) < std::size_t(400000));
    }

    void closeFreesTheRuns()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        append(path, stepLine(0, 1.0));
        Workspace workspace;
        QSignalSpy finished(&workspace, &Workspace::loadFinished);
        QSignalSpy removed(&workspace, &Workspace::runRemoved);
        const int source = workspace.open(path);
        QVERIFY(finished.wait(5000));
        const int runId = workspace.runIds().front();
        workspace.close(source);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(workspace.run(runId), nullptr);
        QVERIFY(workspace.sourceIds().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
