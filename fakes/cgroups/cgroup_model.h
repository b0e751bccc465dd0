// The simulated kernel's cgroupfs: hierarchies for a CgroupLayout, their
// cgroup trees, membership, control files (Linux defaults, light checks),
// freezing and cgroup.kill. A pure data structure over root-namespace pids:
// the kernel checks that pids exist (ESRCH), translates namespaced ones, and
// acts on IsFrozen and the kill callback.
#ifndef RUNBOX_FAKES_CGROUPS_CGROUP_MODEL_H_
#define RUNBOX_FAKES_CGROUPS_CGROUP_MODEL_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "fakes/cgroups/cgroup_layout.h"
#include "fakes/cgroups/device_program.h"
#include "hostapi/cgroups.h"
#include "hostapi/types.h"

namespace runbox::fake {

// Hierarchies per layout (v1 hierarchy ids as /proc/<pid>/cgroup shows):
//   kUnified: v2 at /sys/fs/cgroup offering cpuset cpu io memory hugetlb
//     pids rdma misc, all enabled in the root's cgroup.subtree_control (as
//     systemd leaves it).
//   kLegacy: v1 at /sys/fs/cgroup/<name>: 1 cpu,cpuacct (also reachable as
//     .../cpu and .../cpuacct), 2 blkio, 3 cpuset, 4 devices, 5 freezer,
//     6 hugetlb, 7 memory, 8 net_cls,net_prio (also .../net_cls and
//     .../net_prio), 9 perf_event, 10 pids, 11 rdma, 12 misc, 13
//     name=systemd at .../systemd.
//   kHybrid: kLegacy plus v2 at /sys/fs/cgroup/unified whose root offers
//     only hugetlb, with an empty cgroup.subtree_control (like this
//     project's development machine).
//
// Paths are absolute cgroupfs paths; trailing and doubled slashes are
// ignored. File contents are what Linux's read(2) returns, trailing newline
// included ("max\n", "12\n34\n"; an empty list reads as "").
class CgroupModel {
 public:
  // Called for each member of a cgroup.kill'ed subtree, in pid order. It
  // may call OnExit at once or later.
  using KillCallback = std::function<void(Pid)>;

  explicit CgroupModel(CgroupLayout layout, KillCallback kill = nullptr);
  ~CgroupModel();
  CgroupModel(const CgroupModel&) = delete;
  CgroupModel& operator=(const CgroupModel&) = delete;

  CgroupLayout layout() const { return layout_; }
  // The mounted hierarchies, in mount order (for /proc/self/mountinfo and
  // Cgroups::CgroupMounts). v1 mounts name their bound controllers; v2
  // lists its root's cgroup.controllers.
  std::vector<CgroupMount> Mounts() const;

  // mkdir(2): EEXIST if the cgroup (or a control file of that name)
  // exists, ENOENT if the parent does not or the path is under no
  // hierarchy. A v1 child copies its parent's cpuset.cpus/cpuset.mems and
  // device rules.
  absl::Status Create(absl::string_view path);
  // rmdir(2): ENOENT if absent; EBUSY for a hierarchy root or while it has
  // member processes or child cgroups.
  absl::Status Remove(absl::string_view path);

  // Control files. ENOENT for an unknown cgroup or file (controller files
  // exist only where the controller is bound (v1) or enabled by the
  // parent's cgroup.subtree_control (v2)); EACCES to read a write-only or
  // write a read-only file. Writes are checked as Linux checks them
  // (memory.max "max" or bytes with K/M/G suffixes, rounded down to pages;
  // pids.max "max" or a count; cpu.max "max|QUOTA [PERIOD]"; ...) and fail
  // EINVAL (ERANGE where Linux does).
  //   cgroup.procs/tasks: write a pid (root namespace) = AddProcess.
  //   cgroup.subtree_control: "+memory -pids"; EINVAL for an unknown
  //     controller or a token without +/-, ENOENT for one the cgroup's
  //     cgroup.controllers lacks, EBUSY to enable in a non-root cgroup
  //     with member processes or to disable one a child has enabled.
  //   cgroup.freeze: 0/1, freezes the subtree (cgroup.events "frozen 1").
  //   cgroup.kill: 1 calls the kill callback for every member of the
  //     subtree (kUnimplemented without a callback).
  //   freezer.state (v1): FROZEN/THAWED; a child of a frozen cgroup reads
  //     FROZEN until the ancestor thaws.
  //   devices.allow/devices.deny (v1): rules "c 1:3 rwm", "a"; devices.list
  //     shows "a *:* rwm" while everything is allowed, else the allowed
  //     rules.
  //   memory.limit_in_bytes / memory.memsw.limit_in_bytes (v1): the swap
  //     limit may not go below the memory limit, nor the memory limit above
  //     the swap limit (EINVAL), so order matters as on Linux.
  absl::StatusOr<std::string> Read(absl::string_view path,
                                   absl::string_view file) const;
  absl::Status Write(absl::string_view path, absl::string_view file,
                     absl::string_view value);
  // Every value successfully written to `file` of `path`, oldest first (for
  // tests: write-only files such as devices.allow cannot be read back).
  std::vector<std::string> Writes(absl::string_view path,
                                  absl::string_view file) const;

  // Moves `pid` into the cgroup, within that hierarchy (writing
  // cgroup.procs). ENOENT for an unknown cgroup; EBUSY for a v2 non-root
  // cgroup with controllers enabled in its subtree_control (no internal
  // processes).
  absl::Status AddProcess(absl::string_view path, Pid pid);
  // Member pids of the cgroup itself, ascending.
  absl::StatusOr<std::vector<Pid>> Processes(absl::string_view path) const;
  // Names of child cgroups, sorted.
  absl::StatusOr<std::vector<std::string>> Children(
      absl::string_view path) const;

  // fork/clone, before the child exists: EAGAIN when a cgroup holding
  // `parent` (or one of its ancestors) has a pids.max (v1 pids hierarchy,
  // or v2 with pids enabled) that one more process would exceed, as the
  // pids controller refuses a fork.
  absl::Status CheckFork(Pid parent) const;
  // fork/clone: `child` joins `parent`'s cgroup in every hierarchy (the
  // roots if `parent` is unknown, e.g. the kernel's init).
  void OnSpawn(Pid parent, Pid child);
  // exit: `pid` leaves every hierarchy.
  void OnExit(Pid pid);
  // Whether a v2 cgroup.freeze or v1 freezer.state of any cgroup holding
  // `pid` (or an ancestor) freezes it.
  bool IsFrozen(Pid pid) const;

  // The memory controller's OOM killer acting in the cgroup at `path` (v1
  // memory hierarchy or v2 with memory enabled): one OOM event and one OOM
  // kill are counted (v1 memory.oom_control "oom_kill"; v2 memory.events
  // "oom"/"oom_kill" of the cgroup and its ancestors, memory.events.local
  // of the cgroup) and the kill callback gets the subtree's highest pid,
  // as the OOM killer picks the biggest task. ENOENT for an unknown cgroup
  // or one without the memory controller; FailedPrecondition when the
  // subtree has no process to kill. For tests: nothing in the model uses
  // memory.
  absl::Status SimulateOomKill(absl::string_view path);

  // The v2 device controller (Cgroups::CgroupAttachDeviceFilter): the
  // program replaces the one attached to the cgroup itself. ENOENT for an
  // unknown cgroup, EBADF for a v1 one (as the kernel refuses a v1 cgroup
  // fd), EINVAL for a program CheckDeviceProgram refuses.
  absl::Status AttachDeviceProgram(absl::string_view path,
                                   absl::Span<const uint8_t> program,
                                   absl::string_view license);
  // The program attached to the cgroup itself, empty when none (for tests).
  absl::StatusOr<std::vector<uint8_t>> DeviceProgram(
      absl::string_view path) const;
  // Whether the device programs of `pid`'s v2 cgroup and of its ancestors
  // all allow `access` (an open or mknod of a device node); true when none
  // is attached. v1 devices.allow rules are recorded, not enforced.
  bool DeviceAllowed(Pid pid, const DeviceAccess& access) const;

  // chown(2) and stat(2) of the cgroup directory (`file` empty) or of one
  // of its control files; everything starts owned by 0:0. ENOENT for an
  // unknown cgroup or file.
  absl::Status Chown(absl::string_view path, absl::string_view file, Uid uid,
                     Gid gid);
  absl::StatusOr<CgroupOwner> Owner(absl::string_view path,
                                    absl::string_view file) const;
  // Every cgroup (hierarchy roots included) as an absolute path, hierarchy
  // by hierarchy in mount order, parents before children.
  std::vector<std::string> AllPaths() const;
  // /proc/<pid>/cgroup: "13:name=systemd:/a", "1:cpu,cpuacct:/", "0::/a",
  // v1 hierarchies by descending id, then v2. Paths are relative to the
  // hierarchy root (the kernel rebases them for cgroup namespaces).
  std::vector<std::string> CgroupLines(Pid pid) const;

  // Implementation types, defined in cgroup_model.cc.
  struct Node;
  struct Hierarchy;

 private:
  struct Location;
  absl::StatusOr<Location> Find(absl::string_view path) const;
  absl::Status WriteSubtreeControl(Hierarchy& h, Node& node,
                                   absl::string_view value);
  absl::Status WriteDevices(Node& node, absl::string_view value, bool allow);
  absl::Status Kill(Node& node);

  CgroupLayout layout_;
  KillCallback kill_;
  std::vector<std::unique_ptr<Hierarchy>> hierarchies_;
};

}  // namespace runbox::fake

#endif  // RUNBOX_FAKES_CGROUPS_CGROUP_MODEL_H_
