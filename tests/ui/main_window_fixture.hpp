#pragma once
// What the main window's suites share (tst_main_window, _live, _dialogs): a fresh window, settings
// file and folder per test, a run file written as the logger writes it, opened and settled.

#include "main_window.hpp"
#include "settings.hpp"
#include "workspace.hpp"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

namespace test {

class MainWindowFixture
{
public:
    void setUpWindow()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_settings = std::make_unique<viewer::Settings>(m_dir->filePath("settings.ini"));
        m_window = std::make_unique<viewer::MainWindow>(m_settings.get());
        m_window->resize(1200, 800);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void tearDownWindow()
    {
        m_window.reset();
        m_settings.reset();
        m_dir.reset();
    }

    QString writeRun(const QString& name, int steps, const QString& errorMessage = QString())
    {
        const QString path = m_dir->filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        double ts = 1732800000.0;
        f.write(R"({"ts": 1732800000.0, "tag": "run_begin", "run": "r"})"
                "\n");
        for (int s = 0; s < steps; ++s) {
            ts += 0.5;
            if (s % 10 == 0)
                f.write(QStringLiteral(R"({"ts": %1, "tag": "epoch_begin", "epoch": %2})"
                                       "\n")
                            .arg(ts, 0, 'f', 2)
                            .arg(s / 10)
                            .toUtf8());
            f.write(QStringLiteral(
                R"({"ts": %1, "tag": "step_end", "step": %2, "context": {"loss": %3, "metrics": {"acc": %4}}})"
                "\n")
                        .arg(ts, 0, 'f', 2)
                        .arg(s)
                        .arg(s == 7 ? QStringLiteral("NaN") : QString::number(2.0 / (1 + s)))
                        .arg(s / 100.0)
                        .toUtf8());
            if (s == 12 && !errorMessage.isEmpty()) {
                QJsonObject error { { "ts", ts + 0.1 }, { "tag", "error" },
                    { "type", "RuntimeError" }, { "message", errorMessage } };
                f.write(QJsonDocument(error).toJson(QJsonDocument::Compact) + "\n");
            }
            if (s % 10 == 9)
                f.write(QStringLiteral(
                    R"({"ts": %1, "tag": "epoch_end", "epoch": %2, "context": {"val_loss": %3}})"
                    "\n")
                            .arg(ts + 0.2, 0, 'f', 2)
                            .arg(s / 10)
                            .arg(1.0 / (1 + s / 10))
                            .toUtf8());
        }
        return path;
    }

    void openAndSettle(const QStringList& paths)
    {
        for (const QString& path : paths)
            QVERIFY(!path.isEmpty());
        m_window->openPaths(paths);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(
            !m_window->workspace()->runIds().isEmpty() || !m_window->problems().isEmpty(), 10000);
        m_window->flushPendingUpdates();
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<viewer::Settings> m_settings;
    std::unique_ptr<viewer::MainWindow> m_window;
};

} // namespace test
