// Issue 5, fault row 5: while a Workspace follows a file that a trainer process is writing, the
// file is truncated, atomically replaced, or deleted (the logger creates it again). The view
// starts over cleanly: once the writer is done, the store holds exactly the file's records, each
// once, at its own line, with its own tag and step (nothing stale, nothing twice).
#include "data_table.hpp"
#include "fault_support.hpp"
#include "workspace.hpp"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <map>

using namespace faults;
using viewer::Workspace;

namespace {

enum class Change
{
    Truncate,
    AtomicReplace,
    DeleteAndRecreate,
};

QByteArray stepLines(int count)
{
    QByteArray bytes;
    for (int i = 0; i < count; ++i)
        bytes += "{\"ts\":1700000001.0,\"tag\":\"replacement\",\"step\":" + QByteArray::number(i)
            + ",\"context\":{\"loss\":0.25}}\n";
    return bytes;
}

bool applyChange(const QString& path, Change change)
{
    switch (change) {
    case Change::Truncate:
        return QFile::resize(path, 0);
    case Change::AtomicReplace:
        return faults::replaceAtomically(path, stepLines(100));
    case Change::DeleteAndRecreate:
        return QFile::remove(path);
    }
    return false;
}

// Checks that the store and the file agree record for record: every record sits at the start of
// a distinct complete line, with that line's tag and step, and there are as many as lines.
void verifyStoreMatchesFile(const Workspace& workspace, const QString& path)
{
    const FileLines file = readLines(path);
    QVERIFY(file.tail.isEmpty());
    std::map<std::uint64_t, std::size_t> lineAt;
    for (std::size_t i = 0; i < file.offsets.size(); ++i)
        lineAt[file.offsets[i]] = i;
    std::vector<bool> seen(file.lines.size(), false);
    std::size_t records = 0;
    for (int id : workspace.runIds()) {
        const viewer::Run* run = workspace.run(id);
        QVERIFY(run);
        QVERIFY(run->malformed.empty());
        for (std::uint32_t r = 0; r < run->records.size(); ++r, ++records) {
            const auto it = lineAt.find(run->records.offset(r));
            QVERIFY2(it != lineAt.end(), "a record that is not at a line of the file");
            QVERIFY2(!seen[it->second], "a line stored twice");
            seen[it->second] = true;
            const QJsonObject line = QJsonDocument::fromJson(file.lines[it->second]).object();
            QCOMPARE(run->tags.at(run->records.tag(r)), line[QStringLiteral("tag")].toString());
            if (line.contains(QStringLiteral("step")))
                QCOMPARE(run->records.step(r), line[QStringLiteral("step")].toDouble());
        }
    }
    QCOMPARE(records, file.lines.size());
}

} // namespace

Q_DECLARE_METATYPE(Change)

class TestFollowFaults : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(trainerPath()), qPrintable(trainerPath()));
    }

    void fileChangesUnderAWriter_data()
    {
        testing::addTable<Change, QString>({ "change", "reason" },
            {
                { "truncate", Change::Truncate, QStringLiteral("file truncated") },
                { "atomic replace", Change::AtomicReplace, QStringLiteral("file replaced") },
                { "delete and recreate", Change::DeleteAndRecreate,
                    QStringLiteral("file deleted and recreated") },
            });
    }
    void fileChangesUnderAWriter()
    {
        QFETCH(Change, change);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));

        // 3 s of records at 4,000/s: the change lands in the middle of the writing, and the
        // logger (which looks for a deleted file once a second) has time to create it again.
        QProcess trainer;
        trainer.start(trainerPath(),
            { QStringLiteral("--out"), path, QStringLiteral("--steps"), QStringLiteral("6000"),
                QStringLiteral("--rate"), QStringLiteral("4000"), QStringLiteral("--strict"),
                QStringLiteral("--quiet") });
        QVERIFY(trainer.waitForStarted(10000));

        Workspace workspace;
        QSignalSpy reset(&workspace, &Workspace::sourceReset);
        workspace.open(path);
        QTRY_VERIFY_WITH_TIMEOUT(storedRecords(workspace) >= 1000, 30000);
        QVERIFY(trainer.state() == QProcess::Running);
        QVERIFY(applyChange(path, change));

        QTRY_VERIFY_WITH_TIMEOUT(!reset.isEmpty(), 30000);
        QCOMPARE(reset.first().at(1).toString(), reason);
        QVERIFY(trainer.waitForFinished(60000));
        QCOMPARE(trainer.exitStatus(), QProcess::NormalExit);
        QCOMPARE(trainer.exitCode(), 0);

        const qint64 lines = countNewlines(path);
        QVERIFY(lines > 0);
        QTRY_COMPARE_WITH_TIMEOUT(qint64(storedRecords(workspace)), lines, 30000);
        verifyStoreMatchesFile(workspace, path);
    }
};

QTEST_GUILESS_MAIN(TestFollowFaults)
#include "tst_follow_faults.moc"
