#pragma once

#include <QString>

namespace viewer {

// A tooltip for untrusted text (a file path, an error message, a tag): QToolTip guesses rich
// text with Qt::mightBeRichText, so "<b>x</b>" alone would be rendered bold and "<img src=...>"
// would load a file. The result is explicit rich text in which every character of `text` is
// escaped: it shows exactly the characters of the input, line breaks kept, each line made safe by
// plainLabel (control and bidi characters visible) and the whole capped at maxChars.
QString plainToolTip(const QString& text, int maxChars = 2000);

} // namespace viewer
