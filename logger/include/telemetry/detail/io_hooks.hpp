#pragma once
// IoHooks: the system calls through which loggers write, replaceable to inject short writes,
// EINTR, ENOSPC or EIO in tests (docs/bad-inputs.md W13, W14). Not for production use.

#include <cstddef>
#include <sys/types.h>

namespace telemetry::detail {

struct IoHooks
{
    ssize_t (*write)(int fd, const void* data, std::size_t size);
    int (*fsync)(int fd);
    // The pause while a fragment left at the end of the file is watched for growth (null: the
    // real nanosleep). Lets a test finish "another writer's" line inside that window, for sure.
    void (*settle_pause)(long nanoseconds) = nullptr;
};

// Null restores the real calls. Not synchronised with logging: set it while no logger writes.
void set_io_hooks(const IoHooks* hooks) noexcept;
const IoHooks& io_hooks() noexcept;

} // namespace telemetry::detail
