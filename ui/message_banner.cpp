#include "message_banner.hpp"

#include "plain_label.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

namespace viewer {

MessageBanner::MessageBanner(QWidget* parent)
    : QFrame(parent)
    , m_label(new QLabel(this))
    , m_close(new QToolButton(this))
{
    setObjectName(QStringLiteral("messageBanner"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    QPalette p = palette();
    p.setColor(QPalette::Window, QColor(0xfd, 0xec, 0xc8));
    p.setColor(QPalette::WindowText, QColor(0x40, 0x2a, 0x00));
    setPalette(p);

    m_label->setTextFormat(Qt::PlainText);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_close->setText(QStringLiteral("\u2715"));
    m_close->setToolTip(tr("Dismiss"));
    m_close->setAutoRaise(true);
    connect(m_close, &QToolButton::clicked, this, &MessageBanner::clear);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_close, 0, Qt::AlignTop);
    hide();
}

void MessageBanner::addMessage(const QString& text)
{
    const QString line = plainLabel(text, 400);
    if (m_messages.contains(line))
        return;
    m_messages << line;
    while (m_messages.size() > MaxMessages) {
        m_messages.removeFirst();
        ++m_dropped;
    }
    updateText();
    show();
}

void MessageBanner::clear()
{
    m_messages.clear();
    m_dropped = 0;
    m_label->clear();
    hide();
}

void MessageBanner::updateText()
{
    QString text = m_messages.join(QLatin1Char('\n'));
    if (m_dropped > 0)
        text.prepend(m_dropped == 1 ? tr("(1 earlier message not shown)\n")
                                    : tr("(%1 earlier messages not shown)\n").arg(m_dropped));
    m_label->setText(text);
}

} // namespace viewer
