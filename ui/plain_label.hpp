#pragma once

#include <QString>

namespace viewer {

// Untrusted text (metric keys, run names, error types and messages) made into a one-line label:
// line breaks and other control characters become spaces or U+FFFD, bidi overrides are shown as
// "[U+202E]" instead of reordering the text around them, and anything past maxChars is elided
// with "…" (a 1 MiB tag name costs maxChars, not a megabyte of layout). Still plain text: escape
// it with toHtmlEscaped() wherever Qt renders HTML (Qt Charts titles, legends, rich tooltips).
QString plainLabel(const QString& text, int maxChars = 120);

} // namespace viewer
