// linux.resources (config-linux.md "Control groups") written to a
// container's cgroups, as runc's cgroupfs driver writes them: v1 files in
// the hierarchy that binds each controller, v2 files (with runc's value
// conversions) in the unified hierarchy, and on hybrid hosts each resource
// where its controller lives. Used at create (before init joins) and by
// `runbox update`. Statistics are stats.h's; OOM counts oom.h's.
#ifndef RUNBOX_RUNTIME_SANDBOX_CGROUPS_RESOURCES_H_
#define RUNBOX_RUNTIME_SANDBOX_CGROUPS_RESOURCES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hostapi/host.h"
#include "runtime/sandbox/cgroups/manager.h"
#include "runtime/spec/config.h"

namespace runbox::cgroups {

// runc's cgroup v1 -> v2 conversions (libcontainer/cgroups/utils.go).
// cpu.shares [2, 262144] -> cpu.weight [1, 10000], linearly; 0 (unset)
// stays 0.
uint64_t CpuSharesToWeight(uint64_t shares);
// blkio.weight [10, 1000] -> io.weight [1, 10000]; 0 (unset) stays 0.
uint64_t BlkioWeightToIoWeight(uint64_t weight);
// memory.swap.max from the OCI values, where swap is memory+swap (v1's
// memsw): nullopt when nothing is to be written, "max", or swap - limit in
// bytes. Unlimited memory with no swap given means unlimited swap, as for
// v1. InvalidArgument for a swap limit without a memory limit, or below it.
absl::StatusOr<std::optional<std::string>> V2SwapMax(
    std::optional<int64_t> swap, std::optional<int64_t> limit);

// The rules runc writes to the v1 devices cgroup for a container: the
// config's linux.resources.devices, then the devices every container may
// use (runc's AllowedDevices: mknod of any device; /dev/null, zero, full,
// random, urandom, tty, console, ptmx, pts/*), then an rwm allow for each
// linux.devices node. Applied after a deny of everything.
std::vector<spec::DeviceRule> ContainerDeviceRules(const spec::Linux& linux);

// What ApplyResources wrote nothing for, and why (kernel memory is
// deprecated, no v2 device controller...), for a debug log.
using ResourceNotes = std::vector<std::string>;

// Writes `resources` to the container's directories. First, on cgroup v2,
// every controller the hierarchy root offers is enabled in the
// cgroup.subtree_control of each level above the container's cgroup, as
// runc does (a leaf's controller files exist only then); call before any
// process joins. Absent fields are left alone (`runbox update` passes
// only runc's updatable set, UpdatableSubset). A controller no hierarchy binds
// is skipped with a note, as runc's cgroupfs driver skips an unmounted
// subsystem. Memory limit and memory+swap limit on v1 are written in the order
// the kernel accepts (the swap limit first when it rises), so raising and
// lowering both work. Device rules are applied only when resources.devices is
// not empty: to the v1 devices controller when one is mounted (written in
// order, a config's leading deny-all first), else, on cgroup v2, as an eBPF
// device program attached to the v2 directory (device_filter.h: runc's
// emulator semantics, default deny), which replaces the one before.
// linux.resources.unified keys are written verbatim to the v2 directory, after
// everything else; a key with "/" or "..", or unified on a host without
// cgroup2, is InvalidArgument before anything is written. The first failing
// write ends the call, annotated with the file.
absl::StatusOr<ResourceNotes> ApplyResources(Host& host,
                                             const CgroupManager& manager,
                                             const spec::Resources& resources);

// The subset of `resources` that `runbox update` changes (runc's update
// copies memory, cpu, pids, blkio weight and unified; devices, hugepages,
// network and rdma stay as created).
spec::Resources UpdatableSubset(const spec::Resources& resources);

// `changes` laid over `base`: each field `changes` sets replaces the one
// in `base` (memory, cpu and blockIO field by field; pids whole; unified
// key by key); everything else stays. For `runbox update`.
spec::Resources MergeResources(const spec::Resources& base,
                               const spec::Resources& changes);

}  // namespace runbox::cgroups

#endif  // RUNBOX_RUNTIME_SANDBOX_CGROUPS_RESOURCES_H_
