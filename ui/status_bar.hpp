#pragma once

#include <QStatusBar>

class QLabel;
class QProgressBar;
class QTimer;
class QToolButton;

namespace viewer {

// The window's status bar: records and series of the visible runs, the follow state, how long ago
// the last record arrived (ticking once a second), and during big loads a progress bar with a
// cancel button. GUI thread. Plain text only.
class StatusBar : public QStatusBar
{
    Q_OBJECT
public:
    explicit StatusBar(QWidget* parent = nullptr);

    void setCounts(qulonglong records, qulonglong series, int runs);
    void setFollowState(const QString& text);
    // QDateTime::currentMSecsSinceEpoch() of the newest record; 0: none yet.
    void setLastUpdate(qint64 msecsSinceEpoch);
    // bytesTotal < 0: no load running (the progress bar hides).
    void setLoadProgress(qint64 bytesDone, qint64 bytesTotal);

    QString countsText() const;
    QString followText() const;
    QString ageText() const;
    bool isProgressVisible() const;
    int progressPermille() const;
    QToolButton* cancelButton() const
    {
        return m_cancel;
    }

    static QString formatAge(qint64 msecs);

signals:
    void cancelRequested();

private:
    void updateAge();

    QLabel* m_counts;
    QLabel* m_follow;
    QLabel* m_age;
    QProgressBar* m_progress;
    QToolButton* m_cancel;
    QTimer* m_tick;
    qint64 m_lastUpdate = 0;
};

} // namespace viewer
