// DesktopNotifier without a system tray (issue 16): the alert goes to the freedesktop notification
// service. The test starts its own session bus (dbus-daemon) and serves
// org.freedesktop.Notifications itself, so it checks the call that a desktop would receive; where
// dbus-daemon is missing it says so and skips.
#include "desktop_notifier.hpp"

#include <QDBusConnection>
#include <QProcess>
#include <QStandardPaths>
#include <QSystemTrayIcon>
#include <QtTest>

using namespace viewer;

class FakeNotifications : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    QList<QStringList> calls; // app, summary, body

public slots:
    uint Notify(const QString& app, uint, const QString&, const QString& summary,
        const QString& body, const QStringList&, const QVariantMap&, int)
    {
        calls << QStringList { app, summary, body };
        return uint(calls.size());
    }
};

class TestDesktopNotifier : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        const QString daemon = QStandardPaths::findExecutable(QStringLiteral("dbus-daemon"));
        if (daemon.isEmpty())
            QSKIP("dbus-daemon is not installed (package dbus): the D-Bus path is not tested");
        m_bus.start(daemon,
            { QStringLiteral("--session"), QStringLiteral("--nofork"),
                QStringLiteral("--print-address") });
        QVERIFY(m_bus.waitForStarted(10000));
        QTRY_VERIFY_WITH_TIMEOUT(m_bus.canReadLine(), 10000);
        const QByteArray address = m_bus.readLine().trimmed();
        QVERIFY(!address.isEmpty());
        // Before the first use of the session bus in this process.
        qputenv("DBUS_SESSION_BUS_ADDRESS", address);
    }
    void cleanupTestCase()
    {
        if (m_bus.state() != QProcess::NotRunning) {
            m_bus.kill();
            m_bus.waitForFinished(5000);
        }
    }

    void noTrayUsesTheNotificationService()
    {
        QVERIFY(!QSystemTrayIcon::isSystemTrayAvailable()); // offscreen
        {
            DesktopNotifier none;
            QCOMPARE(none.channel(), DesktopNotifier::Channel::None); // nobody serves it yet
            none.notify(QStringLiteral("t"), QStringLiteral("b")); // a no-op, not a crash
        }
        FakeNotifications fake;
        QDBusConnection bus = QDBusConnection::sessionBus();
        QVERIFY(bus.isConnected());
        QVERIFY(bus.registerObject(QStringLiteral("/org/freedesktop/Notifications"), &fake,
            QDBusConnection::ExportAllSlots));
        QVERIFY(bus.registerService(QStringLiteral("org.freedesktop.Notifications")));

        DesktopNotifier notifier;
        QCOMPARE(notifier.channel(), DesktopNotifier::Channel::FreedesktopService);
        notifier.notify(QStringLiteral("exp<1>: nan"),
            QStringLiteral("step_end/loss is NaN at step 4 <a href=\"x\">"));
        QTRY_COMPARE_WITH_TIMEOUT(fake.calls.size(), 1, 10000);
        QCOMPARE(fake.calls[0],
            (QStringList { "Telemetry Viewer", QStringLiteral("exp\u20391\u203a: nan"),
                QStringLiteral("step_end/loss is NaN at step 4 \u2039a "
                               "href=\"x\"\u203a") }));
        bus.unregisterService(QStringLiteral("org.freedesktop.Notifications"));
        bus.unregisterObject(QStringLiteral("/org/freedesktop/Notifications"));
    }

private:
    QProcess m_bus;
};

QTEST_MAIN(TestDesktopNotifier)
#include "tst_desktop_notifier.moc"
