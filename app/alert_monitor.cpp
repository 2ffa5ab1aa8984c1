#include "alert_monitor.hpp"

#include "run.hpp"
#include "workspace.hpp"

#include <QDateTime>
#include <QSet>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace viewer {

namespace {

constexpr int MaxMessageChars = 500; // of an error record's text in an alert's message

QString numberText(double v)
{
    if (std::isnan(v))
        return QStringLiteral("NaN");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("+Inf") : QStringLiteral("-Inf");
    if (v == std::floor(v) && std::abs(v) < 1e15)
        return QString::number(static_cast<qint64>(v));
    return QString::number(v, 'g', 6);
}

QString atStep(double step)
{
    return std::isnan(step) ? QString() : QStringLiteral(" at step %1").arg(numberText(step));
}

QString elided(const QString& text)
{
    QString s = text.left(MaxMessageChars);
    for (QChar& c : s)
        if (c == QLatin1Char('\n') || c == QLatin1Char('\r'))
            c = QLatin1Char(' ');
    return text.size() > MaxMessageChars ? s + QStringLiteral("...") : s;
}

bool isResultTag(const QString& tag)
{
    return tag == QLatin1String("step_end") || tag == QLatin1String("epoch_end");
}

} // namespace

// What fired in one batch: the earliest record that broke the rule.
struct AlertMonitor::Trigger
{
    bool fired = false;
    QString metric;
    std::uint32_t record = Alert::NoRecord;
    double value = 0.0;
    QString message;
    double time = 0.0; // without a record (a stall): when it fired
    double step = std::nan("");

    void offer(std::uint32_t r, const QString& key, double v, const QString& text)
    {
        if (fired && record <= r)
            return;
        fired = true;
        record = r;
        metric = key;
        value = v;
        message = text;
    }
};

struct AlertMonitor::RuleState
{
    bool active = false;
    Alert alert; // while active
    QSet<int> offending; // nan/threshold: series whose latest point breaks the rule
    std::vector<int> matched; // threshold: indices of the series the rule applies to
    std::size_t matchedUpTo = 0; // series looked at for matches
    QHash<int, double> best; // threshold from best: series index -> best finite value so far
    qint64 lastError = -1; // error: the record of the latest error (-1: none)
    bool progressAfterError = false; // error: a step_end/epoch_end record came after it
};

struct AlertMonitor::RunWatch
{
    std::vector<std::size_t> checkedPoints; // per series index: points already looked at
    std::size_t checkedEvents = 0;
    std::size_t checkedRecords = 0;
    std::vector<RuleState> rules; // parallel to m_rules
    qint64 lastArrivalMsecs = 0;
    bool armed = false; // records arrived while watched: the run can stall
    double medianInterval = 0.0;
    std::size_t medianAt = 0; // records when medianInterval was computed
};

AlertMonitor::AlertMonitor(Workspace* workspace, QObject* parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_now([] { return QDateTime::currentMSecsSinceEpoch(); })
    , m_timer(new QTimer(this))
{
    m_timer->setTimerType(Qt::CoarseTimer);
    m_timer->setInterval(DefaultTickMsecs);
    connect(m_timer, &QTimer::timeout, this, &AlertMonitor::checkStalls);
    connect(workspace, &Workspace::runAdded, this, &AlertMonitor::addRun);
    connect(workspace, &Workspace::runRemoved, this, &AlertMonitor::removeRun);
    connect(workspace, &Workspace::runsAppended, this, &AlertMonitor::runsAppended);
    m_rules = AlertRule::defaults();
    updateTimer();
    for (int runId : workspace->runIds())
        addRun(runId);
}

AlertMonitor::~AlertMonitor() = default;

void AlertMonitor::setRules(const QList<AlertRule>& rules)
{
    m_rules = rules;
    for (auto& [runId, watch] : m_runs) {
        resetWatch(*watch);
        process(runId, *watch, /*silent=*/true);
    }
    updateTimer();
}

void AlertMonitor::setClock(std::function<qint64()> msecsNow)
{
    m_now = std::move(msecsNow);
}

void AlertMonitor::setTickInterval(int msecs)
{
    m_timer->setInterval(msecs);
}

void AlertMonitor::updateTimer()
{
    const bool stall = std::any_of(m_rules.begin(), m_rules.end(),
        [](const AlertRule& r) { return r.kind == AlertRule::Kind::Stall; });
    if (stall && !m_timer->isActive())
        m_timer->start();
    else if (!stall)
        m_timer->stop();
}

void AlertMonitor::resetWatch(RunWatch& watch) const
{
    watch.checkedPoints.clear();
    watch.checkedEvents = 0;
    watch.checkedRecords = 0;
    watch.rules.assign(static_cast<std::size_t>(m_rules.size()), RuleState {});
}

QList<Alert> AlertMonitor::activeAlerts(int runId) const
{
    QList<Alert> out;
    auto it = m_runs.find(runId);
    if (it == m_runs.end())
        return out;
    for (const RuleState& state : it->second->rules)
        if (state.active)
            out << state.alert;
    return out;
}

void AlertMonitor::addRun(int runId)
{
    const Run* run = m_workspace->run(runId);
    if (!run || m_runs.count(runId))
        return;
    if (m_lastRunOfFile.value(run->sourcePath, -1) < runId)
        m_lastRunOfFile.insert(run->sourcePath, runId);
    auto watch = std::make_unique<RunWatch>();
    resetWatch(*watch);
    watch->lastArrivalMsecs = m_now();
    // A source's initial load registers its runs while it is still Loading; anything later
    // (following) is news.
    const bool loaded = m_workspace->source(m_workspace->sourceOfRun(runId)).state
        == Workspace::SourceState::Loading;
    const bool silent = loaded && !m_checkExisting;
    watch->armed = !silent;
    RunWatch& w = *watch;
    m_runs[runId] = std::move(watch);
    process(runId, w, silent);
}

void AlertMonitor::removeRun(int runId)
{
    m_runs.erase(runId);
}

void AlertMonitor::runsAppended(const QList<int>& runIds)
{
    for (int runId : runIds) {
        auto it = m_runs.find(runId);
        if (it == m_runs.end()) {
            addRun(runId);
            continue;
        }
        RunWatch& watch = *it->second;
        watch.lastArrivalMsecs = m_now();
        watch.armed = true;
        process(runId, watch, /*silent=*/false);
    }
}

void AlertMonitor::process(int runId, RunWatch& watch, bool silent)
{
    const Run* run = m_workspace->run(runId);
    if (!run)
        return;
    if (run->records.size() < watch.checkedRecords
        || run->series.size() < watch.checkedPoints.size())
        resetWatch(watch); // re-read from the start (not expected: a reset gives new run ids)
    watch.checkedPoints.resize(run->series.size(), 0);

    for (std::size_t r = 0; r < static_cast<std::size_t>(m_rules.size()); ++r) {
        const AlertRule& rule = m_rules[static_cast<qsizetype>(r)];
        RuleState& state = watch.rules[r];
        Trigger trigger;
        switch (rule.kind) {
        case AlertRule::Kind::NonFinite:
            checkNonFinite(*run, watch, r, trigger);
            break;
        case AlertRule::Kind::Above:
        case AlertRule::Kind::Below:
            checkThreshold(*run, watch, r, trigger);
            break;
        case AlertRule::Kind::Error:
            checkErrors(*run, watch, r, trigger);
            break;
        case AlertRule::Kind::Stall:
            state.offending.clear(); // records arrived: not quiet any more
            break;
        }
        settle(runId, *run, state, rule, trigger, silent);
    }

    for (std::size_t i = 0; i < run->series.size(); ++i)
        watch.checkedPoints[i] = run->series[i].size();
    watch.checkedEvents = run->events.size();
    watch.checkedRecords = run->records.size();
}

void AlertMonitor::checkNonFinite(
    const Run& run, RunWatch& watch, std::size_t rule, Trigger& trigger)
{
    RuleState& state = watch.rules[rule];
    for (std::size_t i = 0; i < run.series.size(); ++i) {
        const Series& series = run.series[i];
        const std::size_t from = watch.checkedPoints[i];
        if (series.size() == from || !isResultTag(series.tag()))
            continue;
        const std::vector<std::uint32_t>& nonFinite = series.nonFinite();
        const auto first = std::lower_bound(nonFinite.begin(), nonFinite.end(), from);
        if (first != nonFinite.end()) {
            const double v = series.values()[*first];
            const std::uint32_t record = series.records()[*first];
            trigger.offer(record, series.key(), v,
                QStringLiteral("%1 is %2%3")
                    .arg(series.key(), numberText(v), atStep(run.records.step(record))));
        }
        if (std::isfinite(series.values().back()))
            state.offending.remove(static_cast<int>(i));
        else
            state.offending.insert(static_cast<int>(i));
    }
}

void AlertMonitor::checkThreshold(
    const Run& run, RunWatch& watch, std::size_t ruleIndex, Trigger& trigger)
{
    const AlertRule& rule = m_rules[static_cast<qsizetype>(ruleIndex)];
    RuleState& state = watch.rules[ruleIndex];
    for (; state.matchedUpTo < run.series.size(); ++state.matchedUpTo)
        if (rule.matchesSeries(run.series[state.matchedUpTo].key()))
            state.matched.push_back(static_cast<int>(state.matchedUpTo));
    const bool above = rule.kind == AlertRule::Kind::Above;
    for (int i : state.matched) {
        const Series& series = run.series[static_cast<std::size_t>(i)];
        const std::size_t from = watch.checkedPoints[static_cast<std::size_t>(i)];
        if (series.size() == from)
            continue;
        auto bestIt = state.best.find(i);
        bool haveBest = bestIt != state.best.end();
        double best = haveBest ? *bestIt : 0.0;
        bool lastBreaks = false;
        for (std::size_t p = from; p < series.size(); ++p) {
            const double v = series.values()[p];
            if (!std::isfinite(v)) {
                lastBreaks = false; // the nan rule's business
                continue;
            }
            double limit = rule.threshold;
            if (rule.fromBest)
                limit = above ? best + rule.threshold : best - rule.threshold;
            lastBreaks = (!rule.fromBest || haveBest) && (above ? v > limit : v < limit);
            if (lastBreaks) {
                const std::uint32_t record = series.records()[p];
                const QString bound = rule.fromBest
                    ? QStringLiteral("%1 the best %2 %3 %4")
                          .arg(above ? QStringLiteral("above") : QStringLiteral("below"),
                              numberText(best),
                              above ? QStringLiteral("plus") : QStringLiteral("minus"),
                              numberText(rule.threshold))
                    : QStringLiteral("%1 %2").arg(
                        above ? QStringLiteral("above") : QStringLiteral("below"),
                        numberText(rule.threshold));
                trigger.offer(record, series.key(), v,
                    QStringLiteral("%1 = %2, %3%4")
                        .arg(series.key(), numberText(v), bound, atStep(run.records.step(record))));
            }
            if (!haveBest || (above ? v < best : v > best)) {
                best = v;
                haveBest = true;
            }
        }
        if (rule.fromBest && haveBest)
            state.best.insert(i, best);
        if (lastBreaks)
            state.offending.insert(i);
        else
            state.offending.remove(i);
    }
}

void AlertMonitor::checkErrors(const Run& run, RunWatch& watch, std::size_t rule, Trigger& trigger)
{
    RuleState& state = watch.rules[rule];
    for (std::size_t e = watch.checkedEvents; e < run.events.size(); ++e) {
        const RunEvent& event = run.events[e];
        if (event.kind != RunEvent::Kind::Error)
            continue;
        const QString what = event.type.isEmpty() ? event.message
            : event.message.isEmpty()             ? event.type
                                      : event.type + QStringLiteral(": ") + event.message;
        trigger.offer(event.record, QString(), std::nan(""),
            QStringLiteral("error record%1: %2").arg(atStep(event.step), elided(what)));
        state.lastError = event.record;
        state.progressAfterError = false;
    }
    if (state.lastError < 0 || state.progressAfterError)
        return;
    const auto from = std::max(watch.checkedRecords, static_cast<std::size_t>(state.lastError) + 1);
    for (std::size_t r = from; r < run.records.size() && !state.progressAfterError; ++r) {
        const std::uint16_t tag = run.records.tag(static_cast<std::uint32_t>(r));
        state.progressAfterError = tag < run.tags.size() && isResultTag(run.tags[tag]);
    }
    if (state.progressAfterError)
        state.offending.remove(0);
    else
        state.offending.insert(0);
}

void AlertMonitor::settle(int runId, const Run& run, RuleState& state, const AlertRule& rule,
    const Trigger& trigger, bool silent)
{
    if (trigger.fired && !state.active && !silent) {
        Alert alert;
        alert.runId = runId;
        alert.runName = run.id;
        alert.sourcePath = run.sourcePath;
        alert.rule = rule;
        alert.metric = trigger.metric;
        alert.record = trigger.record;
        alert.value = trigger.value;
        alert.step = trigger.step;
        alert.time = trigger.time;
        if (trigger.record < run.records.size()) {
            alert.step = run.records.step(trigger.record);
            alert.time = run.records.time(trigger.record);
        }
        alert.message = trigger.message;
        state.active = true;
        state.alert = alert;
        emit alertRaised(alert);
    }
    if (state.active && state.offending.isEmpty()) {
        state.active = false;
        emit alertCleared(state.alert);
    }
}

bool AlertMonitor::stallEligible(int runId, const Run& run) const
{
    if (run.records.size() == 0 || m_lastRunOfFile.value(run.sourcePath, runId) != runId)
        return false;
    if (m_workspace->source(m_workspace->sourceOfRun(runId)).state
        != Workspace::SourceState::Following)
        return false;
    const std::uint16_t tag = run.records.tag(static_cast<std::uint32_t>(run.records.size() - 1));
    return !(tag < run.tags.size() && run.tags[tag] == QLatin1String("epoch_end"));
}

double AlertMonitor::stallLimitSeconds(const AlertRule& rule, const Run& run, RunWatch& watch) const
{
    if (rule.stallSeconds > 0.0)
        return rule.stallSeconds;
    const std::size_t n = run.records.size();
    if (watch.medianAt != n) {
        std::vector<double> gaps;
        const std::size_t first = n > MedianWindow + 1 ? n - MedianWindow - 1 : 0;
        for (std::size_t r = first + 1; r < n; ++r)
            gaps.push_back(run.records.time(static_cast<std::uint32_t>(r))
                - run.records.time(static_cast<std::uint32_t>(r - 1)));
        if (gaps.empty()) {
            watch.medianInterval = 0.0;
        } else {
            auto mid = gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2);
            std::nth_element(gaps.begin(), mid, gaps.end());
            watch.medianInterval = std::isfinite(*mid) ? std::max(0.0, *mid) : 0.0;
        }
        watch.medianAt = n;
    }
    return std::max(
        AlertRule::MinAutoStallSeconds, AlertRule::AutoStallFactor * watch.medianInterval);
}

void AlertMonitor::checkStalls()
{
    const qint64 now = m_now();
    for (auto& [runId, watchPtr] : m_runs) {
        RunWatch& watch = *watchPtr;
        const Run* run = m_workspace->run(runId);
        if (!run)
            continue;
        const bool eligible = watch.armed && stallEligible(runId, *run);
        const double quietSeconds = static_cast<double>(now - watch.lastArrivalMsecs) / 1000.0;
        for (std::size_t r = 0; r < static_cast<std::size_t>(m_rules.size()); ++r) {
            const AlertRule& rule = m_rules[static_cast<qsizetype>(r)];
            if (rule.kind != AlertRule::Kind::Stall)
                continue;
            RuleState& state = watch.rules[r];
            Trigger trigger;
            if (!eligible) {
                state.offending.clear(); // finished, superseded or no longer followed
            } else {
                const double limit = stallLimitSeconds(rule, *run, watch);
                if (quietSeconds >= limit) {
                    state.offending.insert(0);
                    trigger.fired = true;
                    trigger.message = rule.stallSeconds > 0.0
                        ? QStringLiteral("no record for %1 s (alert after %2 s)")
                              .arg(numberText(std::floor(quietSeconds)), numberText(limit))
                        : QStringLiteral("no record for %1 s (alert after %2 s: 10x the median "
                                         "record interval, at least %3 s)")
                              .arg(numberText(std::floor(quietSeconds)), numberText(limit),
                                  numberText(AlertRule::MinAutoStallSeconds));
                }
            }
            trigger.time = static_cast<double>(now) / 1000.0;
            if (run->records.size() > 0)
                trigger.step =
                    run->records.step(static_cast<std::uint32_t>(run->records.size() - 1));
            settle(runId, *run, state, rule, trigger, false);
        }
    }
}

} // namespace viewer
