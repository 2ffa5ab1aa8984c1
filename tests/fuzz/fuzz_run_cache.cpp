// F4: the re-open cache's reader (RunCacheFile) on arbitrary bytes. A cache file is never trusted:
// whatever its bytes, reading it must not crash, trip a sanitizer, allocate more than its size
// justifies or hang, and a builder it does return must be consistent: every index in range, and
// merging more lines into it (what follows a restore) must work. The input is read twice: as
// given, then with its last 8 bytes replaced by the checksum the reader computed, so that mutated
// files also reach what lies behind the checksum (the pyramids, the merge of new lines); each on
// one thread and with a helper reading the columns (see readAndUse).
#include "chunk_parser.hpp"
#include "fuzz_support.hpp"
#include "parsed_chunk.hpp"
#include "run.hpp"
#include "run_builder.hpp"
#include "run_cache_file.hpp"

#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

using viewer::ChunkParser;
using viewer::ParsedChunk;
using viewer::Run;
using viewer::RunBuilder;
using viewer::RunCacheFile;
using viewer::Series;
using viewer::XAxisMode;

namespace {

// Lines that exercise every merging rule on top of the restored runs: a step back (restart),
// new and existing tags and series, nulls, derived series, a new run, malformed and blank lines.
constexpr char MoreLines[] = R"({"ts":5,"tag":"step_begin","step":1}
{"ts":6,"tag":"step_end","step":1,"context":{"loss":0.5,"acc":null,"a/b":1}}
{"ts":7,"tag":"epoch_begin","epoch":0}
{"ts":9,"loss":NaN}
not json

{"ts":10,"tag":"run_begin","run":"again","rank":1}
{"ts":11,"tag":"step_end","step":0,"context":{"loss":1,"rank":3}}
)";

// Reads every column the views read, so that an index out of range trips ASan.
void touch(const RunBuilder& builder)
{
    for (int r = 0; r < builder.runCount(); ++r) {
        const Run& run = builder.run(r);
        const std::size_t records = run.records.size();
        FUZZ_CHECK(run.tagCounts.size() == std::size_t(run.tags.size()));
        FUZZ_CHECK(std::size_t(run.seriesByKey.size()) == run.series.size());
        for (std::uint32_t i = 0; i < records; ++i) {
            FUZZ_CHECK(run.records.tag(i) < run.tags.size()
                || run.records.tag(i) == viewer::RecordTable::NoTag);
            (void)run.records.offset(i);
            for (const XAxisMode mode : { XAxisMode::Step, XAxisMode::GlobalStep, XAxisMode::Epoch,
                     XAxisMode::Wall, XAxisMode::Relative, XAxisMode::Sequence })
                (void)run.records.x(mode, i);
        }
        (void)run.records.stepCounterRestarts();
        for (const Series& s : run.series) {
            FUZZ_CHECK(s.records().size() == s.size());
            for (const std::uint32_t rec : s.records())
                FUZZ_CHECK(rec < records);
            for (const std::uint32_t at : s.segmentStarts())
                FUZZ_CHECK(at > 0 && at < s.size());
            for (const std::uint32_t at : s.nonFinite())
                FUZZ_CHECK(at < s.size());
            FUZZ_CHECK(s.pyramid().size() == s.size());
            double lo = 0;
            double hi = 0;
            s.pyramid().range(s.values(), 0, s.size(), lo, hi);
            viewer::MinMaxPyramid::Extremes extremes;
            if (s.pyramid().extremes(s.values(), 0, s.size(), extremes))
                FUZZ_CHECK(extremes.minIndex < s.size() && extremes.maxIndex < s.size());
        }
        for (const viewer::RunEvent& e : run.events)
            FUZZ_CHECK(e.record < records);
    }
}

// threads 1: every column read as it comes; 2: columns from 16 bytes on read by a helper while
// reading goes on, and their elements checked once it is done.
void readAndUse(const char* data, std::size_t size, int threads, quint64* computed)
{
    RunCacheFile file(data, size);
    if (!file.header())
        return;
    if (threads > 1)
        file.setLateColumnBytes(16);
    const std::unique_ptr<RunBuilder> builder = file.builder(QStringLiteral("run.jsonl"), threads);
    if (computed)
        *computed = file.computedChecksum();
    if (!builder)
        return;
    touch(*builder);
    static ChunkParser parser;
    const std::uint64_t firstLine = builder->linesSeen() + 1;
    const ParsedChunk chunk = parser.parse(MoreLines, sizeof MoreLines - 1, 1 << 20, firstLine);
    builder->append(chunk);
    touch(*builder);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    const auto* data = reinterpret_cast<const char*>(bytes);
    // Read first with a helper: it computes the checksum before the late checks, so that a
    // patched file reaches them (and, on one thread, everything behind the checksum).
    quint64 computed = 0;
    readAndUse(data, size, 2, &computed);
    if (size >= sizeof computed) {
        std::vector<char> patched(data, data + size);
        std::memcpy(patched.data() + size - sizeof computed, &computed, sizeof computed);
        readAndUse(patched.data(), patched.size(), 1, nullptr);
        readAndUse(patched.data(), patched.size(), 2, nullptr);
    }
    return 0;
}
