// The runs table with 5,000 runs (issue 12): sorting by a config field, by a result column and by
// name, filtering by a comparison, and a live batch of 10 changed runs, beside the peer every Qt
// table starts with, a QSortFilterProxyModel over a QStandardItemModel holding the same cells
// (numbers as doubles in the sort role), measured in the same run. Target: sort < 100 ms. Medians.

#include "run.hpp"
#include "runs_table_model.hpp"

#include <QCoreApplication>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <vector>

using namespace viewer;

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

constexpr int Runs = 5000;
constexpr int Repeats = 7;

void addPoint(Run& run, const QString& key, double step, double value)
{
    int i = run.findSeries(key);
    if (i < 0) {
        const qsizetype slash = key.indexOf(QLatin1Char('/'));
        run.series.emplace_back(key.left(slash), key.mid(slash + 1));
        i = static_cast<int>(run.series.size() - 1);
        run.seriesByKey.insert(key, i);
    }
    const std::uint32_t r = run.records.append(1.7e9 + step, step, 0, 0, 0);
    run.series[static_cast<std::size_t>(i)].append(value, r);
}

struct Peer
{
    QStandardItemModel source;
    QSortFilterProxyModel proxy;
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    std::mt19937 rng(12);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::map<int, Run> runs;
    const QStringList optimizers = { "adamw", "sgd", "lion", "adafactor" };
    for (int id = 1; id <= Runs; ++id) {
        Run run;
        run.id = run.displayName = QStringLiteral("sweep-%1").arg(id);
        run.sourcePath = QStringLiteral("/runs/sweep/trial_%1.jsonl").arg(id);
        run.tags = { QStringLiteral("step_end") };
        run.tagCounts = { 0 };
        const double lr = std::pow(10.0, -5.0 + 3.0 * unit(rng));
        run.info = QVariantMap { { "run", run.id },
            { "host", QStringLiteral("gpu%1").arg(id % 16) }, { "rank", 0 },
            { "config",
                QVariantMap { { "lr", lr }, { "batch_size", 16 << (id % 5) },
                    { "optimizer", optimizers[id % 4] }, { "seed", id % 7 },
                    { "dropout", unit(rng) * 0.5 } } } };
        for (int step = 0; step < 20; ++step) {
            addPoint(run, QStringLiteral("step_end/loss"), step, 2.0 / (1 + step) + unit(rng));
            addPoint(run, QStringLiteral("step_end/val_acc"), step, unit(rng));
        }
        runs.emplace(id, std::move(run));
    }
    QList<int> ids;
    for (int id = 1; id <= Runs; ++id)
        ids << id;

    RunsTableModel model;
    model.setRunSource({ [&runs](int id) { return &runs.at(id); }, [](int) { return false; } });
    auto start = Clock::now();
    model.updateRuns(ids);
    const double loadMs = msSince(start);

    // The peer: the same cells, display text and a numeric sort role.
    Peer peer;
    start = Clock::now();
    peer.source.setRowCount(model.rowCount());
    peer.source.setColumnCount(model.columnCount());
    for (int r = 0; r < model.rowCount(); ++r) {
        for (int c = 0; c < model.columnCount(); ++c) {
            const FieldValue v = model.cell(r, c);
            auto* item = new QStandardItem(v.text);
            if (v.isNumber)
                item->setData(v.number, Qt::UserRole);
            else
                item->setData(v.text, Qt::UserRole);
            peer.source.setItem(r, c, item);
        }
    }
    peer.proxy.setSortRole(Qt::UserRole);
    peer.proxy.setSourceModel(&peer.source);
    const double peerLoadMs = msSince(start);

    std::printf("runs table, %d runs, %d columns (medians of %d)\n", model.rowCount(),
        model.columnCount(), Repeats);
    std::printf("%-34s %12s %14s %8s\n", "", "ours (ms)", "peer (ms)", "ratio");
    std::printf(
        "%-34s %12.2f %14.2f %8.1fx\n", "build the table", loadMs, peerLoadMs, peerLoadMs / loadMs);

    const struct
    {
        const char* label;
        QString column;
    } sorts[] = {
        { "sort by config.lr", QStringLiteral("config.lr") },
        { "sort by val_acc:last", QStringLiteral("val_acc:last") },
        { "sort by name (text)", QStringLiteral("name") },
        { "sort by config.optimizer (text)", QStringLiteral("config.optimizer") },
    };
    double worstSort = 0.0;
    for (const auto& s : sorts) {
        const int column = model.columnIndex(s.column);
        std::vector<double> ours;
        std::vector<double> theirs;
        for (int i = 0; i < Repeats; ++i) {
            const Qt::SortOrder order = i % 2 ? Qt::DescendingOrder : Qt::AscendingOrder;
            start = Clock::now();
            model.sort(column, order);
            ours.push_back(msSince(start));
            start = Clock::now();
            peer.proxy.sort(column, order);
            theirs.push_back(msSince(start));
        }
        worstSort = std::max(worstSort, median(ours));
        std::printf("%-34s %12.2f %14.2f %8.1fx\n", s.label, median(ours), median(theirs),
            median(theirs) / median(ours));
    }

    {
        std::vector<double> ours;
        std::vector<double> theirs;
        const int lrColumn = model.columnIndex("config.lr");
        int kept = 0;
        for (int i = 0; i < Repeats; ++i) {
            start = Clock::now();
            model.setFilter(i % 2 ? QStringLiteral("config.lr < 1e-3") : QString());
            ours.push_back(msSince(start));
            // The peer filters by a regular expression on one column (what it can do without
            // subclassing); matching config.lr < 1e-3 needs a subclass: lr written as 1e-4..9e-4.
            start = Clock::now();
            peer.proxy.setFilterKeyColumn(lrColumn);
            peer.proxy.setFilterRegularExpression(
                i % 2 ? QStringLiteral("e-(4|5|6)$|^0\\.000") : QString());
            theirs.push_back(msSince(start));
            if (i % 2)
                kept = model.rowCount();
        }
        std::printf("%-34s %12.2f %14.2f %8.1fx   (%d of %d kept)\n", "filter config.lr < 1e-3",
            median(ours), median(theirs), median(theirs) / median(ours), kept, Runs);
        model.setFilter(QString());
        peer.proxy.setFilterRegularExpression(QString());
    }

    {
        // A live batch: 10 runs get a point each while the table is sorted by loss:last.
        const int column = model.columnIndex("loss:last");
        model.sort(column, Qt::AscendingOrder);
        peer.proxy.sort(column, Qt::AscendingOrder);
        std::vector<double> ours;
        std::vector<double> theirs;
        for (int i = 0; i < Repeats; ++i) {
            QList<int> batch;
            for (int k = 0; k < 10; ++k) {
                const int id = 1 + static_cast<int>(unit(rng) * (Runs - 1));
                addPoint(runs.at(id), QStringLiteral("step_end/loss"), 20 + i, unit(rng));
                batch << id;
            }
            start = Clock::now();
            model.updateRuns(batch);
            ours.push_back(msSince(start));
            // The peer's cells are set one by one; its proxy re-sorts what changed.
            start = Clock::now();
            for (int id : batch) {
                const double last = runs.at(id).series[0].values().back();
                QStandardItem* item = peer.source.item(id - 1, column);
                item->setData(last, Qt::UserRole);
                item->setText(QString::number(last));
            }
            theirs.push_back(msSince(start));
        }
        std::printf("%-34s %12.3f %14.3f %8.1fx\n", "live batch: 10 of 5,000 runs change",
            median(ours), median(theirs), median(theirs) / median(ours));
    }
    std::printf("slowest sort: %.2f ms (target < 100 ms): %s\n", worstSort,
        worstSort < 100.0 ? "met" : "NOT met");
    return 0;
}
