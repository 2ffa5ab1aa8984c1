#include "records_view.hpp"

#include "plain_label.hpp"
#include "record_search.hpp"
#include "record_table_model.hpp"
#include "steady_label.hpp"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace viewer {

RecordsView::RecordsView(RecordTableModel* model, TextLookup text, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_text(std::move(text))
    , m_search(new RecordSearch(this))
    , m_title(new QLabel(this))
    , m_tags(new QComboBox(this))
    , m_searchEdit(new QLineEdit(this))
    , m_searchTimer(new QTimer(this))
    , m_view(new QTableView(this))
    , m_raw(new QPlainTextEdit(this))
    , m_status(new QLabel(this))
{
    m_title->setTextFormat(Qt::PlainText);
    m_status->setTextFormat(Qt::PlainText);
    m_tags->setToolTip(tr("Show only records with this tag"));
    m_tags->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_tags->setMaximumWidth(220);
    connect(m_tags, &QComboBox::activated, this, [this](int i) {
        const QString tag = m_tags->itemData(i).toString();
        m_model->setTagFilter(i == 0 ? QSet<QString>() : QSet<QString> { tag });
        updateStatus();
    });
    m_searchEdit->setPlaceholderText(tr("Search the raw records (text)"));
    m_searchEdit->setClearButtonEnabled(true);
    m_searchTimer->setSingleShot(true);
    m_searchTimer->setInterval(SearchDelayMs);
    connect(m_searchEdit, &QLineEdit::textChanged, m_searchTimer, qOverload<>(&QTimer::start));
    connect(m_searchTimer, &QTimer::timeout, this, &RecordsView::applySearchNow);
    connect(m_search, &RecordSearch::finished, this, &RecordsView::onSearchFinished);

    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setWordWrap(false);
    // Millions of rows: no per-row height computation, no vertical header to lay out.
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(RecordTableModel::RecordColumn, 80);
    m_view->setColumnWidth(RecordTableModel::TimeColumn, 190);
    m_view->setColumnWidth(RecordTableModel::StepColumn, 80);
    m_view->setColumnWidth(RecordTableModel::EpochColumn, 60);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        &RecordsView::showCurrentRecord);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        showCurrentRecord();
        updateStatus();
    });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &RecordsView::updateStatus);

    m_raw->setReadOnly(true);
    m_raw->setPlaceholderText(tr("Select a record to see its raw JSON line"));
    m_raw->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_raw->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_raw->setWordWrapMode(QTextOption::WrapAnywhere);

    auto* top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(m_title);
    top->addWidget(m_tags);
    top->addWidget(m_searchEdit, 1);
    top->addWidget(m_status);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_view);
    splitter->addWidget(m_raw);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);

    setRun(-1);
}

int RecordsView::runId() const
{
    return m_model->runId();
}

void RecordsView::setRun(int runId)
{
    m_search->cancel();
    m_activeSearch.clear();
    m_searchError.clear();
    m_model->setRun(runId);
    const Run* run = m_model->run();
    m_title->setText(run ? plainLabel(run->displayName, 40) : tr("No run selected"));
    m_title->setToolTip(QString());
    rebuildTagChoices();
    const QString tag = m_tags->currentIndex() > 0 ? m_tags->currentData().toString() : QString();
    m_model->setTagFilter(m_tags->currentIndex() > 0 ? QSet<QString> { tag } : QSet<QString>());
    if (!m_searchEdit->text().isEmpty())
        applySearchNow();
    showCurrentRecord();
    updateStatus();
}

void RecordsView::rebuildTagChoices()
{
    const QString current =
        m_tags->currentIndex() > 0 ? m_tags->currentData().toString() : QString();
    m_tags->clear();
    m_tags->addItem(tr("All tags"));
    const Run* run = m_model->run();
    if (!run)
        return;
    for (const QString& tag : run->tags)
        m_tags->addItem(tag.isEmpty() ? tr("(no tag)") : plainLabel(tag, 40), tag);
    const int again = current.isEmpty() ? 0 : m_tags->findData(current);
    m_tags->setCurrentIndex(std::max(again, 0));
}

void RecordsView::runsAppended(const QList<int>& runIds)
{
    if (!runIds.contains(m_model->runId()))
        return;
    const Run* run = m_model->run();
    if (run && run->tags.size() + 1 != m_tags->count())
        rebuildTagChoices();
    m_model->refresh();
    // A text filter covers only the records searched so far: search the new ones too.
    if (m_model->hasRecordFilter() && !m_search->isRunning() && run
        && m_model->recordFilterCoverage() < run->records.size())
        startSearch(m_model->recordFilterCoverage());
    updateStatus();
}

void RecordsView::setTagFilter(const QString& tag)
{
    const int i = tag.isEmpty() ? 0 : m_tags->findData(tag);
    if (i < 0)
        return;
    m_tags->setCurrentIndex(i);
    m_model->setTagFilter(i == 0 ? QSet<QString>() : QSet<QString> { tag });
    updateStatus();
}

void RecordsView::setSearchText(const QString& text)
{
    m_searchEdit->setText(text);
}

bool RecordsView::isSearching() const
{
    return m_search->isRunning();
}

void RecordsView::applySearchNow()
{
    m_searchTimer->stop();
    const QString text = m_searchEdit->text();
    m_search->cancel();
    m_searchError.clear();
    if (text.isEmpty()) {
        m_activeSearch.clear();
        m_model->setRecordFilter(std::nullopt, 0);
        updateStatus();
        return;
    }
    m_activeSearch = text;
    startSearch(0);
}

void RecordsView::startSearch(std::uint32_t from)
{
    const Run* run = m_model->run();
    if (!run)
        return;
    if (run->sourcePath == QLatin1String("-")) {
        m_searchError = tr("text search needs a file (standard input is not kept)");
        m_model->setRecordFilter(std::vector<std::uint32_t>(), std::uint32_t(run->records.size()));
        updateStatus();
        return;
    }
    const std::size_t total = run->records.size();
    std::vector<std::uint64_t> offsets;
    offsets.reserve(total - std::min<std::size_t>(from, total));
    for (std::size_t r = from; r < total; ++r)
        offsets.push_back(run->records.offset(std::uint32_t(r)));
    m_searchFromStart = from == 0;
    m_search->start(run->sourcePath, from, std::move(offsets), m_activeSearch);
    updateStatus();
}

void RecordsView::onSearchFinished(
    const QList<quint32>& matches, quint32 coveredUpTo, const QString& error)
{
    m_searchError = error;
    std::vector<std::uint32_t> found(matches.cbegin(), matches.cend());
    if (m_searchFromStart)
        m_model->setRecordFilter(std::move(found), coveredUpTo);
    else
        m_model->addRecordMatches(found, coveredUpTo);
    m_searchFromStart = false;
    // Records that arrived while searching.
    const Run* run = m_model->run();
    if (run && m_model->recordFilterCoverage() < run->records.size())
        startSearch(m_model->recordFilterCoverage());
    updateStatus();
}

void RecordsView::selectRecord(std::uint32_t record)
{
    const int row = m_model->rowOfRecord(record);
    if (row < 0)
        return;
    const QModelIndex index = m_model->index(row, 0);
    m_view->setCurrentIndex(index);
    m_view->scrollTo(index, QAbstractItemView::PositionAtCenter);
}

void RecordsView::showCurrentRecord()
{
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid() || m_model->runId() < 0) {
        m_raw->clear();
        return;
    }
    const auto record = current.data(RecordTableModel::RecordRole).toUInt();
    const QByteArray text = m_text ? m_text(m_model->runId(), record) : QByteArray();
    if (text.isEmpty()) {
        m_raw->setPlainText(tr("(the raw line of record %1 cannot be read: the file changed, or "
                               "the run comes from standard input)")
                                .arg(record));
        return;
    }
    // setPlainText: never interpreted as markup, whatever the record holds.
    m_raw->setPlainText(QString::fromUtf8(text));
}

void RecordsView::updateStatus()
{
    const std::size_t total = m_model->totalRecords();
    const int shown = m_model->rowCount();
    QString text;
    if (m_model->runId() < 0)
        text.clear();
    else if (!m_model->isFiltered())
        text = tr("%1 records").arg(QLocale().toString(qulonglong(total)));
    else
        text = tr("%1 of %2 records")
                   .arg(QLocale().toString(shown), QLocale().toString(qulonglong(total)));
    if (m_search->isRunning())
        text += tr(" \u2014 searching\u2026");
    if (!m_searchError.isEmpty())
        text += tr(" \u2014 search failed: %1").arg(plainLabel(m_searchError, 120));
    setSteadyLabelText(m_status, text); // a growing count: the label alone repaints
}

} // namespace viewer
