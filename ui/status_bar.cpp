#include "status_bar.hpp"

#include "steady_label.hpp"

#include <QDateTime>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QTimer>
#include <QToolButton>

namespace viewer {

StatusBar::StatusBar(QWidget* parent)
    : QStatusBar(parent)
    , m_counts(new QLabel(this))
    , m_follow(new QLabel(this))
    , m_age(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QToolButton(this))
    , m_tick(new QTimer(this))
{
    for (QLabel* label : { m_counts, m_follow, m_age }) {
        label->setTextFormat(Qt::PlainText);
        label->setContentsMargins(6, 0, 6, 0);
    }
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(220);
    m_progress->setFormat(tr("loading %p%"));
    m_progress->hide();
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop loading; what was read so far stays open"));
    m_cancel->hide();
    connect(m_cancel, &QToolButton::clicked, this, &StatusBar::cancelRequested);

    addPermanentWidget(m_progress);
    addPermanentWidget(m_cancel);
    addPermanentWidget(m_counts);
    addPermanentWidget(m_follow);
    addPermanentWidget(m_age);

    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, &StatusBar::updateAge);
    m_tick->start();
    setCounts(0, 0, 0);
    updateAge();
}

void StatusBar::setCounts(qulonglong records, qulonglong series, int runs)
{
    const QLocale locale;
    setSteadyLabelText(m_counts,
        tr("%1 records \u00b7 %2 series \u00b7 %3")
            .arg(locale.toString(records), locale.toString(series),
                runs == 1 ? tr("1 run") : tr("%1 runs").arg(runs)));
}

void StatusBar::setFollowState(const QString& text)
{
    setSteadyLabelText(m_follow, text);
}

void StatusBar::setLastUpdate(qint64 msecsSinceEpoch)
{
    m_lastUpdate = msecsSinceEpoch;
    updateAge();
}

QString StatusBar::formatAge(qint64 msecs)
{
    if (msecs < 0)
        msecs = 0;
    const qint64 s = msecs / 1000;
    if (s < 2)
        return tr("last record just now");
    if (s < 60)
        return tr("last record %1 s ago").arg(s);
    if (s < 3600)
        return tr("last record %1 min ago").arg(s / 60);
    if (s < 86400)
        return tr("last record %1 h %2 min ago").arg(s / 3600).arg((s % 3600) / 60);
    const qint64 days = s / 86400;
    return days == 1 ? tr("last record 1 day ago") : tr("last record %1 days ago").arg(days);
}

void StatusBar::updateAge()
{
    if (m_lastUpdate <= 0) {
        setSteadyLabelText(m_age, tr("no records yet"));
        return;
    }
    setSteadyLabelText(m_age, formatAge(QDateTime::currentMSecsSinceEpoch() - m_lastUpdate));
}

void StatusBar::setLoadProgress(qint64 bytesDone, qint64 bytesTotal)
{
    const bool loading = bytesTotal >= 0;
    m_progress->setVisible(loading);
    m_cancel->setVisible(loading);
    if (!loading)
        return;
    if (bytesTotal == 0) {
        m_progress->setRange(0, 0); // busy: the size is not known
        return;
    }
    m_progress->setRange(0, 1000);
    m_progress->setValue(int(1000.0 * double(bytesDone) / double(bytesTotal)));
}

QString StatusBar::countsText() const
{
    return m_counts->text();
}

QString StatusBar::followText() const
{
    return m_follow->text();
}

QString StatusBar::ageText() const
{
    return m_age->text();
}

bool StatusBar::isProgressVisible() const
{
    return !m_progress->isHidden();
}

int StatusBar::progressPermille() const
{
    return m_progress->value();
}

} // namespace viewer
