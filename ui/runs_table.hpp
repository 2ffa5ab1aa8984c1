#pragma once

#include "runs_table_view_model.hpp"

#include <QSet>
#include <QWidget>

class QLabel;
class QLineEdit;
class QTableView;
class QTimer;

namespace viewer {

class RunsTableModel;

// The runs table dock (issue 12): every run with its colour and visibility, name, state, source,
// start, duration, records, run_begin fields (config.* flattened) and result columns. Sortable
// by any column (the model sorts itself, numbers as numbers), filtered by the box above it
// (text, or comparisons such as `config.lr < 1e-3 and val_acc > 0.9`, typed input debounced; a
// bad expression shows its error and hides nothing), multi-select with "Only selected" to show
// just those runs. Columns equal for every run start hidden; the header's context menu shows or
// hides any column. GUI thread; the table asks, the window acts (signals, hooks).
class RunsTable : public QWidget
{
    Q_OBJECT
public:
    static constexpr int FilterDelayMs = 200;
    static constexpr int StateRefreshMs = 5000;

    RunsTable(RunsTableModel* model, RunsTableViewModel::Hooks hooks, QWidget* parent = nullptr);

    QTableView* view() const
    {
        return m_view;
    }
    QLineEdit* filterEdit() const
    {
        return m_filter;
    }
    RunsTableViewModel* viewModel() const
    {
        return m_viewModel;
    }
    // The runs of the selected rows.
    QList<int> selectedRuns() const;
    // The filter's error as shown ("" when none).
    QString filterError() const;
    // Applies the typed filter now (instead of after the debounce).
    void applyFilter();

signals:
    // "Only selected": show these runs, hide every other.
    void showOnlyRequested(const QList<int>& runIds);
    void showAllRequested();
    void runActivated(int runId);

private:
    void updateHiddenColumns(int first, int last);
    void showHeaderMenu(const QPoint& pos);

    RunsTableModel* m_model;
    RunsTableViewModel* m_viewModel;
    QTableView* m_view;
    QLineEdit* m_filter;
    QLabel* m_error;
    QTimer* m_filterTimer;
    QTimer* m_stateTimer;
    QSet<QString> m_userShown; // columns the user chose to show / hide (by name)
    QSet<QString> m_userHidden;
};

} // namespace viewer
