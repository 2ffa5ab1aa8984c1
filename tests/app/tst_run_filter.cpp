// The runs table's filter expressions (issue 12): text, comparisons, and bad expressions that
// give a message rather than a crash.
#include "data_table.hpp"
#include "run_filter.hpp"

#include <QTest>

using namespace viewer;

namespace {

// Columns: 0 name, 1 config.lr, 2 epoch_end/val_acc:last, 3 config.optimizer.
const QStringList Columns = { "name", "config.lr", "epoch_end/val_acc:last", "config.optimizer" };

int resolve(const QString& field)
{
    if (field == QLatin1String("val_acc"))
        return 2;
    return static_cast<int>(Columns.indexOf(field));
}

bool matches(const QString& expression, const QString& name, double lr, double acc,
    const QString& optimizer, QString* error = nullptr)
{
    RunFilter filter(expression);
    filter.bind(&resolve);
    if (error)
        *error = filter.error();
    return filter.matches(
        [&](int column) {
            switch (column) {
            case 0:
                return FieldValue::fromText(name);
            case 1:
                return FieldValue::fromNumber(lr);
            case 2:
                return std::isnan(acc) ? FieldValue {} : FieldValue::fromNumber(acc);
            default:
                return FieldValue::fromText(optimizer);
            }
        },
        { 0, 3 });
}

} // namespace

class TestRunFilter : public QObject
{
    Q_OBJECT
private slots:
    void expressions_data()
    {
        testing::addTable<QString, bool>({ "expression", "matches" },
            {
                // for the run: resnet-a, lr 3e-4, val_acc 0.93, adamw
                { "empty", "", true },
                { "text", "RESNET", true },
                { "text, no", "vgg", false },
                { "lr < 1e-3", "config.lr < 1e-3", true },
                { "lr >= 1e-3", "config.lr >= 1e-3", false },
                { "lr <= 3e-4", "config.lr <= 3e-4", true },
                { "series alone", "val_acc > 0.9", true },
                { "series alone, no", "val_acc > 0.95", false },
                { "text ==", "config.optimizer == AdamW", true },
                { "text =", "config.optimizer = sgd", false },
                { "text != quoted", "config.optimizer != 'sgd'", true },
                { "and", "config.lr < 1e-3 and val_acc > 0.9", true },
                { "&&, one fails", "config.lr < 1e-3 && val_acc > 0.95", false },
                { "comma with text", "resnet, config.lr < 1e-3", true },
                { "no spaces", "config.lr<1e-3", true },
            });
    }

    void expressions()
    {
        QFETCH(QString, expression);
        QFETCH(bool, matches);
        QString error;
        QCOMPARE(::matches(expression, "resnet-a", 3e-4, 0.93, "adamw", &error), matches);
        QCOMPARE(error, QString());
    }

    void aRunWithoutTheFieldFailsComparisons()
    {
        QVERIFY(!matches("val_acc > 0", "r", 1e-3, std::nan(""), "sgd"));
        QVERIFY(!matches("val_acc < 1", "r", 1e-3, std::nan(""), "sgd"));
    }

    void badExpressions_data()
    {
        testing::addTable<QString, QString>({ "expression", "error" },
            {
                { "no value", "config.lr <", "expected a value after \"<\"" },
                { "no field", "< 3",
                    "cannot read \"< 3\": write FIELD OP VALUE, e.g. config.lr < 1e-3" },
                { "not a number", "config.lr < abc",
                    "\"abc\" is not a number: < compares numbers" },
                { "unknown column", "nope > 1", "no column \"nope\"" },
                { "double operator", "config.lr << 3",
                    "\"< 3\" is not a number: < compares numbers" },
            });
    }

    void badExpressions()
    {
        QFETCH(QString, expression);
        QFETCH(QString, error);
        QString message;
        // A bad filter shows every run (and the message), never hides them all.
        QVERIFY(matches(expression, "r", 1.0, 0.5, "sgd", &message));
        QCOMPARE(message, error);
    }
};

QTEST_GUILESS_MAIN(TestRunFilter)
#include "tst_run_filter.moc"
