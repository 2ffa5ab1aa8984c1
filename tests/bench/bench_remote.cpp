// Remote sources (issue 16): the first read of a large file over ssh to localhost, to its end
// and parsed into the store, beside `ssh host cat FILE > /dev/null` in the same run (medians).
// Needs Debian's sshd (tests/app/ssh_test_server.hpp); says so and exits 0 without it.

#include "../app/ssh_test_server.hpp"
#include "ssh_command.hpp"
#include "workspace.hpp"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace viewer;

namespace {

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

double timeSshCat(const QString& file)
{
    QString error;
    QStringList argv =
        SshCommand::plainArgv(RemoteUrl::parse(QStringLiteral("ssh://127.0.0.1/x"), &error),
            QStringLiteral("cat ") + SshCommand::shellQuote(file));
    QProcess process;
    process.setStandardOutputFile(QProcess::nullDevice());
    QElapsedTimer timer;
    timer.start();
    process.start(argv.takeFirst(), argv);
    process.waitForFinished(-1);
    return timer.nsecsElapsed() / 1e9;
}

double timeRemoteRead(const QString& file, qint64* records)
{
    Workspace workspace;
    QElapsedTimer timer;
    timer.start();
    const int id = workspace.open(QStringLiteral("ssh://127.0.0.1") + file, /*follow=*/false);
    QEventLoop loop;
    QObject::connect(&workspace, &Workspace::sourceStateChanged, &loop, [&] {
        const auto state = workspace.source(id).state;
        if (state == Workspace::SourceState::Idle || state == Workspace::SourceState::Failed)
            loop.quit();
    });
    loop.exec();
    const double seconds = timer.nsecsElapsed() / 1e9;
    *records = 0;
    for (int run : workspace.runIds())
        *records += static_cast<qint64>(workspace.run(run)->records.size());
    if (workspace.source(id).state == Workspace::SourceState::Failed)
        std::fprintf(stderr, "failed: %s\n", qPrintable(workspace.source(id).message));
    return seconds;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    SshTestServer server;
    QString why;
    if (!server.start(&why)) {
        std::printf("bench_remote: skipped, sshd cannot run here: %s\n", qPrintable(why));
        return 0;
    }
    qputenv("TELEMETRY_SSH_COMMAND", server.sshCommand().toLocal8Bit());
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("big.jsonl"));
    {
        QFile out(file);
        out.open(QIODevice::WriteOnly);
        QByteArray block;
        for (int i = 0; i < 1000000; ++i) {
            block += "{\"ts\": " + QByteArray::number(1700000000.0 + i * 0.01, 'f', 3)
                + ", \"tag\": \"step_end\", \"step\": " + QByteArray::number(i)
                + ", \"context\": {\"loss\": 0.123456, \"lr\": 0.0003, \"metrics\": {\"acc\": "
                  "0.9}}}\n";
            if (block.size() > (1 << 20)) {
                out.write(block);
                block.clear();
            }
        }
        out.write(block);
    }
    const double megabytes = QFileInfo(file).size() / 1e6;
    std::vector<double> cat;
    std::vector<double> ours;
    qint64 records = 0;
    for (int i = 0; i < 3; ++i) {
        cat.push_back(timeSshCat(file));
        ours.push_back(timeRemoteRead(file, &records));
    }
    std::printf("remote first read, %.0f MB over ssh to localhost, %lld records into the store: "
                "%.2f s (%.0f MB/s); peer `ssh host cat FILE > /dev/null`: %.2f s (%.0f MB/s); "
                "ratio %.2fx (medians of 3)\n",
        megabytes, static_cast<long long>(records), median(ours), megabytes / median(ours),
        median(cat), megabytes / median(cat), median(ours) / median(cat));
    return 0;
}
