// Issue 15, live: the GUI-thread cost of one append batch in the runs panel with 1,000 and 5,000
// runs open, a batch touching 1 run and 10 runs, beside the model it replaced (a copy of main's
// RunListModel at 721d090: sync() on every batch, O(runs^2), every row marked changed, under a view
// whose count columns were ResizeToContents), measured in the same run. Two figures each: the
// model alone (the signal handled), and model + runs panel shown (the view's layout and repaint,
// offscreen). Medians of Batches batches.
#include "legacy_run_list_model.hpp"
#include "run_list_model.hpp"
#include "runs_panel.hpp"
#include "workspace.hpp"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHeaderView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

using namespace viewer;

namespace {

constexpr int Batches = 21;

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

// One file of `runs` runs, each a run_begin and 3 steps of one metric: one source with `runs`
// children, like a folder of that many files.
QString writeRuns(const QTemporaryDir& dir, int runs)
{
    const QString path = dir.filePath(QStringLiteral("runs_%1.jsonl").arg(runs));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    for (int r = 0; r < runs; ++r) {
        file.write(QByteArray(R"({"ts": 1732800000.0, "tag": "run_begin", "run": "run)")
            + QByteArray::number(r) + "\"}\n");
        for (int s = 0; s < 3; ++s)
            file.write(QByteArray(R"({"ts": 1732800001.0, "tag": "step_end", "step": )")
                + QByteArray::number(s) + R"(, "context": {"loss": 0.5}})" + "\n");
    }
    return path;
}

// ms per batch: `runIds` batches of `k` runs each, spread over the open runs, announced as the
// Workspace announces merged appends; with a view, until it has laid out and repainted.
double perBatch(Workspace& workspace, const QList<int>& runIds, int k, bool withView)
{
    std::vector<double> times;
    for (int b = 0; b < Batches; ++b) {
        QList<int> batch;
        for (int i = 0; i < k; ++i)
            batch << runIds.at((b * 97 + i * 31) % runIds.size());
        QElapsedTimer timer;
        timer.start();
        emit workspace.runsAppended(batch);
        if (withView)
            QCoreApplication::processEvents(); // layout and paint requests
        times.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    return median(times);
}

// The runs panel as it was configured before issue 15, for the legacy model.
std::unique_ptr<QTreeView> legacyView(QAbstractItemModel* model)
{
    auto view = std::make_unique<QTreeView>();
    view->setModel(model);
    view->setUniformRowHeights(true);
    view->header()->setStretchLastSection(false);
    view->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 1; c < 4; ++c)
        view->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    view->expandAll();
    return view;
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QTemporaryDir dir;

    std::printf("%-52s %12s %12s %8s\n", "one append batch, GUI thread (median)", "ours ms",
        "old ms", "old/ours");
    for (const int runs : { 1000, 5000 }) {
        Workspace workspace;
        workspace.open(writeRuns(dir, runs), false);
        QElapsedTimer wait;
        wait.start();
        while (!workspace.isIdle() && wait.elapsed() < 120000)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        QCoreApplication::processEvents();
        const QList<int> runIds = workspace.runIds();
        if (runIds.size() != runs) {
            std::fprintf(stderr, "expected %d runs, got %lld\n", runs, qlonglong(runIds.size()));
            return 1;
        }
        for (const int k : { 1, 10 }) {
            for (const bool withView : { false, true }) {
                double ours = 0.0;
                double old = 0.0;
                {
                    RunListModel model(&workspace);
                    std::unique_ptr<RunsPanel> panel;
                    if (withView) {
                        panel = std::make_unique<RunsPanel>(&model);
                        panel->resize(500, 700);
                        panel->show();
                        if (!QTest::qWaitForWindowExposed(panel.get()))
                            return 1;
                    }
                    ours = perBatch(workspace, runIds, k, withView);
                }
                {
                    LegacyRunListModel model(&workspace);
                    std::unique_ptr<QTreeView> view;
                    if (withView) {
                        view = legacyView(&model);
                        view->resize(500, 700);
                        view->show();
                        if (!QTest::qWaitForWindowExposed(view.get()))
                            return 1;
                    }
                    old = perBatch(workspace, runIds, k, withView);
                }
                const QString label = QStringLiteral("%1 runs, batch of %2 run%3, %4")
                                          .arg(runs)
                                          .arg(k)
                                          .arg(k == 1 ? "" : "s")
                                          .arg(withView ? "model + runs panel" : "model");
                std::printf("%-52s %12.4f %12.4f %7.0fx\n", qPrintable(label), ours, old,
                    ours > 0 ? old / ours : 0.0);
                std::fflush(stdout);
            }
        }
    }
    return 0;
}
