// Issue 5, fault row 4: four writer processes append to one file at full speed (sync and async,
// unbatched and batched). Every line is whole, every record of every writer is there once and in
// its order, and the viewer counts them all: --summary and a Workspace that followed the writing.
#include "fault_support.hpp"
#include "workspace.hpp"

#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

using namespace faults;
using viewer::Workspace;

class TestConcurrentWriters : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(trainerPath()), qPrintable(trainerPath()));
        QVERIFY2(QFile::exists(viewerPath()), qPrintable(viewerPath()));
    }

    void fourWritersAppendWholeLines()
    {
        constexpr int Steps = 10000;
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("shared.jsonl"));

        Workspace workspace;
        workspace.open(path); // waits for the file, then follows it

        const QList<QStringList> modes {
            {},
            { QStringLiteral("--flush-interval"), QStringLiteral("64") },
            { QStringLiteral("--async") },
            { QStringLiteral("--async"), QStringLiteral("--flush-interval"), QStringLiteral("64") },
        };
        std::vector<std::unique_ptr<QProcess>> writers;
        for (int rank = 0; rank < modes.size(); ++rank) {
            auto writer = std::make_unique<QProcess>();
            // --strict and no NaN: every line must parse with a strict JSON parser below.
            writer->start(trainerPath(),
                QStringList { QStringLiteral("--out"), path, QStringLiteral("--steps"),
                    QString::number(Steps), QStringLiteral("--rank"), QString::number(rank),
                    QStringLiteral("--strict"), QStringLiteral("--nan-every"), QStringLiteral("0"),
                    QStringLiteral("--error-at"), QStringLiteral("-1") }
                    + modes[rank]);
            writers.push_back(std::move(writer));
        }
        QHash<qint64, qint64> wrote; // rank -> records its logger wrote
        qint64 total = 0;
        for (int rank = 0; rank < int(writers.size()); ++rank) {
            QProcess& writer = *writers[std::size_t(rank)];
            QVERIFY(writer.waitForFinished(120000));
            QCOMPARE(writer.exitStatus(), QProcess::NormalExit);
            QCOMPARE(writer.exitCode(), 0);
            wrote[rank] = trainerWrote(writer.readAllStandardError());
            QCOMPARE(wrote[rank], qint64(2 * Steps + 3));
            total += wrote[rank];
        }

        // Every line whole: it parses, and each rank's records are complete and in order.
        const FileLines file = readLines(path);
        QVERIFY(file.tail.isEmpty());
        QHash<qint64, qint64> lines;
        QHash<qint64, qint64> nextStep;
        qint64 blank = 0;
        for (const QByteArray& line : file.lines) {
            // A logger that opened the file while another one's write(2) was in flight used to
            // take the file for "ending mid-line" and start with a newline: a blank line.
            if (line.isEmpty()) {
                ++blank;
                continue;
            }
            QJsonParseError error;
            const QJsonObject record = QJsonDocument::fromJson(line, &error).object();
            QVERIFY2(error.error == QJsonParseError::NoError, line.left(200).constData());
            const qint64 rank = record[QStringLiteral("rank")].toInteger(-1);
            QVERIFY2(wrote.contains(rank), line.left(200).constData());
            ++lines[rank];
            if (record[QStringLiteral("tag")].toString() == QLatin1String("step_end")) {
                QCOMPARE(record[QStringLiteral("step")].toInteger(), nextStep[rank]);
                ++nextStep[rank];
            }
        }
        QCOMPARE(lines, wrote);
        QCOMPARE(blank, qint64(0));
        QCOMPARE(qint64(file.lines.size()), total);
        for (qint64 rank : wrote.keys())
            QCOMPARE(nextStep[rank], qint64(Steps));

        const Summary s = summary({ path });
        QCOMPARE(s.status, 0);
        QCOMPARE(s.records(0), total);
        QCOMPARE(s.malformed(0).size(), 0);
        QCOMPARE(s.blankLines(0), blank);

        QTRY_COMPARE_WITH_TIMEOUT(qint64(storedRecords(workspace)), total, 60000);
        QCOMPARE(storedMalformed(workspace), std::size_t(0));
    }
};

QTEST_GUILESS_MAIN(TestConcurrentWriters)
#include "tst_concurrent_writers.moc"
