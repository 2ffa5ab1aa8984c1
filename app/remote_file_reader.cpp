#include "remote_file_reader.hpp"

#include "state_change.hpp"

#include <QTimer>

#include <algorithm>
#include <utility>

namespace viewer {

namespace {

constexpr qsizetype MaxStderrBytes = 4096;
constexpr qsizetype MaxHeaderBytes = 512;

// The remote side: POSIX sh and coreutils only. Every 100 ms it compares the file's identity and
// size with what was sent and sends what is new, as framed messages on stdout:
//   H                 hello (the command runs: the connection is up)
//   I <dev:ino>       the identity of the file read from now on
//   R <reason>        start over: the file was replaced or truncated (offset 0, line 1)
//   D <offset> <n>    followed by exactly n bytes of the file from offset (a read cut short by a
//                     truncation is padded with NULs; the R that follows drops them)
//   C                 read to the current end for the first time
//   W                 the file does not exist (following: waiting for it)
//   E                 read to the end once (not following): done
//   .                 heartbeat every ~5 s of silence: a remote loop whose reader is gone dies on
//   it
// %1 path, %2 offset, %3 identity, %4 follow (1/0); all but the numbers single-quoted.
constexpr char Script[] = R"(f=%1; off=%2; id=%3; follow=%4; w=0; idle=0; caught=0
printf 'H\n'
while :; do
  s=$(stat -L -c '%d:%i %s' -- "$f" 2>/dev/null) || s=
  if [ -z "$s" ]; then
    if [ "$follow" = 0 ]; then stat -L -c %s -- "$f" >/dev/null; exit 3; fi
    [ "$w" = 1 ] || { printf 'W\n'; w=1; }
  else
    w=0; n=${s#* }; i=${s% *}
    if [ "$i" != "$id" ]; then
      if [ -n "$id" ]; then printf 'R file replaced\n'; off=0; fi
      id=$i; printf 'I %s\n' "$id"
    fi
    if [ "$n" -lt "$off" ]; then printf 'R file truncated\n'; off=0; fi
    if [ "$n" -gt "$off" ]; then
      c=$((n - off)); printf 'D %s %s\n' "$off" "$c"
      { tail -c +$((off + 1)) -- "$f" 2>/dev/null; cat /dev/zero; } | head -c "$c"
      off=$n; idle=0; continue
    fi
    [ "$caught" = 1 ] || { printf 'C\n'; caught=1; }
    [ "$follow" = 1 ] || { printf 'E\n'; exit 0; }
  fi
  idle=$((idle + 1)); [ "$idle" -lt 50 ] || { printf '.\n'; idle=0; }
  sleep 0.1
done)";

// Plain text for the UI: ssh's stderr without control characters, on one line per message.
QString plainMessage(const QByteArray& bytes)
{
    QString text = QString::fromUtf8(bytes).trimmed();
    for (QChar& c : text)
        if (c.unicode() < 0x20 && c != QLatin1Char('\n'))
            c = QLatin1Char(' ');
    text.replace(QLatin1Char('\n'), QStringLiteral("; "));
    return text;
}

} // namespace

RemoteFileReader::RemoteFileReader(
    const RemoteUrl& url, const QString& remotePath, bool follow, QObject* parent)
    : QObject(parent)
    , m_url(url)
    , m_remotePath(remotePath)
    , m_chunkPath(url.fileUrl(remotePath))
    , m_follow(follow)
{
    qRegisterMetaType<viewer::LineChunk>();
    qRegisterMetaType<viewer::RemoteFileReader::State>();
}

RemoteFileReader::~RemoteFileReader()
{
    stop();
}

qint64 RemoteFileReader::processId() const
{
    return m_process ? m_process->processId() : 0;
}

void RemoteFileReader::start(LinePosition from)
{
    m_assembler.reset(from);
    m_stopping = false;
    if (!m_retryTimer) {
        m_retryTimer = new QTimer(this);
        m_retryTimer->setSingleShot(true);
        connect(m_retryTimer, &QTimer::timeout, this, &RemoteFileReader::connectOnce);
    }
    setState(State::Connecting, QStringLiteral("connecting to %1").arg(m_url.host));
    connectOnce();
}

void RemoteFileReader::stop()
{
    m_stopping = true;
    if (m_retryTimer)
        m_retryTimer->stop();
    if (m_process) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(2000);
        delete m_process;
        m_process = nullptr;
    }
}

void RemoteFileReader::connectOnce()
{
    if (m_stopping)
        return;
    // Resume after the last complete line: a partial line is read again whole.
    const LinePosition resume = m_assembler.position();
    m_assembler.reset(resume);
    m_buffer.clear();
    m_dataLeft = 0;
    m_stderr.clear();
    m_connected = false;
    // One multi-argument arg(): a path holding "%2" is not substituted again.
    const QString script = QString::fromLatin1(Script).arg(SshCommand::shellQuote(m_remotePath),
        QString::number(resume.offset), SshCommand::shellQuote(m_identity),
        m_follow ? QStringLiteral("1") : QStringLiteral("0"));
    const QStringList argv =
        SshCommand::argv(m_url, QStringLiteral("sh -c %1").arg(SshCommand::shellQuote(script)));
    if (argv.isEmpty()) {
        setState(State::Failed, QStringLiteral("TELEMETRY_SSH_COMMAND is set but empty"));
        return;
    }
    delete m_process;
    m_process = new QProcess(this);
    m_process->setStandardInputFile(QProcess::nullDevice());
    connect(m_process, &QProcess::readyReadStandardOutput, this, &RemoteFileReader::readOutput);
    connect(m_process, &QProcess::readyReadStandardError, this, [this] {
        m_stderr += m_process->readAllStandardError();
        if (m_stderr.size() > MaxStderrBytes)
            m_stderr = m_stderr.right(MaxStderrBytes);
    });
    connect(m_process, &QProcess::finished, this, &RemoteFileReader::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            setState(State::Failed,
                QStringLiteral("cannot run %1: %2")
                    .arg(m_process->program(), m_process->errorString()));
    });
    m_process->start(argv.first(), argv.mid(1), QIODevice::ReadOnly);
}

void RemoteFileReader::readOutput()
{
    if (!m_process)
        return;
    m_buffer += m_process->readAllStandardOutput();
    qsizetype pos = 0;
    while (pos < m_buffer.size()) {
        if (m_dataLeft > 0) {
            const qsizetype take = std::min<qint64>(m_dataLeft, m_buffer.size() - pos);
            feedData(pos == 0 && take == m_buffer.size() ? std::exchange(m_buffer, {})
                                                         : m_buffer.mid(pos, take));
            m_dataLeft -= take;
            pos += take;
            if (m_buffer.isEmpty())
                return;
            continue;
        }
        const qsizetype newline = m_buffer.indexOf('\n', pos);
        if (newline < 0) {
            if (m_buffer.size() - pos > MaxHeaderBytes)
                return protocolError(QStringLiteral("a header line without its end"));
            break;
        }
        if (!handleHeader(m_buffer.mid(pos, newline - pos)))
            return;
        pos = newline + 1;
    }
    m_buffer.remove(0, pos);
}

bool RemoteFileReader::handleHeader(const QByteArray& line)
{
    const char kind = line.isEmpty() ? '\0' : line.at(0);
    const QByteArray rest = line.mid(2);
    switch (kind) {
    case 'H':
        m_connected = true;
        m_everConnected = true;
        m_attempt = 0;
        if (m_caughtUp)
            setState(State::Following, {});
        else
            setState(State::Connecting, QStringLiteral("reading from %1").arg(m_url.host));
        return true;
    case 'I':
        m_identity = QString::fromLatin1(rest);
        return true;
    case 'R':
        m_assembler.reset();
        ++m_generation;
        emit fileReset(QString::fromUtf8(rest));
        return true;
    case 'D': {
        const QList<QByteArray> fields = rest.split(' ');
        bool okOffset = false;
        bool okLength = false;
        const qint64 offset = fields.value(0).toLongLong(&okOffset);
        const qint64 length = fields.value(1).toLongLong(&okLength);
        if (!okOffset || !okLength || length < 0 || offset != m_assembler.offset()) {
            protocolError(QStringLiteral("unexpected data header \"%1\" at offset %2")
                              .arg(QString::fromLatin1(line))
                              .arg(m_assembler.offset()));
            return false;
        }
        m_dataLeft = length;
        return true;
    }
    case 'C':
        m_caughtUp = true;
        setState(State::Following, {});
        return true;
    case 'W':
        setState(State::Waiting, QStringLiteral("%1 does not exist").arg(m_chunkPath));
        return true;
    case 'E':
        m_ended = true;
        return true;
    case '.':
        return true;
    default:
        protocolError(QStringLiteral("unexpected output \"%1\"").arg(plainMessage(line.left(80))));
        return false;
    }
}

void RemoteFileReader::feedData(QByteArray bytes)
{
    QList<LineChunk> chunks;
    m_assembler.feed(std::move(bytes), chunks);
    for (LineChunk& chunk : chunks) {
        chunk.path = m_chunkPath;
        chunk.generation = m_generation;
        emit linesRead(chunk);
    }
}

void RemoteFileReader::protocolError(const QString& what)
{
    // Never guess where the stream is: drop this connection and resume at the last whole line.
    m_buffer.clear();
    if (m_process) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(2000);
        m_process->deleteLater();
        m_process = nullptr;
    }
    scheduleReconnect(QStringLiteral("remote output not understood: %1").arg(what));
}

void RemoteFileReader::onFinished(int exitCode, QProcess::ExitStatus status)
{
    if (m_stopping || !m_process)
        return;
    readOutput();
    if (!m_process)
        return; // the output was not understood: a reconnection is already scheduled
    m_stderr += m_process->readAllStandardError();
    const QString error = plainMessage(m_stderr);
    m_process->deleteLater();
    m_process = nullptr;
    if (m_ended && exitCode == 0 && status == QProcess::NormalExit) {
        const LinePosition tail = m_assembler.position();
        if (m_assembler.pendingBytes() > 0)
            emit incompleteLineFound(tail.lineNumber, tail.offset, m_assembler.pendingLine());
        setState(State::Finished, {});
        return;
    }
    const bool crashed = status == QProcess::CrashExit;
    // 3: the file is missing (read once); 126/127: no sh on the remote side. ssh's own failures
    // (255) before any hello are its configuration, keys or host: retrying would not help.
    const bool remoteFailure =
        !crashed && m_connected && (exitCode == 3 || exitCode == 126 || exitCode == 127);
    if (remoteFailure || (!m_everConnected && !crashed)) {
        setState(State::Failed,
            error.isEmpty() ? QStringLiteral("ssh exited with status %1").arg(exitCode) : error);
        return;
    }
    scheduleReconnect(error.isEmpty()
            ? (crashed ? QStringLiteral("ssh was killed")
                       : QStringLiteral("ssh exited with status %1").arg(exitCode))
            : error);
}

void RemoteFileReader::scheduleReconnect(const QString& why)
{
    ++m_attempt;
    if (!m_follow && m_attempt > NoFollowMaxAttempts) {
        setState(State::Failed,
            QStringLiteral("gave up after %1 attempts: %2").arg(NoFollowMaxAttempts).arg(why));
        return;
    }
    const int delay = std::min(MaxBackoffMs, FirstBackoffMs << std::min(m_attempt - 1, 16));
    setState(State::Reconnecting,
        QStringLiteral("reconnecting (attempt %1, next in %2 s): %3")
            .arg(m_attempt)
            .arg(delay / 1000.0, 0, 'g', 3)
            .arg(why));
    m_retryTimer->start(delay);
}

void RemoteFileReader::setState(State state, const QString& message)
{
    if (changeState(m_state, m_message, state, message))
        emit stateChanged(state, message);
}

} // namespace viewer
