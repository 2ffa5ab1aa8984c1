#pragma once

#include <vector>

namespace viewer {

// Gives back an array's spare room after a bulk load, unless it is small: a little slack is
// cheaper than copying the whole array to drop it.
template <typename T>
void dropSpareCapacity(std::vector<T>& v)
{
    if (v.capacity() - v.size() > v.size() / 16 + 64)
        v.shrink_to_fit();
}

} // namespace viewer
