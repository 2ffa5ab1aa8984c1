// The ranges a chart shows while its data grows live (SteadyRange, issue 15): x extends in steps
// past the newest point, y keeps its range while the data fills it well; anything else is fitted
// exactly.
#include "steady_range.hpp"

#include <QTest>

#include <limits>

using namespace viewer;

namespace {

using Range = SteadyRange::Range;
constexpr double Inf = std::numeric_limits<double>::infinity();

} // namespace

Q_DECLARE_METATYPE(Range)

class TestSteadyRange : public QObject
{
    Q_OBJECT

private slots:
    void followX_data()
    {
        QTest::addColumn<Range>("shown");
        QTest::addColumn<Range>("before");
        QTest::addColumn<Range>("now");
        QTest::addColumn<Range>("expected");
        // span 100 -> step 5: the next multiple at least a quarter of the span past the data
        QTest::newRow("grew past the edge")
            << Range(0, 99) << Range(0, 99) << Range(0, 100) << Range(0, 125);
        QTest::newRow("span 101: step 10")
            << Range(0, 99) << Range(0, 99) << Range(0, 101) << Range(0, 130);
        QTest::newRow("grew inside")
            << Range(0, 105) << Range(0, 100) << Range(0, 103) << Range(0, 105);
        QTest::newRow("to the edge exactly")
            << Range(0, 105) << Range(0, 103) << Range(0, 105) << Range(0, 105);
        QTest::newRow("large span") << Range(0, 1'000'000) << Range(0, 1'000'000)
                                    << Range(0, 1'000'001) << Range(0, 1'300'000);
        QTest::newRow("wall clock") << Range(1.7e9, 1.7e9 + 3600) << Range(1.7e9, 1.7e9 + 3600)
                                    << Range(1.7e9, 1.7e9 + 3601) << Range(1.7e9, 1.7e9 + 4600);
        QTest::newRow("shrank: exact")
            << Range(0, 105) << Range(0, 103) << Range(0, 50) << Range(0, 50);
        QTest::newRow("left edge moved: exact")
            << Range(0, 105) << Range(0, 103) << Range(-5, 104) << Range(-5, 104);
        QTest::newRow("shown not the data's start: exact")
            << Range(10, 105) << Range(0, 103) << Range(0, 104) << Range(0, 104);
        QTest::newRow("shown far too wide: exact")
            << Range(0, 1000) << Range(0, 100) << Range(0, 101) << Range(0, 101);
        QTest::newRow("not finite: exact")
            << Range(0, Inf) << Range(0, 100) << Range(0, 101) << Range(0, 101);
        QTest::newRow("first extent empty: exact")
            << Range(0, 0) << Range(0, 0) << Range(0, 1) << Range(0, 1);
    }

    void followX()
    {
        QFETCH(Range, shown);
        QFETCH(Range, before);
        QFETCH(Range, now);
        QFETCH(Range, expected);
        const Range got = SteadyRange::followX(shown, before, now);
        QCOMPARE(got.first, expected.first);
        QCOMPARE(got.second, expected.second);
    }

    // Growing one point at a time, the range changes a few times, not at every append: after
    // each change the data can grow by a quarter before the next (9 changes from 100 to 1,000; a
    // room of 2.5 to 20 % changed 32 times). The data is always inside, with at most 37.5 % of
    // room.
    void followXChangesInSteps()
    {
        Range before(0, 100);
        Range shown = before;
        int changes = 0;
        for (int x = 101; x <= 1000; ++x) {
            const Range now(0, x);
            const Range next = SteadyRange::followX(shown, before, now);
            QVERIFY(next.second >= x);
            QVERIFY(next.second <= x * 1.375);
            if (next != shown) {
                ++changes;
                QVERIFY2(
                    next.second >= x * (1 + SteadyRange::Room), qPrintable(QString::number(x)));
            }
            shown = next;
            before = now;
        }
        QVERIFY2(changes <= 10, qPrintable(QString::number(changes)));
    }

    // A loss decaying as training goes, each step's fitted range: the range changes in steps (16
    // over 1,000 steps; a tenth of headroom changed it 31 times), the data always inside.
    void followYChangesInSteps()
    {
        Range shown(1.9, 2.0);
        int changes = 0;
        for (int step = 1; step <= 1000; ++step) {
            const Range fresh(2.0 / (1.0 + step / 100.0), 2.0);
            const Range next = SteadyRange::followY(shown, fresh);
            QVERIFY(next.first <= fresh.first && next.second >= fresh.second);
            changes += next != shown ? 1 : 0;
            shown = next;
        }
        QVERIFY2(changes <= 16, qPrintable(QString::number(changes)));
    }

    void followY_data()
    {
        QTest::addColumn<Range>("shown");
        QTest::addColumn<Range>("fresh");
        QTest::addColumn<Range>("expected");
        QTest::newRow("inside: kept") << Range(0, 10) << Range(1, 9) << Range(0, 10);
        QTest::newRow("same: kept") << Range(0, 10) << Range(0, 10) << Range(0, 10);
        QTest::newRow("past the top: a quarter of room")
            << Range(0, 10) << Range(0, 11) << Range(0, 13.75);
        QTest::newRow("past the bottom: a quarter of room")
            << Range(0, 10) << Range(-1, 10) << Range(-3.75, 10);
        // (A fitted range pads its data: a lower minimum moves its top a little too.)
        QTest::newRow("past both: a quarter on each side")
            << Range(0, 10) << Range(-2, 12) << Range(-5.5, 15.5);
        QTest::newRow("past the top, far narrower: fitted")
            << Range(0, 10) << Range(8, 11) << Range(8, 11);
        QTest::newRow("much narrower: fitted") << Range(0, 10) << Range(4, 6) << Range(4, 6);
        QTest::newRow("flat: fitted") << Range(0, 10) << Range(5, 5) << Range(5, 5);
        QTest::newRow("nothing shown yet: fitted") << Range(0, 0) << Range(1, 2) << Range(1, 2);
        QTest::newRow("not finite: fitted") << Range(-Inf, 1) << Range(0, 1) << Range(0, 1);
    }

    void followY()
    {
        QFETCH(Range, shown);
        QFETCH(Range, fresh);
        QFETCH(Range, expected);
        const Range got = SteadyRange::followY(shown, fresh);
        QCOMPARE(got.first, expected.first);
        QCOMPARE(got.second, expected.second);
    }
};

QTEST_MAIN(TestSteadyRange)
#include "tst_steady_range.moc"
