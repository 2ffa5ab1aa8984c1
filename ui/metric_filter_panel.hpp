#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QTimer;
class QToolButton;
class QTreeView;

namespace viewer {

class MetricFilterProxy;
class MetricTreeModel;

// The metric filter: a search box (substring, or a regex when ".*" is on; TensorBoard-style) over
// the checkable tree of metric groups. Typing is debounced (the filter runs DebounceMs after the
// last key) so a tree of thousands of metrics stays responsive; an invalid regex is explained
// under the box, as plain text. GUI thread.
class MetricFilterPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int DebounceMs = 250;

    MetricFilterPanel(MetricTreeModel* model, MetricFilterProxy* proxy, QWidget* parent = nullptr);

    // Sets the box and applies at once (command line, settings).
    void setSearch(const QString& text, bool regex);
    QString searchText() const;
    bool isRegex() const;
    void focusSearch();

    QLineEdit* searchEdit() const
    {
        return m_edit;
    }
    QToolButton* regexButton() const
    {
        return m_regex;
    }
    QLabel* errorLabel() const
    {
        return m_error;
    }
    QTreeView* view() const
    {
        return m_view;
    }

private:
    void apply();

    MetricTreeModel* m_model;
    MetricFilterProxy* m_proxy;
    QLineEdit* m_edit;
    QToolButton* m_regex;
    QLabel* m_error;
    QTreeView* m_view;
    QTimer* m_timer;
};

} // namespace viewer
