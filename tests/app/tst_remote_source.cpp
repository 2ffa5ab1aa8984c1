// Remote sources (issue 16) against a real OpenSSH server on 127.0.0.1 (ssh_test_server.hpp):
// follow a file and a folder, a folder of more files than sshd's MaxSessions, truncation,
// rotation, a connection killed mid-stream, a server restart, a wrong key, hostile path names,
// back-pressure, names that say the host. Skipped, saying why, when sshd cannot start here.

#include "chunk_budget.hpp"
#include "data_table.hpp"
#include "remote_session.hpp"
#include "remote_source.hpp"
#include "run.hpp"
#include "run_group_ids.hpp"
#include "run_grouping.hpp"
#include "ssh_command.hpp"
#include "ssh_test_server.hpp"
#include "workspace.hpp"

#include <QSignalSpy>
#include <QTest>

#include <csignal>

using namespace viewer;

namespace {

QByteArray records(int from, int count, int padding = 0)
{
    QByteArray text;
    const QByteArray pad(padding, 'x');
    for (int i = from; i < from + count; ++i)
        text += "{\"ts\": " + QByteArray::number(1000 + i)
            + ", \"tag\": \"step_end\", \"step\": " + QByteArray::number(i)
            + ", \"context\": {\"loss\": 0.5, \"note\": \"" + pad + "\"}}\n";
    return text;
}

void writeFile(const QString& path, const QByteArray& bytes, QIODevice::OpenMode mode)
{
    QFile file(path);
    QVERIFY(file.open(mode));
    QCOMPARE(file.write(bytes), bytes.size());
}

// Cuts the connections of this process's follow sessions: SIGKILL to every ssh child whose
// command line holds the remote loop. Returns how many it killed.
int killSsh()
{
    int killed = 0;
    const QString self = QString::number(QCoreApplication::applicationPid());
    for (const QString& entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(entry));
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(entry));
        if (!stat.open(QIODevice::ReadOnly) || !cmdline.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = stat.readAll();
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        if (fields.value(1) == self.toLatin1() && cmdline.readAll().contains("follow=1; single="))
            killed += ::kill(static_cast<pid_t>(entry.toInt()), SIGKILL) == 0 ? 1 : 0;
    }
    return killed;
}

qint64 recordCount(const Workspace& workspace)
{
    qint64 count = 0;
    for (int id : workspace.runIds())
        count += static_cast<qint64>(workspace.run(id)->records.size());
    return count;
}

} // namespace

class TestRemoteSource : public QObject
{
    Q_OBJECT

    SshTestServer m_server;
    QString m_skip;
    QTemporaryDir m_files;

    static QString url(const QString& path)
    {
        return SshTestServer::url(path);
    }

private slots:
    void initTestCase()
    {
        m_server.startAsTheSshCommand(&m_skip);
    }

    void init()
    {
        if (!m_skip.isEmpty())
            QSKIP(qPrintable(QStringLiteral("sshd cannot run here: ") + m_skip));
        qputenv("TELEMETRY_SSH_COMMAND", m_server.sshCommand().toLocal8Bit());
    }

    void shellQuote_data()
    {
        testing::addTable<QString, QString>({ "text", "quoted" },
            {
                { "plain", "/runs/a.jsonl", "'/runs/a.jsonl'" },
                { "quote", "it's", "'it'\\''s'" },
                { "command substitution", "$(touch x)", "'$(touch x)'" },
                { "empty", "", "''" },
            });
    }
    void shellQuote()
    {
        QFETCH(QString, text);
        QFETCH(QString, quoted);
        QCOMPARE(SshCommand::shellQuote(text), quoted);
    }

    void parseUrl_data()
    {
        testing::addTable<QString, QString, int, QString, bool, QString>(
            { "text", "destination", "port", "path", "folder", "error" },
            {
                { "file", "ssh://node1/runs/r.jsonl", "node1", -1, "/runs/r.jsonl", false, "" },
                { "user, port, folder", "ssh://me@node2:2222/runs/job7/", "me@node2", 2222,
                    "/runs/job7", true, "" },
                { "ipv6", "ssh://[::1]:22/r.jsonl", "::1", 22, "/r.jsonl", false, "" },
                { "option as host", "ssh://-oProxyCommand=x/r.jsonl", "", -1, "", false,
                    "ssh://-oProxyCommand=x/r.jsonl: bad user or host name" },
                { "newline", "ssh://h/a\nb.jsonl", "", -1, "", false,
                    "ssh://h/a\\nb.jsonl: a remote path with a newline or NUL is refused" },
                { "no path", "ssh://h", "", -1, "", false,
                    "ssh://h: no remote path (ssh://[user@]host[:port]/path)" },
            });
    }
    void parseUrl()
    {
        QFETCH(QString, text);
        QFETCH(QString, destination);
        QFETCH(int, port);
        QFETCH(QString, path);
        QFETCH(bool, folder);
        QFETCH(QString, error);
        QString why;
        const RemoteUrl parsed = RemoteUrl::parse(text, &why);
        QCOMPARE(why, error);
        QCOMPARE(parsed.isValid(), error.isEmpty());
        if (!parsed.isValid())
            return;
        QCOMPARE(parsed.destination(), destination);
        QCOMPARE(parsed.port, port);
        QCOMPARE(parsed.path, path);
        QCOMPARE(parsed.isFolder, folder);
    }

    // Two hosts' folders of the same name never show the same name: the host (and the port the
    // address gives) is part of a remote source's name, its group's and its file's.
    void remoteNamesSayTheHost_data()
    {
        testing::addTable<QString, QString, QString, QString>(
            { "file", "shown", "folderGroup", "fileGroup" },
            {
                { "host", "ssh://node1/runs/job7/rank0.jsonl", "node1:rank0.jsonl", "node1:job7",
                    "node1:rank0.jsonl" },
                { "other host", "ssh://node2/runs/job7/rank0.jsonl", "node2:rank0.jsonl",
                    "node2:job7", "node2:rank0.jsonl" },
                { "port", "ssh://me@localhost:2222/runs/job7/rank0.jsonl",
                    "localhost:2222:rank0.jsonl", "localhost:2222:job7",
                    "localhost:2222:rank0.jsonl" },
                { "ipv6", "ssh://[::1]:22/job7/r.jsonl", "[::1]:22:r.jsonl", "[::1]:22:job7",
                    "[::1]:22:r.jsonl" },
                { "local: as before", "/runs/job7/rank0.jsonl", "", "job7", "rank0.jsonl" },
            });
    }
    void remoteNamesSayTheHost()
    {
        QFETCH(QString, file);
        QFETCH(QString, shown);
        QFETCH(QString, folderGroup);
        QFETCH(QString, fileGroup);
        QCOMPARE(RemoteUrl::shownNameOf(file), shown);
        Run run;
        run.sourcePath = file;
        const QString folder = QStringLiteral("folder");
        QCOMPARE(RunGroupIds::labelOf(folder, runGroupKey(run, folder)), folderGroup);
        const QString whole = QStringLiteral("file");
        QCOMPARE(RunGroupIds::labelOf(whole, runGroupKey(run, whole)), fileGroup);
        if (RemoteUrl::isRemote(file)) // the folder itself, as a source
            QCOMPARE(RemoteUrl::shownNameOf(file.left(file.lastIndexOf(QLatin1Char('/')) + 1)),
                folderGroup);
    }

    // Two folders called job7 through two addresses (no port, and the server's port): two
    // groups with two names.
    void twoFoldersOfOneNameTwoGroups()
    {
        QStringList addresses;
        for (const QString& node : { QStringLiteral("node1"), QStringLiteral("node2") }) {
            const QString folder = m_files.filePath(node + QStringLiteral("/runs/job7"));
            QVERIFY(QDir().mkpath(folder));
            writeFile(folder + QStringLiteral("/rank0.jsonl"), records(0, 3), QIODevice::WriteOnly);
            writeFile(folder + QStringLiteral("/rank1.jsonl"), records(0, 3), QIODevice::WriteOnly);
            addresses << (addresses.isEmpty()
                    ? url(folder + QLatin1Char('/'))
                    : QStringLiteral("ssh://127.0.0.1:%1%2/").arg(m_server.port).arg(folder));
        }
        Workspace workspace;
        for (const QString& address : addresses)
            workspace.open(address, /*follow=*/false);
        QTRY_VERIFY_WITH_TIMEOUT(workspace.isIdle(), 20000);
        QCOMPARE(recordCount(workspace), 12);
        RunGroupIds groups;
        groups.setField(QStringLiteral("folder"));
        QMap<QString, int> members; // group label -> runs
        QSet<int> ids;
        for (int id : workspace.runIds()) {
            const RunGroupIds::Group g = groups.groupOf(*workspace.run(id));
            ++members[g.label];
            ids.insert(g.id);
        }
        QCOMPARE(ids.size(), 2);
        const QString withPort = QStringLiteral("127.0.0.1:%1:job7").arg(m_server.port);
        QCOMPARE(members,
            (QMap<QString, int> { { QStringLiteral("127.0.0.1:job7"), 2 }, { withPort, 2 } }));
    }

    void followFile()
    {
        const QString file = m_files.filePath(QStringLiteral("follow.jsonl"));
        writeFile(file, records(0, 10), QIODevice::WriteOnly | QIODevice::Truncate);
        Workspace workspace;
        const int id = workspace.open(url(file));
        QTRY_COMPARE_WITH_TIMEOUT(
            workspace.source(id).state, Workspace::SourceState::Following, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(recordCount(workspace), 10, 10000);
        writeFile(file, records(10, 5), QIODevice::Append);
        QTRY_COMPARE_WITH_TIMEOUT(recordCount(workspace), 15, 10000);
        QCOMPARE(workspace.runIds().size(), 1);
        QCOMPARE(workspace.run(workspace.runIds().first())->displayName, QStringLiteral("follow"));
    }

    void readOnce()
    {
        const QString file = m_files.filePath(QStringLiteral("once.jsonl"));
        writeFile(file, records(0, 7) + "{\"tag\": \"step_end\"",
            QIODevice::WriteOnly | QIODevice::Truncate);
        Workspace workspace;
        const int id = workspace.open(url(file), /*follow=*/false);
        QTRY_COMPARE_WITH_TIMEOUT(workspace.source(id).state, Workspace::SourceState::Idle, 20000);
        QCOMPARE(recordCount(workspace), 7);
        QCOMPARE(workspace.source(id).message,
            QStringLiteral("line 8 is incomplete (no newline at the end): not read"));
        QVERIFY(workspace.isIdle());
    }

    // Reading once is loading until the end: never "following" in between (headless modes and
    // Workspace::isIdle() took that moment for the end).
    void readOnceNeverFollows()
    {
        const QString file = m_files.filePath(QStringLiteral("once_states.jsonl"));
        writeFile(file, records(0, 50), QIODevice::WriteOnly | QIODevice::Truncate);
        RemoteSource source(RemoteUrl::parse(url(file), nullptr), /*follow=*/false);
        QList<RemoteSource::State> states;
        connect(&source, &RemoteSource::stateChanged, this,
            [&](RemoteSource::State state, const QString&) { states << state; });
        source.start();
        QTRY_COMPARE_WITH_TIMEOUT(source.state(), RemoteSource::State::Finished, 20000);
        QVERIFY2(!states.contains(RemoteSource::State::Following),
            qPrintable(QStringLiteral("%1 states, following among them").arg(states.size())));
    }

    void missingFileReadOnceFails()
    {
        Workspace workspace;
        const int id = workspace.open(url(m_files.filePath(QStringLiteral("nope.jsonl"))), false);
        QTRY_COMPARE_WITH_TIMEOUT(
            workspace.source(id).state, Workspace::SourceState::Failed, 20000);
        QVERIFY2(workspace.source(id).message.contains(QStringLiteral("No such file")),
            qPrintable(workspace.source(id).message));
    }

    void followFolder()
    {
        const QString folder = m_files.filePath(QStringLiteral("ranks"));
        QVERIFY(QDir().mkpath(folder));
        writeFile(folder + QStringLiteral("/rank0.jsonl"), records(0, 4), QIODevice::WriteOnly);
        writeFile(folder + QStringLiteral("/notes.txt"), "not a run\n", QIODevice::WriteOnly);
        Workspace workspace;
        const int id = workspace.open(url(folder + QLatin1Char('/')));
        QTRY_COMPARE_WITH_TIMEOUT(
            workspace.source(id).state, Workspace::SourceState::Following, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(recordCount(workspace), 4, 10000);
        writeFile(folder + QStringLiteral("/rank1.jsonl"), records(0, 6), QIODevice::WriteOnly);
        QTRY_COMPARE_WITH_TIMEOUT(workspace.runIds().size(), 2, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(recordCount(workspace), 10, 10000);
    }

    // sshd's default MaxSessions is 10 per connection: a folder of 24 rank files is followed
    // whole, every record of every file once (the store equals the files).
    void manyFilesInOneFolder()
    {
        const QString folder = m_files.filePath(QStringLiteral("many"));
        QVERIFY(QDir().mkpath(folder));
        constexpr int Files = 24;
        for (int i = 0; i < Files; ++i)
            writeFile(folder + QStringLiteral("/rank%1.jsonl").arg(i), records(0, 10 + i),
                QIODevice::WriteOnly);
        Workspace workspace;
        const int id = workspace.open(url(folder + QLatin1Char('/')));
        QTRY_COMPARE_WITH_TIMEOUT(
            workspace.source(id).state, Workspace::SourceState::Following, 30000);
        const qint64 expected = Files * 10 + Files * (Files - 1) / 2;
        QTRY_COMPARE_WITH_TIMEOUT(recordCount(workspace), expected, 30000);
        for (int i = 0; i < Files; ++i)
            writeFile(folder + QStringLiteral("/rank%1.jsonl").arg(i), records(100, 3),
                QIODevice::Append);
        QTRY_COMPARE_WITH_TIMEOUT(recordCount(workspace), expected + 3 * Files, 30000);
        QCOMPARE(workspace.runIds().size(), Files);
        // A file joins (the session starts again with 25 files) and the connection is cut: each
        // file resumes at its own offset, nothing twice.
        writeFile(folder + QStringLiteral("/rank%1.jsonl").arg(Files), records(0, 5),
            QIODevice::WriteOnly);
        QTRY_COMPARE_WITH_TIMEOUT(workspace.runIds().size(), Files + 1, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(recordCount(workspace), expected + 3 * Files + 5, 30000);
        QCOMPARE(killSsh(), 1); // one session for 25 files
        for (int i = 0; i <= Files; ++i)
            writeFile(folder + QStringLiteral("/rank%1.jsonl").arg(i), records(200, 2),
                QIODevice::Append);
        QTRY_COMPARE_WITH_TIMEOUT(recordCount(workspace), expected + 5 * Files + 7, 30000);
        for (int runId : workspace.runIds()) {
            const QString name = workspace.run(runId)->displayName;
            const int rank = name.mid(4).toInt();
            QCOMPARE(qint64(workspace.run(runId)->records.size()),
                rank == Files ? qint64(7) : qint64(10 + rank + 5));
        }
        QTRY_COMPARE_WITH_TIMEOUT(
            workspace.source(id).state, Workspace::SourceState::Following, 30000);
    }

    // Sixteen sources of one host opened at once share the one connection the first opens: the
    // others wait for its socket instead of each opening one (one of 12 failed so, dropped by
    // sshd's MaxStartups 10 with "kex_exchange_identification: ... Connection reset by peer").
    void manySourcesOfOneHostAtOnce()
    {
        // An ssh command of its own: no shared connection exists yet.
        qputenv("TELEMETRY_SSH_COMMAND",
            (m_server.sshCommand() + QStringLiteral(" -o ConnectTimeout=29")).toLocal8Bit());
        constexpr int Sources = 16;
        Workspace workspace;
        QList<int> ids;
        for (int i = 0; i < Sources; ++i) {
            const QString file = m_files.filePath(QStringLiteral("at_once%1.jsonl").arg(i));
            writeFile(file, records(0, 20), QIODevice::WriteOnly | QIODevice::Truncate);
            ids << workspace.open(url(file), /*follow=*/false);
        }
        QTRY_VERIFY_WITH_TIMEOUT(workspace.isIdle(), 60000);
        for (int id : ids)
            QVERIFY2(workspace.source(id).state == Workspace::SourceState::Idle,
                qPrintable(QStringLiteral("state %1: %2")
                               .arg(int(workspace.source(id).state))
                               .arg(workspace.source(id).message)));
        QCOMPARE(recordCount(workspace), 20 * Sources);
    }

    void truncationStartsOver()
    {
        const QString file = m_files.filePath(QStringLiteral("truncated.jsonl"));
        writeFile(file, records(0, 20), QIODevice::WriteOnly | QIODevice::Truncate);
        Workspace workspace;
        QSignalSpy resets(&workspace, &Workspace::sourceReset);
        const int id = workspace.open(url(file));
        QTRY_COMPARE_WITH_TIMEOUT(
            workspace.source(id).state, Workspace::SourceState::Following, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(recordCount(workspace), 20, 10000);
        writeFile(file, records(100, 3), QIODevice::WriteOnly | QIODevice::Truncate);
        QTRY_COMPARE_WITH_TIMEOUT(resets.size(), 1, 10000);
        QCOMPARE(resets.first().at(1).toString(), QStringLiteral("file truncated"));
        QTRY_COMPARE_WITH_TIMEOUT(recordCount(workspace), 3, 10000);
    }

    void replacedFileStartsOver()
    {
        const QString file = m_files.filePath(QStringLiteral("replaced.jsonl"));
        writeFile(file, records(0, 5), QIODevice::WriteOnly | QIODevice::Truncate);
        Workspace workspace;
        QSignalSpy resets(&workspace, &Workspace::sourceReset);
        const int id = workspace.open(url(file));
        QTRY_COMPARE_WITH_TIMEOUT(recordCount(workspace), 5, 20000);
        const QString next = file + QStringLiteral(".new");
        writeFile(next, records(50, 8), QIODevice::WriteOnly);
        QVERIFY(::rename(QFile::encodeName(next).constData(), QFile::encodeName(file).constData())
            == 0);
        QTRY_COMPARE_WITH_TIMEOUT(resets.size(), 1, 10000);
        QCOMPARE(resets.first().at(1).toString(), QStringLiteral("file replaced"));
        QTRY_COMPARE_WITH_TIMEOUT(recordCount(workspace), 8, 10000);
        QCOMPARE(workspace.source(id).state, Workspace::SourceState::Following);
    }

    // A rotation (mv f f.1; new f) reads the old file's unread tail before the new file, and
    // keeps the data (no reset). In a folder whose glob matches the rotated name, the old file is
    // not followed again under it: its lines are in the store once.
    void rotationDrainsTheOldFile_data()
    {
        testing::addTable<bool, QString>({ "folder", "rotatedName" },
            {
                { "file, f.1", false, "run.jsonl.1" },
                { "folder, f.1", true, "run.jsonl.1" },
                { "folder, rotated name matches *.jsonl", true, "run-1.jsonl" },
            });
    }
    void rotationDrainsTheOldFile()
    {
        QFETCH(bool, folder);
        QFETCH(QString, rotatedName);
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("run.jsonl"));
        writeFile(file, records(0, 10), QIODevice::WriteOnly);
        RemoteSource source(
            RemoteUrl::parse(url(folder ? dir.path() + QLatin1Char('/') : file), nullptr), true);
        QHash<QString, qint64> lines; // by chunk path
        QList<quint64> generations;
        QSignalSpy resets(&source, &RemoteSource::fileReset);
        connect(&source, &RemoteSource::linesRead, this, [&](const LineChunk& chunk) {
            lines[chunk.path] += chunk.lineCount;
            generations << chunk.generation;
        });
        source.start();
        const QString address = url(file);
        QTRY_COMPARE_WITH_TIMEOUT(lines.value(address), 10, 20000);
        // The appended tail and the rotation within one poll (~100 ms): the tail is unread when
        // the loop sees the new file.
        {
            QFile old(file);
            QVERIFY(old.open(QIODevice::Append));
            old.write(records(10, 5));
            old.close();
            QVERIFY(QFile::rename(file, dir.filePath(rotatedName)));
            writeFile(file, records(100, 3), QIODevice::WriteOnly);
        }
        QTRY_COMPARE_WITH_TIMEOUT(lines.value(address), 18, 10000);
        QCOMPARE(resets.size(), 0);
        QCOMPARE(generations.last(), quint64(1));
        if (folder) {
            // Wait until the folder was listed again with the rotated name, then for two whole
            // passes of the loop (a record appended after another arrived).
            if (rotatedName.endsWith(QLatin1String(".jsonl")))
                QTRY_COMPARE_WITH_TIMEOUT(source.session()->fileCount(), 2, 10000);
            for (int i = 0; i < 2; ++i) {
                writeFile(file, records(200 + i, 1), QIODevice::Append);
                QTRY_COMPARE_WITH_TIMEOUT(lines.value(address), 19 + i, 10000);
            }
        }
        QCOMPARE(lines.size(), 1); // the rotated name gave no lines
        QCOMPARE(source.state(), RemoteSource::State::Following);
    }

    // Nothing lost, nothing twice: the bytes delivered are the file's, in order, exactly once.
    void killedConnectionResumes()
    {
        const QString file = m_files.filePath(QStringLiteral("stream.jsonl"));
        const QByteArray first = records(0, 200000, 100);
        writeFile(file, first, QIODevice::WriteOnly | QIODevice::Truncate);
        QString error;
        RemoteSource source(RemoteUrl::parse(url(file), &error), /*follow=*/true);
        QByteArray received;
        qint64 killedAt = -1;
        qint64 lines = 0;
        connect(&source, &RemoteSource::linesRead, this, [&](const LineChunk& chunk) {
            QCOMPARE(chunk.offset, received.size()); // contiguous: no gap, no repeat
            QCOMPARE(chunk.firstLine, lines + 1);
            received += chunk.bytes;
            lines += chunk.lineCount;
            if (killedAt < 0 && received.size() > first.size() / 4) {
                killedAt = received.size();
                const qint64 pid = source.session()->processId();
                QVERIFY(pid > 0);
                ::kill(static_cast<pid_t>(pid), SIGKILL);
            }
        });
        QSignalSpy states(&source, &RemoteSource::stateChanged);
        source.start();
        QTRY_VERIFY_WITH_TIMEOUT(killedAt > 0, 20000);
        QVERIFY2(killedAt < first.size(), "the connection was cut before the end of the stream");
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(states.cbegin(), states.cend(),
                                     [](const QList<QVariant>& s) {
                                         return s.at(0).value<RemoteSource::State>()
                                             == RemoteSource::State::Reconnecting;
                                     }),
            10000);
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), first.size(), 30000);
        writeFile(file, records(200000, 10, 100), QIODevice::Append);
        QTRY_COMPARE_WITH_TIMEOUT(lines, 200010, 10000);
        QFile whole(file);
        QVERIFY(whole.open(QIODevice::ReadOnly));
        QVERIFY(received == whole.readAll());
        QCOMPARE(source.state(), RemoteSource::State::Following);
    }

    // Back-pressure: with nothing merged (the consumer keeps every chunk's credit), the bytes
    // delivered stay near the budget: ssh's output is not read, its channel window holds the
    // remote side. Once the credits are given back, the rest arrives, exactly the file.
    void readerWaitsForItsConsumer()
    {
        const QString file = m_files.filePath(QStringLiteral("pressure.jsonl"));
        const QByteArray bytes = records(0, 100000, 100); // ~19 MB
        writeFile(file, bytes, QIODevice::WriteOnly | QIODevice::Truncate);
        constexpr qint64 Limit = 1024 * 1024;
        constexpr qint64 OneRead = 4 * 1024 * 1024; // RemoteSession's most per event-loop pass
        auto budget = std::make_shared<ChunkBudget>(Limit);
        RemoteSession session(RemoteUrl::parse(url(file), nullptr), /*singleFile=*/true,
            /*follow=*/false);
        session.setChunkBudget(budget);
        QList<LineChunk> held; // not merged: their credits stay taken
        QByteArray received;
        connect(&session, &RemoteSession::linesRead, this, [&](const LineChunk& chunk) {
            QCOMPARE(chunk.offset, received.size());
            received += chunk.bytes;
            held << chunk;
        });
        session.addFiles({ file }, {});
        QTRY_VERIFY_WITH_TIMEOUT(received.size() >= Limit, 20000);
        QTest::qWait(500); // it must not read on past its budget (by one read at most)
        QVERIFY2(received.size() <= Limit + OneRead,
            qPrintable(QStringLiteral("%1 bytes delivered with a budget of %2")
                           .arg(received.size())
                           .arg(Limit)));
        QVERIFY(received.size() < bytes.size());
        QCOMPARE(session.state(), RemoteSession::State::Connecting);
        held.clear(); // merged: the credits come back, reading goes on (each chunk taken in turn)
        connect(&session, &RemoteSession::linesRead, this, [&] { held.clear(); });
        QTRY_COMPARE_WITH_TIMEOUT(session.state(), RemoteSession::State::Finished, 30000);
        QVERIFY(received == bytes);
        QVERIFY(budget->peakBytesInFlight() <= Limit + OneRead);
    }

    void serverRestartReconnects()
    {
        const QString file = m_files.filePath(QStringLiteral("restart.jsonl"));
        writeFile(file, records(0, 10), QIODevice::WriteOnly | QIODevice::Truncate);
        Workspace workspace;
        const int id = workspace.open(url(file));
        QTRY_COMPARE_WITH_TIMEOUT(recordCount(workspace), 10, 20000);
        m_server.stop();
        QTRY_VERIFY_WITH_TIMEOUT(
            workspace.source(id).message.startsWith(QStringLiteral("reconnecting (attempt ")),
            20000);
        QCOMPARE(workspace.source(id).state, Workspace::SourceState::Waiting);
        writeFile(file, records(10, 5), QIODevice::Append);
        QString why;
        QVERIFY2(m_server.restart(&why), qPrintable(why));
        QTRY_COMPARE_WITH_TIMEOUT(
            workspace.source(id).state, Workspace::SourceState::Following, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(recordCount(workspace), 15, 10000);
        QCOMPARE(workspace.runIds().size(), 1);
    }

    void wrongKeyFails()
    {
        qputenv("TELEMETRY_SSH_COMMAND",
            m_server.sshCommand(m_server.path(QStringLiteral("other_key"))).toLocal8Bit());
        const QString file = m_files.filePath(QStringLiteral("follow.jsonl"));
        writeFile(file, records(0, 1), QIODevice::WriteOnly | QIODevice::Truncate);
        Workspace workspace;
        const int id = workspace.open(url(file));
        QTRY_COMPARE_WITH_TIMEOUT(
            workspace.source(id).state, Workspace::SourceState::Failed, 20000);
        QVERIFY2(workspace.source(id).message.contains(QStringLiteral("Permission denied")),
            qPrintable(workspace.source(id).message));
        QCOMPARE(recordCount(workspace), 0);
    }

    void hostilePathNames_data()
    {
        testing::addTable<QString>({ "name" },
            {
                { "single quote", "it's.jsonl" },
                { "spaces", "a b  c.jsonl" },
                { "command substitution", "$(touch PWNED).jsonl" },
                { "backticks", "`touch PWNED`.jsonl" },
                { "quotes and semicolon", "x'; touch PWNED; echo '\".jsonl" },
                { "leading dash", "-n.jsonl" },
                { "percent placeholders", "100%2 %1.jsonl" },
                { "leading spaces", "  lead.jsonl" },
                { "backslashes", "a\\nb\\\\.jsonl" },
                { "stat format", "%n %s %d:%i.jsonl" },
            });
    }
    void hostilePathNames()
    {
        QFETCH(QString, name);
        QTemporaryDir folder;
        const QString pwned = folder.filePath(QStringLiteral("PWNED"));
        name.replace(QStringLiteral("PWNED"), pwned);
        // A name may not hold '/': put the hostile part in the file name, the marker's path aside.
        const QString file =
            folder.filePath(QString(name).replace(QLatin1Char('/'), QLatin1Char('_')));
        writeFile(file, records(0, 3), QIODevice::WriteOnly);
        Workspace workspace;
        const int id = workspace.open(url(file), false);
        QTRY_COMPARE_WITH_TIMEOUT(workspace.source(id).state, Workspace::SourceState::Idle, 20000);
        QCOMPARE(recordCount(workspace), 3);
        // and as a file of a followed folder
        const int folderId = workspace.open(url(folder.path() + QLatin1Char('/')), false);
        QTRY_COMPARE_WITH_TIMEOUT(
            workspace.source(folderId).state, Workspace::SourceState::Idle, 20000);
        QCOMPARE(recordCount(workspace), 6);
        QVERIFY(!QFile::exists(pwned));
        QVERIFY(!QFile::exists(QStringLiteral("PWNED")));
    }

    void newlineInPathRefused()
    {
        Workspace workspace;
        const int id = workspace.open(url(m_files.filePath(QStringLiteral("a\nb.jsonl"))));
        QCOMPARE(workspace.source(id).state, Workspace::SourceState::Failed);
        QVERIFY2(workspace.source(id).message.endsWith(
                     QStringLiteral("a remote path with a newline or NUL is refused")),
            qPrintable(workspace.source(id).message));
    }
};

QTEST_GUILESS_MAIN(TestRemoteSource)
#include "tst_remote_source.moc"
