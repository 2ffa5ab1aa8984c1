#pragma once

#include <QString>

namespace viewer {

// Cells of the CSV export ("run,metric,<x>,value,smoothed"), widget-free so that they are tested
// headless. Both return text ready to write between commas.

// Text from a record (run names, metric keys): a cell that a spreadsheet would run as a formula
// (starting with = + - @, a TAB or a CR: OWASP's CSV injection list) gets a leading ', and a cell
// with a comma, a quote, a line break or outer spaces is quoted ("" inside).
QString csvText(const QString& text);

// The shortest text that reads back as the same double (std::to_chars): 0.1, -1e-05, 1e+300,
// 5e-324; -0 stays "-0". Non-finite values: nan, inf, -inf.
QString csvNumber(double value);

} // namespace viewer
