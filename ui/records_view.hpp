#pragma once

#include <QByteArray>
#include <QWidget>

#include <cstdint>
#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableView;
class QTimer;

namespace viewer {

class RecordSearch;
class RecordTableModel;

// The records table of one run (RecordTableModel: every record, virtual) with a tag filter, a text
// filter (searched in the raw lines by RecordSearch, off the GUI thread, debounced) and the raw
// JSON of the selected record as plain text. GUI thread.
class RecordsView : public QWidget
{
    Q_OBJECT
public:
    // The raw line of a record (Workspace::recordText); empty when it cannot be read.
    using TextLookup = std::function<QByteArray(int runId, std::uint32_t record)>;

    static constexpr int SearchDelayMs = 300;

    RecordsView(RecordTableModel* model, TextLookup text, QWidget* parent = nullptr);

    void setRun(int runId); // -1: none
    int runId() const;
    // The run's records grew (or it was re-read).
    void runsAppended(const QList<int>& runIds);

    void setTagFilter(const QString& tag); // "" = every tag
    void setSearchText(const QString& text); // applied after SearchDelayMs
    void applySearchNow();
    bool isSearching() const;
    void selectRecord(std::uint32_t record);

    QTableView* view() const
    {
        return m_view;
    }
    QPlainTextEdit* rawView() const
    {
        return m_raw;
    }
    QLabel* statusLabel() const
    {
        return m_status;
    }

private:
    void rebuildTagChoices();
    void startSearch(std::uint32_t from);
    void onSearchFinished(const QList<quint32>& matches, quint32 coveredUpTo, const QString& error);
    void showCurrentRecord();
    void updateStatus();

    RecordTableModel* m_model;
    TextLookup m_text;
    RecordSearch* m_search;
    QLabel* m_title;
    QComboBox* m_tags;
    QLineEdit* m_searchEdit;
    QTimer* m_searchTimer;
    QTableView* m_view;
    QPlainTextEdit* m_raw;
    QLabel* m_status;
    QString m_activeSearch; // the text the model's record filter holds matches of
    QString m_searchError;
    bool m_searchFromStart = false; // the running search replaces the filter (not extends it)
};

} // namespace viewer
