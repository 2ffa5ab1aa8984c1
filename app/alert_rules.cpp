#include "alert_rules.hpp"

#include "enum_names.hpp"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace viewer {

namespace {

constexpr int MaxMetricBytes = 512; // the reader's key-path limit
constexpr int MaxShownChars = 80; // of bad rule text, in an error message

const QString Accepted = QStringLiteral(
    "use nan, error, stall, stall=SECONDS, METRIC>VALUE, METRIC<VALUE, METRIC<best-DELTA or "
    "METRIC>best+DELTA");

QString shown(const QString& text)
{
    QString s = text.left(MaxShownChars);
    for (QChar& c : s)
        if (c.category() == QChar::Other_Control)
            c = QChar(0xfffd);
    return text.size() > MaxShownChars ? s + QStringLiteral("...") : s;
}

// A number as the rules write it: "10", "1e-3", "-0.5". Finite only.
std::optional<double> number(const QString& text)
{
    bool ok = false;
    const double v = text.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(v))
        return std::nullopt;
    return v;
}

QString numberText(double v)
{
    return QString::number(v, 'g', 15);
}

bool isMetricName(const QString& text)
{
    if (text.isEmpty() || text.toUtf8().size() > MaxMetricBytes || text.startsWith(QLatin1Char('/'))
        || text.endsWith(QLatin1Char('/')))
        return false;
    return std::none_of(text.begin(), text.end(),
        [](QChar c) { return c.category() == QChar::Other_Control || c == QLatin1Char(','); });
}

} // namespace

QString AlertRule::name() const
{
    // As written on the command line: the kind's name, with its parameters where it has them.
    if (kind == Kind::Stall && stallSeconds > 0.0)
        return QStringLiteral("stall=%1").arg(numberText(stallSeconds));
    if (kind != Kind::Above && kind != Kind::Below)
        return kindName();
    const QChar op = kind == Kind::Above ? QLatin1Char('>') : QLatin1Char('<');
    if (!fromBest)
        return metric + op + numberText(threshold);
    if (threshold == 0.0)
        return metric + op + QStringLiteral("best");
    return metric + op + QStringLiteral("best")
        + (kind == Kind::Above ? QLatin1Char('+') : QLatin1Char('-')) + numberText(threshold);
}

QString AlertRule::kindName() const
{
    static constexpr EnumNames<Kind, 5> Names { { { Kind::NonFinite, "nan" },
        { Kind::Error, "error" }, { Kind::Stall, "stall" }, { Kind::Above, "threshold" },
        { Kind::Below, "threshold" } } };
    return nameOf(Names, kind);
}

bool AlertRule::matchesSeries(const QString& key) const
{
    if (metric.isEmpty())
        return false;
    return key == metric
        || (key.size() > metric.size() && key.endsWith(metric)
            && key.at(key.size() - metric.size() - 1) == QLatin1Char('/'));
}

std::optional<AlertRule> AlertRule::parse(const QString& rawText, QString* error)
{
    const QString text = rawText.trimmed();
    const auto fail = [&](const QString& why) -> std::optional<AlertRule> {
        if (error)
            *error = QStringLiteral("alert rule \"%1\": %2").arg(shown(text), why);
        return std::nullopt;
    };
    AlertRule rule;
    const QString lower = text.toLower();
    if (lower == QLatin1String("nan")) {
        rule.kind = Kind::NonFinite;
        return rule;
    }
    if (lower == QLatin1String("error")) {
        rule.kind = Kind::Error;
        return rule;
    }
    if (lower == QLatin1String("stall")) {
        rule.kind = Kind::Stall;
        return rule;
    }
    const qsizetype op = text.indexOf(QRegularExpression(QStringLiteral("[<>]")));
    if (op < 0 && lower.startsWith(QLatin1String("stall"))) {
        const QString rest = text.mid(5).trimmed();
        const std::optional<double> seconds =
            rest.startsWith(QLatin1Char('=')) ? number(rest.mid(1)) : std::nullopt;
        if (!seconds || *seconds <= 0.0 || *seconds > MaxStallSeconds)
            return fail(QStringLiteral("stall=SECONDS needs a number of seconds above 0 and at "
                                       "most %1, e.g. stall=600")
                            .arg(numberText(MaxStallSeconds)));
        rule.kind = Kind::Stall;
        rule.stallSeconds = *seconds;
        return rule;
    }
    if (op < 0) {
        if (text.isEmpty())
            return fail(QStringLiteral("empty; ") + Accepted);
        return fail(QStringLiteral("unknown rule; ") + Accepted);
    }
    rule.kind = text.at(op) == QLatin1Char('>') ? Kind::Above : Kind::Below;
    rule.metric = text.left(op).trimmed();
    if (!isMetricName(rule.metric))
        return fail(
            QStringLiteral("name a metric before %1, e.g. %2")
                .arg(text.at(op), QStringLiteral("loss") + text.at(op) + QStringLiteral("10")));
    QString value = text.mid(op + 1).trimmed();
    if (value.startsWith(QLatin1Char('=')) || value.contains(QLatin1Char('<'))
        || value.contains(QLatin1Char('>')))
        return fail(QStringLiteral("one comparison only: METRIC>VALUE or METRIC<VALUE"));
    if (value.startsWith(QLatin1String("best"), Qt::CaseInsensitive)) {
        rule.fromBest = true;
        const QString delta = value.mid(4).trimmed();
        if (delta.isEmpty())
            return rule;
        const QChar wanted = rule.kind == Kind::Above ? QLatin1Char('+') : QLatin1Char('-');
        const std::optional<double> d =
            delta.startsWith(wanted) ? number(delta.mid(1)) : std::nullopt;
        if (!d || *d < 0.0)
            return fail(rule.kind == Kind::Above
                    ? QStringLiteral(
                        "after > write best+DELTA with DELTA >= 0, e.g. val_loss>best+0.1")
                    : QStringLiteral(
                        "after < write best-DELTA with DELTA >= 0, e.g. val_acc<best-0.05"));
        rule.threshold = *d;
        return rule;
    }
    const std::optional<double> threshold = number(value);
    if (!threshold)
        return fail(QStringLiteral("\"%1\" is not a finite number or best%2DELTA")
                        .arg(shown(value),
                            rule.kind == Kind::Above ? QStringLiteral("+") : QStringLiteral("-")));
    rule.threshold = *threshold;
    return rule;
}

std::optional<QList<AlertRule>> AlertRule::parseList(const QString& text, QString* error)
{
    if (text.trimmed().isEmpty()) {
        if (error)
            *error = QStringLiteral("no alert rules given; ") + Accepted;
        return std::nullopt;
    }
    QString listError;
    QList<AlertRule> rules = parseList(text.split(QLatin1Char(',')), &listError);
    if (!listError.isEmpty()) {
        if (error)
            *error = listError;
        return std::nullopt;
    }
    return rules;
}

QList<AlertRule> AlertRule::parseList(const QStringList& texts, QString* error)
{
    QList<AlertRule> rules;
    for (const QString& text : texts) {
        QString ruleError;
        const std::optional<AlertRule> rule = parse(text, &ruleError);
        if (!rule) {
            if (error && error->isEmpty())
                *error = ruleError;
            continue;
        }
        if (!rules.contains(*rule))
            rules << *rule;
    }
    return rules;
}

QList<AlertRule> AlertRule::defaults()
{
    AlertRule nan;
    AlertRule error;
    error.kind = Kind::Error;
    AlertRule stall;
    stall.kind = Kind::Stall;
    return { nan, error, stall };
}

QStringList AlertRule::names(const QList<AlertRule>& rules)
{
    QStringList out;
    for (const AlertRule& rule : rules)
        out << rule.name();
    return out;
}

} // namespace viewer
