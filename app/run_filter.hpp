#pragma once

#include "field_value.hpp"

#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace viewer {

// The runs table's filter box, parsed once and then evaluated per run. Terms joined by `and`
// (or `&&`, or a comma) must all hold:
//   resnet                      text: some cell of the run contains it (case-insensitive)
//   config.lr < 1e-3            comparison: <, <=, >, >=, == (or =), !=
//   val_acc > 0.9               a series name alone means its last value (val_acc:last)
//   config.optimizer == adamw   text equality, case-insensitive ('quotes' or "quotes" optional)
// A bad expression gives an error message and matches everything (never a crash):
//   "config.lr <"  -> "expected a value after \"<\"". An unknown field is an error too, when the
// resolver is given (bind()).
class RunFilter
{
public:
    enum class Op
    {
        Contains,
        Less,
        LessEqual,
        Greater,
        GreaterEqual,
        Equal,
        NotEqual,
    };
    struct Term
    {
        Op op = Op::Contains;
        QString field; // empty for a text term
        QString text; // the value as written
        double number = 0.0;
        bool isNumber = false;
        int column = -1; // bound column (bind())
    };

    // Resolves a field name to a column; -1 when there is none.
    using Resolver = std::function<int(const QString& field)>;
    // The cell of a row (an opaque row handle) in a column.
    using CellReader = std::function<FieldValue(int column)>;

    RunFilter() = default;
    explicit RunFilter(const QString& expression);

    bool isEmpty() const
    {
        return m_terms.empty();
    }
    bool isValid() const
    {
        return m_error.isEmpty();
    }
    QString error() const
    {
        return m_error;
    } // plain text; "" when valid
    const std::vector<Term>& terms() const
    {
        return m_terms;
    }

    // Binds field names to columns; an unknown field makes the filter invalid.
    void bind(const Resolver& resolve);
    // True when every term holds. An invalid filter matches every run (the user sees the error).
    // textColumns: the columns a text term searches.
    bool matches(const CellReader& cell, const std::vector<int>& textColumns) const;

private:
    std::vector<Term> m_terms;
    QString m_error;
};

} // namespace viewer
