// CgroupManager (see manager.h): directory layout per hierarchy, creation
// with the v1 cpuset fix-up, placement, listing over sub-cgroups, the v1
// and v2 freezers, killing and removal with bounded retries.
#include "runtime/sandbox/cgroups/manager.h"

#include <algorithm>
#include <cerrno>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/cleanup/cleanup.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "hostapi/status.h"
#include "runtime/sandbox/cgroups/cgroup_path.h"

namespace runbox::cgroups {
namespace {

// Sub-cgroups deeper than this below the container's cgroup are not
// walked (a container can nest cgroups; the walk must stay bounded).
constexpr int kMaxDepth = 32;
// Freezer state polls: 100 us, doubling to 10 ms, at most this many (about
// two seconds in all). Freezing waits for every task to reach a freezable
// point, which takes long only for tasks stuck in uninterruptible sleep.
constexpr int kStatePolls = 200;
constexpr absl::Duration kFirstPollDelay = absl::Microseconds(100);
constexpr absl::Duration kMaxPollDelay = absl::Milliseconds(10);
// rmdir tries while a cgroup is still busy with exiting processes: 5 ms,
// doubling to 100 ms (about 1.2 seconds in all).
constexpr int kRemoveAttempts = 15;
constexpr absl::Duration kFirstRemoveDelay = absl::Milliseconds(5);
constexpr absl::Duration kMaxRemoveDelay = absl::Milliseconds(100);

std::string Strip(absl::string_view s) {
  return std::string(absl::StripAsciiWhitespace(s));
}

std::string Quoted(absl::string_view path) {
  return absl::StrCat("\"", path, "\"");
}

// Calls `done` until it returns true; between calls the host sleeps,
// briefly at first. False when it never did within kStatePolls calls.
absl::StatusOr<bool> PollUntil(Clock& clock,
                               absl::FunctionRef<absl::StatusOr<bool>()> done) {
  absl::Duration delay = kFirstPollDelay;
  for (int i = 0; i < kStatePolls; ++i) {
    ASSIGN_OR_RETURN(bool finished, done());
    if (finished) return true;
    clock.SleepFor(delay);
    delay = std::min(delay * 2, kMaxPollDelay);
  }
  return false;
}

// The value of `frozen` in a v2 cgroup.events ("populated 1\nfrozen 0\n").
absl::StatusOr<bool> EventsSayFrozen(absl::string_view events,
                                     absl::string_view path) {
  for (absl::string_view line : absl::StrSplit(events, '\n')) {
    absl::string_view value = line;
    if (!absl::ConsumePrefix(&value, "frozen ")) continue;
    value = absl::StripAsciiWhitespace(value);
    if (value == "1") return true;
    if (value == "0") return false;
  }
  return absl::InternalError(absl::StrCat("cgroup.events of ", Quoted(path),
                                          " has no \"frozen\" line: \"",
                                          absl::CEscape(events), "\""));
}

// Appends the pids of `path` and of its sub-cgroups to `out`. A sub-cgroup
// that vanishes meanwhile is fine; `path` itself missing gives ENOENT.
absl::Status CollectPids(Cgroups& cg, const std::string& path, int depth,
                         std::vector<Pid>& out) {
  ASSIGN_OR_RETURN(std::vector<Pid> pids, cg.CgroupProcesses(path));
  out.insert(out.end(), pids.begin(), pids.end());
  if (depth >= kMaxDepth) return absl::OkStatus();
  absl::StatusOr<std::vector<std::string>> children = cg.CgroupChildren(path);
  if (IsErrno(children, ENOENT)) return absl::OkStatus();
  RETURN_IF_ERROR(children.status());
  for (const std::string& child : *children) {
    absl::Status s =
        CollectPids(cg, absl::StrCat(path, "/", child), depth + 1, out);
    if (!s.ok() && !IsErrno(s, ENOENT)) return s;
  }
  return absl::OkStatus();
}

void SortUnique(std::vector<Pid>& pids) {
  std::sort(pids.begin(), pids.end());
  pids.erase(std::unique(pids.begin(), pids.end()), pids.end());
}

// kill(2) of each pid; one that already exited (ESRCH) is fine. Goes on
// after a failure and returns the first.
absl::Status SignalEach(Processes& processes, const std::vector<Pid>& pids,
                        Signal sig) {
  absl::Status first;
  for (Pid pid : pids) {
    absl::Status s = processes.Kill(pid, sig);
    if (s.ok() || IsErrno(s, ESRCH)) continue;
    if (first.ok()) {
      first = Annotate(
          s, absl::StrCat("send ", SignalName(sig), " to pid ", pid.value));
    }
  }
  return first;
}

// rmdir of `path` after its sub-cgroups, deepest first. Missing is fine.
absl::Status RemoveTree(Cgroups& cg, const std::string& path, int depth) {
  if (depth > kMaxDepth) {
    return absl::FailedPreconditionError(
        absl::StrCat("cgroup ", Quoted(path), " is nested more than ",
                     kMaxDepth, " levels below the container's cgroup"));
  }
  absl::StatusOr<std::vector<std::string>> children = cg.CgroupChildren(path);
  if (IsErrno(children, ENOENT)) return absl::OkStatus();
  if (!children.ok()) {
    return Annotate(children.status(), absl::StrCat("list ", Quoted(path)));
  }
  for (const std::string& child : *children) {
    RETURN_IF_ERROR(RemoveTree(cg, absl::StrCat(path, "/", child), depth + 1));
  }
  absl::Status s = cg.CgroupRemove(path);
  if (s.ok() || IsErrno(s, ENOENT)) return absl::OkStatus();
  return Annotate(s, absl::StrCat("remove cgroup ", Quoted(path)));
}

// What keeps cgroups busy: SIGKILL to every process left in their
// subtrees, and a thaw of whichever freezer each path has. All paths at
// once, since a task frozen by the v1 freezer cannot die however often
// its other cgroups are asked. Best effort: the rmdir says what is left.
void KillTrees(Host& host, const std::vector<std::string>& paths) {
  std::vector<Pid> pids;
  for (const std::string& path : paths) (void)CollectPids(host, path, 0, pids);
  if (pids.empty()) return;
  SortUnique(pids);
  (void)SignalEach(host, pids, Signal::kKill);
  for (const std::string& path : paths) {
    // Each write fails ENOENT in hierarchies without that file.
    (void)host.CgroupWrite(path, "freezer.state", "THAWED");
    (void)host.CgroupWrite(path, "cgroup.freeze", "0");
  }
}

// Removes every path, going on after failures; the first error, with how
// many failed. While some are busy, kills what is left and tries again.
absl::Status RemoveDirs(Host& host, const std::vector<std::string>& paths) {
  // Reverse creation order: v2 (which a hybrid host lists last) first.
  std::vector<std::string> busy(paths.rbegin(), paths.rend());
  std::vector<absl::Status> failures;
  absl::Duration delay = kFirstRemoveDelay;
  for (int attempt = 1; !busy.empty(); ++attempt) {
    std::vector<std::string> still_busy;
    absl::Status last_busy;
    for (const std::string& path : busy) {
      absl::Status s = RemoveTree(host, path, 0);
      if (s.ok()) continue;
      if (!IsErrno(s, EBUSY)) {
        failures.push_back(s);
        continue;
      }
      still_busy.push_back(path);
      last_busy = s;
    }
    busy = std::move(still_busy);
    if (busy.empty()) break;
    if (attempt == kRemoveAttempts) {
      failures.push_back(Annotate(
          last_busy,
          absl::StrCat("still busy after ", kRemoveAttempts, " tries")));
      break;
    }
    KillTrees(host, paths);
    host.SleepFor(delay);
    delay = std::min(delay * 2, kMaxRemoveDelay);
  }
  if (failures.empty()) return absl::OkStatus();
  // The busy ones share one entry in `failures`.
  size_t failed = failures.size() + (busy.empty() ? 0 : busy.size() - 1);
  if (failed == 1) return failures.front();
  return Annotate(failures.front(), absl::StrCat(failed, " of ", paths.size(),
                                                 " cgroups not removed"));
}

// The first level whose cpuset file is empty gets its parent's: a v1
// cpuset cgroup starts with empty cpuset.cpus/mems (unless the hierarchy
// has cgroup.clone_children) and refuses tasks with ENOSPC until set.
absl::Status FillCpuset(Cgroups& cg, absl::string_view parent,
                        absl::string_view path) {
  for (absl::string_view file : {"cpuset.cpus", "cpuset.mems"}) {
    absl::StatusOr<std::string> own = cg.CgroupRead(path, file);
    if (!own.ok()) {
      return Annotate(own.status(),
                      absl::StrCat("read ", file, " of ", Quoted(path)));
    }
    if (!Strip(*own).empty()) continue;
    absl::StatusOr<std::string> from = cg.CgroupRead(parent, file);
    if (!from.ok()) {
      return Annotate(from.status(),
                      absl::StrCat("read ", file, " of ", Quoted(parent)));
    }
    absl::Status s = cg.CgroupWrite(path, file, Strip(*from));
    if (!s.ok()) {
      return Annotate(s, absl::StrCat("copy ", file, " to ", Quoted(path)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

CgroupManager::CgroupManager(Host& host, std::string cgroup_path,
                             Hierarchies hierarchies,
                             std::vector<CgroupDir> dirs,
                             std::optional<size_t> freezer)
    : host_(&host),
      cgroup_path_(std::move(cgroup_path)),
      hierarchies_(std::move(hierarchies)),
      dirs_(std::move(dirs)),
      freezer_(freezer) {}

absl::StatusOr<CgroupManager> CgroupManager::ForContainer(
    Host& host, const std::string& cgroup_path, CgroupManagerOptions options) {
  ASSIGN_OR_RETURN(std::string path, NormalizeCgroupPath(cgroup_path));
  ASSIGN_OR_RETURN(Hierarchies hierarchies, DetectHierarchies(host));
  std::vector<CgroupDir> dirs;
  std::optional<size_t> v1_freezer;
  for (const V1Hierarchy& h : hierarchies.v1) {
    if (h.IsNamedOnly()) continue;
    if (h.Has("freezer")) v1_freezer = dirs.size();
    dirs.push_back(CgroupDir{CgroupVersion::kV1, h.mount, h.controllers,
                             JoinCgroupPath(h.mount, path)});
  }
  std::optional<size_t> v2;
  if (hierarchies.v2.has_value()) {
    v2 = dirs.size();
    dirs.push_back(CgroupDir{CgroupVersion::kV2, hierarchies.v2->mount,
                             hierarchies.v2->controllers,
                             JoinCgroupPath(hierarchies.v2->mount, path)});
  }
  std::optional<size_t> freezer;
  switch (options.freezer) {
    case FreezerChoice::kAuto:
      freezer = v1_freezer.has_value() ? v1_freezer : v2;
      break;
    case FreezerChoice::kV1:
      if (!v1_freezer.has_value()) {
        return absl::FailedPreconditionError(
            "no cgroup v1 freezer hierarchy is mounted");
      }
      freezer = v1_freezer;
      break;
    case FreezerChoice::kV2:
      if (!v2.has_value()) {
        return absl::FailedPreconditionError("cgroup2 is not mounted");
      }
      freezer = v2;
      break;
  }
  return CgroupManager(host, std::move(path), std::move(hierarchies),
                       std::move(dirs), freezer);
}

absl::StatusOr<CgroupManager> CgroupManager::ForRecordedPaths(
    Host& host, const std::vector<std::string>& paths,
    CgroupManagerOptions options) {
  ASSIGN_OR_RETURN(Hierarchies hierarchies, DetectHierarchies(host));
  std::vector<std::string> mounts;
  for (const V1Hierarchy& h : hierarchies.v1) mounts.push_back(h.mount);
  if (hierarchies.v2.has_value()) mounts.push_back(hierarchies.v2->mount);
  for (const std::string& path : paths) {
    for (const std::string& mount : mounts) {
      if (!IsStrictlyUnder(path, mount)) continue;
      // The longest match wins ("/sys/fs/cgroup" holds the v1 mounts of a
      // hybrid host too, but only as the unified mount of a v2 host).
      bool longer = absl::c_any_of(mounts, [&](const std::string& other) {
        return other.size() > mount.size() && IsStrictlyUnder(path, other);
      });
      if (longer) continue;
      return ForContainer(host, path.substr(mount.size()), options);
    }
  }
  return absl::InvalidArgumentError(
      "no recorded cgroup lies below a mounted cgroup hierarchy");
}

std::vector<std::string> CgroupManager::Paths() const {
  std::vector<std::string> out;
  out.reserve(dirs_.size());
  for (const CgroupDir& d : dirs_) out.push_back(d.path);
  return out;
}

std::optional<std::string> CgroupManager::V1Path(
    absl::string_view controller) const {
  for (const CgroupDir& d : dirs_) {
    if (d.version == CgroupVersion::kV1 &&
        absl::c_linear_search(d.controllers, controller)) {
      return d.path;
    }
  }
  return std::nullopt;
}

std::optional<std::string> CgroupManager::V2Path() const {
  for (const CgroupDir& d : dirs_) {
    if (d.version == CgroupVersion::kV2) return d.path;
  }
  return std::nullopt;
}

std::optional<CgroupVersion> CgroupManager::freezer_version() const {
  if (!freezer_.has_value()) return std::nullopt;
  return dirs_[*freezer_].version;
}

absl::Status CgroupManager::CreateDir(const CgroupDir& dir,
                                      std::vector<std::string>& made) {
  const bool cpuset_v1 = dir.version == CgroupVersion::kV1 &&
                         absl::c_linear_search(dir.controllers, "cpuset");
  std::string parent = dir.mount;
  std::string level = dir.mount;
  for (absl::string_view part :
       absl::StrSplit(cgroup_path_, '/', absl::SkipEmpty())) {
    absl::StrAppend(&level, "/", part);
    absl::Status s = host_->CgroupCreate(level);
    if (s.ok()) {
      if (level == dir.path) made.push_back(level);
    } else if (!IsErrno(s, EEXIST)) {
      return Annotate(s, absl::StrCat("create cgroup ", Quoted(level)));
    }
    // Existing levels too: an earlier try may have died between the mkdir
    // and the copy.
    if (cpuset_v1) RETURN_IF_ERROR(FillCpuset(*host_, parent, level));
    parent = level;
  }
  return absl::OkStatus();
}

absl::Status CgroupManager::Create() {
  std::vector<std::string> made;
  absl::Cleanup rollback = [&] {
    for (auto it = made.rbegin(); it != made.rend(); ++it) {
      (void)host_->CgroupRemove(*it);
    }
  };
  for (const CgroupDir& dir : dirs_) RETURN_IF_ERROR(CreateDir(dir, made));
  std::move(rollback).Cancel();
  return absl::OkStatus();
}

absl::Status CgroupManager::AddProcess(Pid pid) {
  for (const CgroupDir& dir : dirs_) {
    absl::Status s = host_->CgroupAddProcess(dir.path, pid);
    if (!s.ok()) {
      return Annotate(s, absl::StrCat("add pid ", pid.value, " to cgroup ",
                                      Quoted(dir.path)));
    }
  }
  return absl::OkStatus();
}

absl::Status CgroupManager::AddAccountingProcess(Pid pid) {
  static constexpr absl::string_view kAccounting[] = {
      "memory", "cpu", "cpuacct", "blkio", "pids", "hugetlb"};
  const std::vector<const CgroupDir*> membership = MembershipDirs();
  for (const CgroupDir& dir : dirs_) {
    if (dir.version != CgroupVersion::kV1 ||
        absl::c_linear_search(membership, &dir) ||
        absl::c_linear_search(dir.controllers, "devices") ||
        absl::c_none_of(dir.controllers, [](const std::string& c) {
          return absl::c_linear_search(kAccounting, c);
        })) {
      continue;
    }
    absl::Status s = host_->CgroupAddProcess(dir.path, pid);
    if (!s.ok()) {
      return Annotate(s, absl::StrCat("add pid ", pid.value, " to cgroup ",
                                      Quoted(dir.path)));
    }
  }
  return absl::OkStatus();
}

std::vector<const CgroupDir*> CgroupManager::MembershipDirs() const {
  std::vector<const CgroupDir*> out;
  for (const CgroupDir& d : dirs_) {
    if (d.version == CgroupVersion::kV2 ||
        absl::c_linear_search(d.controllers, "freezer")) {
      out.push_back(&d);
    }
  }
  if (out.empty() && !dirs_.empty()) out.push_back(&dirs_.front());
  return out;
}

absl::StatusOr<std::vector<Pid>> CgroupManager::ListProcesses(Missing missing) {
  std::vector<Pid> pids;
  for (const CgroupDir* dir : MembershipDirs()) {
    absl::Status s = CollectPids(*host_, dir->path, 0, pids);
    if (s.ok() || (missing == Missing::kEmpty && IsErrno(s, ENOENT))) {
      continue;
    }
    return Annotate(
        s, absl::StrCat("list processes of cgroup ", Quoted(dir->path)));
  }
  SortUnique(pids);
  return pids;
}

absl::StatusOr<std::vector<Pid>> CgroupManager::Processes() {
  return ListProcesses(Missing::kError);
}

absl::StatusOr<bool> CgroupManager::Frozen() {
  if (!freezer_.has_value()) {
    return absl::FailedPreconditionError("no cgroup freezer is mounted");
  }
  const CgroupDir& dir = dirs_[*freezer_];
  if (dir.version == CgroupVersion::kV1) {
    absl::StatusOr<std::string> state =
        host_->CgroupRead(dir.path, "freezer.state");
    if (!state.ok()) {
      return Annotate(state.status(),
                      absl::StrCat("read freezer.state of ", Quoted(dir.path)));
    }
    return Strip(*state) == "FROZEN";
  }
  absl::StatusOr<std::string> events =
      host_->CgroupRead(dir.path, "cgroup.events");
  if (!events.ok()) {
    return Annotate(events.status(),
                    absl::StrCat("read cgroup.events of ", Quoted(dir.path)));
  }
  return EventsSayFrozen(*events, dir.path);
}

absl::Status CgroupManager::SetFrozen(bool frozen) {
  if (!freezer_.has_value()) {
    return absl::FailedPreconditionError("no cgroup freezer is mounted");
  }
  const CgroupDir& dir = dirs_[*freezer_];
  const bool v1 = dir.version == CgroupVersion::kV1;
  const char* file = v1 ? "freezer.state" : "cgroup.freeze";
  const char* value =
      v1 ? (frozen ? "FROZEN" : "THAWED") : (frozen ? "1" : "0");
  const std::string what =
      absl::StrCat(frozen ? "freeze" : "thaw", " cgroup ", Quoted(dir.path));
  absl::Status s = host_->CgroupWrite(dir.path, file, value);
  if (!s.ok()) return Annotate(s, absl::StrCat(what, ": write ", file));

  absl::StatusOr<bool> done = PollUntil(*host_, [&]() -> absl::StatusOr<bool> {
    if (!v1) {
      ASSIGN_OR_RETURN(std::string events,
                       host_->CgroupRead(dir.path, "cgroup.events"));
      ASSIGN_OR_RETURN(bool now, EventsSayFrozen(events, dir.path));
      return now == frozen;
    }
    ASSIGN_OR_RETURN(std::string state,
                     host_->CgroupRead(dir.path, "freezer.state"));
    state = Strip(state);
    if (state == value) return true;
    // FREEZING: some task has not stopped yet. Writing FROZEN again makes
    // the kernel try those tasks again (runc does the same).
    if (frozen && state == "FREEZING") {
      RETURN_IF_ERROR(host_->CgroupWrite(dir.path, file, value));
    }
    return false;
  });
  if (!done.ok()) return Annotate(done.status(), what);
  if (*done) return absl::OkStatus();
  // Do not leave a half-frozen container behind.
  if (frozen) (void)host_->CgroupWrite(dir.path, file, v1 ? "THAWED" : "0");
  return absl::DeadlineExceededError(
      absl::StrCat(what, ": the kernel did not report it ",
                   frozen ? "frozen" : "thawed", " in time"));
}

absl::Status CgroupManager::Freeze() { return SetFrozen(true); }

absl::Status CgroupManager::Thaw() { return SetFrozen(false); }

absl::Status CgroupManager::KillAll(Signal sig) {
  const bool kill = sig == Signal::kKill;
  std::optional<std::string> v2 = V2Path();
  bool killed_by_kernel = false;
  if (kill && v2.has_value()) {
    // ENOENT: a kernel before 5.14 (no cgroup.kill), or no cgroup at all.
    absl::Status s = host_->CgroupWrite(*v2, "cgroup.kill", "1");
    if (s.ok()) {
      killed_by_kernel = true;
    } else if (!IsErrno(s, ENOENT)) {
      return Annotate(s, absl::StrCat("write cgroup.kill of ", Quoted(*v2)));
    }
  }
  // Without cgroup.kill, freeze so that nothing forks between the listing
  // and the signals. Best effort: a missing cgroup has nothing to freeze.
  bool froze = false;
  if (kill && !killed_by_kernel && freezer_.has_value()) {
    froze = SetFrozen(true).ok();
  }
  // Even after cgroup.kill: a process placed only in the v1 hierarchies
  // is not in the v2 cgroup. Signalling a dying process again is harmless.
  absl::StatusOr<std::vector<Pid>> pids = ListProcesses(Missing::kEmpty);
  absl::Status result =
      pids.ok() ? SignalEach(*host_, *pids, sig) : pids.status();
  if (kill) {
    // SIGKILL is acted on only once v1-frozen tasks are thawed; v2 lets
    // fatal signals through, but undo a freeze made here.
    std::optional<std::string> v1_freezer = V1Path("freezer");
    if (v1_freezer.has_value()) {
      absl::Status s =
          host_->CgroupWrite(*v1_freezer, "freezer.state", "THAWED");
      if (!s.ok() && !IsErrno(s, ENOENT) && result.ok()) {
        result = Annotate(s, absl::StrCat("thaw cgroup ", Quoted(*v1_freezer)));
      }
    }
    if (froze && freezer_version() == CgroupVersion::kV2) {
      (void)host_->CgroupWrite(*v2, "cgroup.freeze", "0");
    }
  }
  return result;
}

absl::Status CgroupManager::Remove() { return RemoveDirs(*host_, Paths()); }

absl::Status CgroupManager::RemovePaths(Host& host,
                                        const std::vector<std::string>& paths) {
  if (paths.empty()) return absl::OkStatus();
  absl::StatusOr<std::vector<CgroupMount>> mounts = host.CgroupMounts();
  if (!mounts.ok()) return Annotate(mounts.status(), "list cgroup mounts");
  for (const std::string& path : paths) {
    absl::StatusOr<std::string> normal = NormalizeCgroupPath(path);
    bool under_mount = absl::c_any_of(*mounts, [&](const CgroupMount& m) {
      return IsStrictlyUnder(path, m.path);
    });
    if (!normal.ok() || *normal != path || !under_mount) {
      return absl::InvalidArgumentError(
          absl::StrCat("refusing to remove ", Quoted(path),
                       ": not a cgroup below a mounted cgroup hierarchy"));
    }
  }
  return RemoveDirs(host, paths);
}

}  // namespace runbox::cgroups
