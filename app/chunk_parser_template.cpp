#include "chunk_parser_p.hpp"

#include <algorithm>

// Lines read by the text of an earlier line (LineTemplate): which lines are learned, and a
// matching line's numbers into its record's fields and points.

namespace viewer {

bool ChunkParser::Private::readByTemplate(
    const char* p, std::size_t len, std::uint64_t line, std::uint64_t offset)
{
    for (Learned& learned : m_templates) {
        LineTemplate& text = learned.text;
        if (!text.read(std::string_view(p, len), m_templateValues))
            continue;
        State st;
        st.tag = text.tag;
        st.start = mark();
        const std::vector<LineTemplate::Number>& numbers = text.numbers();
        for (std::size_t k = 0; k < numbers.size(); ++k) {
            const double value = m_templateValues[k];
            switch (numbers[k].sink) {
            case LineTemplate::Sink::Ignore:
                break;
            case LineTemplate::Sink::Ts:
                st.ts = value;
                break;
            case LineTemplate::Sink::Step:
                st.step = value;
                break;
            case LineTemplate::Sink::Epoch:
                st.epoch = value;
                break;
            case LineTemplate::Sink::GlobalStep:
                st.globalStep = value;
                break;
            case LineTemplate::Sink::Iteration:
                st.iteration = value;
                break;
            case LineTemplate::Sink::Iter:
                st.iter = value;
                break;
            case LineTemplate::Sink::Point:
                m_out->pointSeries.push_back(numbers[k].series);
                m_out->pointValues.push_back(value);
                break;
            }
        }
        addRecord(st, line, offset);
        if (learned.hits++ == 0)
            m_learnInterval = 1;
        learned.lastUse = line;
        return true;
    }
    // Templates that no longer match cost every line a few compares.
    for (std::size_t i = m_templates.size(); i-- > 0;) {
        if (line - m_templates[i].lastUse > MaxIdleLines)
            dropTemplate(i);
    }
    return false;
}

void ChunkParser::Private::dropTemplate(std::size_t index)
{
    if (m_templates[index].hits == 0)
        m_learnInterval = std::min(m_learnInterval * 2, MaxLearnInterval);
    m_templates.erase(m_templates.begin() + static_cast<std::ptrdiff_t>(index));
}

void ChunkParser::Private::learnTemplate(const char* p, std::size_t len, const State& st)
{
    if (m_learnFailed)
        return;
    LineTemplate text;
    if (!text.learn(std::string_view(p, len), m_numbers))
        return;
    text.tag = st.tag;
    if (m_templates.size() == MaxTemplates) {
        // Full: the least used gives way.
        const auto least = std::min_element(m_templates.begin(), m_templates.end(),
            [](const Learned& a, const Learned& b) { return a.hits < b.hits; });
        dropTemplate(static_cast<std::size_t>(least - m_templates.begin()));
    }
    m_templates.push_back({ std::move(text), 0, m_line });
}

} // namespace viewer
