#pragma once

class QLabel;
class QString;

namespace viewer {

// Sets a label's text so that a new text of the same width repaints the label alone. Why:
// QLabel::setText() asks the layouts above it to lay out again (QWidget::updateGeometry): a status
// bar then repaints itself whole with the window under it, and a label in a dock lays out the
// dock and the main window (QMainWindowLayout), at every live batch as a record count grows
// (issue 15). A widget of fixed size does not ask; so the label is fixed at its laid-out size
// while its text keeps its width, and freed when the width changes. GUI thread.
void setSteadyLabelText(QLabel* label, const QString& text);

} // namespace viewer
