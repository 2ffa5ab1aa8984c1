#pragma once

#include "alert_rules.hpp"

#include <QByteArray>
#include <QMetaType>
#include <QString>

#include <cstdint>
#include <limits>

namespace viewer {

// One alert that fired (or cleared) on one run: a value, handed to the events table, the desktop
// notification and --watch's standard output. Text fields come from the files or are built from
// them: show them as plain text only.
struct Alert
{
    static constexpr std::uint32_t NoRecord = std::numeric_limits<std::uint32_t>::max();

    int runId = -1;
    QString runName; // Run::id
    QString sourcePath; // the file the run was read from ("-" for standard input)
    AlertRule rule;
    QString metric; // the series key that fired ("step_end/loss"); empty for error and stall
    std::uint32_t record = NoRecord; // the record that fired it (NoRecord for a stall)
    double step = std::numeric_limits<double>::quiet_NaN();
    double value = std::numeric_limits<double>::quiet_NaN(); // the metric's value, if any
    double time = 0.0; // the record's ts; for a stall, the wall clock when it fired (s)
    QString message; // one line, e.g. "step_end/loss is NaN at step 123"

    // One line of JSON, ending in '\n', what --watch prints:
    // {"alert":"nan","rule":"nan","run":"exp1","file":"/runs/exp1.jsonl","metric":"step_end/loss",
    //  "step":123,"value":"NaN","time":1732800006.2,"message":"step_end/loss is NaN at step 123"}
    QByteArray toJsonLine() const;
};

} // namespace viewer

Q_DECLARE_METATYPE(viewer::Alert)
