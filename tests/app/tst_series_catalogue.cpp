// SeriesCatalogue: the tags and metrics of the open runs, kept up to date run by run (issue 15:
// a live batch costs the runs it touched). Its totals must equal a recount over every run.
#include "run.hpp"
#include "series_catalogue.hpp"

#include <QtTest>

#include <cmath>
#include <limits>
#include <map>

using namespace viewer;

class TestSeriesCatalogue : public QObject
{
    Q_OBJECT
private slots:
    void matchesARecount();
    void changesNameOnlyWhatChanged();
};

namespace {

void addPoint(Run& run, const QString& tag, const QString& path, double value)
{
    int t = int(run.tags.indexOf(tag));
    if (t < 0) {
        run.tags << tag;
        run.tagCounts.push_back(0);
        t = int(run.tags.size() - 1);
    }
    ++run.tagCounts[std::size_t(t)];
    const QString key = Series::makeKey(tag, path);
    int i = run.findSeries(key);
    if (i < 0) {
        run.series.emplace_back(tag, path);
        i = int(run.series.size() - 1);
        run.seriesByKey.insert(key, i);
    }
    const std::uint32_t r = run.records.append(1.7e9, double(run.records.size()), 0, 0, 0);
    run.series[std::size_t(i)].append(value, r);
}

// What the window computed over every open run before (MainWindow::refreshModels on main).
struct Recount
{
    std::map<QString, quint64> tags;
    std::map<QString, quint64> nonFinite;
};

Recount recount(const std::map<int, Run>& runs)
{
    Recount out;
    for (const auto& [id, run] : runs) {
        for (qsizetype t = 0; t < run.tags.size(); ++t)
            out.tags[run.tags.at(t)] += run.tagCounts[std::size_t(t)];
        for (const Series& s : run.series)
            out.nonFinite[s.key()] += s.nanCount() + s.posInfCount() + s.negInfCount();
    }
    return out;
}

Recount fromCatalogue(const SeriesCatalogue& catalogue, const std::map<QString, quint64>& metrics)
{
    Recount out;
    for (auto it = catalogue.tagCounts().cbegin(); it != catalogue.tagCounts().cend(); ++it)
        out.tags[it.key()] = it.value();
    out.nonFinite = metrics;
    return out;
}

} // namespace

void TestSeriesCatalogue::matchesARecount()
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::map<int, Run> runs;
    SeriesCatalogue catalogue;
    std::map<QString, quint64> shown; // what a metric tree fed by the changes holds
    auto refresh = [&](const QList<int>& touched, const QList<int>& gone) {
        for (int id : gone)
            catalogue.removeRun(id);
        for (int id : touched)
            catalogue.updateRun(id, runs.at(id));
        const SeriesCatalogue::Changes changes = catalogue.takeChanges();
        for (const QString& key : changes.removedKeys)
            shown.erase(key);
        for (const SeriesCatalogue::Metric& m : changes.metrics)
            shown[m.key] = m.nonFinite;
    };
    auto check = [&] {
        const Recount a = recount(runs);
        const Recount b = fromCatalogue(catalogue, shown);
        QCOMPARE(b.tags, a.tags);
        QCOMPARE(b.nonFinite, a.nonFinite);
        QCOMPARE(catalogue.metricCount(), int(a.nonFinite.size()));
    };

    addPoint(runs[1], "step_end", "loss", 1.0);
    addPoint(runs[2], "step_end", "loss", nan);
    addPoint(runs[2], "eval", "acc", 0.5);
    refresh({ 1, 2 }, {});
    check();
    addPoint(runs[1], "step_end", "loss", nan); // a known series grows
    addPoint(runs[1], "step_end", "lr", 0.1); // a new one
    refresh({ 1 }, {});
    check();
    runs.erase(2); // closed: eval/acc goes, step_end/loss stays with run 1's count
    refresh({}, { 2 });
    check();
    QCOMPARE(shown.count(QStringLiteral("eval/acc")), 0u);
    QCOMPARE(shown.at(QStringLiteral("step_end/loss")), 1ull);
    addPoint(runs[1], "step_end", "loss", nan); // grows again: counted from the last refresh
    refresh({ 1 }, {});
    check();
    addPoint(runs[3], "eval", "acc", std::numeric_limits<double>::infinity()); // it comes back
    refresh({ 3 }, {});
    check();
}

void TestSeriesCatalogue::changesNameOnlyWhatChanged()
{
    std::map<int, Run> runs;
    SeriesCatalogue catalogue;
    for (int id = 0; id < 50; ++id) {
        addPoint(runs[id], "step_end", QStringLiteral("m%1").arg(id), 1.0);
        catalogue.updateRun(id, runs.at(id));
    }
    QCOMPARE(catalogue.takeChanges().metrics.size(), 50);
    addPoint(runs[7], "step_end", "m7", std::numeric_limits<double>::quiet_NaN());
    catalogue.updateRun(7, runs.at(7));
    const SeriesCatalogue::Changes changes = catalogue.takeChanges();
    QCOMPARE(changes.metrics.size(), 1);
    QCOMPARE(changes.metrics.front().key, QStringLiteral("step_end/m7"));
    QCOMPARE(changes.metrics.front().nonFinite, 1ull);
    QVERIFY(!changes.keysChanged);
    QVERIFY(changes.tagsChanged); // step_end has one more record
    addPoint(runs[8], "step_end", "m8", 2.0);
    catalogue.updateRun(8, runs.at(8));
    QVERIFY(catalogue.takeChanges().metrics.isEmpty()); // no NaN/Inf count changed
}

QTEST_GUILESS_MAIN(TestSeriesCatalogue)
#include "tst_series_catalogue.moc"
