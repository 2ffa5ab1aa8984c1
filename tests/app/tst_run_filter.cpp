// The runs table's filter expressions (issue 12): text, comparisons, and bad expressions that
// give a message rather than a crash.
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
        QTest::addColumn<QString>("expression");
        QTest::addColumn<bool>("matches"); // for the run: resnet-a, lr 3e-4, val_acc 0.93, adamw
        QTest::newRow("empty") << "" << true;
        QTest::newRow("text") << "RESNET" << true;
        QTest::newRow("text, no") << "vgg" << false;
        QTest::newRow("lr < 1e-3") << "config.lr < 1e-3" << true;
        QTest::newRow("lr >= 1e-3") << "config.lr >= 1e-3" << false;
        QTest::newRow("lr <= 3e-4") << "config.lr <= 3e-4" << true;
        QTest::newRow("series alone") << "val_acc > 0.9" << true;
        QTest::newRow("series alone, no") << "val_acc > 0.95" << false;
        QTest::newRow("text ==") << "config.optimizer == AdamW" << true;
        QTest::newRow("text =") << "config.optimizer = sgd" << false;
        QTest::newRow("text != quoted") << "config.optimizer != 'sgd'" << true;
        QTest::newRow("and") << "config.lr < 1e-3 and val_acc > 0.9" << true;
        QTest::newRow("&&, one fails") << "config.lr < 1e-3 && val_acc > 0.95" << false;
        QTest::newRow("comma with text") << "resnet, config.lr < 1e-3" << true;
        QTest::newRow("no spaces") << "config.lr<1e-3" << true;
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
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("error");
        QTest::newRow("no value") << "config.lr <"
                                  << "expected a value after \"<\"";
        QTest::newRow("no field")
            << "< 3"
            << "cannot read \"< 3\": write FIELD OP VALUE, e.g. config.lr < 1e-3";
        QTest::newRow("not a number") << "config.lr < abc"
                                      << "\"abc\" is not a number: < compares numbers";
        QTest::newRow("unknown column") << "nope > 1"
                                        << "no column \"nope\"";
        QTest::newRow("double operator") << "config.lr << 3"
                                         << "\"< 3\" is not a number: < compares numbers";
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
