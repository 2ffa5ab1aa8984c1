#pragma once

#include "run.hpp"

#include <QDialog>

class QLabel;
class QTableView;

namespace viewer {

class MalformedLinesModel;

// Lists the lines of a run that are not records, with their line numbers and reasons, so the
// user can find them in the file ("line 1042: not JSON: unterminated string"). Non-modal; a copy
// of the list is taken when it opens. The run name and reasons are untrusted: plain text only.
class MalformedLinesDialog : public QDialog
{
    Q_OBJECT
public:
    MalformedLinesDialog(const Run& run, QWidget* parent = nullptr);

    QLabel* summaryLabel() const
    {
        return m_summary;
    }
    QTableView* table() const
    {
        return m_table;
    }
    MalformedLinesModel* model() const
    {
        return m_model;
    }

private:
    void copySelection() const;

    QLabel* m_summary;
    QTableView* m_table;
    MalformedLinesModel* m_model;
};

} // namespace viewer
