#pragma once
// Lines and file writes shared by the follower, stdin and workspace tests (and bench_gui_thread),
// so that every suite feeds the same shapes and none keeps its own copy.

#include <QByteArray>
#include <QFile>
#include <QString>

namespace viewer::test {

// `{"i": k}\n` for k in [from, to): each line names its own index.
inline QByteArray records(int from, int to)
{
    QByteArray bytes;
    for (int k = from; k < to; ++k)
        bytes += "{\"i\": " + QByteArray::number(k) + "}\n";
    return bytes;
}

// step_end records with a loss, steps [from, to), 1 ms apart.
inline QByteArray stepLines(int from, int to)
{
    QByteArray bytes;
    bytes.reserve((to - from) * 90);
    for (int step = from; step < to; ++step)
        bytes += "{\"ts\": " + QByteArray::number(1732800000.0 + step * 1e-3, 'f', 3)
            + ", \"tag\": \"step_end\", \"step\": " + QByteArray::number(step)
            + ", \"context\": {\"loss\": " + QByteArray::number(1.0 / (step + 1)) + "}}\n";
    return bytes;
}

inline bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        && file.write(bytes) == bytes.size();
}

inline bool appendFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Append) && file.write(bytes) == bytes.size();
}

} // namespace viewer::test
