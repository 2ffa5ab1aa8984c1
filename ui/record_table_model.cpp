#include "record_table_model.hpp"

#include "number_format.hpp"
#include "plain_label.hpp"
#include "plain_tool_tip.hpp"

#include <QDateTime>
#include <QLocale>

#include <algorithm>
#include <cmath>

namespace viewer {

namespace {

} // namespace

RecordTableModel::RecordTableModel(RunLookup lookup, QObject* parent)
    : TitledTableModel(
        { { tr("#") }, { tr("Time") }, { tr("Step") }, { tr("Epoch") }, { tr("Tag") } }, parent)
    , m_lookup(std::move(lookup))
{
}

void RecordTableModel::setRun(int runId)
{
    m_runId = runId;
    m_recordFilter.reset();
    m_covered = 0;
    rebuild();
}

std::size_t RecordTableModel::totalRecords() const
{
    const Run* r = run();
    return r ? r->records.size() : 0;
}

void RecordTableModel::updateTagMask()
{
    m_tagAllowed.clear();
    m_tagAllowsNoTag = m_tagFilter.contains(QString());
    const Run* r = run();
    if (!r)
        return;
    m_tagAllowed.reserve(std::size_t(r->tags.size()));
    for (const QString& tag : r->tags)
        m_tagAllowed.push_back(m_tagFilter.contains(tag));
}

bool RecordTableModel::tagAccepted(const Run& run, std::uint32_t record) const
{
    if (m_tagFilter.isEmpty())
        return true;
    const std::uint16_t tag = run.records.tag(record);
    if (tag == RecordTable::NoTag)
        return m_tagAllowsNoTag;
    if (tag < m_tagAllowed.size())
        return m_tagAllowed[tag];
    return tag < run.tags.size() && m_tagFilter.contains(run.tags.at(tag));
}

void RecordTableModel::rebuild()
{
    beginResetModel();
    updateTagMask();
    m_rows.clear();
    m_rows.shrink_to_fit();
    m_filtered = !m_tagFilter.isEmpty() || m_recordFilter.has_value();
    const std::size_t total = totalRecords();
    m_rowCount = m_filtered ? 0 : total;
    m_scanned = 0;
    const Run* run = this->run();
    if (m_filtered && run) {
        if (m_recordFilter) {
            for (std::uint32_t r : *m_recordFilter) {
                if (r < total && r < m_covered && tagAccepted(*run, r))
                    m_rows.push_back(r);
            }
            m_scanned = std::min<std::uint32_t>(m_covered, std::uint32_t(total));
        } else {
            for (std::uint32_t r = 0; r < total; ++r) {
                if (tagAccepted(*run, r))
                    m_rows.push_back(r);
            }
            m_scanned = std::uint32_t(total);
        }
    }
    endResetModel();
}

void RecordTableModel::refresh()
{
    const Run* run = this->run();
    if (!run) {
        if (rowCount() > 0)
            rebuild();
        return;
    }
    const std::size_t total = run->records.size();
    if (run->tags.size() != qsizetype(m_tagAllowed.size()))
        updateTagMask();
    if (!m_filtered) {
        if (total < m_rowCount) {
            rebuild();
        } else if (total > m_rowCount) {
            beginInsertRows(QModelIndex(), int(m_rowCount), int(total) - 1);
            m_rowCount = total;
            endInsertRows();
        }
        return;
    }
    if (total < m_scanned) { // re-read from the start: the old matches mean nothing
        m_recordFilter.reset();
        m_covered = 0;
        rebuild();
        return;
    }
    if (!m_recordFilter)
        appendMatching(m_scanned, std::uint32_t(total));
}

void RecordTableModel::appendMatching(std::uint32_t from, std::uint32_t to)
{
    const Run* run = this->run();
    if (!run)
        return;
    std::vector<std::uint32_t> fresh;
    for (std::uint32_t r = from; r < to; ++r) {
        if (tagAccepted(*run, r))
            fresh.push_back(r);
    }
    m_scanned = std::max(m_scanned, to);
    appendRows(fresh);
}

void RecordTableModel::appendRows(const std::vector<std::uint32_t>& records)
{
    if (records.empty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows(QModelIndex(), first, first + int(records.size()) - 1);
    m_rows.insert(m_rows.end(), records.begin(), records.end());
    endInsertRows();
}

void RecordTableModel::setTagFilter(const QSet<QString>& tags)
{
    if (tags == m_tagFilter)
        return;
    m_tagFilter = tags;
    rebuild();
}

void RecordTableModel::setRecordFilter(
    std::optional<std::vector<std::uint32_t>> records, std::uint32_t coveredUpTo)
{
    m_recordFilter = std::move(records);
    m_covered = m_recordFilter ? coveredUpTo : 0;
    rebuild();
}

void RecordTableModel::addRecordMatches(
    const std::vector<std::uint32_t>& records, std::uint32_t newCoveredUpTo)
{
    const Run* run = this->run();
    if (!m_recordFilter || !run || newCoveredUpTo < m_covered)
        return;
    const std::size_t total = run->records.size();
    std::vector<std::uint32_t> fresh;
    for (std::uint32_t r : records) {
        if (r < m_covered || r >= newCoveredUpTo || r >= total)
            continue;
        if (!m_recordFilter->empty() && r <= m_recordFilter->back())
            continue; // keep the filter ascending, ignore repeats
        m_recordFilter->push_back(r);
        if (tagAccepted(*run, r))
            fresh.push_back(r);
    }
    m_covered = newCoveredUpTo;
    m_scanned = std::max(m_scanned, std::min<std::uint32_t>(newCoveredUpTo, std::uint32_t(total)));
    appendRows(fresh);
}

std::uint32_t RecordTableModel::recordAt(int row) const
{
    return m_filtered ? m_rows[std::size_t(row)] : std::uint32_t(row);
}

int RecordTableModel::rowOfRecord(std::uint32_t record) const
{
    if (!m_filtered)
        return record < m_rowCount ? int(record) : -1;
    const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), record);
    return it != m_rows.end() && *it == record ? int(it - m_rows.begin()) : -1;
}

int RecordTableModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() || m_runId < 0)
        return 0;
    return int(m_filtered ? m_rows.size() : m_rowCount);
}

QVariant RecordTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid()
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Run* run = this->run();
    const std::uint32_t r = recordAt(index.row());
    if (!run || r >= run->records.size())
        return {};
    const RecordTable& records = run->records;
    const std::uint16_t tagIndex = records.tag(r);
    const QString tag = tagIndex < run->tags.size() ? run->tags.at(tagIndex) : QString();

    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case RecordColumn:
            return QString::number(r);
        case TimeColumn:
            return QDateTime::fromMSecsSinceEpoch(qint64(std::llround(records.time(r) * 1000.0)))
                .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
        case StepColumn:
            return NumberFormat::cell(records.step(r));
        case EpochColumn:
            return NumberFormat::cell(records.epoch(r));
        case TagColumn:
            return tagIndex == RecordTable::NoTag ? tr("(no tag)") : plainLabel(tag, 60);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == TagColumn)
            return plainToolTip(tag);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == RecordColumn || index.column() == StepColumn
            || index.column() == EpochColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case RecordRole:
        return r;
    case TagRole:
        return tag;
    case TimeRole:
        return records.time(r);
    default:
        return {};
    }
}

} // namespace viewer
