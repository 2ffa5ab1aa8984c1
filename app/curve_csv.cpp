#include "curve_csv.hpp"

#include "curve_model.hpp"
#include "run.hpp"
#include "series_x.hpp"
#include "smoothed_curves.hpp"

#include <QTextStream>

#include <cmath>

namespace viewer {

QString CurveCsv::text(const QString& text)
{
    QString t = text;
    // A spreadsheet would run a cell starting with = + - @ as a formula: text from a record must
    // not (CSV injection).
    if (!t.isEmpty() && (t[0] == u'=' || t[0] == u'+' || t[0] == u'-' || t[0] == u'@'))
        t.prepend(QLatin1Char('\''));
    if (t.contains(QLatin1Char(',')) || t.contains(QLatin1Char('"'))
        || t.contains(QLatin1Char('\n')) || t.contains(QLatin1Char('\r')) || t != t.trimmed()) {
        t.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        t = QLatin1Char('"') + t + QLatin1Char('"');
    }
    return t;
}

QString CurveCsv::number(double v)
{
    if (std::isnan(v))
        return QStringLiteral("nan");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return QString::number(v, 'g', 17);
}

void CurveCsv::writeRows(CurveModel& model, QTextStream& out, XAxisMode mode)
{
    const ChartOptions& options = model.options();
    const bool smoothing = options.smoothing != SmoothingKind::None;
    const QString metric = text(model.key());
    for (const CurveRun& r : model.runs()) {
        const Run* run = nullptr;
        const Series* s = model.seriesOf(r.runId, &run);
        if (!s)
            continue;
        const std::vector<double>* smoothed = nullptr;
        if (smoothing) {
            // A chart out of view may not have smoothed its newest points yet.
            model.smoothing().update(
                r.runId, run, *s, options.smoothing, options.smoothingParam, true);
            smoothed = model.smoothing().partial(r.runId);
        }
        const QString name = text(run->displayName.isEmpty() ? run->id : run->displayName);
        const auto column = run->records.xColumn(mode);
        for (std::size_t i = 0; i < s->size(); ++i) {
            out << name << ',' << metric << ',' << number(SeriesX::pointX(*s, column, i)) << ','
                << number(s->values()[i]) << ',';
            if (smoothed && i < smoothed->size())
                out << number((*smoothed)[i]);
            out << '\n';
        }
    }
}

} // namespace viewer
