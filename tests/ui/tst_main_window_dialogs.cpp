// The main window's File dialogs, driven as a user would: open, open remote, export.
#include "chart_grid.hpp"
#include "command_line_options.hpp"
#include "events_model.hpp"
#include "events_table.hpp"
#include "file_dialog_answer.hpp"
#include "main_window.hpp"
#include "main_window_fixture.hpp"
#include "message_banner.hpp"
#include "metric_chart.hpp"
#include "metric_filter_panel.hpp"
#include "metric_filter_proxy.hpp"
#include "metric_tree_model.hpp"
#include "paint_counter.hpp"
#include "record_table_model.hpp"
#include "records_view.hpp"
#include "run_list_model.hpp"
#include "runs_panel.hpp"
#include "settings.hpp"
#include "status_bar.hpp"
#include "tag_filter.hpp"
#include "workspace.hpp"

#include <QComboBox>
#include <QFileDialog>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QTreeView>
#include <QtTest>

#include <memory>

using namespace viewer;

class TestMainWindowDialogs : public QObject, public test::MainWindowFixture
{
    Q_OBJECT
private slots:
    void init()
    {
        setUpWindow();
    }
    void cleanup()
    {
        tearDownWindow();
    }
    void openDialogsOpenRuns();
    void openRemoteDialogChecksTheAddress();
    void exportDialogsWriteFiles();

private:
    // Triggers the File menu action with this text, answering the modal dialogs it opens in turn
    // as a user would (each answer returns false while the dialog it expects is not up yet).
    void triggerWithDialogs(
        const QString& actionText, QList<std::function<bool(QWidget*)>> answers);
    static std::function<bool(QWidget*)> chooseFile(const QString& path);
};

void TestMainWindowDialogs::triggerWithDialogs(
    const QString& actionText, QList<std::function<bool(QWidget*)>> answers)
{
    // Qt's own dialogs (a native one could not be driven), shown as modal widgets.
    QCoreApplication::setAttribute(Qt::AA_DontUseNativeDialogs);
    QAction* action = nullptr;
    for (QAction* a : m_window->findChildren<QAction*>())
        if (a->text() == actionText)
            action = a;
    QVERIFY2(action, qPrintable(actionText));
    QTimer poll;
    poll.setInterval(10);
    connect(&poll, &QTimer::timeout, this, [&answers] {
        QWidget* modal = QApplication::activeModalWidget();
        if (modal && !answers.isEmpty() && answers.front()(modal))
            answers.removeFirst();
    });
    poll.start();
    action->trigger(); // returns when the last dialog closed
    QVERIFY(answers.isEmpty());
}

std::function<bool(QWidget*)> TestMainWindowDialogs::chooseFile(const QString& path)
{
    return [path](QWidget* modal) {
        auto* dialog = qobject_cast<QFileDialog*>(modal);
        return dialog && answerFileDialog(dialog, path);
    };
}

// File > Open Remote (issue 16): a mistyped address is said and asked again (nothing opened); a
// valid one is opened as an ssh:// source, named as typed, and joins the recent list.
void TestMainWindowDialogs::openRemoteDialogChecksTheAddress()
{
    const auto type = [](const QString& text) {
        return [text](QWidget* modal) {
            auto* dialog = qobject_cast<QInputDialog*>(modal);
            if (!dialog)
                return false;
            dialog->setTextValue(text);
            dialog->accept();
            return true;
        };
    };
    QString warning;
    const auto dismiss = [&warning](QWidget* modal) {
        auto* box = qobject_cast<QMessageBox*>(modal);
        if (!box)
            return false;
        warning = box->text();
        box->accept();
        return true;
    };
    // Port 1 on this machine: the connection is refused at once, which is not what is tested.
    const QString address = QStringLiteral("ssh://nobody@127.0.0.1:1/runs/job7/");
    triggerWithDialogs(QStringLiteral("Open &Remote\u2026"),
        { type(QStringLiteral("ssh://host")), dismiss, type(address) });
    QVERIFY2(warning.contains(QStringLiteral("ssh://host")), qPrintable(warning));
    const Workspace* workspace = m_window->workspace();
    QCOMPARE(workspace->sourceIds().size(), 1);
    QCOMPARE(workspace->source(workspace->sourceIds().front()).path, address);
    QVERIFY(m_settings->recentPaths().contains(address));
}

// File > Open and Open Folder, through their dialogs.
void TestMainWindowDialogs::openDialogsOpenRuns()
{
    const QString file = writeRun("run.jsonl", 30);
    triggerWithDialogs(QStringLiteral("&Open\u2026"), { chooseFile(file) });
    QTRY_COMPARE_WITH_TIMEOUT(m_window->workspace()->runIds().size(), 1, 10000);
    const Workspace* workspace = m_window->workspace();
    QCOMPARE(
        workspace->source(workspace->sourceIds().front()).path, QFileInfo(file).absoluteFilePath());

    QDir(m_dir->path()).mkdir(QStringLiteral("ranks"));
    for (const char* name : { "ranks/rank0.jsonl", "ranks/rank1.jsonl" })
        writeRun(QLatin1String(name), 20);
    const QString folder = m_dir->filePath("ranks");
    triggerWithDialogs(QStringLiteral("Open &Folder\u2026"), { chooseFile(folder) });
    QTRY_COMPARE_WITH_TIMEOUT(workspace->runIds().size(), 3, 10000);
    QCOMPARE(workspace->sourceIds().size(), 2);
    QCOMPARE(workspace->source(workspace->sourceIds().back()).path,
        QFileInfo(folder).absoluteFilePath());
}

// Export as CSV, a chart as PNG (after choosing the metric) and the window as PNG, through their
// dialogs.
void TestMainWindowDialogs::exportDialogsWriteFiles()
{
    openAndSettle({ writeRun("run.jsonl", 30) });
    const QString csv = m_dir->filePath("out/series.csv");
    QDir(m_dir->path()).mkdir(QStringLiteral("out"));
    triggerWithDialogs(QStringLiteral("&Export Visible Series as CSV\u2026"), { chooseFile(csv) });
    QFile written(csv);
    QVERIFY(written.open(QIODevice::ReadOnly));
    QVERIFY(written.readLine().startsWith("run,metric,"));
    QVERIFY(written.readAll().count('\n') >= 30);

    const QString chartPng = m_dir->filePath("out/chart.png");
    const QString metric = m_window->chartGrid()->chartKeys().value(1);
    QVERIFY(!metric.isEmpty());
    triggerWithDialogs(QStringLiteral("Export Chart as &PNG\u2026"),
        { [metric](QWidget* modal) {
             auto* input = qobject_cast<QInputDialog*>(modal);
             if (!input)
                 return false;
             input->setTextValue(metric);
             input->accept();
             return true;
         },
            chooseFile(chartPng) });
    const QImage chart(chartPng);
    QCOMPARE(chart.size(), QSize(1200, 700));

    const QString windowPng = m_dir->filePath("out/window.png");
    triggerWithDialogs(QStringLiteral("Export &Window as PNG\u2026"), { chooseFile(windowPng) });
    const QImage window(windowPng);
    QVERIFY(!window.isNull());
    QCOMPARE(window.size(), m_window->size() * m_window->devicePixelRatio());
}

QTEST_MAIN(TestMainWindowDialogs)
#include "tst_main_window_dialogs.moc"
