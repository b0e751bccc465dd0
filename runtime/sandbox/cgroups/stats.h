// A container's resource statistics read from its cgroups, in the JSON
// shape of runc's `events --stats` (libcontainer's types.Stats: cpu,
// memory, pids, blkio, hugetlb), from v1 files, v2 files, or each
// controller's hierarchy on hybrid hosts. OOM counting is oom.h's.
#ifndef RUNBOX_RUNTIME_SANDBOX_CGROUPS_STATS_H_
#define RUNBOX_RUNTIME_SANDBOX_CGROUPS_STATS_H_

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "hostapi/host.h"
#include "runtime/sandbox/cgroups/manager.h"

namespace runbox::cgroups {

// {"cpu":{"usage":{"total","percpu","kernel","user"},"throttling":{...}},
//  "memory":{"cache","usage":{"usage","max","limit","failcnt"},"swap":
//  {...},"kernel":{...},"raw":{...}},"pids":{"current","limit"},
//  "blkio":{"ioServiceBytesRecursive":[...],"ioServicedRecursive":[...]},
//  "hugetlb":{"2MB":{"usage","max","failcnt"}}}. Units as runc's: cpu
// times in nanoseconds, memory in bytes; an unlimited limit reads as
// 2^63-1 rounded down to pages (v1) or is reported as 0 ("max", v2 pids).
// Files a kernel lacks (no swap accounting, no cpuacct...) leave their
// fields out; a container cgroup that does not exist is ENOENT.
absl::StatusOr<nlohmann::ordered_json> ReadStats(Host& host,
                                                 const CgroupManager& manager);

}  // namespace runbox::cgroups

#endif  // RUNBOX_RUNTIME_SANDBOX_CGROUPS_STATS_H_
