#pragma once

#include "x_axis_mode.hpp"

#include <QString>

class QTextStream;

namespace viewer {

class CurveModel;

// The CSV export of a chart: "run,metric,x,value,smoothed" rows of every run at full resolution.
// Text from a record is quoted as RFC 4180 asks and never starts a spreadsheet formula.
class CurveCsv
{
public:
    // Rows of every run of the model, x in `mode` (or the model's --x metric); smoothed is empty
    // when the model does not smooth. Smooths whatever is still missing first (a chart out of view
    // may lag behind). Cells are formatted by csv_format.hpp (formula prefixes, shortest round-trip
    // numbers).
    static void writeRows(CurveModel& model, QTextStream& out, XAxisMode mode);
};

} // namespace viewer
