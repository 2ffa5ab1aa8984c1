// Readers faster than the window (issue 11 items 4 and 6), end to end in the real window
// (offscreen), each scenario in a child process of its own so that its peak RSS is its own:
// 1) A followed file that grows faster than it is read: N lines (default 7.9 M, ~0.8 GB) of
//    trainer records appended as fast as the disk takes them. Figures: the GUI thread's work per
//    turn of its event loop (CPU ms, median of the busy turns and the longest), the time until
//    the window holds every record, and the process's peak RSS.
// 2) Garbage on a stream: 512 MiB of random bytes through a FIFO. Figures: time and peak RSS.
// Each beside the same window with the readers' back-pressure off
// (Workspace::setMaxBytesInFlight(0), the old behaviour: chunks queue for the merge without bound).
// Medians of --repeats runs.
//   bench_live_burst [--lines N] [--garbage-mib M] [--repeats R]
#include "bench_child.hpp"
#include "bench_stats.hpp"
#include "main_window.hpp"
#include "settings.hpp"
#include "workspace.hpp"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <string_view>
#include <sys/resource.h>
#include <sys/stat.h>
#include <thread>
#include <time.h>
#include <unistd.h>
#include <vector>

using namespace viewer;

namespace {

using bench::median;
using bench::threadCpuMs;

double peakRssMiB()
{
    rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

// The CPU time this thread spent between two runs of a 5 ms timer: one turn of the event loop's
// work (a merge, a redraw). Turns under 1 ms are idle turns and not kept.
class LoopTurns : public QObject
{
public:
    LoopTurns()
    {
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const double now = threadCpuMs();
            if (now - m_last >= 1.0)
                m_busy.push_back(now - m_last);
            m_last = now;
        });
        m_last = threadCpuMs();
        m_timer.start(5);
    }
    const std::vector<double>& busy() const
    {
        return m_busy;
    }

private:
    QTimer m_timer;
    double m_last = 0;
    std::vector<double> m_busy;
};

bool writeAll(int fd, const char* data, std::size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n <= 0)
            return false;
        data += n;
        size -= std::size_t(n);
    }
    return true;
}

std::size_t recordCount(const Workspace& workspace)
{
    std::size_t n = 0;
    for (int id : workspace.runIds())
        n += workspace.run(id)->records.size();
    return n;
}

struct Window
{
    QTemporaryDir dir;
    Settings settings { dir.filePath(QStringLiteral("settings.ini")) };
    MainWindow window { &settings };

    explicit Window(bool bounded)
    {
        if (!bounded)
            window.workspace()->setMaxBytesInFlight(0);
        window.resize(1400, 900);
        window.show();
    }
};

// Child: scenario 1. Prints "busy_median_ms busy_max_ms seconds peak_mib".
int runFileChild(bool bounded, long long lines)
{
    Window w(bounded);
    const QString path = w.dir.filePath(QStringLiteral("burst.jsonl"));
    QFile(path).open(QIODevice::WriteOnly);
    w.window.openPaths({ path });
    LoopTurns turns;
    QElapsedTimer clock;
    clock.start();
    std::thread writer([&] {
        const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_APPEND);
        // Formatted with to_chars into one buffer: the writer must outrun the window, as
        // `example-trainer --rate 0` does (7.9 M lines in 6.5 s in the issue).
        std::vector<char> block(std::size_t(1) << 20);
        std::size_t used = 0;
        const auto put = [&](std::string_view text) {
            std::memcpy(block.data() + used, text.data(), text.size());
            used += text.size();
        };
        const auto number = [&](auto value) {
            used = std::size_t(
                std::to_chars(block.data() + used, block.data() + block.size(), value).ptr
                - block.data());
        };
        for (long long k = 0; k < lines; ++k) {
            put("{\"tag\":\"step_end\",\"step\":");
            number(k);
            put(",\"loss\":");
            number(1.0 / double(k + 1));
            put(",\"lr\":0.0003,\"grad_norm\":");
            number(double(k % 97) / 7.0);
            put("}\n");
            if (used > block.size() - 256) {
                writeAll(fd, block.data(), used);
                used = 0;
            }
        }
        writeAll(fd, block.data(), used);
        ::close(fd);
    });
    while (recordCount(*w.window.workspace()) < std::size_t(lines) && clock.elapsed() < 600'000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    const double seconds = double(clock.elapsed()) / 1e3;
    writer.join();
    const bool complete = recordCount(*w.window.workspace()) == std::size_t(lines);
    const std::vector<double>& busy = turns.busy();
    std::printf("%s %.1f %.1f %.2f %.0f\n", complete ? "ok" : "incomplete", median(busy),
        busy.empty() ? 0.0 : *std::max_element(busy.begin(), busy.end()), seconds, peakRssMiB());
    return complete ? 0 : 1;
}

// Child: scenario 2. Prints "seconds peak_mib".
int runGarbageChild(bool bounded, long long mib)
{
    Window w(bounded);
    const QString fifo = w.dir.filePath(QStringLiteral("garbage"));
    if (::mkfifo(QFile::encodeName(fifo).constData(), 0600) != 0)
        return 2;
    QElapsedTimer clock;
    clock.start();
    std::atomic<bool> written { false };
    std::thread writer([&] {
        const int fd =
            ::open(QFile::encodeName(fifo).constData(), O_WRONLY); // waits for the reader
        std::mt19937_64 random(42);
        std::vector<std::uint64_t> block(1 << 17); // 1 MiB
        for (long long m = 0; m < mib && fd >= 0; ++m) {
            for (std::uint64_t& word : block)
                word = random();
            if (!writeAll(fd, reinterpret_cast<const char*>(block.data()), block.size() * 8))
                break;
        }
        if (fd >= 0)
            ::close(fd);
        written = true;
    });
    w.window.openPaths({ fifo });
    Workspace* workspace = w.window.workspace();
    const auto ended = [&] {
        const QList<int> ids = workspace->sourceIds();
        return written.load() && !ids.isEmpty()
            && workspace->source(ids.first()).state != Workspace::SourceState::Following
            && workspace->source(ids.first()).state != Workspace::SourceState::Loading;
    };
    while (!ended() && clock.elapsed() < 600'000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    const double seconds = double(clock.elapsed()) / 1e3;
    writer.join();
    std::printf("%s %.2f %.0f\n", ended() ? "ok" : "incomplete", seconds, peakRssMiB());
    return 0;
}

std::vector<double> child(const QStringList& arguments)
{
    return bench::runSelfAsChild(arguments, 900'000);
}

using bench::column;

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    const auto option = [&](const QString& name, long long fallback) {
        const qsizetype i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args[i + 1].toLongLong() : fallback;
    };
    if (args.size() >= 4 && args[1] == QLatin1String("--child-file"))
        return runFileChild(args[2] == QLatin1String("bounded"), args[3].toLongLong());
    if (args.size() >= 4 && args[1] == QLatin1String("--child-garbage"))
        return runGarbageChild(args[2] == QLatin1String("bounded"), args[3].toLongLong());

    const long long lines = option(QStringLiteral("--lines"), 7'900'000);
    const long long mib = option(QStringLiteral("--garbage-mib"), 512);
    const int repeats = int(option(QStringLiteral("--repeats"), 3));

    std::vector<std::vector<double>> file[2];
    std::vector<std::vector<double>> garbage[2];
    for (int r = 0; r < repeats; ++r) {
        for (int bounded = 1; bounded >= 0; --bounded) {
            const QString mode = bounded ? QStringLiteral("bounded") : QStringLiteral("unbounded");
            file[bounded].push_back(
                child({ QStringLiteral("--child-file"), mode, QString::number(lines) }));
            garbage[bounded].push_back(
                child({ QStringLiteral("--child-garbage"), mode, QString::number(mib) }));
        }
    }
    std::printf(
        "%-62s %12s %12s\n", "readers faster than the window (medians)", "ours", "unbounded");
    const char* fileRows[] = { "GUI-thread turn, busy median (CPU ms)",
        "GUI-thread turn, longest (CPU ms)", "until every record is in the window (s)",
        "peak RSS (MiB)" };
    for (std::size_t i = 0; i < 4; ++i)
        std::printf("%.2fM lines appended: %-44s %12.1f %12.1f\n", double(lines) / 1e6, fileRows[i],
            median(column(file[1], i)), median(column(file[0], i)));
    const char* garbageRows[] = { "until the stream is read (s)", "peak RSS (MiB)" };
    for (std::size_t i = 0; i < 2; ++i)
        std::printf("%lld MiB of random bytes on a FIFO: %-33s %12.1f %12.1f\n", mib,
            garbageRows[i], median(column(garbage[1], i)), median(column(garbage[0], i)));
    return 0;
}
