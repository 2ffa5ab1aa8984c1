// StridedIndexColumn, a series' record indices: every value reads back exactly (random access,
// the sequential cursor, front/back) whatever the data; regular blocks are stored as strided,
// irregular ones as plain, the open last block turns plain only when a value breaks its stride;
// appends go on after shrinkToFit; and isConsistent() refuses a layout append() never makes
// (what the re-open cache relies on before it trusts a column it read).
#include "strided_index_column.hpp"

#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

using viewer::StridedIndexColumn;

namespace {

using Values = std::vector<std::uint32_t>;
constexpr std::uint32_t Max = std::numeric_limits<std::uint32_t>::max();

Values progression(std::uint32_t first, std::uint32_t stride, std::size_t n)
{
    Values v;
    for (std::size_t i = 0; i < n; ++i)
        v.push_back(first + static_cast<std::uint32_t>(i) * stride); // modulo 2^32
    return v;
}

// Ascending, with gaps of 1 to 5 (a metric logged when the trainer felt like it).
Values irregular(std::size_t n, std::uint32_t first = 0)
{
    QRandomGenerator random(42);
    Values v;
    std::uint32_t at = first;
    for (std::size_t i = 0; i < n; ++i) {
        v.push_back(at);
        at += 1 + random.bounded(5u);
    }
    return v;
}

Values operator+(Values a, const Values& b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

StridedIndexColumn columnOf(const Values& values)
{
    StridedIndexColumn c;
    for (const std::uint32_t v : values)
        c.append(v);
    return c;
}

} // namespace

class TestStridedIndexColumn : public QObject
{
    Q_OBJECT

private slots:
    void readsBackExactly_data()
    {
        QTest::addColumn<Values>("values");
        QTest::addColumn<int>("strided"); // blocks stored as a progression
        QTest::addColumn<int>("plain");
        const Values block = progression(10, 1, 256);
        QTest::newRow("empty") << Values {} << 0 << 0;
        QTest::newRow("one element") << Values { 7 } << 1 << 0;
        QTest::newRow("two elements, any stride") << Values { 9, 2 } << 1 << 0;
        QTest::newRow("stride 1, one block") << block << 1 << 0;
        QTest::newRow("stride 3, 1000") << progression(5, 3, 1000) << 4 << 0;
        QTest::newRow("stride 0 (a repeated record)") << progression(4, 0, 300) << 2 << 0;
        QTest::newRow("block edge: 255") << progression(0, 2, 255) << 1 << 0;
        QTest::newRow("block edge: 257") << progression(0, 2, 257) << 2 << 0;
        QTest::newRow("irregular") << irregular(600) << 0 << 3;
        QTest::newRow("broken at a block's last entry")
            << progression(0, 1, 255) + Values { 1000 } << 0 << 1;
        QTest::newRow("broken at a block's third entry")
            << Values { 0, 1, 5 } + progression(6, 1, 300) << 1 << 1;
        QTest::newRow("mixed: regular, irregular, regular")
            << block + irregular(256, 300) + progression(5000, 4, 300) << 3 << 1;
        QTest::newRow("max values, stride 0") << progression(Max, 0, 256) << 1 << 0;
        QTest::newRow("descending from max (stride -1 modulo 2^32)")
            << progression(Max, Max, 300) << 2 << 0;
        QTest::newRow("wrapping past max") << progression(Max - 100, 1, 256) << 1 << 0;
        QTest::newRow("alternating 0 and max") << Values { 0, Max, 0, Max } << 0 << 1;
    }
    void readsBackExactly()
    {
        QFETCH(Values, values);
        QFETCH(int, strided);
        QFETCH(int, plain);
        const StridedIndexColumn c = columnOf(values);
        QCOMPARE(c.size(), values.size());
        QCOMPARE(c.empty(), values.empty());
        for (std::size_t i = 0; i < values.size(); ++i)
            QCOMPARE(c[i], values[i]);
        QCOMPARE(Values(c.begin(), c.end()), values);
        if (!values.empty()) {
            QCOMPARE(c.front(), values.front());
            QCOMPARE(c.back(), values.back());
        }
        QCOMPARE(int(c.stridedBlockCount()), strided);
        QCOMPARE(int(c.plainBlockCount()), plain);
        QVERIFY(StridedIndexColumn::isConsistent(c.blocks(), c.plainEntries(), c.size()));
    }

    // A million regular entries cost 12 bytes per block; irregular ones 4 bytes each, as a
    // plain array (with at most the sixteenth of slack a bulk load keeps), plus the blocks.
    void regularDataIsSmall()
    {
        StridedIndexColumn regular = columnOf(progression(0, 4, 1000000));
        regular.shrinkToFit();
        QVERIFY2(regular.bytesUsed() < 50000, qPrintable(QString::number(regular.bytesUsed())));
        StridedIndexColumn plain = columnOf(irregular(1000000));
        plain.shrinkToFit();
        QVERIFY2(plain.bytesUsed() <= 1000000 * 4 * 17 / 16 + 1000000 / 256 * 12 * 17 / 16 + 1024,
            qPrintable(QString::number(plain.bytesUsed())));
    }

    // After a bulk load's shrinkToFit a live append goes on in the open block, strided or not.
    void appendsGoOnAfterShrinking_data()
    {
        QTest::addColumn<Values>("before");
        QTest::addColumn<Values>("after");
        QTest::newRow("open strided block, continued")
            << progression(0, 2, 300) << progression(600, 2, 20);
        QTest::newRow("open strided block, broken")
            << progression(0, 2, 300) << Values { 601, 700 };
        QTest::newRow("open plain block") << irregular(300) << Values { 5000000, 5000001 };
        QTest::newRow("at a block edge") << progression(0, 1, 256) << irregular(10, 256);
    }
    void appendsGoOnAfterShrinking()
    {
        QFETCH(Values, before);
        QFETCH(Values, after);
        StridedIndexColumn c = columnOf(before);
        c.shrinkToFit();
        for (const std::uint32_t v : after)
            c.append(v);
        QCOMPARE(Values(c.begin(), c.end()), before + after);
    }

    // allBelow() (what the cache checks of a series' record indices) answers as a look at every
    // entry would, also where a strided block wraps modulo 2^32 or ends exactly at the bound.
    void allBelowAgreesWithEveryEntry_data()
    {
        QTest::addColumn<Values>("values");
        QTest::addColumn<qulonglong>("bound");
        QTest::addColumn<bool>("below");
        QTest::newRow("empty") << Values {} << 0ULL << true;
        QTest::newRow("stride 2, last just below") << progression(0, 2, 600) << 1199ULL << true;
        QTest::newRow("stride 2, last at the bound") << progression(0, 2, 600) << 1198ULL << false;
        QTest::newRow("stride 0") << progression(7, 0, 300) << 8ULL << true;
        QTest::newRow("stride 0 at the bound") << progression(7, 0, 300) << 7ULL << false;
        QTest::newRow("descending (wraps), all below")
            << progression(500, Max, 256) << 501ULL << true;
        QTest::newRow("descending past 0 (wraps to max)")
            << progression(100, Max, 256) << 1000ULL << false;
        QTest::newRow("wrapping past max") << progression(Max - 100, 1, 256) << 1000ULL << false;
        QTest::newRow("irregular, below") << irregular(600) << 100000ULL << true;
        QTest::newRow("irregular, last one out")
            << irregular(600) + Values { 100000 } << 100000ULL << false;
        QTest::newRow("regular then an out-of-range plain block")
            << progression(0, 1, 256) + Values { 5, 9, 100000 } << 99999ULL << false;
        QTest::newRow("max values, bound 2^32")
            << progression(Max, 0, 256) << 4294967296ULL << true;
    }
    void allBelowAgreesWithEveryEntry()
    {
        QFETCH(Values, values);
        QFETCH(qulonglong, bound);
        QFETCH(bool, below);
        const bool everyEntry = std::all_of(
            values.begin(), values.end(), [bound](std::uint32_t v) { return v < bound; });
        QCOMPARE(everyEntry, below); // the row says what it means
        QCOMPARE(columnOf(values).allBelow(bound), below);
    }

    // What the cache checks of a column it read: one block per 256 entries, plain blocks back
    // to back in order, the plain array exactly as long as the plain blocks need.
    void isConsistentRefusesOtherLayouts_data()
    {
        using Block = StridedIndexColumn::Block;
        constexpr std::uint32_t S = StridedIndexColumn::Strided;
        QTest::addColumn<std::vector<Block>>("blocks");
        QTest::addColumn<Values>("plain");
        QTest::addColumn<int>("size");
        QTest::addColumn<bool>("consistent");
        QTest::newRow("empty") << std::vector<Block> {} << Values {} << 0 << true;
        QTest::newRow("one strided block")
            << std::vector<Block> { { 1, 2, S } } << Values {} << 256 << true;
        QTest::newRow("strided then partial plain")
            << std::vector<Block> { { 1, 2, S }, { 0, 0, 0 } } << Values(3, 9) << 259 << true;
        QTest::newRow("a block too few")
            << std::vector<Block> { { 1, 2, S } } << Values {} << 257 << false;
        QTest::newRow("a block too many")
            << std::vector<Block> { { 1, 2, S }, { 1, 2, S } } << Values {} << 256 << false;
        QTest::newRow("no block for entries") << std::vector<Block> {} << Values {} << 1 << false;
        QTest::newRow("plain block past the plain array")
            << std::vector<Block> { { 0, 0, 0 } } << Values(255, 1) << 256 << false;
        QTest::newRow("plain array longer than the blocks")
            << std::vector<Block> { { 0, 0, 0 } } << Values(5, 1) << 4 << false;
        QTest::newRow("plain blocks overlapping")
            << std::vector<Block> { { 0, 0, 0 }, { 0, 0, 0 } } << Values(512, 1) << 512 << false;
        QTest::newRow("plain blocks out of order")
            << std::vector<Block> { { 0, 0, 256 }, { 0, 0, 0 } } << Values(512, 1) << 512 << false;
        QTest::newRow("plain block at a huge offset")
            << std::vector<Block> { { 0, 0, S - 1 } } << Values(4, 1) << 4 << false;
    }
    void isConsistentRefusesOtherLayouts()
    {
        QFETCH(std::vector<StridedIndexColumn::Block>, blocks);
        QFETCH(Values, plain);
        QFETCH(int, size);
        QFETCH(bool, consistent);
        QCOMPARE(StridedIndexColumn::isConsistent(blocks, plain, std::size_t(size)), consistent);
    }
};

QTEST_GUILESS_MAIN(TestStridedIndexColumn)
#include "tst_strided_index_column.moc"
