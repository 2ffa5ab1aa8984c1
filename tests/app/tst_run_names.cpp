// Run names where space is short (issue 12): the part that differs between runs survives
// elision; runs named by the config fields that differ; equal names told apart; compact numbers.
#include "data_table.hpp"
#include "field_value.hpp"
#include "run_names.hpp"

#include <QSet>
#include <QTest>

using namespace viewer;

class TestRunNames : public QObject
{
    Q_OBJECT
private slots:
    void elisionKeepsWhatDiffers_data()
    {
        testing::addTable<QStringList, int>({ "names", "maxChars" },
            {
                { "differs at the end",
                    QStringList { "resnet50_imagenet_sweep_lr=0.001,seed=1",
                        "resnet50_imagenet_sweep_lr=0.001,seed=2" },
                    16 },
                { "differs in the middle",
                    QStringList { "gpt-neox-20b_rank0_2024-01-01T10:00",
                        "gpt-neox-20b_rank1_2024-01-01T10:00" },
                    12 },
                { "differs at the start",
                    QStringList { "a_very_long_common_suffix_of_a_run_name",
                        "b_very_long_common_suffix_of_a_run_name" },
                    10 },
                { "three, one differing twice",
                    QStringList { "job_ab1cd_tail_part_here", "job_ab2cd_tail_part_here",
                        "job_zz1cd_tail_part_here" },
                    9 },
                { "differs in two places (lr and seed)",
                    QStringList { "sweep_lr=1e-4,bs=32,adamw,seed=1",
                        "sweep_lr=1e-4,bs=32,adamw,seed=2", "sweep_lr=3e-4,bs=32,adamw,seed=1",
                        "sweep_lr=3e-4,bs=32,adamw,seed=2" },
                    10 },
                { "a name that is a prefix of another",
                    QStringList { "experiment_run_long_name", "experiment_run_long_name #2" }, 8 },
            });
    }

    void elisionKeepsWhatDiffers()
    {
        QFETCH(QStringList, names);
        QFETCH(int, maxChars);
        const QStringList elided = RunNames::elideApart(names, maxChars);
        QCOMPARE(elided.size(), names.size());
        for (const QString& name : elided)
            QVERIFY2(name.size() <= maxChars, qPrintable(name));
        QCOMPARE(QSet<QString>(elided.begin(), elided.end()).size(), names.size());
    }

    void elisionExamples()
    {
        // The case: cut at the end, both read "..._lr=0.001,se"; in the middle they differ.
        const QStringList elided = RunNames::elideApart(
            { "imagenet_sweep_lr=0.001,seed=1", "imagenet_sweep_lr=0.001,seed=2" }, 16);
        QCOMPARE(elided[0], QStringLiteral("imagenet_\u2026seed=1"));
        QVERIFY(elided[0].endsWith(QStringLiteral("1")));
        QVERIFY(elided[1].endsWith(QStringLiteral("2")));
        QCOMPARE(RunNames::elideApart({ "short", "other" }, 20), QStringList({ "short", "other" }));
        QCOMPARE(RunNames::elideApart({ "alone-but-long-name" }, 8).first().size(), 8);
    }

    void namesByDifferingFields()
    {
        auto run = [](double lr, int bs, const char* opt) {
            return std::vector<FlatField> {
                { "config.batch_size", FieldValue::fromNumber(bs) },
                { "config.epochs", FieldValue::fromNumber(10) },
                { "config.lr", FieldValue::fromNumber(lr) },
                { "config.optimizer", FieldValue::fromText(QString::fromLatin1(opt)) },
                { "host", FieldValue::fromText("gpu1") },
            };
        };
        const QStringList names = RunNames::byDifferingFields(
            { run(1e-3, 64, "adamw"), run(3e-4, 64, "sgd"), run(1e-3, 32, "adamw") },
            { "a", "b", "c" });
        QCOMPARE(names,
            QStringList({ "bs=64 lr=1e-3 adamw", "bs=64 lr=3e-4 sgd", "bs=32 lr=1e-3 adamw" }));
        // Nothing differs: the fallback names.
        QCOMPARE(RunNames::byDifferingFields({ run(1, 1, "x"), run(1, 1, "x") }, { "a", "b" }),
            QStringList({ "a", "b" }));
    }

    void equalNamesToldApart()
    {
        QCOMPARE(RunNames::disambiguate({ "job", "job", "solo" }, { "0", "1", "" },
                     { "a.jsonl", "b.jsonl", "c.jsonl" }),
            QStringList({ "job rank 0", "job rank 1", "solo" }));
        QCOMPARE(RunNames::disambiguate({ "job", "job" }, { "", "" }, { "a.jsonl", "b.jsonl" }),
            QStringList({ "job (a.jsonl)", "job (b.jsonl)" }));
    }

    void compactNumbers_data()
    {
        testing::addTable<double, QString>({ "value", "text" },
            {
                { "1e-3", 1e-3, "1e-3" },
                { "3e-4", 3e-4, "3e-4" },
                { "0.5", 0.5, "0.5" },
                { "64", 64.0, "64" },
                { "-2", -2.0, "-2" },
                { "0.95", 0.95, "0.95" },
                { "1.5e-05", 1.5e-5, "1.5e-5" },
                { "NaN", std::nan(""), "NaN" },
            });
    }

    void compactNumbers()
    {
        QFETCH(double, value);
        QFETCH(QString, text);
        QCOMPARE(compactNumber(value), text);
    }

    void flattening()
    {
        QVariantMap optimizer { { "name", "adamw" }, { "betas", QVariantList { 0.9, 0.95 } } };
        QVariantMap config { { "lr", 3e-4 }, { "optimizer", optimizer }, { "empty", QVariantMap() },
            { "flag", true }, { "lr_text", "1e-3" } };
        const std::vector<FlatField> flat =
            flattenFields(QVariantMap { { "config", config }, { "rank", 3 } });
        QStringList names;
        for (const FlatField& f : flat)
            names << f.name + "=" + f.value.text;
        QCOMPARE(names,
            QStringList({ "config.empty={}", "config.flag=true", "config.lr=3e-4",
                "config.lr_text=1e-3", "config.optimizer.betas=[0.9,0.95]",
                "config.optimizer.name=adamw", "rank=3" }));
        QVERIFY(flat[3].value.isNumber); // a number written as a string still sorts as one
        QCOMPARE(flat[3].value.number, 1e-3);
        std::size_t dropped = 0;
        QVariantMap many;
        for (int i = 0; i < 1000; ++i)
            many.insert(QString::number(i), i);
        QCOMPARE(flattenFields(many, 500, &dropped).size(), std::size_t(500));
        QCOMPARE(dropped, std::size_t(500));
    }
};

QTEST_GUILESS_MAIN(TestRunNames)
#include "tst_run_names.moc"
