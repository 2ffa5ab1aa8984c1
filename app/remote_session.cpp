#include "remote_session.hpp"

#include "state_change.hpp"

#include <QSocketNotifier>
#include <QTimer>

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>
#include <utility>

namespace viewer {

namespace {

constexpr qsizetype MaxStderrBytes = 4096;
constexpr qsizetype MaxHeaderBytes = 512;
constexpr qsizetype MaxReadBytes = qsizetype(4) * 1024 * 1024; // per event-loop pass
constexpr qsizetype ReadBlockBytes = 256 * 1024;

// The remote side: POSIX sh and coreutils only. It reads from stdin the identities of files
// rotated away (one line, space-separated), then its files (three lines each: identity, offset,
// path; then "."), numbers them 1..n in that order, and every 100 ms compares each file's
// identity and size (one `stat` for all) with what was sent and sends what is new, as framed
// messages on stdout:
//   H                   hello (the command runs: the connection is up)
//   I <k> <dev:ino>     the identity of file k read from now on
//   R <k> <reason>      start file k over: it was replaced or truncated (offset 0, line 1)
//   O <k> <dev:ino>     file k was rotated (mv f f.1; new f): its old file, found by identity in
//                       the same folder, was read to its end (D frames before this); the new one
//                       follows from offset 0, line 1, and the data is kept
//   D <k> <offset> <n>  followed by exactly n bytes of file k from offset (a read cut short by a
//                       truncation is padded with NULs; the R that follows drops them)
//   W <k>               file k does not exist (following: waiting for it)
//   C                   read every file to its current end for the first time
//   E                   read to the end once (not following): done
//   .                   heartbeat every ~5 s of silence: a remote loop whose reader is gone dies
//                       on it
// A single file missing when read once: stat's message on stderr, exit 3. A file first seen with
// the identity of another file (or of one rotated away) is that file under its rotated name, and
// is never read: its lines are the other file's.
// Paths never hold a newline (refused before), so each line of stat's output names one file, in
// the order given; values live in variables indexed by the file's number (`eval` only ever sees
// variable names and numbers, never a path). %1 follow (1/0), %2 single file (1/0).
constexpr char Script[] = R"(follow=%1; single=%2; k=0; set --
IFS= read -r retired; retired=" $retired "
while IFS= read -r id && [ "$id" != . ] && IFS= read -r off && IFS= read -r f; do
  k=$((k + 1)); eval "i_$k=\$id; o_$k=\$off; w_$k=0; p_$k=\$f"; set -- "$@" "$f"
done
count=$k; idle=0; caught=0
printf 'H\n'
missing() {
  eval "p=\$p_$1; w=\$w_$1"
  if [ "$follow" = 0 ]; then
    [ "$single" = 1 ] || return 0
    stat -L -c %s -- "$p" >/dev/null; exit 3
  fi
  [ "$w" = 1 ] || { printf 'W %s\n' "$1"; eval "w_$1=1"; }
}
while :; do
  out=$(stat -L -c '%d:%i %s %n' -- "$@" 2>/dev/null)
  k=0; sent=0
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    i=${line%% *}; r=${line#* }; n=${r%% *}; f=${r#* }
    k=$((k + 1)); eval "p=\$p_$k"
    while [ "$p" != "$f" ] && [ "$k" -lt "$count" ]; do
      missing "$k"; k=$((k + 1)); eval "p=\$p_$k"
    done
    eval "off=\$o_$k; id=\$i_$k; w_$k=0; x=\$x_$k"
    [ "$x" != 1 ] || continue
    if [ -z "$id" ]; then
      case $retired in *" $i "*) x=1 ;; esac
      j=1; while [ "$x" != 1 ] && [ "$j" -le "$count" ]; do
        eval "[ \"\$i_$j\" != \"\$i\" ]" || x=1; j=$((j + 1))
      done
      if [ "$x" = 1 ]; then eval "x_$k=1"; continue; fi
    fi
    if [ "$i" != "$id" ]; then
      if [ -n "$id" ]; then
        d=${f%/*}; g=$(stat -L -c '%d:%i %s %n' -- "$d"/* "$d"/.[!.]* 2>/dev/null |
          while IFS= read -r l; do [ "${l%% *}" != "$id" ] || { printf '%s' "${l#* }"; break; }; done)
        if [ -n "$g" ]; then
          gs=${g%% *}; gf=${g#* }
          if [ "$gs" -gt "$off" ]; then
            c=$((gs - off)); printf 'D %s %s %s\n' "$k" "$off" "$c"
            { tail -c +$((off + 1)) -- "$gf" 2>/dev/null; cat /dev/zero; } | head -c "$c"
          fi
          printf 'O %s %s\n' "$k" "$id"; retired="$retired$id "
        else
          printf 'R %s file replaced\n' "$k"
        fi
        off=0
      fi
      id=$i; printf 'I %s %s\n' "$k" "$id"
    fi
    if [ "$n" -lt "$off" ]; then printf 'R %s file truncated\n' "$k"; off=0; fi
    if [ "$n" -gt "$off" ]; then
      c=$((n - off)); printf 'D %s %s %s\n' "$k" "$off" "$c"
      { tail -c +$((off + 1)) -- "$f" 2>/dev/null; cat /dev/zero; } | head -c "$c"
      off=$n; sent=1
    fi
    eval "o_$k=\$off; i_$k=\$id"
  done <<STAT_OUTPUT
$out
STAT_OUTPUT
  while [ "$k" -lt "$count" ]; do k=$((k + 1)); missing "$k"; done
  if [ "$sent" = 1 ]; then idle=0; continue; fi
  [ "$caught" = 1 ] || { printf 'C\n'; caught=1; }
  [ "$follow" = 1 ] || { printf 'E\n'; exit 0; }
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

RemoteSession::RemoteSession(const RemoteUrl& url, bool singleFile, bool follow, QObject* parent)
    : QObject(parent)
    , m_url(url)
    , m_singleFile(singleFile)
    , m_follow(follow)
    , m_budget(std::make_shared<ChunkBudget>())
{
    qRegisterMetaType<viewer::LineChunk>();
    qRegisterMetaType<viewer::RemoteSession::State>();
}

RemoteSession::~RemoteSession()
{
    stop();
}

qint64 RemoteSession::processId() const
{
    return m_process ? m_process->processId() : 0;
}

LinePosition RemoteSession::position(const QString& address) const
{
    for (const auto& file : m_files)
        if (file->address == address)
            return file->assembler.position();
    return {};
}

void RemoteSession::setChunkBudget(std::shared_ptr<ChunkBudget> budget)
{
    if (budget)
        m_budget = std::move(budget);
}

void RemoteSession::addFiles(
    const QStringList& remotePaths, const QHash<QString, LinePosition>& resumeAt)
{
    for (const QString& remotePath : remotePaths) {
        auto file = std::make_unique<File>();
        file->remotePath = remotePath;
        file->address = m_url.fileUrl(remotePath);
        file->assembler.reset(resumeAt.value(file->address));
        m_files.push_back(std::move(file));
    }
    m_stopping = false;
    if (!m_retryTimer) {
        m_retryTimer = new QTimer(this);
        m_retryTimer->setSingleShot(true);
        connect(m_retryTimer, &QTimer::timeout, this, &RemoteSession::connectOnce);
        m_budgetTimer = new QTimer(this);
        m_budgetTimer->setInterval(BudgetRetryMs);
        connect(m_budgetTimer, &QTimer::timeout, this, [this] {
            if (m_budget->hasRoom())
                readOutput();
        });
        setState(State::Connecting, QStringLiteral("connecting to %1").arg(m_url.host));
    }
    // Waiting to reconnect: the next attempt takes the longer list. Failed or finished: nothing
    // to start again.
    if (m_retryTimer->isActive() || m_state == State::Failed || m_state == State::Finished)
        return;
    // Running: start again at once with every file (a session's list is fixed); each file
    // resumes at its last complete line.
    endProcess();
    connectOnce();
}

void RemoteSession::stop()
{
    m_stopping = true;
    if (m_retryTimer)
        m_retryTimer->stop();
    endProcess();
}

void RemoteSession::endOpening()
{
    if (m_opening)
        SshCommand::openingEnded(m_url);
    m_opening = false;
}

void RemoteSession::endProcess()
{
    endOpening();
    if (m_budgetTimer)
        m_budgetTimer->stop();
    if (m_outputNotifier) {
        m_outputNotifier->setEnabled(false);
        m_outputNotifier->deleteLater();
        m_outputNotifier = nullptr;
    }
    if (m_output >= 0) {
        ::close(m_output);
        m_output = -1;
    }
    if (m_process) {
        m_process->disconnect(this);
        if (m_process->state() != QProcess::NotRunning) {
            m_process->kill();
            m_process->waitForFinished(2000);
        }
        m_process->deleteLater();
        m_process = nullptr;
    }
    m_buffer.clear();
    m_dataLeft = 0;
    m_dataFile = nullptr;
}

void RemoteSession::connectOnce()
{
    if (m_stopping || m_files.empty())
        return;
    // Resume after each file's last complete line: a partial line is read again whole.
    QByteArray list = m_retired.join(QLatin1Char(' ')).toLatin1() + '\n';
    for (const auto& file : m_files) {
        const LinePosition resume = file->assembler.position();
        file->assembler.reset(resume);
        list += file->identity.toLatin1() + '\n' + QByteArray::number(resume.offset) + '\n'
            + file->remotePath.toUtf8() + '\n';
    }
    list += ".\n";
    m_buffer.clear();
    m_dataLeft = 0;
    m_dataFile = nullptr;
    m_stderr.clear();
    m_connected = false;
    m_ended = false;
    // One opening of the host's shared connection at a time (sshd's MaxStartups): wait for it.
    if (!SshCommand::mayStart(m_url, &m_opening)) {
        m_retryTimer->start(SshCommand::OpeningRetryMs);
        return;
    }
    const QString script =
        QString::fromLatin1(Script).arg(m_follow ? QStringLiteral("1") : QStringLiteral("0"),
            m_singleFile ? QStringLiteral("1") : QStringLiteral("0"));
    const QStringList argv =
        SshCommand::argv(m_url, QStringLiteral("sh -c %1").arg(SshCommand::shellQuote(script)));
    if (argv.isEmpty()) {
        endOpening();
        setState(State::Failed, QStringLiteral("TELEMETRY_SSH_COMMAND is set but empty"));
        return;
    }
    // ssh writes to a pipe of ours, read only while the budget has room (QProcess would read
    // everything ssh sends into memory, as fast as it comes).
    int pipeEnds[2] = { -1, -1 };
    if (::pipe2(pipeEnds, O_CLOEXEC) != 0) {
        endOpening();
        setState(
            State::Failed, QStringLiteral("cannot create a pipe: %1").arg(qt_error_string(errno)));
        return;
    }
    ::fcntl(pipeEnds[0], F_SETFL, ::fcntl(pipeEnds[0], F_GETFL) | O_NONBLOCK);
    const int writeEnd = pipeEnds[1];
    m_output = pipeEnds[0];
    m_process = new QProcess(this);
    m_process->setStandardOutputFile(QProcess::nullDevice());
    // Runs in the child after QProcess set up its channels: stdout becomes our pipe.
    m_process->setChildProcessModifier([writeEnd] { ::dup2(writeEnd, STDOUT_FILENO); });
    connect(m_process, &QProcess::readyReadStandardError, this, [this] {
        m_stderr += m_process->readAllStandardError();
        if (m_stderr.size() > MaxStderrBytes)
            m_stderr = m_stderr.right(MaxStderrBytes);
    });
    connect(m_process, &QProcess::finished, this, &RemoteSession::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        const QString why =
            QStringLiteral("cannot run %1: %2").arg(m_process->program(), m_process->errorString());
        endProcess();
        setState(State::Failed, why);
    });
    m_outputNotifier = new QSocketNotifier(m_output, QSocketNotifier::Read, this);
    connect(m_outputNotifier, &QSocketNotifier::activated, this, &RemoteSession::readOutput);
    m_process->start(argv.first(), argv.mid(1), QIODevice::ReadWrite);
    ::close(writeEnd);
    if (m_process) { // not ended by a failure to start
        m_process->write(list);
        m_process->closeWriteChannel();
    }
}

void RemoteSession::readOutput()
{
    if (m_output < 0)
        return;
    if (!m_budget->hasRoom()) {
        // Read nothing until the consumer has merged: ssh's pipe fills, then its channel window.
        m_outputNotifier->setEnabled(false);
        if (!m_budgetTimer->isActive())
            m_budgetTimer->start();
        return;
    }
    m_budgetTimer->stop();
    qsizetype readNow = 0;
    bool open = true;
    while (readNow < MaxReadBytes) {
        const qsizetype before = m_buffer.size();
        m_buffer.resize(before + ReadBlockBytes);
        const ssize_t n = ::read(m_output, m_buffer.data() + before, ReadBlockBytes);
        m_buffer.resize(before + std::max<ssize_t>(n, 0));
        if (n > 0) {
            readNow += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        open = n < 0 && errno == EAGAIN; // else the end: the process's end says the rest
        break;
    }
    m_outputNotifier->setEnabled(open);
    parse();
}

void RemoteSession::drainOutput()
{
    if (m_output < 0)
        return;
    // ssh has exited: what it wrote is in the pipe (at most its capacity); read it whatever the
    // budget, so that the end of the stream is never left behind.
    for (;;) {
        const qsizetype before = m_buffer.size();
        m_buffer.resize(before + ReadBlockBytes);
        const ssize_t n = ::read(m_output, m_buffer.data() + before, ReadBlockBytes);
        m_buffer.resize(before + std::max<ssize_t>(n, 0));
        if (n > 0 || (n < 0 && errno == EINTR))
            continue;
        break;
    }
    parse();
}

void RemoteSession::parse()
{
    qsizetype pos = 0;
    while (pos < m_buffer.size()) {
        if (m_dataLeft > 0) {
            const qsizetype take = std::min<qint64>(m_dataLeft, m_buffer.size() - pos);
            File& file = *m_dataFile;
            m_dataLeft -= take;
            if (pos == 0 && take == m_buffer.size()) {
                feedData(file, std::exchange(m_buffer, {}));
                return;
            }
            feedData(file, m_buffer.mid(pos, take));
            pos += take;
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

RemoteSession::File* RemoteSession::fileOf(const QByteArray& number)
{
    bool ok = false;
    const qsizetype index = number.toLongLong(&ok) - 1;
    if (!ok || index < 0 || index >= qsizetype(m_files.size()))
        return nullptr;
    return m_files[size_t(index)].get();
}

bool RemoteSession::handleHeader(const QByteArray& line)
{
    const char kind = line.isEmpty() ? '\0' : line.at(0);
    const QByteArray rest = line.mid(2);
    const qsizetype space = rest.indexOf(' ');
    // I, R, D and W name their file first.
    File* file = fileOf(space < 0 ? rest : rest.left(space));
    const QByteArray after = space < 0 ? QByteArray() : rest.mid(space + 1);
    const auto bad = [&] {
        protocolError(QStringLiteral("unexpected output \"%1\"").arg(plainMessage(line.left(80))));
        return false;
    };
    const auto appeared = [this] {
        // A single file that was missing is there again.
        if (m_state == State::Waiting && m_caughtUp)
            setState(State::Following, {});
    };
    switch (kind) {
    case 'H':
        endOpening(); // the shared connection is up: the others may start
        m_connected = true;
        m_everConnected = true;
        m_attempt = 0;
        if (m_caughtUp && m_follow)
            setState(State::Following, {});
        else
            setState(State::Connecting, QStringLiteral("reading from %1").arg(m_url.host));
        return true;
    case 'I':
        if (!file)
            return bad();
        file->identity = QString::fromLatin1(after);
        appeared();
        return true;
    case 'R':
        if (!file)
            return bad();
        file->assembler.reset();
        ++file->generation;
        emit fileReset(file->address, QString::fromUtf8(after));
        return true;
    case 'O': {
        // Rotated: the old file was read to its end; what it left unfinished stays unread.
        if (!file)
            return bad();
        const LinePosition tail = file->assembler.position();
        if (file->assembler.pendingBytes() > 0)
            emit incompleteLineFound(
                file->address, tail.lineNumber, tail.offset, file->assembler.pendingLine());
        file->assembler.reset();
        ++file->generation;
        m_retired << QString::fromLatin1(after);
        return true;
    }
    case 'D': {
        const QList<QByteArray> fields = after.split(' ');
        bool okOffset = false;
        bool okLength = false;
        const qint64 offset = fields.value(0).toLongLong(&okOffset);
        const qint64 length = fields.value(1).toLongLong(&okLength);
        if (!file || !okOffset || !okLength || length < 0 || offset != file->assembler.offset()) {
            protocolError(
                QStringLiteral("unexpected data header \"%1\"%2")
                    .arg(QString::fromLatin1(line),
                        file ? QStringLiteral(" at offset %1").arg(file->assembler.offset())
                             : QString()));
            return false;
        }
        m_dataFile = file;
        m_dataLeft = length;
        appeared();
        return true;
    }
    case 'W':
        if (!file)
            return bad();
        if (m_singleFile)
            setState(State::Waiting, QStringLiteral("%1 does not exist").arg(file->address));
        return true;
    case 'C':
        m_caughtUp = true;
        // Reading once: still loading until the end ('E', then Finished), never following.
        if (m_follow && m_state != State::Waiting)
            setState(State::Following, {});
        return true;
    case 'E':
        m_ended = true;
        return true;
    case '.':
        return true;
    default:
        return bad();
    }
}

void RemoteSession::feedData(File& file, QByteArray bytes)
{
    QList<LineChunk> chunks;
    file.assembler.feed(std::move(bytes), chunks);
    for (LineChunk& chunk : chunks) {
        chunk.path = file.address;
        chunk.generation = file.generation;
        chunk.credit = m_budget->take(chunk.bytes.size());
        emit linesRead(chunk);
    }
}

void RemoteSession::protocolError(const QString& what)
{
    // Never guess where the stream is: drop this connection and resume at the last whole lines.
    endProcess();
    scheduleReconnect(QStringLiteral("remote output not understood: %1").arg(what));
}

void RemoteSession::onFinished(int exitCode, QProcess::ExitStatus status)
{
    if (m_stopping || !m_process)
        return;
    drainOutput();
    if (!m_process)
        return; // the output was not understood: a reconnection is already scheduled
    m_stderr += m_process->readAllStandardError();
    const QString error = plainMessage(m_stderr);
    endProcess();
    if (m_ended && exitCode == 0 && status == QProcess::NormalExit) {
        for (const auto& file : m_files) {
            const LinePosition tail = file->assembler.position();
            if (file->assembler.pendingBytes() > 0)
                emit incompleteLineFound(
                    file->address, tail.lineNumber, tail.offset, file->assembler.pendingLine());
        }
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

void RemoteSession::scheduleReconnect(const QString& why)
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

void RemoteSession::setState(State state, const QString& message)
{
    if (changeState(m_state, m_message, state, message))
        emit stateChanged(state, message);
}

} // namespace viewer
