#pragma once

#include <QWidget>

class QTreeView;
class QToolButton;

namespace viewer {

class RunListModel;

// The runs panel: the open sources and their runs (RunListModel) in a tree, with check boxes to
// show or hide runs, each run's color, state and counts. Clicking a bad-line count asks for the
// list of those lines; the context menu and buttons hide, show, solo and close (a run or a whole
// file; Delete closes the current row). GUI thread; the panel only asks, the window acts (signals).
class RunsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit RunsPanel(RunListModel* model, QWidget* parent = nullptr);

    QTreeView* view() const
    {
        return m_view;
    }
    // The run of the current row (a source row: its first run); -1 when none.
    int currentRunId() const;
    int currentSourceId() const;
    void selectRun(int runId);

signals:
    void closeSourceRequested(int sourceId);
    void closeRunRequested(int runId);
    void malformedLinesRequested(int runId);
    void currentRunChanged(int runId);

private:
    void onClicked(const QModelIndex& index);
    void showContextMenu(const QPoint& pos);
    void soloRun(int runId);
    void setAllVisible(bool visible);
    // A run row closes that run; a file or folder row closes the source.
    void closeCurrent();
    bool eventFilter(QObject* watched, QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    // In a narrow dock the state and bad-line columns give way so that run names keep about half
    // the width (tooltips have the whole texts), until the user sizes one of them by hand.
    void fitStateColumn();

    RunListModel* m_model;
    QTreeView* m_view;
    QToolButton* m_closeButton;
    int m_stateWidth = 0; // what "live, no records yet" needs
    int m_malformedWidth = 0; // what the "Bad lines" header needs
    bool m_fitting = false;
    bool m_stateSizedByUser = false;
};

} // namespace viewer
