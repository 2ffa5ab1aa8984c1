// The legend and the hover with 5,000 runs open (issue 12 item 5), each beside the naive full
// rebuild measured in the same run. Medians of 7.
//   legend:  CompareBar::refreshNow (the first 120 runs of the runs table named, elided apart,
//            those that fit drawn, the rest counted) vs naming every run, eliding all 5,000
//            apart and handing them all to the legend.
//   hover:   the values under the cursor, the 10 rows around the nearest line and their names
//            elided apart (what MetricChart::hoverAt computes) vs every run's row sorted, named
//            and formatted (the hover that listed every run).
//   names:   the runs panel's differing parts of 5,000 names after one changed (DistinctNames)
//            vs Qt's middle elision of the 5,000 names (what the panel drew before).

#include "chart_grid.hpp"
#include "compare_bar.hpp"
#include "curve_model.hpp"
#include "distinct_names.hpp"
#include "hover_values.hpp"
#include "metric_chart.hpp"
#include "run.hpp"
#include "run_comparison.hpp"
#include "run_legend.hpp"
#include "run_names.hpp"
#include "runs_table_model.hpp"
#include "workspace.hpp"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFontMetrics>
#include <QSet>
#include <QTemporaryDir>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

using namespace viewer;

namespace {

using Clock = std::chrono::steady_clock;
constexpr int Runs = 5000;
constexpr int Repeats = 7;

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double timeMs(const std::function<void()>& f)
{
    const auto start = Clock::now();
    f();
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void row(const char* label, const std::function<void()>& ours, const std::function<void()>& peer,
    const char* note = "")
{
    std::vector<double> a;
    std::vector<double> b;
    for (int i = 0; i < Repeats; ++i) {
        a.push_back(timeMs(ours));
        b.push_back(timeMs(peer));
    }
    std::printf("%-40s %10.3f %12.3f %8.1fx  %s\n", label, median(a), median(b),
        median(b) / median(a), note);
}

// 5,000 runs of a sweep appended in one file: run_begin with an id that differs at its end.
bool writeRuns(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    for (int i = 0; i < Runs; ++i) {
        QByteArray text = QStringLiteral("{\"ts\":%1,\"tag\":\"run_begin\",\"run\":"
                                         "\"imagenet_sweep_lr=0.001,bs=256,seed=%2\","
                                         "\"config\":{\"lr\":%3,\"seed\":%2}}\n")
                              .arg(1.7e9 + i, 0, 'f', 1)
                              .arg(i)
                              .arg(1e-4 * (1 + i % 30))
                              .toUtf8();
        for (int s = 0; s < 5; ++s)
            text += QStringLiteral(
                "{\"ts\":%1,\"tag\":\"step_end\",\"step\":%2,\"context\":{\"loss\":%3}}\n")
                        .arg(1.7e9 + i + s * 0.1, 0, 'f', 1)
                        .arg(s)
                        .arg(1.0 / (1 + s) + i * 1e-4)
                        .toUtf8();
        if (f.write(text) != text.size())
            return false;
    }
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QTemporaryDir dir;
    const QString path = dir.filePath("sweep.jsonl");
    if (!writeRuns(path)) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
        return 1;
    }
    Workspace workspace;
    RunsTableModel table;
    table.setWorkspace(&workspace);
    ChartGrid grid(&workspace);
    RunComparison comparison(&workspace, &table, &grid);
    QSet<int> hidden;
    CompareBar::Hooks hooks;
    hooks.isVisible = [&hidden](int id) { return !hidden.contains(id); };
    hooks.setVisible = [&hidden](int id, bool on) {
        if (on)
            hidden.remove(id);
        else
            hidden.insert(id);
    };
    CompareBar bar(&workspace, &table, &grid, &comparison, hooks);
    bar.resize(1400, bar.sizeHint().height());
    bar.show(); // laid out: the legend gets its width
    workspace.open(path, false);
    QElapsedTimer waited;
    waited.start();
    while ((workspace.runIds().size() < Runs || !workspace.isIdle()) && waited.elapsed() < 120000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    QCoreApplication::processEvents();
    if (workspace.runIds().size() != Runs) {
        std::fprintf(stderr, "loaded %lld runs of %d\n",
            static_cast<long long>(workspace.runIds().size()), Runs);
        return 1;
    }
    std::printf("legend and hover, %d runs (medians of %d)\n", Runs, Repeats);
    std::printf("%-40s %10s %12s %8s\n", "", "ours (ms)", "peer (ms)", "ratio");

    // --- legend ---
    RunLegend peerLegend;
    peerLegend.resize(bar.legend()->size());
    row(
        "legend: rebuild", [&] { bar.refreshNow(); },
        [&] {
            QStringList names;
            const QList<int> ids = workspace.runIds();
            for (int id : ids)
                names << table.data(table.index(table.rowOfRun(id), RunsTableModel::NameColumn))
                             .toString();
            names = RunNames::elideApart(names, CompareBar::MaxNameChars);
            QList<RunLegend::Entry> entries;
            for (qsizetype i = 0; i < ids.size(); ++i)
                entries.push_back({ ids[i], names[i], grid.runColor(ids[i]), true });
            peerLegend.setEntries(std::move(entries), Runs);
        },
        "");
    std::printf("%-40s %10d %12d\n", "legend: entries drawn, +N more", bar.legend()->shownCount(),
        bar.legend()->moreCount());

    // --- hover ---
    CurveModel model(QStringLiteral("step_end/loss"));
    QList<CurveRun> runs;
    for (int id : workspace.runIds())
        runs.push_back({ id, workspace.run(id), -1, {} });
    model.setRuns(runs);
    model.update();
    int shownRows = 0;
    qsizetype peerRows = 0;
    row(
        "hover: rows under the cursor",
        [&] {
            const QList<CurveValue> values = model.valuesAt(2.0);
            const HoverValues::Window window = HoverValues::window(values, 0.5, 10);
            QStringList names;
            for (const CurveValue& v : window.rows)
                names << v.name;
            names = RunNames::elideApart(names, 48);
            QStringList lines;
            for (qsizetype i = 0; i < window.rows.size(); ++i)
                lines << names[i] + QStringLiteral(": ")
                        + MetricChart::formatValue(window.rows[i].value);
            shownRows = static_cast<int>(lines.size());
        },
        [&] {
            QList<CurveValue> values = model.valuesAt(2.0);
            std::sort(values.begin(), values.end(),
                [](const CurveValue& a, const CurveValue& b) { return a.value > b.value; });
            QStringList names;
            for (const CurveValue& v : values)
                names << v.name;
            names = RunNames::elideApart(names, 48);
            QStringList lines;
            for (qsizetype i = 0; i < values.size(); ++i)
                lines << names[i] + QStringLiteral(": ")
                        + MetricChart::formatValue(values[i].value);
            peerRows = lines.size();
        });
    std::printf(
        "%-40s %10d %12lld\n", "hover: rows drawn", shownRows, static_cast<long long>(peerRows));

    // --- runs panel names ---
    DistinctNames names;
    QStringList all;
    for (int id : workspace.runIds()) {
        const QString name = workspace.run(id)->displayName;
        names.set(id, name);
        all << name;
    }
    const QFontMetrics fm(QApplication::font());
    int flip = 0;
    row(
        "runs panel: name parts after a rename",
        [&] {
            names.set(workspace.runIds().front(), QStringLiteral("renamed-%1").arg(flip++));
            (void)names.partOf(workspace.runIds().back());
        },
        [&] {
            for (const QString& name : std::as_const(all))
                (void)fm.elidedText(name, Qt::ElideMiddle, 120);
        },
        "(peer: Qt's middle elision of every name)");
    return 0;
}
