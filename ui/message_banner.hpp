#pragma once

#include <QFrame>
#include <QStringList>

class QLabel;
class QToolButton;

namespace viewer {

// An inline banner at the top of the window for problems the user must see but that must not
// stop anything (a path that does not exist, a file without one valid record): no modal dialog,
// no dialog storm. Messages accumulate (the same one is not repeated) until dismissed. The text
// names files and quotes their content: always plain text. GUI thread.
class MessageBanner : public QFrame
{
    Q_OBJECT
public:
    static constexpr int MaxMessages = 8;

    explicit MessageBanner(QWidget* parent = nullptr);

    void addMessage(const QString& text);
    void clear();
    QStringList messages() const
    {
        return m_messages;
    }
    QLabel* label() const
    {
        return m_label;
    }

private:
    void updateText();

    QLabel* m_label;
    QToolButton* m_close;
    QStringList m_messages;
    int m_dropped = 0;
};

} // namespace viewer
