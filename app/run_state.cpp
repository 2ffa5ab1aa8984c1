#include "run_state.hpp"

#include "enum_names.hpp"
#include "run.hpp"

namespace viewer {

RunState classifyRun(const Run& run, const RunStateInput& input)
{
    bool lastIsEpochEnd = false;
    for (const RunEvent& event : run.events) {
        if (event.kind == RunEvent::Kind::Error)
            return RunState::Crashed;
    }
    for (auto it = run.events.rbegin(); it != run.events.rend(); ++it) {
        if (it->kind == RunEvent::Kind::Restart)
            continue;
        lastIsEpochEnd = it->kind == RunEvent::Kind::EpochEnd;
        break;
    }
    if (input.nonFiniteWatched)
        return RunState::Diverged;
    if (!input.followed || input.laterRunInFile)
        return RunState::Finished;
    if (input.recentRecords)
        return RunState::Live;
    return lastIsEpochEnd ? RunState::Finished : RunState::Quiet;
}

QString runStateName(RunState state)
{
    static constexpr EnumNames<RunState, 5> Names { { { RunState::Live, "live" },
        { RunState::Quiet, "quiet" }, { RunState::Finished, "finished" },
        { RunState::Diverged, "diverged" }, { RunState::Crashed, "crashed" } } };
    return nameOf(Names, state);
}

} // namespace viewer
