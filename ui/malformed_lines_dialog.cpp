#include "malformed_lines_dialog.hpp"

#include "malformed_lines_model.hpp"
#include "plain_label.hpp"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QShortcut>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace viewer {

MalformedLinesDialog::MalformedLinesDialog(const Run& run, QWidget* parent)
    : QDialog(parent)
    , m_summary(new QLabel(this))
    , m_table(new QTableView(this))
    , m_model(new MalformedLinesModel(this))
{
    setWindowTitle(tr("Lines that are not records \u2014 %1").arg(plainLabel(run.displayName, 60)));
    setAttribute(Qt::WA_DeleteOnClose);
    resize(760, 420);

    m_model->setLines(run.malformed);
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setWordWrap(true);
    const auto count = qulonglong(run.malformedCount);
    const QString lines = count == 1 ? tr("1 line") : tr("%1 lines").arg(QLocale().toString(count));
    QString text = tr("%1\n%2 could not be read as records and were skipped; every other line "
                      "was read.")
                       .arg(plainLabel(run.sourcePath, 300), lines);
    if (run.malformedCount > run.malformed.size()) {
        // Only the first ones are kept (memory stays bounded for a file of garbage): say so, and
        // give the exact counts by reason.
        text += tr("\nOnly the first %1 are listed. By reason:")
                    .arg(QLocale().toString(qulonglong(run.malformed.size())));
        for (const MalformedCount& c : run.malformedByReason)
            text += tr("\n  %1: %2")
                        .arg(plainLabel(c.reason, 200), QLocale().toString(qulonglong(c.count)));
    }
    m_summary->setText(text);

    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(
        MalformedLinesModel::LineColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(
        MalformedLinesModel::OffsetColumn, QHeaderView::ResizeToContents);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton* copy = buttons->addButton(tr("Copy"), QDialogButtonBox::ActionRole);
    connect(copy, &QPushButton::clicked, this, &MalformedLinesDialog::copySelection);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* copyShortcut = new QShortcut(QKeySequence::Copy, m_table);
    connect(copyShortcut, &QShortcut::activated, this, &MalformedLinesDialog::copySelection);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
}

void MalformedLinesDialog::copySelection() const
{
    QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty()) {
        for (int r = 0; r < m_model->rowCount(); ++r)
            rows << m_model->index(r, 0);
    }
    std::sort(rows.begin(), rows.end());
    QString text;
    for (const QModelIndex& index : std::as_const(rows)) {
        const MalformedLine& line = m_model->lines()[std::size_t(index.row())];
        text += QStringLiteral("%1\t%2\t%3\n").arg(line.line).arg(line.offset).arg(line.reason);
    }
    QApplication::clipboard()->setText(text);
}

} // namespace viewer
