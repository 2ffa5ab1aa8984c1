#pragma once

#include <QString>

#include <memory>

namespace viewer {

class Source;

// The source for what the user named: "-" (standard input), an ssh:// address, a FIFO or device
// (a stream), a folder, or a file (also one that does not exist yet). The one place that tells
// the kinds apart: a new kind of source is one class and one line here.
// streamIdleTimeoutMs: a stream gives up after this long without a byte (0: never).
std::unique_ptr<Source> openSource(const QString& path, bool follow, int streamIdleTimeoutMs);

} // namespace viewer
