// Issue 5, fault rows 6 and 7, through `telemetry-viewer --summary` processes: a hostile line
// (100 MB without a newline, 100k-deep nesting, NUL bytes, invalid UTF-8, 1e400, -0) is rejected
// with its line number and a reason, or read as documented, the lines around it are read, and a
// 100 MB line costs bounded memory; unusable paths (random bytes, an empty file, a folder named
// like a file, a missing file) each get a clear note and do not affect the others.
#include "data_table.hpp"
#include "fault_support.hpp"
#include "measured_child.hpp"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace faults;

namespace {

QByteArray stepLine(int step)
{
    return "{\"ts\":1700000000.0,\"tag\":\"step_end\",\"step\":" + QByteArray::number(step)
        + ",\"context\":{\"loss\":0.5}}\n";
}

QByteArray withContext(const QByteArray& context)
{
    return "{\"ts\":1700000000.0,\"tag\":\"step_end\",\"step\":2,\"context\":" + context + "}\n";
}

bool write(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// Writes `head`, then `size` bytes of an unterminated JSON string (a parser that buffered it
// would hold all of it), then `tail`; in pieces, so the test itself stays small.
bool writeHugeLine(const QString& path, const QByteArray& head, qint64 size, const QByteArray& tail)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(head);
    file.write("{\"ts\":1700000000.0,\"tag\":\"step_end\",\"step\":2,\"context\":{\"blob\":\"");
    const QByteArray piece(1 << 20, 'x');
    for (qint64 written = 0; written < size; written += piece.size())
        if (file.write(piece) != piece.size())
            return false;
    return file.write(tail) == tail.size();
}

QString noteOf(const QJsonObject& source)
{
    return source[QStringLiteral("note")].toString();
}

} // namespace

class TestHostileFiles : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(viewerPath()), qPrintable(viewerPath()));
    }

    // Row 6: one hostile line between two good ones.
    void hostileLineIsRejectedWithAReason_data()
    {
        testing::addTable<QByteArray, QString>({ "line", "reason" },
            {
                // a pattern; empty: the line is a record
                { "1e400", withContext("{\"loss\":1e400}"),
                    QStringLiteral("^number out of range at column \\d+$") },
                { "-0", withContext("{\"loss\":-0}"), QString() },
                { "2^64", withContext("{\"loss\":18446744073709551616}"), QString() },
                { "NUL inside a string",
                    withContext("{\"note\":\"a" + QByteArray(1, '\0') + "b\",\"loss\":1}"),
                    QStringLiteral(
                        "^not JSON: unescaped control character in a string at column \\d+$") },
                { "NUL between tokens", withContext("{\"loss\":" + QByteArray(1, '\0') + " 1}"),
                    QStringLiteral("^not JSON: .* at column \\d+$") },
                { "a line of NUL bytes (preallocated tail)", QByteArray(4096, '\0') + '\n',
                    QStringLiteral("^not JSON: .* at column 1$") },
                { "invalid UTF-8 in a key", withContext("{\"l\xC3\x28ss\":1}"),
                    QStringLiteral("^invalid UTF-8 at column \\d+$") },
                { "overlong UTF-8 in a string", withContext("{\"note\":\"\xC0\xAF\",\"loss\":1}"),
                    QStringLiteral("^invalid UTF-8 at column \\d+$") },
                { "100k-deep objects",
                    withContext(QByteArray("{\"a\":").repeated(100000) + '1'
                        + QByteArray("}").repeated(100000)),
                    QStringLiteral("^nested deeper than 64 levels at column \\d+$") },
                // The array is refused before its depth matters: it is not an object.
                { "100k-deep arrays", QByteArray("[").repeated(100000) + '\n',
                    QStringLiteral("^not a JSON object|^nested deeper than 64 levels") },
            });
    }
    void hostileLineIsRejectedWithAReason()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("hostile.jsonl"));
        QVERIFY(write(path, stepLine(1) + line + stepLine(3)));

        const Summary s = summary({ path });
        QCOMPARE(s.status, 0);
        const QJsonArray malformed = s.malformed(0);
        if (reason.isEmpty()) {
            QCOMPARE(malformed.size(), 0);
            QCOMPARE(s.records(0), 3);
            return;
        }
        QCOMPARE(s.records(0), 2);
        QCOMPARE(malformed.size(), 1);
        QCOMPARE(malformed[0].toObject()[QStringLiteral("line")].toInt(), 2);
        const QString text = malformed[0].toObject()[QStringLiteral("reason")].toString();
        QVERIFY2(QRegularExpression(reason).match(text).hasMatch(), qPrintable(text));
    }

    // Row 6: a 100 MB line, terminated or still growing at the end of the file. Its bytes are
    // skipped (never buffered), the rest is read, and the --summary process's peak resident set
    // stays within a bound: measured against the same process on a small file, the growth must
    // stay below the 100 MB line itself plus a margin (mapping the file may touch its pages once).
    void hugeLineCostsBoundedMemory_data()
    {
        testing::addTable<bool>({ "terminated" },
            {
                { "100 MB line, then more lines", true },
                { "100 MB line without a newline at the end", false },
            });
    }
    void hugeLineCostsBoundedMemory()
    {
        QFETCH(bool, terminated);
        constexpr qint64 LineBytes = qint64(100) << 20;
        constexpr long BoundKiB = 150 * 1024;
        QTemporaryDir dir;
        const QString small = dir.filePath(QStringLiteral("small.jsonl"));
        const QString huge = dir.filePath(QStringLiteral("huge.jsonl"));
        QVERIFY(write(small, stepLine(1) + stepLine(3)));
        QVERIFY(writeHugeLine(huge, stepLine(1), LineBytes,
            terminated ? QByteArray("\"}}\n") + stepLine(3) : QByteArray()));

        const MeasuredRun baseline =
            runMeasured(viewerPath(), { QStringLiteral("--summary"), small });
        QVERIFY(baseline.finished);
        const MeasuredRun run = runMeasured(viewerPath(), { QStringLiteral("--summary"), huge });
        QVERIFY2(run.finished, run.err.constData());
        QCOMPARE(run.exitCode, 0);
        const long growthKiB = run.peakRssKiB - baseline.peakRssKiB;
        qInfo("peak RSS %ld KiB, %ld KiB above the small file's run", run.peakRssKiB, growthKiB);
        QVERIFY2(growthKiB < BoundKiB, qPrintable(QString::number(growthKiB)));
        // Absolute bound only without ASan: its shadow memory and quarantine inflate the figure.
#if !defined(__SANITIZE_ADDRESS__)
        QVERIFY2(run.peakRssKiB < 200 * 1024, qPrintable(QString::number(run.peakRssKiB)));
#endif

        Summary s;
        s.json = QJsonDocument::fromJson(run.out).object();
        if (terminated) {
            QCOMPARE(s.records(0), 2);
            const QJsonArray malformed = s.malformed(0);
            QCOMPARE(malformed.size(), 1);
            QCOMPARE(malformed[0].toObject()[QStringLiteral("line")].toInt(), 2);
            QCOMPARE(malformed[0].toObject()[QStringLiteral("reason")].toString(),
                QStringLiteral("line longer than 16 MiB"));
        } else {
            // The unfinished last line is not a record (nor a parse error): it is named.
            QCOMPARE(s.records(0), 1);
            QCOMPARE(s.malformed(0).size(), 0);
            const QJsonArray tail = s.source(0)[QStringLiteral("incomplete_last_lines")].toArray();
            QCOMPARE(tail.size(), 1);
            QCOMPARE(tail[0][QStringLiteral("line")].toInt(), 2);
            QVERIFY(tail[0][QStringLiteral("bytes")].toInteger() > LineBytes);
        }
    }

    // Row 7: random bytes, an empty file, a folder named like a file and a missing file, given in
    // one command with a good file: each is named with a clear note; the good file is read in
    // full; only the missing file makes the exit status non-zero (README: 1 when a path could
    // not be read).
    void unusablePathsAreNamedAndTheRestIsRead_data()
    {
        testing::addTable<bool>({ "withMissing" },
            {
                { "random, empty, folder", false },
                { "random, empty, folder, missing", true },
            });
    }
    void unusablePathsAreNamedAndTheRestIsRead()
    {
        QFETCH(bool, withMissing);
        QTemporaryDir dir;
        const QString good = dir.filePath(QStringLiteral("good.jsonl"));
        const QString random = dir.filePath(QStringLiteral("random.jsonl"));
        const QString empty = dir.filePath(QStringLiteral("empty.jsonl"));
        const QString folder = dir.filePath(QStringLiteral("run.jsonl"));
        const QString missing = dir.filePath(QStringLiteral("missing.jsonl"));
        QByteArray goodBytes;
        for (int i = 0; i < 100; ++i)
            goodBytes += stepLine(i);
        QVERIFY(write(good, goodBytes));
        QByteArray noise(1 << 20, Qt::Uninitialized);
        QRandomGenerator generator(5); // fixed: the same bytes on every run
        for (char& c : noise)
            c = char(generator.bounded(256));
        QVERIFY(write(random, noise));
        QVERIFY(write(empty, {}));
        QVERIFY(QDir().mkpath(folder));

        QStringList paths { random, empty, folder };
        if (withMissing)
            paths << missing;
        paths << good;
        const Summary s = summary(paths);
        QCOMPARE(s.sources().size(), paths.size());
        QCOMPARE(s.status, withMissing ? 1 : 0);

        // Random bytes: no record, every line rejected with a reason.
        QCOMPARE(s.records(0), 0);
        const QJsonArray rejected = s.malformed(0);
        QVERIFY(rejected.size() > 100);
        for (const QJsonValue& m : rejected)
            QVERIFY(!m.toObject()[QStringLiteral("reason")].toString().isEmpty());
        // Its bytes after the last '\n' are an unfinished line: named, not read (V20).
        const QJsonArray tail = s.source(0)[QStringLiteral("incomplete_last_lines")].toArray();
        QCOMPARE(tail.size(), 1);
        const qint64 lastNewline = noise.lastIndexOf('\n');
        QCOMPARE(tail[0][QStringLiteral("offset")].toInteger(), lastNewline + 1);
        QCOMPARE(tail[0][QStringLiteral("bytes")].toInteger(), noise.size() - lastNewline - 1);
        QCOMPARE(tail[0][QStringLiteral("line")].toInteger(), noise.count('\n') + 1);
        QCOMPARE(noteOf(s.source(1)), QStringLiteral("no records"));
        QCOMPARE(noteOf(s.source(2)), QStringLiteral("no records: a folder without *.jsonl files"));
        QByteArray expectedErr = QFile::encodeName(random) + ": line "
            + QByteArray::number(noise.count('\n') + 1)
            + " is incomplete (no newline at the end): not read\n";
        if (withMissing) {
            QCOMPARE(s.source(3)[QStringLiteral("error")].toString(),
                missing + QStringLiteral(" does not exist"));
            expectedErr += QFile::encodeName(missing) + " does not exist\n";
        }
        QCOMPARE(QByteArray(s.stdErr).replace("telemetry-viewer: ", ""), expectedErr);
        const int last = int(paths.size()) - 1;
        QCOMPARE(s.records(last), 100);
        QCOMPARE(s.malformed(last).size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestHostileFiles)
#include "tst_hostile_files.moc"
