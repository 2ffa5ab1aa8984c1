// Issue 5, fault row 8: a trainer process appends 200,000 records/s for 10 s while a Workspace
// follows the file from before it exists. When the writer is done the store holds exactly the
// records written: as many as the logger says it wrote, as many as the file's lines, per tag.
#include "fault_support.hpp"
#include "workspace.hpp"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace faults;
using viewer::Workspace;

namespace {

qint64 storedWithTag(const Workspace& workspace, const QString& tag)
{
    qint64 n = 0;
    for (int id : workspace.runIds()) {
        const viewer::Run* run = workspace.run(id);
        const qsizetype index = run->tags.indexOf(tag);
        if (index >= 0)
            n += qint64(run->tagCounts[std::size_t(index)]);
    }
    return n;
}

} // namespace

class TestFollowThroughput : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(trainerPath()), qPrintable(trainerPath()));
    }

    void everyRecordOfALongBurstIsStored()
    {
        constexpr qint64 Steps = 1000000; // 2 records per step: 2,000,003 records at 200k/s
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("burst.jsonl"));

        Workspace workspace;
        workspace.open(path);
        QCOMPARE(
            workspace.source(workspace.sourceIds().front()).state, Workspace::SourceState::Waiting);

        QProcess trainer;
        QElapsedTimer writing;
        writing.start();
        trainer.start(trainerPath(),
            { QStringLiteral("--out"), path, QStringLiteral("--steps"), QString::number(Steps),
                QStringLiteral("--rate"), QStringLiteral("200000"), QStringLiteral("--async"),
                QStringLiteral("--error-at"), QStringLiteral("-1") });
        QVERIFY(trainer.waitForStarted(10000));
        // The Workspace must keep up while the writer runs, not only catch up at the end: the
        // store is checked to grow during the burst.
        QTRY_VERIFY_WITH_TIMEOUT(storedRecords(workspace) > 500000, 30000);
        QVERIFY(trainer.state() == QProcess::Running);
        // Event processing while waiting, so that the Workspace merges as the records arrive.
        QTRY_VERIFY_WITH_TIMEOUT(trainer.state() == QProcess::NotRunning, 120000);
        const qint64 elapsed = writing.elapsed();
        QCOMPARE(trainer.exitStatus(), QProcess::NormalExit);
        QCOMPARE(trainer.exitCode(), 0);
        const qint64 written = trainerWrote(trainer.readAllStandardError());
        QCOMPARE(written, 2 * Steps + 3);
        QCOMPARE(countNewlines(path), written);

        QTRY_COMPARE_WITH_TIMEOUT(qint64(storedRecords(workspace)), written, 60000);
        QCOMPARE(storedMalformed(workspace), std::size_t(0));
        QCOMPARE(storedWithTag(workspace, QStringLiteral("step_end")), Steps);
        QCOMPARE(storedWithTag(workspace, QStringLiteral("step_begin")), Steps);
        qInfo("%lld records written in %lld ms while following", written, elapsed);
    }
};

QTEST_GUILESS_MAIN(TestFollowThroughput)
#include "tst_follow_throughput.moc"
