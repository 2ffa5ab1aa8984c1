#pragma once

#include <QObject>
#include <QString>

class QSystemTrayIcon;

namespace viewer {

// Shows an alert as a desktop notification (issue 16): the system tray's message where there is
// a tray, else the freedesktop notification service (org.freedesktop.Notifications on the session
// bus) where Qt D-Bus is built in and a session bus answers, else nothing (the events table still
// gets the row). GUI thread. The tray icon appears with the first notification.
class DesktopNotifier : public QObject
{
    Q_OBJECT
public:
    enum class Channel
    {
        None,
        Tray,
        FreedesktopService,
    };
    static constexpr int MaxTitleChars = 80;
    static constexpr int MaxBodyChars = 300;
    static constexpr int ShowMsecs = 10000;

    explicit DesktopNotifier(QObject* parent = nullptr);

    Channel channel() const
    {
        return m_channel;
    }
    // title and body are plain text from the files; they are made safe here (notificationText).
    void notify(const QString& title, const QString& body);

    // Text as a notification shows it: one line, elided to maxChars, and no markup. Notification
    // servers may render <b>, <a href>, <img src> in a body (the freedesktop "body-markup"
    // capability; Qt's tray on Linux goes through the same service), so '<', '>' and '&' become
    // look-alikes (‹ › ＆) that no server parses, whatever it supports.
    static QString notificationText(const QString& text, int maxChars);

private:
    Channel m_channel = Channel::None;
    QSystemTrayIcon* m_tray = nullptr;
};

} // namespace viewer
