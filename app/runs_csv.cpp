#include "runs_csv.hpp"

#include "runs_table_model.hpp"

#include <QIODevice>
#include <QLocale>

#include <cmath>

namespace viewer {

QString csvCell(const QString& text, bool isNumber)
{
    QString out = text;
    if (!isNumber && !out.isEmpty()) {
        const QChar first = out.front();
        if (first == QLatin1Char('=') || first == QLatin1Char('+') || first == QLatin1Char('-')
            || first == QLatin1Char('@') || first == QLatin1Char('\t')
            || first == QLatin1Char('\r'))
            out.prepend(QLatin1Char('\''));
    }
    if (out.contains(QLatin1Char(',')) || out.contains(QLatin1Char('"'))
        || out.contains(QLatin1Char('\n')) || out.contains(QLatin1Char('\r'))
        || out.startsWith(QLatin1Char('\''))) {
        out.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        out = QLatin1Char('"') + out + QLatin1Char('"');
    }
    return out;
}

bool writeRunsCsv(const RunsTableModel& model, QIODevice* device, QString* error)
{
    const int columns = model.columnCount();
    QStringList line;
    for (int c = RunsTableModel::NameColumn; c < columns; ++c)
        line << csvCell(model.columnName(c), false);
    QByteArray bytes = line.join(QLatin1Char(',')).toUtf8() + '\n';
    for (int r = 0; r < model.rowCount(); ++r) {
        line.clear();
        for (int c = RunsTableModel::NameColumn; c < columns; ++c) {
            const FieldValue v = model.cell(r, c);
            // Numbers exact (the shortest text that reads back as the same double), times and
            // durations in seconds: a script reads them without parsing "2m 05s".
            const bool exact = v.isNumber && std::isfinite(v.number)
                && (c >= RunsTableModel::FixedColumnCount || c == RunsTableModel::StartColumn
                    || c == RunsTableModel::DurationColumn);
            const QString text =
                exact ? QString::number(v.number, 'g', QLocale::FloatingPointShortest) : v.text;
            line << csvCell(text, v.isNumber);
        }
        bytes += line.join(QLatin1Char(',')).toUtf8() + '\n';
    }
    if (device->write(bytes) != bytes.size()) {
        if (error)
            *error = device->errorString();
        return false;
    }
    return true;
}

} // namespace viewer
