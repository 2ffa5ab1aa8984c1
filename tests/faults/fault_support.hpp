#pragma once
// Shared by the fault suites: where the executables are, `telemetry-viewer --summary` as a
// value, what a Workspace holds, and what a file really contains (its complete lines).

#include "process_outcome.hpp"
#include "workspace.hpp"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>

#include <cstdint>
#include <cstdio>
#include <vector>

namespace faults {

inline QString binary(const QString& name)
{
    return qEnvironmentVariable("TELEMETRY_BIN_DIR") + QLatin1Char('/') + name;
}

inline QString trainerPath()
{
    return binary(QStringLiteral("example-trainer"));
}

inline QString viewerPath()
{
    return binary(QStringLiteral("telemetry-viewer"));
}

// What `telemetry-viewer --summary PATH...` printed and returned.
struct Summary
{
    int status = -1;
    QJsonObject json;
    QByteArray stdErr;

    QJsonArray sources() const
    {
        return json[QStringLiteral("sources")].toArray();
    }
    QJsonObject source(int i) const
    {
        return sources().at(i).toObject();
    }
    qint64 records(int sourceIndex) const
    {
        qint64 n = 0;
        for (const QJsonValue& run : source(sourceIndex)[QStringLiteral("runs")].toArray())
            n += run.toObject()[QStringLiteral("records")].toInteger();
        return n;
    }
    qint64 blankLines(int sourceIndex) const
    {
        qint64 n = 0;
        for (const QJsonValue& run : source(sourceIndex)[QStringLiteral("runs")].toArray())
            n += run.toObject()[QStringLiteral("blank_lines")].toInteger();
        return n;
    }
    // Every malformed entry of a source, in file order, as {line, reason} objects.
    QJsonArray malformed(int sourceIndex) const
    {
        QJsonArray all;
        for (const QJsonValue& run : source(sourceIndex)[QStringLiteral("runs")].toArray())
            for (const QJsonValue& m : run.toObject()[QStringLiteral("malformed")].toArray())
                all.append(m);
        return all;
    }
};

inline Summary summary(const QStringList& paths, int timeoutMs = 120000)
{
    const testing::ProcessOutcome run = testing::runProcess(
        viewerPath(), QStringList { QStringLiteral("--summary") } + paths, timeoutMs);
    Summary result;
    if (run.status < 0)
        return result;
    result.status = run.status;
    result.json = QJsonDocument::fromJson(run.out).object();
    result.stdErr = run.err;
    return result;
}

inline std::size_t storedRecords(const viewer::Workspace& workspace)
{
    std::size_t n = 0;
    for (int id : workspace.runIds())
        if (const viewer::Run* run = workspace.run(id))
            n += run->records.size();
    return n;
}

inline std::size_t storedMalformed(const viewer::Workspace& workspace)
{
    std::size_t n = 0;
    for (int id : workspace.runIds())
        if (const viewer::Run* run = workspace.run(id))
            n += run->malformed.size();
    return n;
}

// The complete ('\n'-terminated) lines of a file and where each starts; the tail after the last
// '\n' is what a torn write left.
struct FileLines
{
    std::vector<QByteArray> lines; // without the '\n'
    std::vector<std::uint64_t> offsets;
    QByteArray tail;
};

inline FileLines readLines(const QString& path)
{
    FileLines result;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return result;
    const QByteArray bytes = file.readAll();
    qsizetype start = 0;
    for (qsizetype nl = bytes.indexOf('\n'); nl >= 0; nl = bytes.indexOf('\n', start)) {
        result.lines.push_back(bytes.mid(start, nl - start));
        result.offsets.push_back(static_cast<std::uint64_t>(start));
        start = nl + 1;
    }
    result.tail = bytes.mid(start);
    return result;
}

// Writes `bytes` to a temporary file beside `path` and renames it over `path` (a new inode).
inline bool replaceAtomically(const QString& path, const QByteArray& bytes)
{
    const QString temporary = path + QStringLiteral(".tmp");
    QFile file(temporary);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return false;
    file.close();
    return std::rename(
               QFile::encodeName(temporary).constData(), QFile::encodeName(path).constData())
        == 0;
}

inline qint64 countNewlines(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    qint64 n = 0;
    while (!file.atEnd())
        n += file.read(qint64(1) << 22).count('\n');
    return n;
}

// The number in the trainer's closing line "example-trainer: wrote N records ...", or -1.
inline qint64 trainerWrote(const QByteArray& stdErr)
{
    const QByteArray marker = "example-trainer: wrote ";
    const qsizetype at = stdErr.lastIndexOf(marker);
    if (at < 0)
        return -1;
    const qsizetype begin = at + marker.size();
    const qsizetype end = stdErr.indexOf(' ', begin);
    bool ok = false;
    const qint64 n = stdErr.mid(begin, end - begin).toLongLong(&ok);
    return ok ? n : -1;
}

} // namespace faults
