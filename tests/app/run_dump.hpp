#pragma once

// A RunBuilder's runs as text, for tests that compare two ways of reading the same bytes.
#include "run_builder.hpp"

#include <QString>

#include <cmath>

namespace viewer::test {

inline QString number(double v)
{
    return std::isnan(v) ? QStringLiteral("nan") : QString::number(v, 'g', 17);
}

// Everything a loader could get wrong, as text: runs, records (time, step, offset, tag), series
// points and segments, events, malformed lines with numbers and reasons, blank-line counts.
inline QString dump(const RunBuilder& builder)
{
    QString out;
    for (int r = 0; r < builder.runCount(); ++r) {
        const Run& run = builder.run(r);
        out += QStringLiteral("run %1 blank %2 skipped %3\n")
                   .arg(run.id)
                   .arg(run.blankLines)
                   .arg(run.skippedValues);
        for (std::uint32_t i = 0; i < run.records.size(); ++i) {
            out += QStringLiteral(" rec %1 %2 @%3 t%4\n")
                       .arg(number(run.records.time(i)), number(run.records.step(i)))
                       .arg(run.records.offset(i))
                       .arg(run.records.tag(i));
        }
        for (const Series& s : run.series) {
            out += QStringLiteral(" series %1:").arg(s.key());
            for (std::size_t p = 0; p < s.size(); ++p)
                out += QStringLiteral(" %1@%2").arg(number(s.values()[p])).arg(s.records()[p]);
            for (const std::uint32_t start : s.segmentStarts())
                out += QStringLiteral(" |%1").arg(start);
            out += QLatin1Char('\n');
        }
        for (const RunEvent& e : run.events) {
            out += QStringLiteral(" event %1 rec %2 %3\n")
                       .arg(static_cast<int>(e.kind))
                       .arg(e.record)
                       .arg(e.message);
        }
        for (const MalformedLine& m : run.malformed)
            out += QStringLiteral(" malformed line %1 @%2 %3\n")
                       .arg(m.line)
                       .arg(m.offset)
                       .arg(m.reason);
    }
    return out;
}

} // namespace viewer::test
