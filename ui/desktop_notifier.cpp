#include "desktop_notifier.hpp"

#include <QApplication>
#include <QIcon>
#include <QSystemTrayIcon>

#ifdef TELEMETRY_HAVE_DBUS
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#endif

namespace viewer {

namespace {

#ifdef TELEMETRY_HAVE_DBUS
const QString NotificationsService = QStringLiteral("org.freedesktop.Notifications");

bool notificationServiceAvailable()
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    return bus.isConnected() && bus.interface()
        && bus.interface()->isServiceRegistered(NotificationsService).value();
}
#endif

} // namespace

DesktopNotifier::DesktopNotifier(QObject* parent)
    : QObject(parent)
{
    if (QSystemTrayIcon::isSystemTrayAvailable())
        m_channel = Channel::Tray;
#ifdef TELEMETRY_HAVE_DBUS
    else if (notificationServiceAvailable())
        m_channel = Channel::FreedesktopService;
#endif
}

QString DesktopNotifier::notificationText(const QString& text, int maxChars)
{
    QString out;
    out.reserve(std::min<qsizetype>(text.size(), maxChars + 1));
    for (const QChar c : text) {
        if (out.size() >= maxChars) {
            out.chop(1);
            out += QChar(0x2026); // …
            break;
        }
        if (c == QLatin1Char('<'))
            out += QChar(0x2039);
        else if (c == QLatin1Char('>'))
            out += QChar(0x203a);
        else if (c == QLatin1Char('&'))
            out += QChar(0xff06);
        else if (c.category() == QChar::Other_Control || c == QChar(0x2028) || c == QChar(0x2029))
            out += QLatin1Char(' ');
        else
            out += c;
    }
    return out;
}

void DesktopNotifier::notify(const QString& rawTitle, const QString& rawBody)
{
    const QString title = notificationText(rawTitle, MaxTitleChars);
    const QString body = notificationText(rawBody, MaxBodyChars);
    switch (m_channel) {
    case Channel::None:
        return;
    case Channel::Tray:
        if (!m_tray) {
            m_tray = new QSystemTrayIcon(QApplication::windowIcon(), this);
            m_tray->setToolTip(QStringLiteral("Telemetry Viewer"));
            m_tray->show();
        }
        m_tray->showMessage(title, body, QSystemTrayIcon::Warning, ShowMsecs);
        return;
    case Channel::FreedesktopService: {
#ifdef TELEMETRY_HAVE_DBUS
        QDBusMessage call = QDBusMessage::createMethodCall(NotificationsService,
            QStringLiteral("/org/freedesktop/Notifications"), NotificationsService,
            QStringLiteral("Notify"));
        call << QStringLiteral("Telemetry Viewer") << uint(0) << QStringLiteral("telemetry-viewer")
             << title << body << QStringList() << QVariantMap() << ShowMsecs;
        QDBusConnection::sessionBus().send(call); // no reply awaited: never blocks the GUI
#endif
        return;
    }
    }
}

} // namespace viewer
