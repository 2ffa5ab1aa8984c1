#include "alert.hpp"

#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace viewer {

namespace {

// JSON has no NaN or Infinity: a non-finite value is written as the text our strict logger uses.
QJsonValue jsonNumber(double v)
{
    if (std::isnan(v))
        return QStringLiteral("NaN");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity");
    if (v == std::floor(v) && std::abs(v) < 9e15)
        return static_cast<qint64>(v);
    return v;
}

} // namespace

QByteArray Alert::toJsonLine() const
{
    QJsonObject o;
    o[QStringLiteral("alert")] = rule.kindName();
    o[QStringLiteral("rule")] = rule.name();
    o[QStringLiteral("run")] = runName;
    o[QStringLiteral("file")] = sourcePath;
    if (!metric.isEmpty()) {
        o[QStringLiteral("metric")] = metric;
        o[QStringLiteral("value")] = jsonNumber(value);
    }
    if (!std::isnan(step))
        o[QStringLiteral("step")] = jsonNumber(step);
    if (record != NoRecord)
        o[QStringLiteral("record")] = static_cast<qint64>(record);
    o[QStringLiteral("time")] = time;
    o[QStringLiteral("message")] = message;
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

} // namespace viewer
