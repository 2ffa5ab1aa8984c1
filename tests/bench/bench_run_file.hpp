#pragma once
// The large runs the reading benchmarks open: written once by example-trainer into
// $TMPDIR/telemetry-bench and reused while they are at least `minBytes` long, so that bench_load,
// bench_reader and bench_memory read the same bytes run after run.

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStringList>

#include <cstdio>

namespace bench {

// Where example-trainer is: $TELEMETRY_BIN_DIR, else build/bin beside build/bench.
inline QString trainerBinDir()
{
    return qEnvironmentVariable(
        "TELEMETRY_BIN_DIR", QCoreApplication::applicationDirPath() + QStringLiteral("/../bin"));
}

inline QString ensureTrainerRun(
    const QString& name, qint64 minBytes, const QStringList& trainerArgs)
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
    trainer.start(trainerBinDir() + QStringLiteral("/example-trainer"),
        QStringList { QStringLiteral("--out"), path } + trainerArgs
            + QStringList { QStringLiteral("--rate"), QStringLiteral("0"),
                QStringLiteral("--async"), QStringLiteral("--quiet") });
    trainer.waitForFinished(-1);
    return path;
}

// The 1,000,000-record run (~135 MB) of bench_load and bench_reader.
inline QString ensureMillionRecordRun()
{
    return ensureTrainerRun(QStringLiteral("run_1m.jsonl"), 100 * 1000 * 1000,
        { QStringLiteral("--epochs"), QStringLiteral("10"), QStringLiteral("--steps"),
            QStringLiteral("50000") });
}

// The file named on the command line, else the million-record run.
inline QString millionRecordRunOr(int argc, char** argv)
{
    return argc > 1 ? QString::fromLocal8Bit(argv[1]) : ensureMillionRecordRun();
}

} // namespace bench
