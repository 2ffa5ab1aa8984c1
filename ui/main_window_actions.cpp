// MainWindow: what its menu actions open: file and folder dialogs, exports, the recent
// files, the malformed-lines dialog, shortcuts and about.
#include "alert_presenter.hpp"
#include "chart_grid.hpp"
#include "command_line_options.hpp"
#include "compare_bar.hpp"
#include "events_model.hpp"
#include "events_table.hpp"
#include "main_window.hpp"
#include "malformed_lines_dialog.hpp"
#include "message_banner.hpp"
#include "metric_filter_panel.hpp"
#include "metric_filter_proxy.hpp"
#include "metric_tree_model.hpp"
#include "plain_label.hpp"
#include "record_table_model.hpp"
#include "records_view.hpp"
#include "run_comparison.hpp"
#include "run_list_model.hpp"
#include "runs_panel.hpp"
#include "runs_table.hpp"
#include "runs_table_model.hpp"
#include "settings.hpp"
#include "ssh_command.hpp"
#include "status_bar.hpp"
#include "tag_filter.hpp"
#include "workspace.hpp"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImageWriter>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSlider>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace viewer {

namespace {

// A message box whose text is never interpreted as markup (it names files, quotes errors).
void plainWarning(QWidget* parent, const QString& title, const QString& text)
{
    QMessageBox box(QMessageBox::Warning, title, QString(), QMessageBox::Ok, parent);
    box.setTextFormat(Qt::PlainText);
    box.setText(plainLabel(text, 600));
    box.exec();
}

// Menu texts treat '&' as a mnemonic marker: double it so a path shows as it is.
QString menuText(const QString& text)
{
    QString t = plainLabel(text, 90);
    t.replace(QLatin1Char('&'), QStringLiteral("&&"));
    return t;
}

} // namespace

void MainWindow::showMalformedLines(int runId)
{
    const Run* run = m_workspace->run(runId);
    if (!run)
        return;
    auto* dialog = new MalformedLinesDialog(*run, this);
    dialog->show();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList paths = m_settings->recentPaths();
    for (const QString& path : paths) {
        QAction* a = m_recentMenu->addAction(menuText(path), this, [this, path] {
            if (!QFileInfo::exists(path))
                m_settings->removeRecentPath(path);
            openPath(path);
        });
        a->setToolTip(plainLabel(path, 300));
    }
    if (paths.isEmpty())
        m_recentMenu->addAction(tr("(none)"))->setEnabled(false);
    m_recentMenu->addSeparator();
    m_recentMenu
        ->addAction(tr("Clear Recent Runs"), this, [this] { m_settings->clearRecentPaths(); })
        ->setEnabled(!paths.isEmpty());
}

void MainWindow::openFileDialog()
{
    const QStringList paths =
        QFileDialog::getOpenFileNames(this, tr("Open Runs"), m_settings->lastDirectory(),
            tr("JSON Lines runs (*.jsonl *.json *.log *.txt);;All files (*)"));
    openPaths(paths);
}

void MainWindow::openFolderDialog()
{
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Open a Folder of Runs"), m_settings->lastDirectory());
    if (!dir.isEmpty())
        openPath(dir);
}

// A file or folder on another machine (issue 16): its ssh:// address, checked as the command line
// checks it; a mistake is said (plain text) and the dialog comes back with what was typed.
void MainWindow::openRemoteDialog()
{
    QString text = QStringLiteral("ssh://");
    for (;;) {
        QInputDialog dialog(this);
        dialog.setObjectName(QStringLiteral("openRemoteDialog"));
        dialog.setWindowTitle(tr("Open Remote"));
        dialog.setLabelText(tr("A run file or folder over ssh (the system's ssh, or "
                               "TELEMETRY_SSH_COMMAND):\nssh://[user@]host[:port]/path/run.jsonl "
                               "or ssh://host/path/folder/"));
        dialog.setTextValue(text);
        dialog.resize(560, dialog.sizeHint().height());
        if (dialog.exec() != QDialog::Accepted)
            return;
        text = dialog.textValue().trimmed();
        QString error;
        if (RemoteUrl::parse(text, &error).isValid()) {
            openPath(text);
            return;
        }
        plainWarning(this, tr("Not an ssh:// address"), tr("%1: %2").arg(text, error));
    }
}

void MainWindow::exportCsvDialog()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Visible Series as CSV"),
        m_settings->lastDirectory() + QStringLiteral("/series.csv"), tr("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportCsv(path, &error))
        plainWarning(this, tr("Export failed"), error);
    else
        m_statusBar->showMessage(plainLabel(tr("Wrote %1").arg(path), 300), 5000);
}

void MainWindow::exportChartDialog()
{
    const QStringList keys = m_chartGrid->chartKeys();
    if (keys.isEmpty()) {
        m_statusBar->showMessage(tr("There is no chart to export"), 4000);
        return;
    }
    bool ok = false;
    const QString key =
        QInputDialog::getItem(this, tr("Export Chart as PNG"), tr("Metric:"), keys, 0, false, &ok);
    if (!ok || key.isEmpty())
        return;
    QString name = key;
    name.replace(QLatin1Char('/'), QLatin1Char('_'));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Chart as PNG"),
        m_settings->lastDirectory() + QLatin1Char('/') + name + QStringLiteral(".png"),
        tr("PNG image (*.png)"));
    if (path.isEmpty())
        return;
    const QImage image = m_chartGrid->renderChart(key, QSize(1200, 700));
    QImageWriter writer(path, "png");
    if (image.isNull() || !writer.write(image))
        plainWarning(
            this, tr("Export failed"), tr("Cannot write %1: %2").arg(path, writer.errorString()));
    else
        m_statusBar->showMessage(plainLabel(tr("Wrote %1").arg(path), 300), 5000);
}

void MainWindow::exportWindowDialog()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Window as PNG"),
        m_settings->lastDirectory() + QStringLiteral("/telemetry-viewer.png"),
        tr("PNG image (*.png)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!saveScreenshot(path, &error))
        plainWarning(this, tr("Export failed"), error);
    else
        m_statusBar->showMessage(plainLabel(tr("Wrote %1").arg(path), 300), 5000);
}

void MainWindow::goToFirstNan()
{
    double best = std::numeric_limits<double>::infinity();
    QString bestKey;
    for (const QString& key : m_chartGrid->chartKeys()) {
        for (int runId : m_workspace->runIds()) {
            if (!m_runList->isRunVisible(runId))
                continue;
            const double x = m_chartGrid->firstNanX(key, runId);
            if (std::isfinite(x) && x < best) {
                best = x;
                bestKey = key;
            }
        }
    }
    if (bestKey.isEmpty()) {
        m_statusBar->showMessage(tr("No NaN in the charts shown"), 4000);
        return;
    }
    m_chartGrid->zoomToX(best);
    m_statusBar->showMessage(
        plainLabel(tr("First NaN: %1 at x = %2").arg(bestKey).arg(best, 0, 'g', 10), 300), 6000);
}

void MainWindow::showShortcuts()
{
    QStringList lines;
    const QList<QAction*> actions = findChildren<QAction*>();
    for (const QAction* a : actions) {
        if (a->shortcut().isEmpty() || a->text().isEmpty())
            continue;
        QString text = a->text();
        text.remove(QLatin1Char('&'));
        text.remove(QChar(0x2026));
        lines << QStringLiteral("%1\t%2").arg(
            a->shortcut().toString(QKeySequence::NativeText), text);
    }
    lines.sort();
    lines.removeDuplicates();
    lines << QString()
          << tr("Charts: drag to zoom, wheel over a plot to zoom x (Ctrl+wheel when \"Wheel "
                "Zooms Charts\" is off), Shift+wheel to zoom y, right-drag or Shift+drag to pan, "
                "double-click to reset");
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Keyboard Shortcuts"));
    auto* label = new QLabel(lines.join(QLatin1Char('\n')), &dialog);
    label->setTextFormat(Qt::PlainText);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(&dialog);
    layout->addWidget(label);
    layout->addWidget(buttons);
    dialog.exec();
}

void MainWindow::showAbout()
{
    QMessageBox box(this);
    box.setWindowTitle(tr("About Telemetry Viewer"));
    box.setIconPixmap(windowIcon().pixmap(64, 64));
    box.setTextFormat(Qt::PlainText);
    box.setText(tr("Telemetry Viewer %1\n\nFollows machine-learning training runs written as JSON "
                   "Lines, live: one chart per metric, every run overlaid, every NaN, spike and "
                   "error visible.\n\nQt %2")
                    .arg(QCoreApplication::applicationVersion(), QString::fromLatin1(qVersion())));
    box.exec();
}

} // namespace viewer
