// BulkLoad: the first read of a source's files. Small files (a folder of runs) are loaded side by
// side on several threads, large ones on every thread one at a time; either way each file's runs
// are exactly those of reading it alone, in the listing's order; progress never goes backwards
// and ends at the total; a file that cannot be read is named and the others load; cancel stops it.
#include "bulk_load.hpp"
#include "run_dump.hpp"
#include "run_loader.hpp"

#include <QFile>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

using viewer::BulkLoad;
using viewer::RunBuilder;
using viewer::RunLoader;
using viewer::test::dump;

namespace {

// A run of `steps` step_end records (two metrics), its id naming the file, with a malformed line.
QByteArray runText(int file, int steps)
{
    QByteArray text =
        R"({"ts":1,"tag":"run_begin","run":"trial-)" + QByteArray::number(file) + "\"}\n";
    for (int i = 0; i < steps; ++i) {
        text += R"({"ts":)" + QByteArray::number(2 + i) + R"(,"tag":"step_end","step":)"
            + QByteArray::number(i) + R"(,"context":{"loss":)"
            + QByteArray::number(1.0 / (i + file + 1), 'g', 17) + R"(,"acc":)"
            + QByteArray::number(i * file) + "}}\n";
        if (i == steps / 2)
            text += "{\"cut\": \n";
    }
    return text;
}

// A folder of `files` runs of `steps` steps each (file `large` gets largeSteps); the paths in
// name order. Empty when a file could not be written.
QStringList writeRuns(
    const QTemporaryDir& dir, int files, int steps, int large = -1, int largeSteps = 0)
{
    QStringList paths;
    for (int f = 0; f < files; ++f) {
        const QString path =
            dir.filePath(QStringLiteral("rank%1.jsonl").arg(f, 3, 10, QLatin1Char('0')));
        QFile out(path);
        if (!out.open(QIODevice::WriteOnly)
            || out.write(runText(f, f == large ? largeSteps : steps)) < 0)
            return {};
        paths << path;
    }
    return paths;
}

QString alone(const QString& path)
{
    RunBuilder builder(path);
    const std::atomic<bool> cancel { false };
    RunLoader::load(path, builder, cancel, {}, 1);
    return dump(builder);
}

} // namespace

class TestBulkLoad : public QObject
{
    Q_OBJECT

private slots:
    void eachFileAsReadAlone_data();
    void eachFileAsReadAlone();
    void smallFilesLoadSideBySide();
    void unreadableFileIsNamed();
    void cancelStopsIt();
};

void TestBulkLoad::eachFileAsReadAlone_data()
{
    QTest::addColumn<int>("files");
    QTest::addColumn<int>("steps"); // per file
    QTest::addColumn<int>("threads");
    QTest::addColumn<int>("largeAt"); // index of a file of several blocks, -1: none
    QTest::newRow("40 small, 2 threads") << 40 << 200 << 2 << -1;
    QTest::newRow("40 small, 1 thread") << 40 << 200 << 1 << -1;
    QTest::newRow("40 small, 4 threads") << 40 << 200 << 4 << -1;
    QTest::newRow("one file") << 1 << 500 << 2 << -1;
    QTest::newRow("a large one among small ones") << 9 << 100 << 2 << 4;
}

void TestBulkLoad::eachFileAsReadAlone()
{
    QFETCH(int, files);
    QFETCH(int, steps);
    QFETCH(int, threads);
    QFETCH(int, largeAt);
    QTemporaryDir dir;
    // A large file is over two 4 MiB blocks: parsed on every thread, not side by side.
    const QStringList paths = writeRuns(dir, files, steps, largeAt, 120000);
    QCOMPARE(paths.size(), files);
    qint64 total = 0;
    for (const QString& path : paths)
        total += QFileInfo(path).size();
    QVERIFY(largeAt < 0 || QFileInfo(paths[largeAt]).size() > 2 * RunLoader::DefaultBlockBytes);
    std::mutex mutex;
    QList<qint64> progress;
    const std::atomic<bool> cancel { false };
    const BulkLoad::Result result = BulkLoad::run(
        paths, true, 3, cancel,
        [&](qint64 done, qint64 all) {
            const std::lock_guard lock(mutex);
            QCOMPARE(all, total);
            progress << done;
        },
        threads);
    QVERIFY(!result.cancelled);
    QVERIFY(result.error.isEmpty());
    QCOMPARE(int(result.files.size()), files);
    for (int f = 0; f < files; ++f) {
        const BulkLoad::File& file = result.files[std::size_t(f)];
        QCOMPARE(file.path, paths[f]);
        QVERIFY(file.error.isEmpty());
        QCOMPARE(file.size, QFileInfo(paths[f]).size());
        QCOMPARE(file.end.offset, file.size);
        QCOMPARE(dump(*file.builder), alone(paths[f]));
    }
    QVERIFY(!progress.isEmpty());
    for (int i = 1; i < progress.size(); ++i)
        QVERIFY(progress[i] > progress[i - 1]);
    QCOMPARE(progress.back(), total);
}

// Both threads read files: the folder is not loaded one file at a time on one core.
void TestBulkLoad::smallFilesLoadSideBySide()
{
    QTemporaryDir dir;
    const QStringList paths = writeRuns(dir, 60, 2000);
    QCOMPARE(paths.size(), 60);
    // The first thread to start a file waits (10 s at most) for a second one to start one too:
    // loaded one file at a time, no second thread ever comes, however fast or busy the machine.
    std::mutex mutex;
    std::condition_variable changed;
    QSet<std::thread::id> threads;
    const std::atomic<bool> cancel { false };
    const BulkLoad::Result result =
        BulkLoad::run(paths, true, 3, cancel, {}, 2, [&](const QString&) {
            std::unique_lock lock(mutex);
            const bool first = threads.isEmpty();
            threads.insert(std::this_thread::get_id());
            changed.notify_all();
            if (first) // only the first file waits: a broken load fails in 10 s, not 60 x 10 s
                changed.wait_for(
                    lock, std::chrono::seconds(10), [&] { return threads.size() >= 2; });
        });
    QCOMPARE(int(result.files.size()), 60);
    QCOMPARE(threads.size(), 2);
}

void TestBulkLoad::unreadableFileIsNamed()
{
    QTemporaryDir dir;
    QStringList paths = writeRuns(dir, 5, 50);
    QCOMPARE(paths.size(), 5);
    paths.insert(2, dir.filePath(QStringLiteral("gone.jsonl")));
    const std::atomic<bool> cancel { false };
    const BulkLoad::Result result = BulkLoad::run(paths, true, 3, cancel, {}, 2);
    QCOMPARE(int(result.files.size()), 6);
    QVERIFY(!result.files[2].error.isEmpty());
    QVERIFY(result.error.isEmpty()); // a folder's problems are per file
    for (int f : { 0, 1, 3, 4, 5 })
        QCOMPARE(dump(*result.files[std::size_t(f)].builder), alone(paths[f]));
}

void TestBulkLoad::cancelStopsIt()
{
    QTemporaryDir dir;
    const QStringList paths = writeRuns(dir, 20, 50);
    QCOMPARE(paths.size(), 20);
    std::atomic<bool> cancel { false };
    const BulkLoad::Result result = BulkLoad::run(
        paths, true, 3, cancel, [&](qint64, qint64) { cancel.store(true); }, 2);
    QVERIFY(result.cancelled);
    QVERIFY(result.files.size() < 20);
}

QTEST_GUILESS_MAIN(TestBulkLoad)
#include "tst_bulk_load.moc"
