#pragma once
// The fault-writer helper (fault_writer.cpp) as a child process: one command, one reply line.
// Its stderr (the logger's error reports) is collected as it arrives.

#include <QByteArray>
#include <QDeadlineTimer>
#include <QProcess>
#include <QStringList>

namespace faults {

class WriterProcess
{
public:
    static QString helperPath()
    {
        return QStringLiteral(FAULT_WRITER_PATH);
    }

    WriterProcess() = default;
    WriterProcess(const WriterProcess&) = delete;
    WriterProcess& operator=(const WriterProcess&) = delete;
    ~WriterProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill(); // a test that failed half-way
            m_process.waitForFinished(10000);
        }
    }

    // `wrapper`: a command the helper runs under (e.g. unshare and a mount), or empty.
    bool start(const QStringList& writerArguments, const QStringList& wrapper = {})
    {
        QStringList command = wrapper;
        command << helperPath() << writerArguments;
        m_process.start(command.takeFirst(), command);
        return m_process.waitForStarted(10000);
    }

    // Sends one command and returns its reply line (empty if the helper died or timed out).
    QByteArray ask(const QByteArray& command, int timeoutMs = 30000)
    {
        m_process.write(command + '\n');
        const QDeadlineTimer deadline(timeoutMs);
        while (!m_process.canReadLine()) {
            if (m_process.state() != QProcess::Running || deadline.hasExpired()
                || !m_process.waitForReadyRead(int(deadline.remainingTime())))
                break;
        }
        collectErrors();
        return m_process.canReadLine() ? m_process.readLine().trimmed() : QByteArray();
    }

    // A `key=value` field of the last `stats` reply.
    static qint64 field(const QByteArray& stats, const QByteArray& key)
    {
        for (const QByteArray& part : stats.split(' '))
            if (part.startsWith(key + '='))
                return part.mid(key.size() + 1).toLongLong();
        return -1;
    }

    // Ends the helper (closing stdin makes it return from main) and waits for it.
    bool finish(int timeoutMs = 30000)
    {
        m_process.closeWriteChannel();
        const bool done = m_process.waitForFinished(timeoutMs);
        collectErrors();
        return done;
    }

    QByteArray errors()
    {
        collectErrors();
        return m_errors;
    }
    QProcess& process()
    {
        return m_process;
    }

private:
    void collectErrors()
    {
        m_errors += m_process.readAllStandardError();
    }

    QProcess m_process;
    QByteArray m_errors;
};

} // namespace faults
