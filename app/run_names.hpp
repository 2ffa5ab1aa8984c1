#pragma once

#include "field_value.hpp"

#include <QStringList>

#include <vector>

namespace viewer {

// Names that stay apart where space is short. Widget-free (lengths in characters): the legend,
// the hover and the runs table ask it, then draw the result as plain text.
//
// elideApart({"sweep_lr=0.001,seed=1", "sweep_lr=0.001,seed=2"}, 12)
//     -> {"sweep_…eed=1", "sweep_…eed=2"}: the part that differs between runs is kept, the common
//        parts around it are cut in the middle, never the other way round.
// byDifferingFields(fields of 3 runs) -> {"lr=1e-3 bs=64 adamw", "lr=3e-4 bs=64 sgd", ...}:
//     only the fields whose values differ between the runs, in name order.
class RunNames
{
public:
    static constexpr QChar Ellipsis = QChar(0x2026);

    // The characters [from, to) of a name where it differs from the names most like it.
    struct Part
    {
        qsizetype from = 0;
        qsizetype to = 0;
    };
    // Parallel to names; O(n log n). differingParts({"sweep_lr=0.001,seed=1", "..seed=2"}) ->
    // {{20, 21}, {20, 21}}.
    static std::vector<Part> differingParts(const QStringList& names);
    // The name in at most maxChars characters, the part kept whole when it fits (else its start),
    // what is around it cut in the middle. A view fitting pixels asks with fewer characters until
    // the text fits.
    static QString elideKeeping(const QString& name, Part part, int maxChars);

    // Each name at most maxChars characters, keeping for each the characters at which it differs
    // from the names most like it (its longest common prefix and suffix with any other name).
    // O(n log n) over n names.
    static QStringList elideApart(const QStringList& names, int maxChars);

    // One name per run from the run_begin fields that differ between the runs, e.g.
    // "lr=1e-3 bs=64 adamw": numbers as name=value (short names: batch_size -> bs,
    // learning_rate -> lr), text values alone. A run without differing fields gets fallback[i].
    static QStringList byDifferingFields(const std::vector<std::vector<FlatField>>& fields,
        const QStringList& fallback, const QString& prefix = QStringLiteral("config."));

    // Makes equal names unique: 8 ranks of one job all named "job-a" become "job-a rank 0", ...
    // (the rank field when the runs have one), else "name (file)" by the source file's name.
    // ranks/files: parallel to names ("" when unknown).
    static QStringList disambiguate(
        const QStringList& names, const QStringList& ranks, const QStringList& files);

    // The short form of a field name for byDifferingFields ("config.batch_size" -> "bs").
    static QString shortFieldName(const QString& name);
};

} // namespace viewer
