#pragma once

#include "distinct_names.hpp"

#include <QColor>
#include <QIdentityProxyModel>
#include <QSet>

#include <functional>

namespace viewer {

// What the runs table's view adds to the widget-free RunsTableModel: the colour column's swatch
// and visibility check box (shared with the runs panel and the charts), and display text made
// safe to lay out (plainLabel: control characters and bidi overrides shown, long values
// elided). GUI thread. Plain text only: item views never interpret it as HTML.
class RunsTableViewModel : public QIdentityProxyModel
{
    Q_OBJECT
public:
    struct Hooks
    {
        std::function<QColor(int runId)> color; // empty: the model's ColorRole
        std::function<bool(int runId)> isVisible;
        std::function<void(int runId, bool visible)> setVisible;
    };

    static constexpr int MaxCellChars = 200;
    // The name column's whole name (plain text) and the part that tells it apart from the other
    // runs' names, for RunNameDelegate (issue 12: cut in the middle, never where they differ).
    enum Roles
    {
        FullNameRole = Qt::UserRole + 64,
        NamePartRole,
    };

    explicit RunsTableViewModel(QObject* parent = nullptr);
    void setHooks(Hooks hooks);
    // A run was shown or hidden elsewhere (runs panel, legend): repaint its check box.
    void runVisibilityChanged(int runId);
    // Colours changed (colour-by, palette): repaint the swatches.
    void colorsChanged();
    // The alerts active on a run, as text ("nan, stall"; "" for none): shown after its state.
    void setAlertText(std::function<QString(int runId)> alertText);
    // A run's alerts fired or cleared: repaint its state.
    void runAlertsChanged(int runId);

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

private:
    void refreshNames() const;

    Hooks m_hooks;
    mutable DistinctNames m_names; // by run id
    mutable QSet<int> m_named; // run ids in m_names
    mutable bool m_namesStale = true; // rows or their names may have changed since
    std::function<QString(int runId)> m_alertText;
};

} // namespace viewer
