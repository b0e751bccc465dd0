// The catalogue of cgroupfs control files the fake models: which files a
// v1 controller or v2 cgroup has, their Linux defaults (as read, with the
// trailing newline), and how a write to a stored file is checked and
// normalized. Files computed from the tree (cgroup.procs, freezer.state...)
// are only named here; CgroupModel produces them. Internal to fakes/cgroups.
#ifndef RUNBOX_FAKES_CGROUPS_CGROUP_FILES_H_
#define RUNBOX_FAKES_CGROUPS_CGROUP_FILES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace runbox::fake::cgroup_internal {

enum class Access { kReadWrite, kReadOnly, kWriteOnly };
enum class Where { kEverywhere, kNotOnRoot, kOnlyOnRoot };

enum class Kind {
  // Stored per cgroup, starting at `initial`; writes go through
  // StoredWrite.
  kText,         // Any value; reads back trimmed, plus "\n".
  kConstant,     // Read-only.
  kRange,        // An integer in [min, max] (clamped if `clamp`).
  kMemory,       // v2: "max" or bytes (K/M/G... suffixes), rounded down.
  kV1Memory,     // v1: "-1" or bytes (suffixes), rounded down.
  kMaxOrCount,   // "max" or a non-negative integer.
  kCpuMax,       // v2 cpu.max: "max|QUOTA [PERIOD]".
  kCfsQuota,     // v1 cpu.cfs_quota_us: -1 or at least 1000.
  kIoWeight,     // "default N", "N" or "MAJ:MIN N".
  kIoMax,        // "MAJ:MIN rbps=N wbps=N riops=N wiops=N" (or max).
  kKeyedLines,   // "KEY VALUE...": one line per key, last write wins.
  kDeviceLines,  // "MAJ:MIN N": one line per device, N == 0 removes it.
  kOomControl,   // v1 memory.oom_control: writes set oom_kill_disable;
                 // reads add the cgroup's OOM kill count (CgroupModel).
  kCpuList,      // A cpu or memory-node list ("0-1,3"), may be empty.
  kInherited,    // kCpuList that a new cgroup copies from its parent (v1).
  // Computed by CgroupModel from the tree.
  kProcs,
  kControllers,
  kSubtreeControl,
  kStat,
  kEvents,
  kMemoryEvents,  // v2 memory.events(.local): counts from SimulateOomKill.
  kFreeze,
  kKill,
  kType,
  kPidsCurrent,
  kFreezerState,
  kFreezerSelf,
  kFreezerParent,
  kDevicesAllow,
  kDevicesDeny,
  kDevicesList,
  kEffectiveCpus,
  kEffectiveMems,
};

struct FileSpec {
  const char* name;
  Kind kind;
  Access access = Access::kReadWrite;
  Where where = Where::kEverywhere;
  const char* initial = "";
  const char* root_initial = nullptr;  // The root's default, if different.
  int64_t min = 0;                     // kRange.
  int64_t max = 0;                     // kRange.
  bool clamp = false;                  // kRange: clamp instead of failing.
  int range_errno = 0;                 // kRange: errno when out of range.
  uint64_t unit = 4096;                // kMemory/kV1Memory: rounding.
  bool root_fixed = false;             // Writes on a root fail EINVAL.
};

// v2 controllers in cgroup.controllers order.
const std::vector<std::string>& V2Controllers();

// The files of a v1 hierarchy's cgroup bound to `controllers` ("cpu",
// "name=systemd"...), and of a v2 cgroup whose cgroup.controllers are
// `enabled`. `root` selects the root's set.
std::vector<const FileSpec*> V1Files(
    const std::vector<std::string>& controllers, bool root);
std::vector<const FileSpec*> V2Files(const std::vector<std::string>& enabled,
                                     bool root);

// Checks `value` written to a stored file whose content is `current` and
// returns the new content. EINVAL (or the spec's errno) for bad values.
absl::StatusOr<std::string> StoredWrite(const FileSpec& spec,
                                        absl::string_view current,
                                        absl::string_view value);

// The limit in bytes that a kV1Memory file's content states.
uint64_t V1MemoryBytes(absl::string_view content);

}  // namespace runbox::fake::cgroup_internal

#endif  // RUNBOX_FAKES_CGROUPS_CGROUP_FILES_H_
