#pragma once

#include <QString>
#include <QVariant>

#include <limits>
#include <vector>

namespace viewer {

// One cell of the runs table, ready to sort, filter and print: the text a person reads and, when
// the value is a number (a JSON number, or a string such as "3e-4" that is one), that number.
// Text comes from the file: show it as plain text only.
struct FieldValue
{
    QString text; // as shown; "" when absent
    double number = std::numeric_limits<double>::quiet_NaN();
    bool isNumber = false;
    bool present = false;

    static FieldValue fromVariant(const QVariant& value);
    static FieldValue fromNumber(double value);
    static FieldValue fromText(const QString& text);

    bool operator==(const FieldValue& other) const
    {
        return present == other.present && text == other.text;
    }
};

// A run_begin field under its dotted name: {"config": {"optimizer": {"name": "adamw"}}} gives
// "config.optimizer.name" = "adamw". Arrays stay whole, as compact JSON text ("[0.9,0.95]").
struct FlatField
{
    QString name;
    FieldValue value;
};

// Flattens run_begin's fields (Run::info), in name order. At most maxFields come back (a hostile
// run_begin with a million keys does not make a million columns); *dropped counts the rest.
std::vector<FlatField> flattenFields(
    const QVariantMap& info, std::size_t maxFields = 500, std::size_t* dropped = nullptr);

// Short text for a number: integers as integers, 0.001 as "0.001", 0.0003 as "3e-4".
QString compactNumber(double value);

} // namespace viewer
