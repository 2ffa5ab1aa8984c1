// Colour by any field and group keys (issue 12): a distinct qualitative palette without red,
// colours that stay with a run, viridis for numbers (log for learning rates), group keys.
#include "data_table.hpp"
#include "run.hpp"
#include "run_colors.hpp"
#include "run_grouping.hpp"

#include <QSet>
#include <QTest>

#include <cmath>

using namespace viewer;

namespace {

int channel(Rgb c, int shift)
{
    return static_cast<int>((c >> shift) & 0xff);
}

// The "redmean" approximation of perceived distance between two colours.
double distance(Rgb a, Rgb b)
{
    const double r = (channel(a, 16) + channel(b, 16)) / 2.0;
    const double dr = channel(a, 16) - channel(b, 16);
    const double dg = channel(a, 8) - channel(b, 8);
    const double db = channel(a, 0) - channel(b, 0);
    return std::sqrt((2 + r / 256) * dr * dr + 4 * dg * dg + (2 + (255 - r) / 256) * db * db);
}

} // namespace

class TestRunColors : public QObject
{
    Q_OBJECT
private slots:
    void paletteIsDistinctAndHasNoRed()
    {
        for (int i = 0; i < RunColors::PaletteSize; ++i) {
            const Rgb c = RunColors::qualitative(i);
            QVERIFY2(distance(c, 0xd62728) > 150, qPrintable(QString::number(c, 16)));
            QVERIFY2(distance(c, 0xff0000) > 150, qPrintable(QString::number(c, 16)));
            for (int j = 0; j < i; ++j)
                QVERIFY2(distance(c, RunColors::qualitative(j)) > 90,
                    qPrintable(QStringLiteral("%1 vs %2").arg(i).arg(j)));
        }
    }

    void categoricalKeysKeepTheirColours()
    {
        RunColors colors;
        QSet<Rgb> first;
        for (int i = 0; i < 20; ++i)
            first.insert(colors.categorical(QStringLiteral("run-%1").arg(i)));
        QCOMPARE(first.size(), 20); // the first 20 runs: 20 different colours
        const Rgb five = colors.categorical("run-5");
        colors.categorical("a-new-run"); // opening more runs recolours nothing
        QCOMPARE(colors.categorical("run-5"), five);

        // Across a restart: saved and restored, in whatever order the runs come back.
        RunColors restored;
        restored.fromVariant(colors.toVariant());
        QCOMPARE(restored.categorical("run-19"), colors.categorical("run-19"));
        QCOMPARE(restored.categorical("run-5"), five);
        // A new run takes a colour no one uses yet, when there is one.
        RunColors few;
        few.categorical("x");
        few.categorical("y");
        RunColors again;
        again.fromVariant(few.toVariant());
        QVERIFY(again.categorical("z") != again.categorical("x"));
        QVERIFY(again.categorical("z") != again.categorical("y"));
    }

    void memoryIsBounded()
    {
        RunColors colors;
        for (int i = 0; i < int(RunColors::MaxRemembered) + 100; ++i)
            colors.categorical(QString::number(i));
        QCOMPARE(colors.toVariant().size(), qsizetype(RunColors::MaxRemembered));
        QCOMPARE(colors.slotOf("0"), -1); // the oldest was forgotten
    }

    // The least recently used key is forgotten first, also after a restart: a run opened every
    // day keeps its colour however many runs came and went since it was first seen.
    void recentlyUsedKeysSurviveTheBound()
    {
        RunColors colors;
        const Rgb daily = colors.categorical("daily");
        for (int i = 0; i < int(RunColors::MaxRemembered) - 1; ++i)
            colors.categorical(QString::number(i));
        colors.categorical("daily"); // used again: now the most recent
        RunColors restored;
        restored.fromVariant(colors.toVariant());
        for (int i = 0; i < 100; ++i)
            restored.categorical(QStringLiteral("new-%1").arg(i));
        QCOMPARE(restored.categorical("daily"), daily);
        QCOMPARE(restored.slotOf("0"), -1); // the least recently used went first
        QCOMPARE(restored.toVariant().size(), qsizetype(RunColors::MaxRemembered));
        // Settings of an older version (bare slots) still read.
        RunColors old;
        old.fromVariant(QVariantMap { { "a", 3 }, { "b", 99 } });
        QCOMPARE(old.slotOf("a"), 3);
        QCOMPARE(old.slotOf("b"), -1); // not a slot: ignored
    }

    void viridis()
    {
        QCOMPARE(RunColors::viridis(0.0), Rgb(0x440154));
        QCOMPARE(RunColors::viridis(1.0), Rgb(0xfde725));
        QCOMPARE(RunColors::viridis(2.0), Rgb(0xfde725)); // clamped
        // Perceptual: lightness (luma) grows monotonically along the map.
        double previous = -1;
        for (int i = 0; i <= 100; ++i) {
            const Rgb c = RunColors::viridis(i / 100.0);
            const double luma =
                0.299 * channel(c, 16) + 0.587 * channel(c, 8) + 0.114 * channel(c, 0);
            QVERIFY2(luma >= previous - 0.5, qPrintable(QString::number(i)));
            previous = luma;
        }
    }

    void numericFieldsUseTheColormap()
    {
        RunColors colors;
        std::vector<FieldValue> lrs = { FieldValue::fromNumber(1e-4), FieldValue::fromNumber(1e-3),
            FieldValue::fromNumber(1e-2), FieldValue {} };
        RunColors::Range range;
        const std::vector<Rgb> out = colors.colorsFor(lrs, &range);
        QVERIFY(range.valid);
        QVERIFY(range.log); // two decades and more: a log scale
        QCOMPARE(range.min, 1e-4);
        QCOMPARE(range.max, 1e-2);
        QCOMPARE(out[0], RunColors::viridis(0.0));
        QCOMPARE(out[1], RunColors::viridis(0.5)); // 1e-3 is the middle on a log scale
        QCOMPARE(out[2], RunColors::viridis(1.0));
        QCOMPARE(out[3], Rgb(0x9e9e9e)); // no value: grey

        std::vector<FieldValue> optimizers = { FieldValue::fromText("adamw"),
            FieldValue::fromText("sgd"), FieldValue::fromText("adamw") };
        const std::vector<Rgb> cat = colors.colorsFor(optimizers, &range);
        QVERIFY(!range.valid);
        QCOMPARE(cat[0], cat[2]);
        QVERIFY(cat[0] != cat[1]);
    }

    void groupKeys_data()
    {
        testing::addTable<QString, QString>({ "field", "key" },
            {
                { "run", "run", "job-a" },
                { "host", "host", "node1" },
                { "rank", "rank", "3" },
                { "folder", "folder", "/data/sweep" },
                { "config.lr", "config.lr", "3e-4" },
                { "nested", "config.optimizer.name", "adamw" },
                { "dotted key", "config.a.b", "7" },
                { "missing", "config.nope", "" },
            });
    }

    void groupKeys()
    {
        QFETCH(QString, field);
        QFETCH(QString, key);
        Run run;
        run.id = "job-a";
        run.sourcePath = "/data/sweep/rank3.jsonl";
        run.info = QVariantMap { { "run", "job-a" }, { "host", "node1" }, { "rank", 3 },
            { "config",
                QVariantMap { { "lr", 3e-4 }, { "a.b", 7 },
                    { "optimizer", QVariantMap { { "name", "adamw" } } } } } };
        QCOMPARE(runGroupKey(run, field), key);
    }

    void runWithoutRunBeginGroupsByItsOwnId()
    {
        Run run;
        run.id = "train.jsonl #2";
        QCOMPARE(runGroupKey(run, "run"), QStringLiteral("train.jsonl #2"));
    }
};

QTEST_GUILESS_MAIN(TestRunColors)
#include "tst_run_colors.moc"
