#include "steady_label.hpp"

#include <QLabel>

namespace viewer {

void setSteadyLabelText(QLabel* label, const QString& text)
{
    if (label->text() == text)
        return;
    const QFontMetrics metrics = label->fontMetrics();
    const bool sameWidth = label->isVisible()
        && metrics.horizontalAdvance(label->text()) == metrics.horizontalAdvance(text);
    if (sameWidth) {
        label->setFixedSize(label->size());
    } else {
        label->setMinimumSize(0, 0);
        label->setMaximumSize(QWIDGETSIZE_MAX, QWIDGETSIZE_MAX);
    }
    label->setText(text);
}

} // namespace viewer
