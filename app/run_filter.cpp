#include "run_filter.hpp"

#include <QRegularExpression>

#include <cmath>

namespace viewer {

namespace {

const QRegularExpression& termSplitter()
{
    static const QRegularExpression re(
        QStringLiteral("\\s+and\\s+|&&|,"), QRegularExpression::CaseInsensitiveOption);
    return re;
}

const QRegularExpression& comparison()
{
    // field, operator, value. Field names: config.lr, epoch_end/val_acc:last, host.
    static const QRegularExpression re(
        QStringLiteral("^\\s*([^\\s<>=!]+)\\s*(<=|>=|==|!=|<|>|=)\\s*(.*?)\\s*$"));
    return re;
}

QString unquoted(const QString& text)
{
    if (text.size() >= 2
        && ((text.startsWith(QLatin1Char('"')) && text.endsWith(QLatin1Char('"')))
            || (text.startsWith(QLatin1Char('\'')) && text.endsWith(QLatin1Char('\'')))))
        return text.mid(1, text.size() - 2);
    return text;
}

RunFilter::Op opOf(const QString& op)
{
    if (op == QLatin1String("<"))
        return RunFilter::Op::Less;
    if (op == QLatin1String("<="))
        return RunFilter::Op::LessEqual;
    if (op == QLatin1String(">"))
        return RunFilter::Op::Greater;
    if (op == QLatin1String(">="))
        return RunFilter::Op::GreaterEqual;
    if (op == QLatin1String("!="))
        return RunFilter::Op::NotEqual;
    return RunFilter::Op::Equal;
}

bool compareNumbers(RunFilter::Op op, double a, double b)
{
    switch (op) {
    case RunFilter::Op::Less:
        return a < b;
    case RunFilter::Op::LessEqual:
        return a <= b;
    case RunFilter::Op::Greater:
        return a > b;
    case RunFilter::Op::GreaterEqual:
        return a >= b;
    case RunFilter::Op::Equal:
        return a == b;
    case RunFilter::Op::NotEqual:
        return a != b;
    case RunFilter::Op::Contains:
        break;
    }
    return false;
}

} // namespace

RunFilter::RunFilter(const QString& expression)
{
    const QStringList parts = expression.split(termSplitter());
    for (const QString& raw : parts) {
        const QString part = raw.trimmed();
        if (part.isEmpty())
            continue;
        Term term;
        const bool hasOperator = part.contains(QLatin1Char('<')) || part.contains(QLatin1Char('>'))
            || part.contains(QLatin1Char('=')) || part.contains(QLatin1Char('!'));
        if (!hasOperator) {
            term.text = unquoted(part);
            m_terms.push_back(term);
            continue;
        }
        const QRegularExpressionMatch match = comparison().match(part);
        if (!match.hasMatch()) {
            m_error = QStringLiteral("cannot read \"%1\": write FIELD OP VALUE, e.g. "
                                     "config.lr < 1e-3")
                          .arg(part.left(80));
            m_terms.clear();
            return;
        }
        term.field = match.captured(1);
        term.op = opOf(match.captured(2));
        term.text = unquoted(match.captured(3));
        if (match.captured(3).isEmpty()) {
            m_error = QStringLiteral("expected a value after \"%1\"").arg(match.captured(2));
            m_terms.clear();
            return;
        }
        bool ok = false;
        term.number = term.text.toDouble(&ok);
        term.isNumber = ok && !std::isnan(term.number);
        if (!term.isNumber && term.op != Op::Equal && term.op != Op::NotEqual) {
            m_error = QStringLiteral("\"%1\" is not a number: %2 compares numbers")
                          .arg(term.text.left(80), match.captured(2));
            m_terms.clear();
            return;
        }
        m_terms.push_back(term);
    }
}

void RunFilter::bind(const Resolver& resolve)
{
    if (!m_error.isEmpty())
        return;
    for (Term& term : m_terms) {
        if (term.field.isEmpty())
            continue;
        term.column = resolve(term.field);
        if (term.column < 0) {
            m_error = QStringLiteral("no column \"%1\"").arg(term.field.left(80));
            return;
        }
    }
}

bool RunFilter::matches(const CellReader& cell, const std::vector<int>& textColumns) const
{
    if (!m_error.isEmpty())
        return true;
    for (const Term& term : m_terms) {
        if (term.field.isEmpty()) {
            bool found = false;
            for (int column : textColumns) {
                if (cell(column).text.contains(term.text, Qt::CaseInsensitive)) {
                    found = true;
                    break;
                }
            }
            if (!found)
                return false;
            continue;
        }
        if (term.column < 0)
            return false;
        const FieldValue value = cell(term.column);
        if (!value.present)
            return false; // a run without the field satisfies no comparison on it
        if (term.isNumber && value.isNumber) {
            if (!compareNumbers(term.op, value.number, term.number))
                return false;
            continue;
        }
        const bool equal = value.text.compare(term.text, Qt::CaseInsensitive) == 0;
        if (term.op == Op::Equal ? !equal : term.op == Op::NotEqual ? equal : true)
            return false;
    }
    return true;
}

} // namespace viewer
