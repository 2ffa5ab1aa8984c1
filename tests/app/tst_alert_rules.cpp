// Alert rules as text (issue 16): every form parses to the rule it names, name() reads back the
// same, and bad text gets an error that names the rule and what is accepted.
#include "alert_rules.hpp"
#include "data_table.hpp"

#include <QTest>

using viewer::AlertRule;

Q_DECLARE_METATYPE(AlertRule::Kind)

class TestAlertRules : public QObject
{
    Q_OBJECT
private slots:
    void parsesRule_data()
    {
        testing::addColumns<QString, AlertRule::Kind, QString, double, bool, double, QString>(
            { "text", "kind", "metric", "threshold", "fromBest", "stallSeconds", "name" });
        using K = AlertRule::Kind;
        QTest::newRow("nan") << "nan" << K::NonFinite << "" << 0.0 << false << 0.0 << "nan";
        QTest::newRow("NaN, spaces")
            << "  NaN " << K::NonFinite << "" << 0.0 << false << 0.0 << "nan";
        QTest::newRow("error") << "error" << K::Error << "" << 0.0 << false << 0.0 << "error";
        QTest::newRow("stall") << "stall" << K::Stall << "" << 0.0 << false << 0.0 << "stall";
        QTest::newRow("stall=600")
            << "stall=600" << K::Stall << "" << 0.0 << false << 600.0 << "stall=600";
        QTest::newRow("stall = 1.5")
            << "stall = 1.5" << K::Stall << "" << 0.0 << false << 1.5 << "stall=1.5";
        QTest::newRow("loss>10") << "loss>10" << K::Above << "loss" << 10.0 << false << 0.0
                                 << "loss>10";
        QTest::newRow("loss > 10")
            << "loss > 10" << K::Above << "loss" << 10.0 << false << 0.0 << "loss>10";
        QTest::newRow("acc<0.5") << "metrics/acc<0.5" << K::Below << "metrics/acc" << 0.5 << false
                                 << 0.0 << "metrics/acc<0.5";
        QTest::newRow("negative, exponent")
            << "grad<-1e-3" << K::Below << "grad" << -1e-3 << false << 0.0 << "grad<-0.001";
        QTest::newRow("best-0.05") << "val_acc < best - 0.05" << K::Below << "val_acc" << 0.05
                                   << true << 0.0 << "val_acc<best-0.05";
        QTest::newRow("best+0.1") << "val_loss>best+0.1" << K::Above << "val_loss" << 0.1 << true
                                  << 0.0 << "val_loss>best+0.1";
        QTest::newRow("best alone")
            << "val_acc<best" << K::Below << "val_acc" << 0.0 << true << 0.0 << "val_acc<best";
        QTest::newRow("metric named stall_count") << "stall_count>5" << K::Above << "stall_count"
                                                  << 5.0 << false << 0.0 << "stall_count>5";
        QTest::newRow("full key") << "step_end/loss>3" << K::Above << "step_end/loss" << 3.0
                                  << false << 0.0 << "step_end/loss>3";
    }
    void parsesRule()
    {
        QFETCH(QString, text);
        QString error;
        const std::optional<AlertRule> rule = AlertRule::parse(text, &error);
        QVERIFY2(rule, qPrintable(error));
        QTEST(rule->kind, "kind");
        QTEST(rule->metric, "metric");
        QTEST(rule->threshold, "threshold");
        QTEST(rule->fromBest, "fromBest");
        QTEST(rule->stallSeconds, "stallSeconds");
        QTEST(rule->name(), "name");
        // The name is the rule: it parses back to the same.
        const std::optional<AlertRule> again = AlertRule::parse(rule->name(), &error);
        QVERIFY(again);
        QCOMPARE(again->name(), rule->name());
    }

    void rejectsBadText_data()
    {
        testing::addTable<QString, QString>({ "text", "error" },
            {
                { "unknown word", "nans",
                    "alert rule \"nans\": unknown rule; use nan, error, stall, stall=SECONDS, "
                    "METRIC>VALUE, METRIC<VALUE, METRIC<best-DELTA or METRIC>best+DELTA" },
                { "empty", " ",
                    "alert rule \"\": empty; use nan, error, stall, stall=SECONDS, METRIC>VALUE, "
                    "METRIC<VALUE, METRIC<best-DELTA or METRIC>best+DELTA" },
                { "stall=0", "stall=0",
                    "alert rule \"stall=0\": stall=SECONDS needs a number of seconds above 0 and "
                    "at "
                    "most 10000000, e.g. stall=600" },
                { "stall=abc", "stall=abc",
                    "alert rule \"stall=abc\": stall=SECONDS needs a number of seconds above 0 and "
                    "at "
                    "most 10000000, e.g. stall=600" },
                { "no metric", ">10", "alert rule \">10\": name a metric before >, e.g. loss>10" },
                { "not a number", "loss>ten",
                    "alert rule \"loss>ten\": \"ten\" is not a finite number or best+DELTA" },
                { "nan threshold", "loss>nan",
                    "alert rule \"loss>nan\": \"nan\" is not a finite number or best+DELTA" },
                { ">=", "loss>=10",
                    "alert rule \"loss>=10\": one comparison only: METRIC>VALUE or METRIC<VALUE" },
                { "two comparisons", "0<loss<10",
                    "alert rule \"0<loss<10\": one comparison only: METRIC>VALUE or METRIC<VALUE" },
                { "< best+", "val_acc<best+0.1",
                    "alert rule \"val_acc<best+0.1\": after < write best-DELTA with DELTA >= 0, "
                    "e.g. "
                    "val_acc<best-0.05" },
                { "> best-", "loss>best-1",
                    "alert rule \"loss>best-1\": after > write best+DELTA with DELTA >= 0, e.g. "
                    "val_loss>best+0.1" },
                { "control character", QStringLiteral("lo\u0007ss>1"),
                    QStringLiteral(
                        "alert rule \"lo\ufffdss>1\": name a metric before >, e.g. loss>10") },
            });
    }
    void rejectsBadText()
    {
        QFETCH(QString, text);
        QString error;
        QVERIFY(!AlertRule::parse(text, &error));
        QTEST(error, "error");
    }

    void parsesList()
    {
        QString error;
        const auto rules =
            AlertRule::parseList(QStringLiteral("nan, error,stall=600,loss>10,nan"), &error);
        QVERIFY2(rules, qPrintable(error));
        QCOMPARE(AlertRule::names(*rules),
            QStringList({ "nan", "error", "stall=600", "loss>10" })); // duplicate kept once
        QCOMPARE(AlertRule::names(AlertRule::defaults()), QStringList({ "nan", "error", "stall" }));
    }

    void listWithABadRuleIsAnError()
    {
        QString error;
        QVERIFY(!AlertRule::parseList(QStringLiteral("nan,loss>"), &error));
        QCOMPARE(error,
            QStringLiteral("alert rule \"loss>\": \"\" is not a finite number or best+DELTA"));
        QVERIFY(!AlertRule::parseList(QStringLiteral(""), &error));
        QVERIFY(error.startsWith(QStringLiteral("no alert rules given")));
    }

    void matchesSeriesByTrailingPath_data()
    {
        testing::addTable<QString, QString, bool>({ "metric", "key", "matches" },
            {
                { "path", "loss", "step_end/loss", true },
                { "other tag", "loss", "epoch_end/loss", true },
                { "full key", "step_end/loss", "step_end/loss", true },
                { "prefix of a name", "loss", "step_end/val_loss", false },
                { "nested", "metrics/acc", "step_end/metrics/acc", true },
                { "group, not leaf", "loss", "step_end/loss/total", false },
            });
    }
    void matchesSeriesByTrailingPath()
    {
        QFETCH(QString, metric);
        QFETCH(QString, key);
        QString error;
        const auto rule = AlertRule::parse(metric + QStringLiteral(">1"), &error);
        QVERIFY(rule);
        QTEST(rule->matchesSeries(key), "matches");
    }
};

QTEST_GUILESS_MAIN(TestAlertRules)
#include "tst_alert_rules.moc"
