#pragma once
// Test-only: a source whose lines the test pushes, one chunk at a time, on the test's thread (a
// read pass of several chunks when moreFollow is set on all but the last).

#include "line_chunk.hpp"
#include "source.hpp"

namespace viewer::test {

class PushSource : public Source
{
public:
    explicit PushSource(const QString& name = QStringLiteral("push:run"))
        : Source(name, SourceState::Following)
    {
    }
    bool isStream() const override
    {
        return true;
    }
    void start(const QHash<QString, LinePosition>&, bool) override { }
    void stop() override { }
    void push(const QByteArray& lines, bool moreFollow = false)
    {
        LineChunk chunk;
        chunk.path = path();
        chunk.firstLine = m_lines + 1;
        chunk.offset = m_bytes;
        chunk.lineCount = lines.count('\n');
        chunk.bytes = lines;
        chunk.moreFollow = moreFollow;
        m_lines += chunk.lineCount;
        m_bytes += lines.size();
        emit linesRead(chunk);
    }

private:
    qint64 m_lines = 0;
    qint64 m_bytes = 0;
};

} // namespace viewer::test
