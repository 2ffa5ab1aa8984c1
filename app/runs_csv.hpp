#pragma once

#include <QString>

class QIODevice;

namespace viewer {

class RunsTableModel;

// The runs table as CSV (`--export-runs OUT.csv`): a header of column names, then one line per
// visible row in the table's order, every column but the colour. RFC 4180 quoting; a cell that
// starts with = + - @ TAB or CR gets a leading ' so that a spreadsheet never runs it as a formula
// (numbers are written as numbers: -0.5 stays -0.5).
bool writeRunsCsv(const RunsTableModel& model, QIODevice* device, QString* error);

// One CSV cell, quoted when needed and defused when it could be a formula.
QString csvCell(const QString& text, bool isNumber);

} // namespace viewer
