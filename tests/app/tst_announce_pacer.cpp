// AnnouncePacer: when the Workspace may announce appended records again. At once the first time
// and after a quiet spell; after that, long enough that the views' CPU (merges left out) is at most
// ViewShare of the time; never longer than MaxDelayMs.
#include "announce_pacer.hpp"
#include "follow_test_support.hpp"
#include "source.hpp"
#include "workspace.hpp"
#include "workspace_test_support.hpp"

#include <QElapsedTimer>
#include <QTest>

#include <time.h>

using namespace viewer;

namespace {

// Test-only: a source whose lines are pushed by the test, one chunk at a time.
class PushSource : public Source
{
public:
    PushSource()
        : Source(QStringLiteral("push:run"), SourceState::Following)
    {
    }
    bool isStream() const override
    {
        return true;
    }
    void start(const QHash<QString, LinePosition>&, bool) override { }
    void stop() override { }
    void push(const QByteArray& lines)
    {
        LineChunk chunk;
        chunk.path = path();
        chunk.firstLine = m_lines + 1;
        chunk.offset = m_bytes;
        chunk.lineCount = lines.count('\n');
        chunk.bytes = lines;
        m_lines += chunk.lineCount;
        m_bytes += lines.size();
        emit linesRead(chunk);
    }

private:
    qint64 m_lines = 0;
    qint64 m_bytes = 0;
};

double threadCpuMs()
{
    timespec t {};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

} // namespace

class TestAnnouncePacer : public QObject
{
    Q_OBJECT

private slots:
    void firstAnnouncementIsAtOnce();
    void waits_data();
    void waits();
    void workspaceAnnouncesAtThePacersTimes();
};

void TestAnnouncePacer::firstAnnouncementIsAtOnce()
{
    const AnnouncePacer pacer;
    QCOMPARE(pacer.waitMs(12345.0, 999.0), 0.0);
}

void TestAnnouncePacer::waits_data()
{
    QTest::addColumn<double>("elapsedMs"); // since the last announcement
    QTest::addColumn<double>("cpuMs"); // the thread's CPU since then
    QTest::addColumn<double>("mergeMs"); // of which merging
    QTest::addColumn<double>("expectedWaitMs");
    const double share = AnnouncePacer::ViewShare;
    QTest::newRow("nothing done: at once") << 5.0 << 0.0 << 0.0 << 0.0;
    QTest::newRow("a 15 ms redraw: 15 / ViewShare after the last")
        << 10.0 << 15.0 << 0.0 << 15.0 / share - 10.0;
    QTest::newRow("already long enough ago") << 15.0 / share + 1.0 << 15.0 << 0.0 << 0.0;
    QTest::newRow("merges do not count") << 10.0 << 15.0 << 15.0 << 0.0;
    QTest::newRow("part merges") << 10.0 << 15.0 << 5.0 << 10.0 / share - 10.0;
    QTest::newRow("never more than MaxDelayMs")
        << 10.0 << 500.0 << 0.0 << AnnouncePacer::MaxDelayMs - 10.0;
    QTest::newRow("MaxDelayMs passed") << AnnouncePacer::MaxDelayMs << 500.0 << 0.0 << 0.0;
}

void TestAnnouncePacer::waits()
{
    QFETCH(double, elapsedMs);
    QFETCH(double, cpuMs);
    QFETCH(double, mergeMs);
    QFETCH(double, expectedWaitMs);
    AnnouncePacer pacer;
    pacer.announced(1000.0, 50.0);
    pacer.addMergeCpu(mergeMs);
    QCOMPARE(pacer.waitMs(1000.0 + elapsedMs, 50.0 + cpuMs), expectedWaitMs);
    // Announcing starts the count again: nothing spent since, nothing to wait for.
    pacer.announced(1000.0 + elapsedMs, 50.0 + cpuMs);
    QCOMPARE(pacer.waitMs(1000.0 + elapsedMs + 1.0, 50.0 + cpuMs), 0.0);
}

// The views cost 50 ms of CPU per announcement (a slot that burns it): records keep being merged
// into the store at once, but the next announcement waits MaxDelayMs (50 ms / ViewShare is
// longer). A busier machine only makes the gaps longer. The last records are
// announced too.
void TestAnnouncePacer::workspaceAnnouncesAtThePacersTimes()
{
    Workspace workspace;
    auto owned = std::make_unique<PushSource>();
    PushSource* source = owned.get();
    workspace.open(std::move(owned));
    QList<qint64> at;
    std::size_t announcedPoints = 0;
    QElapsedTimer clock;
    clock.start();
    connect(&workspace, &Workspace::runsAppended, this, [&] {
        at << clock.elapsed();
        announcedPoints = test::lossPoints(workspace);
        const double until = threadCpuMs() + 50.0;
        while (threadCpuMs() < until) { }
    });
    int pushed = 0;
    while (pushed < 40 || at.size() < 3) {
        source->push(test::stepLines(pushed, pushed + 1));
        ++pushed;
        QTest::qWait(20);
        QCOMPARE(test::lossPoints(workspace), std::size_t(pushed)); // in the store at once
        QVERIFY2(pushed < 2000, qPrintable(QStringLiteral("announcements: %1").arg(at.size())));
    }
    QVERIFY(at.size() < pushed / 5);
    for (qsizetype i = 1; i < at.size(); ++i)
        QVERIFY2(at[i] - at[i - 1] >= AnnouncePacer::MaxDelayMs - 10,
            qPrintable(QStringLiteral("gap %1: %2 ms").arg(i).arg(at[i] - at[i - 1])));
    QTRY_COMPARE_WITH_TIMEOUT(announcedPoints, std::size_t(pushed), 5000);
}

QTEST_GUILESS_MAIN(TestAnnouncePacer)
#include "tst_announce_pacer.moc"
