#pragma once

#include <QString>

namespace viewer {

// The followers and readers report a state with a plain-text message, on change only (no
// repeated errors): sets both and returns true when either changed (the caller then emits).
template <typename State>
bool changeState(State& state, QString& message, State newState, const QString& newMessage)
{
    if (newState == state && newMessage == message)
        return false;
    state = newState;
    message = newMessage;
    return true;
}

} // namespace viewer
