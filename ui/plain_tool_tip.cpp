#include "plain_tool_tip.hpp"

#include "plain_label.hpp"

#include <QStringList>

namespace viewer {

QString plainToolTip(const QString& text, int maxChars)
{
    const bool elided = text.size() > maxChars;
    const QString head = elided ? text.left(maxChars) : text;
    QStringList lines = head.split(QLatin1Char('\n'));
    for (QString& line : lines) {
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        line = plainLabel(line, maxChars + 1).toHtmlEscaped();
    }
    QString html = QStringLiteral("<qt><p style=\"white-space:pre-wrap\">")
        + lines.join(QStringLiteral("<br/>"));
    if (elided)
        html += QChar(0x2026);
    return html + QStringLiteral("</p></qt>");
}

} // namespace viewer
