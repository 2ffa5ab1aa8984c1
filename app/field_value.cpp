#include "field_value.hpp"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace viewer {

namespace {

bool isNumeric(const QVariant& value)
{
    switch (value.typeId()) {
    case QMetaType::Double:
    case QMetaType::Float:
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
        return true;
    default:
        return false;
    }
}

void flattenInto(const QString& prefix, const QVariant& value, std::vector<FlatField>& out,
    std::size_t maxFields, std::size_t& dropped)
{
    if (value.typeId() == QMetaType::QVariantMap) {
        const QVariantMap map = value.toMap();
        if (map.isEmpty()) {
            // An empty object still says something ("config": {}): shown as {}, never blank.
            if (out.size() < maxFields)
                out.push_back({ prefix, FieldValue::fromText(QStringLiteral("{}")) });
            else
                ++dropped;
            return;
        }
        for (auto it = map.cbegin(); it != map.cend(); ++it) {
            const QString name = prefix.isEmpty() ? it.key() : prefix + QLatin1Char('.') + it.key();
            flattenInto(name, it.value(), out, maxFields, dropped);
        }
        return;
    }
    if (out.size() >= maxFields) {
        ++dropped;
        return;
    }
    out.push_back({ prefix, FieldValue::fromVariant(value) });
}

} // namespace

FieldValue FieldValue::fromNumber(double value)
{
    FieldValue v;
    v.present = true;
    v.isNumber = true;
    v.number = value;
    v.text = compactNumber(value);
    return v;
}

FieldValue FieldValue::fromText(const QString& text)
{
    FieldValue v;
    v.present = true;
    v.text = text;
    bool ok = false;
    const double number = text.trimmed().toDouble(&ok);
    if (ok && std::isfinite(number) && !text.trimmed().isEmpty()) {
        v.isNumber = true; // "3e-4" in a config written as a string still sorts as a number
        v.number = number;
    }
    return v;
}

FieldValue FieldValue::fromVariant(const QVariant& value)
{
    if (!value.isValid())
        return {};
    if (isNumeric(value)) {
        FieldValue v = fromNumber(value.toDouble());
        if (value.typeId() == QMetaType::LongLong || value.typeId() == QMetaType::Int
            || value.typeId() == QMetaType::ULongLong || value.typeId() == QMetaType::UInt)
            v.text = value.toString(); // exact, even past 2^53
        return v;
    }
    switch (value.typeId()) {
    case QMetaType::Bool: {
        FieldValue v;
        v.present = true;
        v.text = value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        return v;
    }
    case QMetaType::Nullptr: {
        FieldValue v;
        v.present = true;
        v.text = QStringLiteral("null");
        return v;
    }
    case QMetaType::QVariantList: {
        FieldValue v;
        v.present = true;
        v.text = QString::fromUtf8(QJsonDocument(QJsonArray::fromVariantList(value.toList()))
                                       .toJson(QJsonDocument::Compact));
        return v;
    }
    case QMetaType::QString: {
        FieldValue v = fromText(value.toString());
        return v;
    }
    default:
        return fromText(value.toString());
    }
}

std::vector<FlatField> flattenFields(
    const QVariantMap& info, std::size_t maxFields, std::size_t* dropped)
{
    std::vector<FlatField> out;
    std::size_t lost = 0;
    flattenInto(QString(), QVariant(info), out, maxFields, lost);
    if (info.isEmpty())
        out.clear(); // no run_begin: no fields (not one "{}" column)
    if (dropped)
        *dropped = lost;
    return out;
}

QString compactNumber(double value)
{
    if (std::isnan(value))
        return QStringLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity");
    if (value == std::trunc(value) && std::fabs(value) < 1e15)
        return QString::number(static_cast<qint64>(value));
    const QString plain = QString::number(value, 'g', 6);
    // 3e-4 rather than 0.0003: the form sweeps are written in.
    QString sci = QString::number(value, 'e', 5); // "3.00000e-04"
    const qsizetype e = sci.indexOf(QLatin1Char('e'));
    QString mantissa = sci.left(e);
    QString exponent = sci.mid(e + 1);
    if (mantissa.contains(QLatin1Char('.'))) {
        while (mantissa.endsWith(QLatin1Char('0')))
            mantissa.chop(1);
        if (mantissa.endsWith(QLatin1Char('.')))
            mantissa.chop(1);
    }
    const bool negative = exponent.startsWith(QLatin1Char('-'));
    exponent.remove(0, 1); // the sign
    while (exponent.size() > 1 && exponent.startsWith(QLatin1Char('0')))
        exponent.remove(0, 1);
    sci = mantissa + QLatin1Char('e') + (negative ? QStringLiteral("-") : QString()) + exponent;
    return sci.size() < plain.size() ? sci : plain;
}

} // namespace viewer
