// Untrusted strings on every surface of the window (docs/bad-inputs.md V12, V30, V31): a run whose
// tags, keys, error type and message, run id and file path are HTML is opened in the real
// MainWindow, and every widget, chart, table cell and tooltip is rendered to an image while two
// probes watch: a TCP listener on 127.0.0.1 that an <img src="http://127.0.0.1:PORT/p.png"> would
// call, and an inotify watch on a local PNG that an <img src="/local/p.png"> would open. Neither
// may fire; the texts must show the characters literally and the fonts must keep their size.

#include "chart_grid.hpp"
#include "file_dialog_answer.hpp"
#include "main_window.hpp"
#include "malformed_lines_dialog.hpp"
#include "message_banner.hpp"
#include "metric_chart.hpp"
#include "metric_tree_model.hpp"
#include "plain_label.hpp"
#include "settings.hpp"
#include "workspace.hpp"

#include <QAbstractAxis>
#include <QAbstractItemModel>
#include <QAbstractItemView>
#include <QAction>
#include <QFileDialog>
#include <QHeaderView>
#include <QHostAddress>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMessageBox>
#include <QRegularExpression>
#include <QStyledItemDelegate>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QTimer>
#include <QToolTip>
#include <QtTest>

#include <fcntl.h>
#include <functional>
#include <memory>
#include <sys/inotify.h>
#include <unistd.h>

using namespace viewer;

namespace {

// Counts the times a file is opened (IN_OPEN), from when it is armed.
class OpenProbe
{
public:
    explicit OpenProbe(const QString& path)
        : m_fd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC))
    {
        if (m_fd >= 0)
            m_watch = ::inotify_add_watch(m_fd, QFile::encodeName(path).constData(), IN_OPEN);
    }
    ~OpenProbe()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    OpenProbe(const OpenProbe&) = delete;
    OpenProbe& operator=(const OpenProbe&) = delete;

    bool isValid() const
    {
        return m_fd >= 0 && m_watch >= 0;
    }
    // Opens seen since the last call.
    int takeOpens()
    {
        int opens = 0;
        alignas(inotify_event) char buffer[4096];
        for (;;) {
            const ssize_t n = ::read(m_fd, buffer, sizeof buffer);
            if (n <= 0)
                return opens;
            for (ssize_t at = 0; at < n;) {
                const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
                opens += (event->mask & IN_OPEN) != 0 ? 1 : 0;
                at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
            }
        }
    }

private:
    int m_fd = -1;
    int m_watch = -1;
};

// Markup is what is left after the tags that plainToolTip itself writes.
bool hasForeignMarkup(QString html)
{
    static const QRegularExpression own(
        QStringLiteral(R"(</?qt>|<p style="white-space:pre-wrap">|</p>|<br/>)"));
    html.remove(own);
    return html.contains(QLatin1Char('<'));
}

// What a text shows on screen when handed to a widget that guesses its format (QToolTip,
// QLabel with Qt::AutoText).
QString shownText(const QString& text)
{
    if (!Qt::mightBeRichText(text))
        return text;
    QTextDocument doc;
    doc.setHtml(text);
    return doc.toPlainText();
}

void walk(const QAbstractItemModel* model, const QModelIndex& parent,
    const std::function<void(const QModelIndex&)>& visit)
{
    for (int r = 0; r < model->rowCount(parent); ++r) {
        for (int c = 0; c < model->columnCount(parent); ++c) {
            const QModelIndex index = model->index(r, c, parent);
            visit(index);
            if (c == 0 && model->hasChildren(index))
                walk(model, index, visit);
        }
    }
}

} // namespace

class TestDisplaySafety : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void probesCanFire();
    void windowShowsMarkupLiterally();
    void everyLabelIsPlain();
    void everyCellAndToolTipIsPlain();
    void chartsEscapeTitlesLegendsAndAxes();
    void malformedLinesDialogIsPlain();
    void messageBoxIsPlain();
    void nulAndBidiAreVisible();
    void hugeNamesDoNotBlowUpTheLayout();
    void nothingWasFetchedOrOpened();

private:
    QStringList hostile() const;
    void renderEverything(QWidget* widget);

    QTcpServer m_listener;
    int m_connections = 0;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_localImage;
    std::unique_ptr<OpenProbe> m_probe;
    std::unique_ptr<Settings> m_settings;
    std::unique_ptr<MainWindow> m_window;
    QString m_path;
    QString m_longTag;
};

QStringList TestDisplaySafety::hostile() const
{
    return {
        QStringLiteral("<b>x</b>"),
        QStringLiteral("<a href=\"http://x\">y</a>"),
        QStringLiteral("<img src=\"http://127.0.0.1:%1/p.png\">").arg(m_listener.serverPort()),
        QStringLiteral("<img src=\"%1\">").arg(m_localImage),
        QStringLiteral("<img src=\"/etc/hosts\">"),
        QStringLiteral("<font size=999999>x"),
        QStringLiteral("&amp;"),
    };
}

void TestDisplaySafety::initTestCase()
{
    QApplication::setStyle(QStringLiteral("Fusion"));
    QVERIFY(m_listener.listen(QHostAddress::LocalHost, 0));
    connect(&m_listener, &QTcpServer::newConnection, this, [this] {
        ++m_connections;
        while (QTcpSocket* socket = m_listener.nextPendingConnection())
            socket->deleteLater();
    });
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_localImage = m_dir->filePath(QStringLiteral("p.png"));
    QImage red(400, 400, QImage::Format_RGB32);
    red.fill(Qt::red);
    QVERIFY(red.save(m_localImage));
    m_probe = std::make_unique<OpenProbe>(m_localImage);
    QVERIFY(m_probe->isValid());

    // The path itself is markup: folder "<b>x<", file "b>&amp;<font size=999999>x.jsonl".
    QVERIFY(QDir(m_dir->path()).mkpath(QStringLiteral("<b>x<")));
    m_path = m_dir->filePath(QStringLiteral("<b>x</b>&amp;<font size=999999>x.jsonl"));
    QFile file(m_path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    const auto line = [&file](const QJsonObject& record) {
        file.write(QJsonDocument(record).toJson(QJsonDocument::Compact) + '\n');
    };
    const QStringList texts = hostile();
    QJsonObject config; // issue 12: config keys and values become runs-table columns and cells
    for (const QString& text : texts)
        config.insert(text, text);
    line({ { "ts", 1000.0 }, { "tag", "run_begin" }, { "run", texts.join(QString()) },
        { "host", texts.value(2) }, { "config", config } });
    m_longTag = QString(4000, QLatin1Char('t')); // under the 4096-byte tag limit: a chart
    for (int step = 0; step < 20; ++step) {
        QJsonObject context;
        for (const QString& text : texts)
            context.insert(text, step * 0.5);
        context.insert(QStringLiteral("a\u202Eb"), 1.0); // V31: right-to-left override
        context.insert(QStringLiteral("nul") + QChar(0) + QStringLiteral("key"), 2.0); // V12
        line({ { "ts", 1000.0 + step }, { "tag", "step_end" }, { "step", step },
            { "context", context } });
        for (const QString& text : texts)
            line({ { "ts", 1000.0 + step }, { "tag", text }, { "step", step }, { "v", 1.0 } });
        line({ { "ts", 1000.0 + step }, { "tag", m_longTag }, { "step", step }, { "v", 1.0 } });
    }
    for (const QString& text : texts)
        line({ { "ts", 1030.0 }, { "tag", "error" }, { "type", text }, { "message", text } });
    const QString mebibyte(1 << 20, QLatin1Char('m'));
    line({ { "ts", 1031.0 }, { "tag", "error" }, { "type", "Huge" }, { "message", mebibyte } });
    // Not records: markup that is not JSON, and a 1 MiB tag (over the 4096-byte tag limit).
    file.write(texts.join(QString()).toUtf8() + '\n');
    line({ { "ts", 1032.0 }, { "tag", mebibyte }, { "v", 1.0 } });
    file.close();

    m_settings = std::make_unique<Settings>(m_dir->filePath(QStringLiteral("settings.ini")));
    m_window = std::make_unique<MainWindow>(m_settings.get());
    m_window->resize(1400, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->openPaths({ m_path });
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->workspace()->runIds().isEmpty(), 10000);
    m_window->flushPendingUpdates();
    QVERIFY(m_window->chartGrid()->chartCount() > 0);
}

void TestDisplaySafety::cleanupTestCase()
{
    m_window.reset();
    m_settings.reset();
}

void TestDisplaySafety::renderEverything(QWidget* widget)
{
    widget->grab();
    for (QWidget* child : widget->findChildren<QWidget*>())
        child->grab();
    QCoreApplication::processEvents();
}

// The probes themselves work: rich text with the same <img> opens the file and is drawn at the
// image's size. (Qt's text engine does not fetch http URLs, so the listener has no positive
// control; it guards against a future widget or resource loader that would.)
void TestDisplaySafety::probesCanFire()
{
    QCOMPARE(m_probe->takeOpens(), 0);
    QLabel rich;
    rich.setTextFormat(Qt::RichText);
    rich.setText(hostile().value(3));
    rich.grab();
    QVERIFY2(m_probe->takeOpens() > 0, "the inotify probe would not see an <img> being loaded");
    QVERIFY(rich.sizeHint().height() >= 400);
}

// The whole window, docks and charts included, drawn with the hostile run open.
void TestDisplaySafety::windowShowsMarkupLiterally()
{
    renderEverything(m_window.get());
    // The title names the file (the path's last part: the folder "<b>x<" is not in it).
    QVERIFY2(m_window->windowTitle().startsWith(QStringLiteral("b>&amp;<font size=999999>x.jsonl")),
        qPrintable(m_window->windowTitle()));
    QCOMPARE(m_probe->takeOpens(), 0);
}

// Every QLabel in the window shows its text as plain text: either PlainText, or text without
// anything Qt would take for markup. None is taller than a few lines (no <font size=999999>).
void TestDisplaySafety::everyLabelIsPlain()
{
    m_window->banner()->addMessage(hostile().join(QLatin1Char(' ')));
    int checked = 0;
    for (QLabel* label : m_window->findChildren<QLabel*>()) {
        const QString name = label->objectName() + QLatin1Char(' ')
            + QString::fromLatin1(label->parent()->metaObject()->className());
        QVERIFY2(label->textFormat() == Qt::PlainText
                || (label->textFormat() == Qt::AutoText && !Qt::mightBeRichText(label->text())),
            qPrintable(name + QStringLiteral(": ") + label->text().left(200)));
        label->grab();
        QVERIFY2(label->sizeHint().height() < 200, qPrintable(name));
        ++checked;
    }
    QVERIFY(checked > 5);
    QVERIFY(m_window->banner()->messages().join(QString()).contains(hostile().value(0)));
    QCOMPARE(m_probe->takeOpens(), 0);
}

// Every item view of the window: a plain delegate, cells that show the characters, and
// tooltips that are either plain or escaped rich text; each tooltip is also shown for real.
void TestDisplaySafety::everyCellAndToolTipIsPlain()
{
    const QStringList texts = hostile();
    QSet<QString> seenLiterally;
    QSet<QString> seenInToolTips;
    int tips = 0;
    for (QAbstractItemView* view : m_window->findChildren<QAbstractItemView*>()) {
        QAbstractItemModel* model = view->model();
        if (!model || qobject_cast<QHeaderView*>(view)) // headers: our own texts only
            continue;
        // Delegates that paint the text as text (combo boxes have their own).
        const QByteArray delegate = view->itemDelegate()->metaObject()->className();
        QVERIFY2(delegate == "QStyledItemDelegate" || delegate == "QComboBoxDelegate"
                || delegate == "QComboMenuDelegate",
            delegate.constData());
        walk(model, QModelIndex(), [&](const QModelIndex& index) {
            const QString display = index.data(Qt::DisplayRole).toString();
            for (const QString& text : texts) {
                if (display.contains(text))
                    seenLiterally.insert(text);
            }
            const QString tip = index.data(Qt::ToolTipRole).toString();
            if (tip.isEmpty())
                return;
            ++tips;
            if (Qt::mightBeRichText(tip))
                QVERIFY2(!hasForeignMarkup(tip), qPrintable(tip.left(300)));
            const QString shown = shownText(tip);
            for (const QString& text : texts) {
                if (shown.contains(text))
                    seenInToolTips.insert(text);
            }
            if (tips % 25 == 1) { // a sample is enough to trigger any resource loading
                QToolTip::showText(view->mapToGlobal(QPoint(5, 5)), tip, view);
                for (QWidget* top : QApplication::topLevelWidgets()) {
                    if (top->inherits("QTipLabel"))
                        top->grab();
                }
            }
        });
    }
    QToolTip::hideText();
    QVERIFY(tips > 10);
    // Tags, keys, the error type and message and the path each appear as their characters.
    for (const QString& text : texts) {
        QVERIFY2(seenLiterally.contains(text), qPrintable(text));
        QVERIFY2(seenInToolTips.contains(text), qPrintable(text));
    }
    QCOMPARE(m_probe->takeOpens(), 0);
}

// Qt Charts draws titles, axis titles and legend labels as HTML: ours hand it escaped text.
void TestDisplaySafety::chartsEscapeTitlesLegendsAndAxes()
{
    ChartGrid* grid = m_window->chartGrid();
    const QString runName =
        m_window->workspace()->run(m_window->workspace()->runIds().first())->displayName;
    QCOMPARE(runName, hostile().join(QString())); // run_begin's id names the run (issue 12)
    int hostileCharts = 0;
    for (const QString& key : grid->chartKeys()) {
        MetricChart* chart = grid->chart(key);
        QVERIFY(chart);
        chart->renderImage(QSize(600, 300));
        QCOMPARE(chart->titleText(), plainLabel(key, 160).toHtmlEscaped());
        QTextDocument title;
        title.setHtml(chart->titleText());
        QCOMPARE(title.toPlainText(), plainLabel(key, 160));
        for (const QString& legend : chart->legendTexts()) {
            QVERIFY2(!legend.contains(QLatin1Char('<')), qPrintable(legend.left(200)));
            QTextDocument shown;
            shown.setHtml(legend);
            // The run is named by its run_begin id: markup, shown as its characters (elided when
            // long, so its start is compared).
            QVERIFY2(
                shown.toPlainText().startsWith(runName.left(20)), qPrintable(shown.toPlainText()));
        }
        for (QAbstractAxis* axis : { chart->xAxis(), chart->yAxis() }) {
            if (axis)
                QVERIFY2(
                    !axis->titleText().contains(QLatin1Char('<')), qPrintable(axis->titleText()));
        }
        hostileCharts += key.contains(QLatin1Char('<')) ? 1 : 0;
    }
    QVERIFY(hostileCharts >= 5);
    QCOMPARE(m_probe->takeOpens(), 0);
}

void TestDisplaySafety::malformedLinesDialogIsPlain()
{
    const Run* run = m_window->workspace()->run(m_window->workspace()->runIds().first());
    QVERIFY(run);
    QCOMPARE(run->malformed.size(), std::size_t(2));
    MalformedLinesDialog dialog(*run);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QCOMPARE(dialog.summaryLabel()->textFormat(), Qt::PlainText);
    QVERIFY(dialog.summaryLabel()->text().contains(QStringLiteral("<b>x</b>&amp;")));
    QVERIFY2(dialog.windowTitle().contains(plainLabel(run->displayName, 60)),
        qPrintable(dialog.windowTitle()));
    renderEverything(&dialog);
    QCOMPARE(m_probe->takeOpens(), 0);
}

// The one QMessageBox of the window (an export that fails) quotes the path: plain text. Driven
// through Qt's own dialogs: the file dialog gets a path under a regular file (cannot be created)
// whose name is markup.
void TestDisplaySafety::messageBoxIsPlain()
{
    QCoreApplication::setAttribute(Qt::AA_DontUseNativeDialogs);
    const QString target =
        m_path + QStringLiteral("/") + hostile().value(0) + hostile().value(5) + ".csv";
    QAction* action = nullptr;
    for (QAction* a : m_window->findChildren<QAction*>()) {
        if (a->text() == QStringLiteral("&Export Visible Series as CSV\u2026"))
            action = a;
    }
    QVERIFY(action);
    QString boxText;
    Qt::TextFormat boxFormat = Qt::RichText;
    int boxHeight = 0;
    QTimer poll;
    poll.setInterval(10);
    connect(&poll, &QTimer::timeout, this, [&] {
        QWidget* modal = QApplication::activeModalWidget();
        if (auto* files = qobject_cast<QFileDialog*>(modal))
            answerFileDialog(files, target);
        else if (auto* box = qobject_cast<QMessageBox*>(modal)) {
            boxText = box->text();
            boxFormat = box->textFormat();
            box->grab();
            boxHeight = box->sizeHint().height();
            box->accept();
        }
    });
    poll.start();
    action->trigger(); // returns when the last dialog closed
    QCOMPARE(boxFormat, Qt::PlainText);
    QVERIFY2(boxText.contains(hostile().value(0) + hostile().value(5)), qPrintable(boxText));
    QVERIFY(boxHeight < 400);
    QCOMPARE(m_probe->takeOpens(), 0);
}

// V12: a NUL inside a key is kept at full length and shown as a visible character, not cut.
// V31: a right-to-left override is shown as [U+202E], so it cannot reorder what follows.
void TestDisplaySafety::nulAndBidiAreVisible()
{
    const QString nulKey = QStringLiteral("step_end/nul") + QChar(0) + QStringLiteral("key");
    const QString bidiKey = QStringLiteral("step_end/a\u202Eb");
    QVERIFY(m_window->chartGrid()->chartKeys().contains(nulKey));
    QVERIFY(m_window->chartGrid()->chartKeys().contains(bidiKey));
    QCOMPARE(
        m_window->chartGrid()->chart(nulKey)->titleText(), QStringLiteral("step_end/nul\uFFFDkey"));
    QCOMPARE(
        m_window->chartGrid()->chart(bidiKey)->titleText(), QStringLiteral("step_end/a[U+202E]b"));
    const QModelIndex nul = m_window->metricTree()->indexOfKey(nulKey);
    QVERIFY(nul.isValid());
    QCOMPARE(nul.data().toString(), QStringLiteral("nul\uFFFDkey"));
    const QModelIndex bidi = m_window->metricTree()->indexOfKey(bidiKey);
    QCOMPARE(bidi.data().toString(), QStringLiteral("a[U+202E]b"));
}

// V31: long names are elided everywhere (a 4000-character tag, a 1 MiB error message; a 1 MiB tag
// is a malformed line): the window keeps its size and no cell, label or chart title carries them.
void TestDisplaySafety::hugeNamesDoNotBlowUpTheLayout()
{
    QVERIFY(m_window->minimumSizeHint().width() < 1400);
    QCOMPARE(m_window->size(), QSize(1400, 900));
    for (QAbstractItemView* view : m_window->findChildren<QAbstractItemView*>()) {
        if (!view->model() || qobject_cast<QHeaderView*>(view))
            continue;
        walk(view->model(), QModelIndex(), [&](const QModelIndex& index) {
            QVERIFY(index.data(Qt::DisplayRole).toString().size() < 1000);
            QVERIFY(index.data(Qt::ToolTipRole).toString().size() < 5000);
        });
    }
    for (QLabel* label : m_window->findChildren<QLabel*>())
        QVERIFY(label->text().size() < 5000);
    for (const QString& key : m_window->chartGrid()->chartKeys()) {
        if (key.startsWith(m_longTag)) {
            MetricChart* chart = m_window->chartGrid()->chart(key);
            QVERIFY(chart->titleText().size() <= 200);
            QVERIFY(chart->titleText().endsWith(QChar(0x2026)));
        }
    }
}

// Last: after everything above was drawn, nobody connected to the listener and the local
// image was never opened.
void TestDisplaySafety::nothingWasFetchedOrOpened()
{
    QTest::qWait(200); // a negative check: give an asynchronous loader the chance to do wrong
    QCOMPARE(m_connections, 0);
    QVERIFY(!m_listener.hasPendingConnections());
    QCOMPARE(m_probe->takeOpens(), 0);
}

QTEST_MAIN(TestDisplaySafety)
#include "tst_display_safety.moc"
