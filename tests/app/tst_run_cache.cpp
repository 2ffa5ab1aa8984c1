// RunCache / RunCacheFile, the re-open cache: a file's runs restored from the cache are exactly
// those of parsing it (every field, and appending goes on as if parsed); a changed file is never
// served (appended: the cache plus the new bytes equal a parse of the whole); a corrupt, foreign
// or mismatched entry is ignored and rebuilt; entries are evicted oldest-first under the bound; a
// folder that cannot be written costs nothing but the cache. Never the user's cache folder.
#include "run_cache_file.hpp"
#include "run_cache_io_p.hpp"
#include "run_cache_test_support.hpp"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

using viewer::BulkLoad;
using viewer::LinePosition;
using viewer::Run;
using viewer::RunBuilder;
using viewer::RunCache;
using viewer::RunCacheFile;
using viewer::RunLoader;
using viewer::Series;
using namespace viewer::test; // NOLINT(google-build-using-namespace): the helpers

class TestRunCache : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<RunCache> m_cache;
    QString m_file;

    std::shared_ptr<RunCache> makeCache(qint64 maxTotalBytes = RunCache::DefaultMaxTotalBytes)
    {
        RunCache::Settings settings;
        settings.folder = m_dir.filePath(QStringLiteral("cache"));
        settings.minFileBytes = 0; // the test files are small
        settings.maxTotalBytes = maxTotalBytes;
        return std::make_shared<RunCache>(settings);
    }

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        QDir(m_dir.filePath(QStringLiteral("cache"))).removeRecursively();
        m_cache = makeCache();
        m_file = m_dir.filePath(QStringLiteral("run.jsonl"));
        QFile::remove(m_file);
        QVERIFY(RunCache::shared() == nullptr); // never the user's cache unless the app asks
    }

    void roundTripEqualsFreshParse_data()
    {
        QTest::addColumn<QString>("kind");
        for (const char* kind : { "one run", "several runs", "no run_begin, rerun by epoch",
                 "malformed only", "incomplete last line", "strided and plain blocks" })
            QTest::newRow(kind) << QString::fromLatin1(kind);
    }
    // A builder written and read back (in memory, and through the cache folder) is the parsed
    // one, field by field; and BulkLoad serves it from the cache on the second open.
    void roundTripEqualsFreshParse()
    {
        QFETCH(QString, kind);
        QVERIFY(writeFile(m_file, fileText(kind)));
        const Parsed parsed = parse(m_file);
        QVERIFY(parsed.result.error.isEmpty());
        const QString expected = fullDump(*parsed.builder);

        RunCacheFile::Header header;
        header.key.size = parsed.result.fileSize;
        header.end = parsed.result.end;
        const QByteArray bytes = RunCacheFile::toBytes(header, *parsed.builder);
        RunCacheFile file(bytes.constData(), std::size_t(bytes.size()));
        QVERIFY(file.header());
        const std::unique_ptr<RunBuilder> restored = file.builder(m_file);
        QVERIFY(restored);
        QCOMPARE(fullDump(*restored), expected);

        const QString fresh = freshDump(m_file);
        QCOMPARE(loadedDump(m_file, m_cache), fresh); // parses, writes the entry
        QVERIFY(QFileInfo::exists(m_cache->entryPath(m_file)));
        const std::optional<RunCache::Restored> hit = m_cache->restore(m_file);
        QVERIFY(hit);
        QCOMPARE(int(hit->match), int(RunCache::Match::Unchanged));
        QCOMPARE(hit->end, parsed.result.end);
        QCOMPARE(loadedDump(m_file, m_cache), fresh); // served from the cache
    }

    void appendingGoesOnAsIfParsed_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QByteArray>("appended");
        // The entry is rewritten once the appended bytes pass an eighth of what it holds.
        QTest::addColumn<bool>("rewritten");
        const QByteArray sameRun =
            R"({"ts":9000,"tag":"step_begin","step":3})"
            "\n"
            R"({"ts":9000.5,"tag":"step_end","step":3,"context":{"loss":0.25,"new":1}})"
            "\n{\"bad\n";
        QTest::newRow("same run, a step back") << QStringLiteral("one run") << sameRun << false;
        QTest::newRow("a new run")
            << QStringLiteral("several runs") << trainingLog(7, 10, 9000) << false;
        QTest::newRow("a larger new run")
            << QStringLiteral("one run") << trainingLog(7, 40, 9000) << true;
        QTest::newRow("the last line completed") << QStringLiteral("incomplete last line")
                                                 << QByteArray("ep\":21}\n") + sameRun << false;
        QTest::newRow("open strided and plain blocks")
            << QStringLiteral("strided and plain blocks")
            << QByteArray(R"({"step":1000,"a":1000,"b":1000})"
                          "\n"
                          R"({"step":1001,"a":1001})"
                          "\n"
                          R"({"step":1002,"a":1003,"b":1002})"
                          "\n")
            << false;
        QTest::newRow("rerun by epoch") << QStringLiteral("no run_begin, rerun by epoch")
                                        << QByteArray(R"({"ts":50,"tag":"epoch_begin","epoch":0})"
                                                      "\n"
                                                      R"({"ts":51,"loss":3})"
                                                      "\n")
                                        << false;
    }
    // The cache of the file as it was, plus a parse of what was appended since, equals a parse
    // of the whole file: the restored builder's merging state (run rules, segments, derived
    // series, tag and series maps) goes on exactly; so does the next open, whether the entry was
    // rewritten for the longer file or is still the shorter one's.
    void appendingGoesOnAsIfParsed()
    {
        QFETCH(QString, kind);
        QFETCH(QByteArray, appended);
        QFETCH(bool, rewritten);
        QVERIFY(writeFile(m_file, fileText(kind)));
        loadedDump(m_file, m_cache);
        QVERIFY(m_cache->restore(m_file));
        QVERIFY(writeFile(m_file, appended, QIODevice::Append));

        const std::optional<RunCache::Restored> hit = m_cache->restore(m_file);
        QVERIFY(hit);
        QCOMPARE(int(hit->match), int(RunCache::Match::Appended));
        const QString fresh = freshDump(m_file);
        QCOMPARE(loadedDump(m_file, m_cache), fresh);
        const std::optional<RunCache::Restored> again = m_cache->restore(m_file);
        QVERIFY(again);
        QCOMPARE(int(again->match),
            int(rewritten ? RunCache::Match::Unchanged : RunCache::Match::Appended));
        QCOMPARE(loadedDump(m_file, m_cache), fresh);
    }

    void changedFileIsNeverServed_data()
    {
        QTest::addColumn<QString>("change");
        for (const char* change :
            { "same size, a middle byte rewritten", "same size, head rewritten",
                "same size, tail rewritten", "truncated", "truncated and regrown",
                "replaced by another file", "appended after the tail was rewritten",
                "touched (same bytes, new mtime)", "opened under another name" })
            QTest::newRow(change) << QString::fromLatin1(change);
    }
    // Whatever changed, restore() declines (no stale runs), the load parses the file as it is,
    // and the entry is rewritten for it.
    void changedFileIsNeverServed()
    {
        QFETCH(QString, change);
        const QByteArray original = fileText(QStringLiteral("several runs"));
        QVERIFY(writeFile(m_file, original));
        loadedDump(m_file, m_cache);
        QVERIFY(m_cache->restore(m_file));

        QString path = m_file;
        QByteArray now = original;
        if (change.startsWith(QLatin1String("same size"))) {
            const qsizetype at = change.contains(QLatin1String("head")) ? 20
                : change.contains(QLatin1String("tail"))                ? now.size() - 20
                                                                        : now.size() / 2;
            now[at] = now[at] == '1' ? '2' : '1';
            QVERIFY(writeFile(m_file, now));
            setMtime(m_file, 5); // a rewrite within the mtime's granularity is not this test's
        } else if (change == QLatin1String("truncated")) {
            now.truncate(now.size() / 2);
            now.truncate(now.lastIndexOf('\n') + 1);
            QVERIFY(writeFile(m_file, now));
        } else if (change == QLatin1String("truncated and regrown")) {
            now = fileText(QStringLiteral("one run")) + original;
            QVERIFY(writeFile(m_file, now));
        } else if (change == QLatin1String("replaced by another file")) {
            const QString other = m_dir.filePath(QStringLiteral("other.jsonl"));
            QVERIFY(writeFile(other, now)); // the same bytes, another inode
            QVERIFY(::rename(
                        QFile::encodeName(other).constData(), QFile::encodeName(m_file).constData())
                == 0);
        } else if (change == QLatin1String("appended after the tail was rewritten")) {
            now[now.size() - 30] = 'x';
            now += trainingLog(5, 5, 7000);
            QVERIFY(writeFile(m_file, now));
        } else if (change == QLatin1String("touched (same bytes, new mtime)")) {
            setMtime(m_file, 5);
        } else if (change == QLatin1String("opened under another name")) {
            path = m_dir.filePath(QStringLiteral("link.jsonl")); // runs are named after it
            QFile::remove(path);
            QVERIFY(QFile::link(m_file, path));
        }

        QVERIFY(!m_cache->restore(path));
        const QString fresh = freshDump(path);
        QCOMPARE(loadedDump(path, m_cache), fresh);
        QVERIFY(m_cache->restore(path)); // rebuilt for the file as it is now
        QCOMPARE(loadedDump(path, m_cache), fresh);
    }

    void corruptEntryIsIgnoredAndRebuilt_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<double>("where"); // share of the file's length
        QTest::newRow("empty") << QStringLiteral("truncate") << 0.0;
        QTest::newRow("cut in the header") << QStringLiteral("truncate") << 0.01;
        QTest::newRow("cut in the middle") << QStringLiteral("truncate") << 0.5;
        QTest::newRow("cut before the checksum") << QStringLiteral("truncate") << 0.99999;
        QTest::newRow("flipped magic") << QStringLiteral("flip") << 0.0;
        QTest::newRow("flipped in the key") << QStringLiteral("flip") << 0.02;
        QTest::newRow("flipped in the columns") << QStringLiteral("flip") << 0.5;
        QTest::newRow("flipped near the end") << QStringLiteral("flip") << 0.97;
        QTest::newRow("flipped checksum") << QStringLiteral("flip") << 1.0;
        QTest::newRow("a longer file") << QStringLiteral("extend") << 1.0;
        QTest::newRow("another version") << QStringLiteral("version") << 0.0;
        QTest::newRow("foreign text") << QStringLiteral("foreign") << 0.0;
        QTest::newRow("the entry of another file") << QStringLiteral("other file") << 0.0;
    }
    // A damaged or foreign entry is never used: the load parses the file, and the entry is
    // written again.
    void corruptEntryIsIgnoredAndRebuilt()
    {
        QFETCH(QString, damage);
        QFETCH(double, where);
        QVERIFY(writeFile(m_file, fileText(QStringLiteral("several runs"))));
        loadedDump(m_file, m_cache);
        const QString entry = m_cache->entryPath(m_file);
        QFile in(entry);
        QVERIFY(in.open(QIODevice::ReadOnly));
        QByteArray bytes = in.readAll();
        in.close();
        const auto at =
            std::min<qsizetype>(bytes.size() - 1, qsizetype(where * double(bytes.size())));
        if (damage == QLatin1String("truncate")) {
            bytes.truncate(at);
        } else if (damage == QLatin1String("flip")) {
            bytes[at] = char(bytes[at] ^ 0x10);
        } else if (damage == QLatin1String("extend")) {
            bytes += "more";
        } else if (damage == QLatin1String("version")) {
            bytes[8] = char(bytes[8] + 1); // the u32 after the magic
        } else if (damage == QLatin1String("foreign")) {
            bytes = "TVRUNCA\n" + QByteArray(5000, 'z');
        } else if (damage == QLatin1String("other file")) {
            const QString other = m_dir.filePath(QStringLiteral("other.jsonl"));
            QVERIFY(writeFile(other, fileText(QStringLiteral("one run"))));
            loadedDump(other, m_cache);
            QFile otherEntry(m_cache->entryPath(other));
            QVERIFY(otherEntry.open(QIODevice::ReadOnly));
            bytes = otherEntry.readAll();
        }
        QVERIFY(writeFile(entry, bytes));

        QVERIFY(!m_cache->restore(m_file));
        const QString fresh = freshDump(m_file);
        QCOMPARE(loadedDump(m_file, m_cache), fresh);
        QVERIFY(m_cache->restore(m_file));
    }

    // Big columns (64 KiB and more) are filled by a helper while reading goes on, and their
    // elements checked once it is done: read on one thread or two, an entry restores exactly the
    // parsed runs, and a damaged one is refused on either path: a byte flipped in a big column
    // (the checksum), a tag out of range there with the checksum made to match (the late
    // check), an entry that shrinks while its columns are read.
    void bigColumnsReadLaterAreChecked_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<int>("threads");
        for (const int threads : { 1, 2 }) {
            for (const char* damage : { "none", "flipped in the tag column",
                     "tag out of range, checksum matching", "shrinks while read" })
                QTest::addRow("%s, %d thread(s)", damage, threads)
                    << QString::fromLatin1(damage) << threads;
        }
    }
    void bigColumnsReadLaterAreChecked()
    {
        QFETCH(QString, damage);
        QFETCH(int, threads);
        QVERIFY(writeFile(m_file, trainingLog(0, 20000, 1000))); // 80,000 records
        const Parsed parsed = parse(m_file);
        QVERIFY(parsed.result.error.isEmpty());
        const Run& run = parsed.builder->run(0);
        QVERIFY(run.records.size() * sizeof(std::uint16_t) >= 64 * 1024);
        RunCacheFile::Header header;
        header.key.size = parsed.result.fileSize;
        header.end = parsed.result.end;
        QByteArray bytes = RunCacheFile::toBytes(header, *parsed.builder);

        // The tag column: step_begin and step_end records alternating, as the file has them
        // (a quarter in: the middle is between epochs).
        const std::uint32_t middle = std::uint32_t(run.records.size() / 4);
        const std::uint16_t pair[2] = { run.records.tag(middle), run.records.tag(middle + 1) };
        QByteArray pattern;
        for (int i = 0; i < 16; ++i)
            pattern.append(reinterpret_cast<const char*>(pair), sizeof pair);
        const qsizetype tagAt = bytes.indexOf(pattern);
        QVERIFY(tagAt > 0);
        bytes[tagAt + 1] = char(bytes[tagAt + 1] ^ 0x40); // a high byte: tag 0x40xx
        const auto read = [&](const QByteArray& b) {
            RunCacheFile file(b.constData(), std::size_t(b.size()));
            if (!file.header())
                return std::pair<bool, quint64> { false, 0 };
            const bool restored = file.builder(m_file, threads) != nullptr;
            return std::pair<bool, quint64> { restored, file.computedChecksum() };
        };
        if (damage == QLatin1String("none")) {
            const QByteArray good = RunCacheFile::toBytes(header, *parsed.builder);
            RunCacheFile file(good.constData(), std::size_t(good.size()));
            QVERIFY(file.header());
            const std::unique_ptr<RunBuilder> restored = file.builder(m_file, threads);
            QVERIFY(restored);
            QCOMPARE(fullDump(*restored), fullDump(*parsed.builder));
        } else if (damage == QLatin1String("flipped in the tag column")) {
            QVERIFY(!read(bytes).first);
        } else if (damage == QLatin1String("tag out of range, checksum matching")) {
            // On one thread the tag is refused as it is read (before any checksum); on two the
            // checksum is computed first, so it can be made to match and the late check must
            // refuse the tag.
            const quint64 sum = read(bytes).second;
            if (threads > 1) {
                QVERIFY(sum != 0);
                std::memcpy(bytes.data() + bytes.size() - sizeof sum, &sum, sizeof sum);
            }
            QVERIFY(!read(bytes).first);
        } else {
            const QByteArray good = RunCacheFile::toBytes(header, *parsed.builder);
            const QString entry = m_dir.filePath(QStringLiteral("entry.cache"));
            QVERIFY(writeFile(entry, good));
            RunCacheFile file(entry);
            QVERIFY(file.header());
            QVERIFY(::truncate(QFile::encodeName(entry).constData(), good.size() / 2) == 0);
            QVERIFY(!file.builder(m_file, threads));
        }
    }

    // A big column is checksummed in 256 KiB pieces, each read and hashed on any thread: a byte
    // flipped in any piece (the first, one in the middle, the last, shorter one) is refused, on
    // one thread or two.
    void aPieceMismatchAnywhereIsRefused_data()
    {
        QTest::addColumn<QString>("piece");
        QTest::addColumn<int>("threads");
        for (const int threads : { 1, 2 }) {
            for (const char* piece : { "first", "middle", "last" })
                QTest::addRow("%s piece, %d thread(s)", piece, threads)
                    << QString::fromLatin1(piece) << threads;
        }
    }
    void aPieceMismatchAnywhereIsRefused()
    {
        QFETCH(QString, piece);
        QFETCH(int, threads);
        QVERIFY(writeFile(m_file, trainingLog(0, 20000, 1000))); // 80,000 records
        const Parsed parsed = parse(m_file);
        QVERIFY(parsed.result.error.isEmpty());
        const viewer::RecordTable& records = parsed.builder->run(0).records;
        constexpr std::size_t PieceTimes = 256 * 1024 / sizeof(double);
        QVERIFY(records.size() > 2 * PieceTimes); // the time column: three pieces
        RunCacheFile::Header header;
        header.key.size = parsed.result.fileSize;
        header.end = parsed.result.end;
        const QByteArray good = RunCacheFile::toBytes(header, *parsed.builder);

        // A record's time inside the piece, found by its and its neighbours' bytes.
        const std::size_t record = piece == QLatin1String("first") ? 100
            : piece == QLatin1String("middle")                     ? PieceTimes + 100
                                                                   : records.size() - 100;
        double times[4];
        for (std::size_t i = 0; i < 4; ++i)
            times[i] = records.time(std::uint32_t(record + i));
        const qsizetype at =
            good.indexOf(QByteArray(reinterpret_cast<const char*>(times), sizeof times));
        QVERIFY(at > 0);
        QByteArray bad = good;
        bad[at + 9] = char(bad[at + 9] ^ 0x01); // the next record's time, its lowest bits

        const auto restores = [&](const QByteArray& bytes) {
            RunCacheFile file(bytes.constData(), std::size_t(bytes.size()));
            return file.header() && file.builder(m_file, threads) != nullptr;
        };
        QVERIFY(restores(good));
        QVERIFY(!restores(bad));
    }

    // The key's and the small fields' hash fed in blocks: for any size and any block size (a
    // multiple of 32) it is the one-shot hash.
    void hashInPiecesEqualsOneShot_data()
    {
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("piece");
        QTest::addColumn<qulonglong>("seed");
        for (const int size : { 0, 5, 31, 32, 33, 71, 4096, 1000003 }) {
            for (const int piece : { 32, 96, 65536 })
                QTest::addRow("%d bytes in pieces of %d", size, piece) << size << piece << 0ULL;
        }
        QTest::newRow("seeded") << 1000 << 64 << 12345ULL;
    }
    void hashInPiecesEqualsOneShot()
    {
        QFETCH(int, size);
        QFETCH(int, piece);
        QFETCH(qulonglong, seed);
        QByteArray bytes(size, Qt::Uninitialized);
        for (int i = 0; i < size; ++i)
            bytes[i] = char((i * 131) ^ (i >> 7));
        viewer::run_cache_io::StreamHash h(seed);
        for (int at = 0; at < size; at += piece)
            h.add(bytes.constData() + at, std::size_t(std::min(piece, size - at)));
        QCOMPARE(h.finish(), RunCacheFile::hash(bytes.constData(), std::size_t(size), seed));
    }

    // Over the bound, the entries used longest ago go first; using an entry makes it recent.
    void evictsLeastRecentlyUsedFirst()
    {
        QStringList files;
        for (int i = 0; i < 4; ++i) {
            files << m_dir.filePath(QStringLiteral("f%1.jsonl").arg(i));
            QVERIFY(writeFile(files.back(), trainingLog(i, 40, 100)));
        }
        loadedDump(files[0], m_cache);
        const qint64 entryBytes = QFileInfo(m_cache->entryPath(files[0])).size();
        QVERIFY(entryBytes > 0);
        const auto bounded = makeCache(entryBytes * 3 + entryBytes / 2); // three fit, not four
        for (int i = 1; i < 3; ++i)
            loadedDump(files[i], bounded);
        // Last used: f1 long ago, f0 and f2 later (the mtime of an entry is its last use).
        setMtime(bounded->entryPath(files[1]), -300);
        setMtime(bounded->entryPath(files[0]), -200);
        setMtime(bounded->entryPath(files[2]), -100);
        QVERIFY(bounded->restore(files[1])); // used now: the most recent
        loadedDump(files[3], bounded); // a fourth entry: the least recently used (f0) goes

        QVERIFY(!QFileInfo::exists(bounded->entryPath(files[0])));
        for (const int kept : { 1, 2, 3 })
            QVERIFY2(QFileInfo::exists(bounded->entryPath(files[kept])), qPrintable(files[kept]));
        qint64 total = 0;
        for (const QFileInfo& info : QDir(bounded->settings().folder).entryInfoList(QDir::Files))
            total += info.size();
        QVERIFY(total <= bounded->settings().maxTotalBytes);
    }

    void unwritableFolderCostsOnlyTheCache_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("under a file") << QStringLiteral("under a file");
        QTest::newRow("read-only folder") << QStringLiteral("read-only");
    }
    // The load is unaffected, nothing is written and nothing is said.
    void unwritableFolderCostsOnlyTheCache()
    {
        QFETCH(QString, kind);
        QVERIFY(writeFile(m_file, fileText(QStringLiteral("several runs"))));
        RunCache::Settings settings = m_cache->settings();
        if (kind == QLatin1String("under a file")) {
            settings.folder = m_file + QStringLiteral("/cache");
        } else {
            if (::geteuid() == 0)
                QSKIP("root writes into a read-only folder");
            QVERIFY(QDir().mkpath(settings.folder));
            QVERIFY(QFile::setPermissions(
                settings.folder, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        }
        const auto cache = std::make_shared<RunCache>(settings);
        const QString fresh = freshDump(m_file);
        QCOMPARE(loadedDump(m_file, cache), fresh);
        QVERIFY(!cache->save(
            m_file, *parse(m_file).builder, parse(m_file).result.end, QFileInfo(m_file).size()));
        QVERIFY(!cache->restore(m_file));
        QFile::setPermissions(settings.folder,
            QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }

    void notCached_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("no shared cache (--no-cache)") << QStringLiteral("none");
        QTest::newRow("below the size threshold") << QStringLiteral("small");
        QTest::newRow("a FIFO") << QStringLiteral("fifo");
    }
    // Nothing is read or written for a file the cache is not for.
    void notCached()
    {
        QFETCH(QString, kind);
        std::shared_ptr<RunCache> cache = m_cache;
        QString path = m_file;
        QVERIFY(writeFile(m_file, fileText(QStringLiteral("one run"))));
        if (kind == QLatin1String("none")) {
            cache = nullptr;
        } else if (kind == QLatin1String("small")) {
            RunCache::Settings settings = m_cache->settings();
            settings.minFileBytes = QFileInfo(m_file).size() + 1;
            cache = std::make_shared<RunCache>(settings);
        } else {
            path = m_dir.filePath(QStringLiteral("fifo"));
            QFile::remove(path);
            QVERIFY(::mkfifo(QFile::encodeName(path).constData(), 0600) == 0);
        }
        loadedDump(path, cache);
        QVERIFY(!QFileInfo::exists(m_cache->entryPath(path)));
        if (cache)
            QVERIFY(!cache->restore(path));
    }

    // Not a test: writes the fuzzer's seeds (tests/fuzz/corpus/fuzz_run_cache) with the writer,
    // when TELEMETRY_FUZZ_SEEDS_DIR names a folder. Small files: the fuzzer reads up to 64 KiB.
    void writeFuzzSeeds()
    {
        const QString out = qEnvironmentVariable("TELEMETRY_FUZZ_SEEDS_DIR");
        if (out.isEmpty())
            QSKIP("set TELEMETRY_FUZZ_SEEDS_DIR to write the fuzzer's seeds");
        QVERIFY(QDir().mkpath(out));
        const std::vector<std::pair<const char*, QByteArray>> seeds = fuzzSeedTexts();
        for (const auto& [name, text] : seeds) {
            QVERIFY(writeFile(m_file, text));
            const Parsed parsed = parse(m_file);
            RunCacheFile::Header header;
            header.key.path = QStringLiteral("/data/run.jsonl");
            header.key.openedAs = header.key.path;
            header.key.size = parsed.result.fileSize;
            header.end = parsed.result.end;
            const QByteArray bytes = RunCacheFile::toBytes(header, *parsed.builder);
            QVERIFY2(bytes.size() < 65536, name);
            QVERIFY(writeFile(out + QStringLiteral("/seed_") + QLatin1String(name), bytes));
        }
    }
};

QTEST_GUILESS_MAIN(TestRunCache)
#include "tst_run_cache.moc"
