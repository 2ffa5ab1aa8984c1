// Work on the GUI thread, the figures the tests print but must not assert (a loaded machine makes
// any duration fail): each beside the peer that shows what the design saves, medians of 3 runs.
// 1) A burst of 1,000,000 lines appended to a followed file: the longest stretch of CPU work the
//    thread did between two turns of its event loop, beside merging the same lines in one batch.
// 2) A record table of 1,000,000 records shown and scrolled to its end, beside a QStandardItemModel
//    holding the same rows (one column).
// 3) 20,000 metrics into the metric tree in one reset (in key order, then shuffled), beside a
//    QStandardItemModel tree of them (which does not sort).
// 4) StdinReader::stop() while its writer is stalled (ssh hung) with lines still batched, beside
//    the batch interval it would otherwise wait for.
#include "bench_stats.hpp"
#include "chunk_parser.hpp"
#include "file_follower.hpp"
#include "follow_test_support.hpp"
#include "metric_tree_model.hpp"
#include "record_table_model.hpp"
#include "run_builder.hpp"
#include "stall_meter.hpp"
#include "stdin_reader.hpp"
#include "workspace.hpp"
#include "workspace_test_support.hpp"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHeaderView>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <fcntl.h>
#include <functional>
#include <thread>
#include <time.h>
#include <unistd.h>
#include <vector>

using namespace viewer;

namespace {

using bench::median;
using bench::threadCpuMs;

using namespace viewer::test;

constexpr int Repeats = 3;

// 1) Returns the longest stall in CPU ms, or -1 when the records did not all arrive.
double burstLongestStall(const std::vector<QByteArray>& blocks, std::size_t total)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("burst.jsonl"));
    QFile(path).open(QIODevice::WriteOnly);
    Workspace workspace;
    QSignalSpy finished(&workspace, &Workspace::loadFinished);
    workspace.open(path);
    if (!finished.wait(10000))
        return -1;
    StallMeter meter;
    std::thread writer([&] {
        const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_APPEND);
        for (const QByteArray& block : blocks) {
            qsizetype done = 0;
            while (fd >= 0 && done < block.size()) {
                const ssize_t n =
                    ::write(fd, block.constData() + done, std::size_t(block.size() - done));
                if (n <= 0)
                    break;
                done += n;
            }
        }
        if (fd >= 0)
            ::close(fd);
    });
    QElapsedTimer clock;
    clock.start();
    while (recordCount(workspace) < total && clock.elapsed() < 120'000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    writer.join();
    return recordCount(workspace) == total ? double(meter.longestCpuMs()) : -1;
}

// 1, peer) The same lines parsed, then merged in a single append on this thread.
double unbatchedMergeMs(const QByteArray& all)
{
    ChunkParser parser;
    const ParsedChunk chunk = parser.parse(all.constData(), std::size_t(all.size()), 0, 1);
    RunBuilder builder(QStringLiteral("burst.jsonl"));
    const double start = threadCpuMs();
    builder.append(chunk);
    return threadCpuMs() - start;
}

double wallMs(const std::function<void()>& work)
{
    QElapsedTimer timer;
    timer.start();
    work();
    return double(timer.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);

    // 1) live burst
    constexpr int Total = 1'000'000;
    constexpr int Block = 10'000;
    std::vector<QByteArray> blocks;
    QByteArray all;
    for (int from = 0; from < Total; from += Block) {
        blocks.push_back(stepLines(from, from + Block));
        all += blocks.back();
    }
    std::vector<double> stall, unbatched;
    for (int r = 0; r < Repeats; ++r) {
        stall.push_back(burstLongestStall(blocks, Total));
        unbatched.push_back(unbatchedMergeMs(all));
    }
    std::printf("%-66s %10s %12s\n", "GUI thread (medians of 3)", "ours", "peer");
    std::printf("%-66s %8.1f ms %9.1f ms  (merge in one batch; reads of %lld MiB)\n",
        "1M-line burst followed: longest CPU stretch between loop turns", median(stall),
        median(unbatched), static_cast<long long>(FileFollower::DefaultMaxReadBytes >> 20));

    // 2) record table
    constexpr std::uint32_t Rows = 1'000'000;
    Run run;
    run.tags = { "step_end", "epoch_end" };
    run.records.reserve(Rows);
    for (std::uint32_t i = 0; i < Rows; ++i)
        run.records.append(
            1732800000.0 + i * 0.01, i, i / 1000, std::uint64_t(i) * 120, i % 1000 == 999 ? 1 : 0);
    const auto showAndScroll = [](QAbstractItemModel* model) {
        QTableView view;
        view.verticalHeader()->hide();
        view.verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
        view.setModel(model);
        view.resize(800, 600);
        view.show();
        if (!QTest::qWaitForWindowExposed(&view))
            std::fprintf(stderr, "the view was not exposed\n");
        view.scrollToBottom();
        QCoreApplication::processEvents();
    };
    std::vector<double> ours, peer;
    for (int r = 0; r < Repeats; ++r) {
        ours.push_back(wallMs([&] {
            RecordTableModel model([&](int) -> const Run* { return &run; });
            model.setRun(1);
            showAndScroll(&model);
        }));
        peer.push_back(wallMs([&] {
            QStandardItemModel model(int(Rows), 1);
            for (int i = 0; i < int(Rows); ++i)
                model.setItem(i, 0, new QStandardItem(QString::number(i)));
            showAndScroll(&model);
        }));
    }
    std::printf("%-66s %8.1f ms %9.1f ms  (QStandardItemModel, 1 column)\n",
        "record table, 1M records: model + view shown, scrolled to the end", median(ours),
        median(peer));

    // 3) metric tree
    QList<MetricTreeModel::Metric> metrics;
    for (int i = 0; i < 20000; ++i) {
        const QString path = QStringLiteral("group%1/metric%2").arg(i % 100).arg(i);
        metrics.push_back(
            { QStringLiteral("step_end/") + path, QStringLiteral("step_end"), path, 0 });
    }
    // In key order (a run's series come in file order), and shuffled.
    QList<MetricTreeModel::Metric> shuffled = metrics;
    for (qsizetype i = shuffled.size() - 1; i > 0; --i)
        shuffled.swapItemsAt(i, (i * 7919) % (i + 1));
    constexpr int TreeRepeats = 9; // short and noisy on a shared machine: more repeats
    for (const auto* input : { &metrics, &shuffled }) {
        ours.clear();
        peer.clear();
        for (int r = 0; r < TreeRepeats; ++r) {
            ours.push_back(wallMs([&] {
                MetricTreeModel model;
                model.setMetrics(*input);
            }));
            peer.push_back(wallMs([&] {
                QStandardItemModel model;
                QStandardItem* tag = new QStandardItem(QStringLiteral("step_end"));
                model.appendRow(tag);
                QHash<QString, QStandardItem*> groups;
                for (const MetricTreeModel::Metric& m : *input) {
                    const QString group = m.path.section(QLatin1Char('/'), 0, 0);
                    QStandardItem*& g = groups[group];
                    if (!g) {
                        g = new QStandardItem(group);
                        tag->appendRow(g);
                    }
                    g->appendRow(new QStandardItem(m.path.section(QLatin1Char('/'), 1)));
                }
            }));
        }
        std::printf("%-66s %8.1f ms %9.1f ms  (QStandardItemModel tree, unsorted)\n",
            input == &metrics ? "metric tree, 20,000 metrics in one reset, in key order"
                              : "metric tree, 20,000 metrics in one reset, shuffled",
            median(ours), median(peer));
    }
    // 4) stop() with a stalled writer
    constexpr int BatchIntervalMs = 60'000;
    std::vector<double> stops;
    for (int r = 0; r < Repeats; ++r) {
        int fds[2];
        if (::pipe(fds) != 0)
            break;
        StdinReader reader(fds[0]);
        reader.setBatchInterval(BatchIntervalMs);
        reader.start();
        const QByteArray lines = records(0, 2);
        if (::write(fds[1], lines.constData(), std::size_t(lines.size())) != lines.size())
            break;
        QTest::qWait(50); // the reader takes the lines into its batch and blocks again
        stops.push_back(wallMs([&] { reader.stop(); }));
        ::close(fds[1]);
        ::close(fds[0]);
    }
    std::printf("%-66s %8.1f ms %9d ms  (the batch interval it does not wait for)\n",
        "standard input: stop() with the writer stalled", median(stops), BatchIntervalMs);
    return 0;
}
