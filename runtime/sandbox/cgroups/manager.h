// CgroupManager: one container's cgroups on every mounted hierarchy (v1,
// v2 or hybrid) through the host API: the paths to record before making
// anything, creation, placement, listing, freezing, killing and removal.
// Resource limits (linux.resources) are resources.h's, statistics stats.h's;
// both find their files through V1Path/V2Path.
#ifndef RUNBOX_RUNTIME_SANDBOX_CGROUPS_MANAGER_H_
#define RUNBOX_RUNTIME_SANDBOX_CGROUPS_MANAGER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/host.h"
#include "runtime/sandbox/cgroups/hierarchy.h"

namespace runbox::cgroups {

// Which freezer Freeze/Thaw/Frozen use.
enum class FreezerChoice {
  // The v1 freezer hierarchy when one is mounted (as runc's cgroupfs
  // driver does on hybrid hosts), else v2's cgroup.freeze.
  kAuto,
  kV1,  // The v1 freezer; ForContainer fails without one.
  kV2,  // v2's cgroup.freeze, also on hybrid hosts; fails without cgroup2.
};

struct CgroupManagerOptions {
  FreezerChoice freezer = FreezerChoice::kAuto;
};

// One directory the manager owns: the container's cgroup in one hierarchy.
struct CgroupDir {
  CgroupVersion version = CgroupVersion::kV2;
  std::string mount;  // The hierarchy's mount point.
  // v1: the controllers bound to the hierarchy; v2: those its root offers.
  std::vector<std::string> controllers;
  std::string path;  // Absolute: mount + the container's cgroup path.
  bool operator==(const CgroupDir&) const = default;
};

class CgroupManager {
 public:
  // Computes, without touching cgroupfs beyond reading the mount list, the
  // directories of the cgroup `cgroup_path` (ContainerCgroupPath's result,
  // e.g. "/runbox/web"; normalized again here): one in every mounted v1
  // hierarchy that binds a controller (all but named ones such as
  // name=systemd, as runc does, so limits can be written to any of them
  // later), and one in the v2 hierarchy when cgroup2 is mounted (unified
  // and hybrid). `host` must outlive the manager.
  static absl::StatusOr<CgroupManager> ForContainer(
      Host& host, const std::string& cgroup_path,
      CgroupManagerOptions options = {});

  // The manager of a container from the directories create recorded
  // (Paths(), kept in meta.json): the cgroup path is what the first of
  // them has below the mounted hierarchy it lies in, so later commands
  // (update, events) need not read the bundle again. InvalidArgument when
  // none lies strictly below a mounted hierarchy.
  static absl::StatusOr<CgroupManager> ForRecordedPaths(
      Host& host, const std::vector<std::string>& paths,
      CgroupManagerOptions options = {});

  // The cgroup path relative to each hierarchy root ("/runbox/web").
  const std::string& cgroup_path() const { return cgroup_path_; }
  CgroupMode mode() const { return hierarchies_.mode; }
  const Hierarchies& hierarchies() const { return hierarchies_; }
  // Every directory, v1 hierarchies in mount order, then v2.
  const std::vector<CgroupDir>& dirs() const { return dirs_; }
  // The absolute paths of dirs(), in that order: what create records in
  // meta.json (planned cgroups) BEFORE calling Create (DESIGN.md, state
  // invariant 2), so that RemovePaths can sweep them after a killed create.
  std::vector<std::string> Paths() const;
  // The container's directory in the v1 hierarchy binding `controller`
  // ("memory", "cpuacct"), or nullopt when no v1 hierarchy binds it.
  std::optional<std::string> V1Path(absl::string_view controller) const;
  // The container's v2 directory, or nullopt without cgroup2.
  std::optional<std::string> V2Path() const;
  // The freezer in use (nullopt when the host has none).
  std::optional<CgroupVersion> freezer_version() const;

  // mkdir -p of every directory: each missing level is made with
  // CgroupCreate (an existing one is fine, e.g. "/runbox" or a leaf made
  // by an earlier, killed try). In a v1 cpuset hierarchy each level gets
  // its parent's cpuset.cpus/cpuset.mems when its own are empty, as runc
  // does: Linux leaves them empty and then refuses tasks (ENOSPC). On v2
  // nothing is enabled yet. On failure the leaves this call made are
  // removed again; parent levels (shared by containers) stay.
  absl::Status Create();

  // Moves `pid` (as the caller's pid namespace sees it) into every
  // directory. Stops at the first failure.
  absl::Status AddProcess(Pid pid);
  // Moves `pid` into the v1 accounting hierarchies only (memory, cpu,
  // cpuacct, blkio, pids, hugetlb), never into a directory that tells
  // membership (freezer, v2) nor into devices. For the supervisor: engines
  // read a container's statistics and OOM events from the cgroups of the
  // pid runbox reports, which is the supervisor's, while pause, `ps` and
  // kill-all must not touch it. Nothing to do on a v2-only host.
  absl::Status AddAccountingProcess(Pid pid);
  // The processes of the cgroup and its sub-cgroups, ascending, without
  // duplicates: the union of the v1 freezer's and v2's cgroup.procs (on a
  // legacy host without freezer, the first hierarchy's). ENOENT when a
  // directory does not exist.
  absl::StatusOr<std::vector<Pid>> Processes();

  // Freezes (pause) or thaws (resume) every process of the cgroup and its
  // sub-cgroups, and returns once the kernel reports it done: v1 writes
  // freezer.state FROZEN/THAWED and polls it until it reads back so
  // (FREEZING while in progress); v2 writes cgroup.freeze 1/0 and polls
  // cgroup.events until "frozen 1"/"frozen 0". Polls sleep briefly through
  // the host's clock (virtual on the fake), a bounded number of times; a
  // freeze that does not complete is undone and fails DeadlineExceeded.
  // FailedPrecondition when the host has no freezer.
  absl::Status Freeze();
  absl::Status Thaw();
  // Whether the freezer reports the cgroup frozen (v1: freezer.state reads
  // FROZEN, not FREEZING; v2: cgroup.events says "frozen 1").
  absl::StatusOr<bool> Frozen();

  // Sends `sig` to every process of the cgroup and its sub-cgroups (as
  // Processes lists them; ones that exit meanwhile are fine). For SIGKILL,
  // v2's cgroup.kill is used when the kernel has it (Linux 5.14+), which
  // leaves no window for a fork; otherwise the cgroup is frozen while the
  // signals go out (as runc does), and in any case thawed afterwards,
  // since a task frozen by the v1 freezer cannot act on SIGKILL. Other
  // signals to a paused container stay pending until it is resumed. A
  // cgroup that does not exist (anymore) has no processes to signal.
  absl::Status KillAll(Signal sig);

  // RemovePaths(host, Paths()), without the mount check.
  absl::Status Remove();

  // Removes each cgroup directory in `paths` with its sub-cgroups (deepest
  // first), for `delete` and for `delete --force` of a killed create that
  // only has the paths recorded in meta.json. Parent levels stay (the
  // shared "/runbox", or a parent another manager owns, like runc leaves
  // kubelet's pod cgroup). Idempotent: a missing directory is fine.
  // Callers kill first (KillAll); while an rmdir still fails EBUSY, every
  // process left under any of `paths` is sent SIGKILL, every freezer among
  // them is thawed (a v1-frozen task cannot die), and the rmdirs are
  // retried a bounded number of times with short sleeps. Each path must
  // lie strictly below a mounted cgroup hierarchy and be normalized
  // (InvalidArgument otherwise, checked before anything is removed: a
  // tampered record must not make runbox rmdir elsewhere). Goes on after a
  // failure and returns the first one, naming how many failed.
  static absl::Status RemovePaths(Host& host,
                                  const std::vector<std::string>& paths);

 private:
  CgroupManager(Host& host, std::string cgroup_path, Hierarchies hierarchies,
                std::vector<CgroupDir> dirs, std::optional<size_t> freezer);

  // Directories whose cgroup.procs tell membership: the freezer's and
  // v2's, or the first one when there is neither.
  std::vector<const CgroupDir*> MembershipDirs() const;
  // What listing makes of a directory that does not exist.
  enum class Missing { kError, kEmpty };
  absl::StatusOr<std::vector<Pid>> ListProcesses(Missing missing);
  absl::Status SetFrozen(bool frozen);
  absl::Status CreateDir(const CgroupDir& dir, std::vector<std::string>& made);

  Host* host_;
  std::string cgroup_path_;
  Hierarchies hierarchies_;
  std::vector<CgroupDir> dirs_;
  std::optional<size_t> freezer_;  // Index into dirs_.
};

}  // namespace runbox::cgroups

#endif  // RUNBOX_RUNTIME_SANDBOX_CGROUPS_MANAGER_H_
