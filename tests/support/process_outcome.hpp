#pragma once
// A program run to its end through QProcess, for the suites that test an executable as a user runs
// it (telemetry-viewer's headless modes): its exit status and everything it printed.

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace testing {

struct ProcessOutcome
{
    int status = -1; // -1: did not start, did not end within the timeout (then killed), or crashed
    QByteArray out;
    QByteArray err;
};

// `env` empty: this process's environment.
inline ProcessOutcome runProcess(const QString& program, const QStringList& arguments,
    int timeoutMs, const QProcessEnvironment& env = {})
{
    QProcess process;
    if (!env.isEmpty())
        process.setProcessEnvironment(env);
    process.start(program, arguments);
    ProcessOutcome outcome;
    if (!process.waitForStarted(10'000) || !process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return outcome;
    }
    outcome.status = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    outcome.out = process.readAllStandardOutput();
    outcome.err = process.readAllStandardError();
    return outcome;
}

} // namespace testing
