#pragma once
// Benchmarks that measure a scenario in a child process of their own (so that its peak RSS and CPU
// are its own): the child is this executable run again with other arguments, and prints one line
// "ok N1 N2 ..." (or "incomplete ..."). The parent keeps the numbers of each run as a row.

#include <QCoreApplication>
#include <QList>
#include <QProcess>
#include <QStringList>

#include <vector>

namespace bench {

// This executable run with `arguments`: its numbers after the first word, empty when it failed or
// did not end within timeoutMs.
inline std::vector<double> runSelfAsChild(const QStringList& arguments, int timeoutMs)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process.start(QCoreApplication::applicationFilePath(), arguments);
    if (!process.waitForFinished(timeoutMs) || process.exitCode() != 0)
        return {};
    const QList<QByteArray> fields = process.readAllStandardOutput().trimmed().split(' ');
    std::vector<double> numbers;
    for (qsizetype i = 1; i < fields.size(); ++i)
        numbers.push_back(fields[i].toDouble());
    return numbers;
}

// The i-th number of every row that has one.
inline std::vector<double> column(const std::vector<std::vector<double>>& rows, std::size_t i)
{
    std::vector<double> values;
    for (const std::vector<double>& row : rows) {
        if (i < row.size())
            values.push_back(row[i]);
    }
    return values;
}

} // namespace bench
