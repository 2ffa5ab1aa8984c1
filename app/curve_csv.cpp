#include "curve_csv.hpp"

#include "csv_format.hpp"
#include "curve_model.hpp"
#include "run.hpp"
#include "series_x.hpp"
#include "smoothed_curves.hpp"

#include <QTextStream>

namespace viewer {

void CurveCsv::writeRows(CurveModel& model, QTextStream& out, XAxisMode mode)
{
    const ChartOptions& options = model.options();
    const bool smoothing = options.smoothing != SmoothingKind::None;
    const QString metric = csvText(model.key());
    for (const CurveRun& r : model.runs()) {
        const Run* run = nullptr;
        const Series* s = model.seriesOf(r.runId, &run);
        if (!s || !model.hasX(*run))
            continue; // (a run without the --x metric: the window says so)
        const std::vector<double>* smoothed = nullptr;
        if (smoothing) {
            // A chart out of view may not have smoothed its newest points yet.
            model.smoothing().update(
                r.runId, run, *s, options.smoothing, options.smoothingParam, true);
            smoothed = model.smoothing().partial(r.runId);
        }
        const QString name = csvText(run->displayName.isEmpty() ? run->id : run->displayName);
        const auto column =
            options.xMetric.isEmpty() ? run->records.xColumn(mode) : model.xColumnOf(*run);
        for (std::size_t i = 0; i < s->size(); ++i) {
            out << name << ',' << metric << ',' << csvNumber(SeriesX::pointX(*s, column, i)) << ','
                << csvNumber(s->values()[i]) << ',';
            if (smoothed && i < smoothed->size())
                out << csvNumber((*smoothed)[i]);
            out << '\n';
        }
    }
}

} // namespace viewer
