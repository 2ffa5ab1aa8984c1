#pragma once

// What the alert and watch tests write: a step_end record with its loss, and a file written or
// appended to in one call.

#include <QByteArray>
#include <QFile>
#include <QString>

namespace viewer::test {

// {"ts": 1732800000 + step, "tag": "step_end", "step": step, "context": {"loss": loss}}; loss is
// JSON text ("0.5", "NaN").
inline QByteArray stepLine(int step, const QByteArray& loss)
{
    return "{\"ts\": " + QByteArray::number(1732800000 + step)
        + ", \"tag\": \"step_end\", \"step\": " + QByteArray::number(step)
        + ", \"context\": {\"loss\": " + loss + "}}\n";
}

// True when all of `bytes` went to `path` (opened with `mode`: WriteOnly, Append, ...).
inline bool write(const QString& path, const QByteArray& bytes, QIODevice::OpenMode mode)
{
    QFile file(path);
    return file.open(mode) && file.write(bytes) == bytes.size();
}

} // namespace viewer::test
