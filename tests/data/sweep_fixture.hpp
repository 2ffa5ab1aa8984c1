#pragma once

// Runs written for the runs-table tests (issue 12), as our logger writes them: a run_begin with
// the run's id, host, rank and config, then steps and epochs.
//   writeSweep(dir): 24 trials of a sweep over lr x batch_size x optimizer x seed, one file each,
//     whose final val_acc is known; returns the id of the best trial.
//   writeTwoJobs(dir): 8 ranks of 2 jobs (4 each) in one folder: run ids equal within a job.

#include <QDir>
#include <QFile>
#include <QString>

#include <cmath>

namespace viewer::test {

struct SweepTrial
{
    double lr;
    int batchSize;
    const char* optimizer;
    int seed;

    QString id() const
    {
        return QStringLiteral("sweep-lr%1-bs%2-%3-s%4")
            .arg(lr, 0, 'g', 3)
            .arg(batchSize)
            .arg(QLatin1String(optimizer))
            .arg(seed);
    }
    // The val_acc it ends with: best at lr 3e-4, batch 64, adamw, seed 2 (0.902).
    double finalAccuracy() const
    {
        return 0.9 - 0.05 * std::fabs(std::log10(lr / 3e-4)) - (batchSize == 32 ? 0.02 : 0.0)
            - (QLatin1String(optimizer) == QLatin1String("sgd") ? 0.04 : 0.0) + seed * 0.001;
    }
};

inline QList<SweepTrial> sweepTrials()
{
    QList<SweepTrial> trials;
    for (double lr : { 1e-4, 3e-4, 1e-3 })
        for (int batch : { 32, 64 })
            for (const char* optimizer : { "adamw", "sgd" })
                for (int seed : { 1, 2 })
                    trials << SweepTrial { lr, batch, optimizer, seed };
    return trials;
}

inline bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

inline QByteArray trialText(const SweepTrial& t, const QString& host, int rank, double ts0)
{
    QByteArray out;
    out += QStringLiteral("{\"ts\":%1,\"tag\":\"run_begin\",\"run\":\"%2\",\"host\":\"%3\","
                          "\"rank\":%4,\"pid\":%5,\"config\":{\"lr\":%6,\"batch_size\":%7,"
                          "\"optimizer\":\"%8\",\"seed\":%9}}\n")
               .arg(ts0, 0, 'f', 3)
               .arg(t.id(), host)
               .arg(rank)
               .arg(1000 + rank)
               .arg(t.lr, 0, 'g', 17)
               .arg(t.batchSize)
               .arg(QLatin1String(t.optimizer))
               .arg(t.seed)
               .toUtf8();
    const int epochs = 3;
    int step = 0;
    for (int epoch = 0; epoch < epochs; ++epoch) {
        const double ts = ts0 + 10.0 * (epoch + 1);
        out += QStringLiteral("{\"ts\":%1,\"tag\":\"epoch_begin\",\"epoch\":%2}\n")
                   .arg(ts, 0, 'f', 3)
                   .arg(epoch)
                   .toUtf8();
        for (int i = 0; i < 4; ++i, ++step) {
            const double loss = 2.0 / (1.0 + step) + (1.0 - t.finalAccuracy());
            out += QStringLiteral("{\"ts\":%1,\"tag\":\"step_end\",\"step\":%2,\"context\":"
                                  "{\"loss\":%3}}\n")
                       .arg(ts + i, 0, 'f', 3)
                       .arg(step)
                       .arg(loss, 0, 'g', 17)
                       .toUtf8();
        }
        // val_acc climbs to its final value on the last epoch.
        const double acc = t.finalAccuracy() - 0.1 * (epochs - 1 - epoch);
        out += QStringLiteral("{\"ts\":%1,\"tag\":\"epoch_end\",\"epoch\":%2,\"context\":"
                              "{\"val_acc\":%3,\"val_loss\":%4}}\n")
                   .arg(ts + 5, 0, 'f', 3)
                   .arg(epoch)
                   .arg(acc, 0, 'g', 17)
                   .arg(1.0 - acc, 0, 'g', 17)
                   .toUtf8();
    }
    return out;
}

// Returns the id of the best trial ("" when a file could not be written).
inline QString writeSweep(const QString& dir)
{
    QString best;
    double bestAccuracy = -1.0;
    int i = 0;
    for (const SweepTrial& t : sweepTrials()) {
        if (!writeFile(QDir(dir).filePath(
                           QStringLiteral("trial_%1.jsonl").arg(i, 2, 10, QLatin1Char('0'))),
                trialText(t, QStringLiteral("gpu1"), 0, 1732800000.0 + 100.0 * i)))
            return {};
        if (t.finalAccuracy() > bestAccuracy) {
            bestAccuracy = t.finalAccuracy();
            best = t.id();
        }
        ++i;
    }
    return best;
}

inline bool writeTwoJobs(const QString& dir)
{
    const SweepTrial a { 3e-4, 64, "adamw", 1 };
    const SweepTrial b { 1e-3, 64, "adamw", 1 };
    for (int rank = 0; rank < 4; ++rank) {
        const QString host = QStringLiteral("node%1").arg(rank / 2);
        QByteArray jobA = trialText(a, host, rank, 1732800000.0);
        jobA.replace(a.id().toUtf8(), "job-a");
        QByteArray jobB = trialText(b, host, rank, 1732900000.0);
        jobB.replace(b.id().toUtf8(), "job-b");
        if (!writeFile(QDir(dir).filePath(QStringLiteral("a_rank%1.jsonl").arg(rank)), jobA)
            || !writeFile(QDir(dir).filePath(QStringLiteral("b_rank%1.jsonl").arg(rank)), jobB))
            return false;
    }
    return true;
}

} // namespace viewer::test
