#include "data_table.hpp"
#include "plain_label.hpp"
#include "run_palette.hpp"

#include <QSet>
#include <QTest>

using namespace viewer;

class TestRunPalette : public QObject
{
    Q_OBJECT

private slots:
    void colorsAreStablePerRun()
    {
        RunPalette palette;
        const QColor a = palette.color(7);
        const QColor b = palette.color(3);
        QVERIFY(a != b);
        QCOMPARE(palette.color(7), a);
        QCOMPARE(palette.peek(3), b);
        palette.setColor(3, Qt::black);
        QCOMPARE(palette.color(3), QColor(Qt::black));
        QCOMPARE(palette.color(7), a);
    }

    // Red marks errors and NaN: no run may look like one, however many runs are open.
    void neverRedAndDistinct()
    {
        QSet<QRgb> seen;
        for (int n = 0; n < 200; ++n) {
            const QColor c = RunPalette::nthColor(n);
            QVERIFY(c.isValid());
            const int hue = c.hsvHue();
            const bool reddish = c.hsvSaturation() > 120 && (hue < 20 || hue > 340);
            QVERIFY2(
                !reddish, qPrintable(QStringLiteral("color %1 is red: %2").arg(n).arg(c.name())));
            if (n < 60)
                QVERIFY2(!seen.contains(c.rgb()), qPrintable(QString::number(n)));
            seen.insert(c.rgb());
        }
    }

    void plainLabels_data()
    {
        testing::addTable<QString, int, QString>({ "text", "max", "expected" },
            {
                { "plain", QStringLiteral("loss"), 10, QStringLiteral("loss") },
                { "markup kept as text", QStringLiteral("<b>x</b>"), 20,
                    QStringLiteral("<b>x</b>") },
                { "newline", QStringLiteral("a\nb\tc"), 20, QStringLiteral("a b c") },
                { "control", QStringLiteral("a\x01z"), 20, QStringLiteral("a\uFFFDz") },
                { "bidi override", QStringLiteral("abc\u202Egpj.exe"), 40,
                    QStringLiteral("abc[U+202E]gpj.exe") },
                { "elided", QStringLiteral("abcdefghij"), 5, QStringLiteral("abcd\u2026") },
                { "surrogate not split", QStringLiteral("abc\U0001F600def"), 5,
                    QStringLiteral("abc\u2026") },
            });
    }
    void plainLabels()
    {
        QFETCH(QString, text);
        QFETCH(int, max);
        QFETCH(QString, expected);
        QCOMPARE(plainLabel(text, max), expected);
    }

    // V31: a 1 MiB name costs the label's length, not the input's.
    void hugeInput()
    {
        const QString huge(1 << 20, QLatin1Char('x'));
        QCOMPARE(plainLabel(huge, 120).size(), 120);
    }
};

QTEST_MAIN(TestRunPalette)
#include "tst_run_palette.moc"
