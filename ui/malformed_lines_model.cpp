#include "malformed_lines_model.hpp"

#include "plain_label.hpp"
#include "plain_tool_tip.hpp"

namespace viewer {

MalformedLinesModel::MalformedLinesModel(QObject* parent)
    : TitledTableModel({ { tr("Line") }, { tr("Byte offset") }, { tr("Reason") } }, parent)
{
}

void MalformedLinesModel::setLines(std::vector<MalformedLine> lines)
{
    beginResetModel();
    m_lines = std::move(lines);
    endResetModel();
}

int MalformedLinesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_lines.size());
}

QVariant MalformedLinesModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid()
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const MalformedLine& line = m_lines[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case LineColumn:
            return QString::number(line.line);
        case OffsetColumn:
            return QString::number(line.offset);
        case ReasonColumn:
            return plainLabel(line.reason, 400);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == ReasonColumn)
            return plainToolTip(line.reason);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() != ReasonColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case LineRole:
        return qulonglong(line.line);
    case OffsetRole:
        return qulonglong(line.offset);
    case ReasonRole:
        return line.reason;
    default:
        return {};
    }
}

} // namespace viewer
