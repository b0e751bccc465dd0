// How many times the kernel's OOM killer killed a process of the
// container: what `runbox events` watches to emit {"type":"oom"} events.
// v1: memory.oom_control "oom_kill N" (Linux 4.13+); v2: memory.events
// "oom_kill N" (hierarchical: sub-cgroups count).
#ifndef RUNBOX_RUNTIME_SANDBOX_CGROUPS_OOM_H_
#define RUNBOX_RUNTIME_SANDBOX_CGROUPS_OOM_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/host.h"
#include "runtime/sandbox/cgroups/manager.h"

namespace runbox::cgroups {

// The OOM kill count of the container's memory cgroup; nullopt when no
// hierarchy has the memory controller or the kernel does not count kills
// (no "oom_kill" line). ENOENT when the cgroup does not exist.
absl::StatusOr<std::optional<uint64_t>> OomKillCount(
    Host& host, const CgroupManager& manager);

// The value of `key` in a flat keyed file ("key value" lines, as
// memory.events, memory.oom_control, cpu.stat); nullopt when absent or not
// a number.
std::optional<uint64_t> KeyedValue(absl::string_view text,
                                   absl::string_view key);

}  // namespace runbox::cgroups

#endif  // RUNBOX_RUNTIME_SANDBOX_CGROUPS_OOM_H_
