#pragma once
// The large runs the reading benchmarks open: written once by example-trainer (from binDir) into
// $TMPDIR/telemetry-bench and reused while they are at least `minBytes` long, so that bench_load,
// bench_reader and bench_memory read the same bytes run after run.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStringList>

#include <cstdio>

namespace bench {

inline QString ensureTrainerRun(
    const QString& binDir, const QString& name, qint64 minBytes, const QStringList& trainerArgs)
{
    const QString dir = QDir::tempPath() + QStringLiteral("/telemetry-bench");
    QDir().mkpath(dir);
    const QString path = dir + QLatin1Char('/') + name;
    if (QFileInfo(path).size() > minBytes)
        return path;
    std::printf("generating %s with example-trainer ...\n", qPrintable(path));
    QFile::remove(path);
    QProcess trainer;
    trainer.setProcessChannelMode(QProcess::ForwardedChannels);
    trainer.start(binDir + QStringLiteral("/example-trainer"),
        QStringList { QStringLiteral("--out"), path } + trainerArgs
            + QStringList { QStringLiteral("--rate"), QStringLiteral("0"),
                QStringLiteral("--async"), QStringLiteral("--quiet") });
    trainer.waitForFinished(-1);
    return path;
}

// The 1,000,000-record run (~135 MB) of bench_load and bench_reader.
inline QString ensureMillionRecordRun(const QString& binDir)
{
    return ensureTrainerRun(binDir, QStringLiteral("run_1m.jsonl"), 100 * 1000 * 1000,
        { QStringLiteral("--epochs"), QStringLiteral("10"), QStringLiteral("--steps"),
            QStringLiteral("50000") });
}

} // namespace bench
