// The chaos invariants; see invariants.h and docs/chaos.md.
#include "chaos/invariants.h"

#include <algorithm>
#include <cerrno>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "hostapi/status.h"
#include "runtime/state/meta.h"

namespace runbox::chaos {
namespace {

// Trees whose contents are the kernel's, not the file system's, and the
// fake kernel's own (StartFunction installs its programs in /fake/bin).
constexpr absl::string_view kSkippedTrees[] = {"/sys", "/proc", "/fake"};

void ListTree(Host& host, const std::string& path,
              std::vector<std::string>& out) {
  absl::StatusOr<Fd> dir =
      host.OpenAt(Fd::Cwd(), path.empty() ? "/" : path,
                  {.flags = OpenFlags::kDirectory | OpenFlags::kNoFollow});
  if (!dir.ok()) return;
  absl::StatusOr<std::vector<DirEntry>> entries = host.ReadDir(*dir);
  (void)host.Close(std::move(*dir));
  if (!entries.ok()) return;
  for (const DirEntry& e : *entries) {
    const std::string child = absl::StrCat(path, "/", e.name);
    if (std::find(std::begin(kSkippedTrees), std::end(kSkippedTrees), child) !=
        std::end(kSkippedTrees)) {
      continue;
    }
    out.push_back(absl::StrCat(child, " (", ToString(e.type), ")"));
    if (e.type == FileType::kDirectory) ListTree(host, child, out);
  }
}

// The root-namespace pid of the live supervisor of each container ID.
std::multimap<std::string, Pid> Supervisors(World& world) {
  std::multimap<std::string, Pid> out;
  for (const fake::ProcessInfo& p : world.kernel().Processes()) {
    if (p.zombie || p.argv.size() < 2 || p.argv[1] != "supervise") continue;
    for (size_t i = 2; i + 1 < p.argv.size(); ++i) {
      if (p.argv[i] == "--id") out.emplace(p.argv[i + 1], p.pid);
    }
  }
  return out;
}

// The state root, its ancestors and its lock file.
bool IsStateRootEntry(absl::string_view line) {
  const std::string root(kStateRoot);
  if (line ==
      absl::StrCat(root, "/.runbox.lock (", ToString(FileType::kRegular), ")"))
    return true;
  if (!absl::ConsumeSuffix(
          &line, absl::StrCat(" (", ToString(FileType::kDirectory), ")")))
    return false;
  return line == root || absl::StartsWith(root, absl::StrCat(line, "/"));
}

// The parent cgroup every container's default cgroup sits in (/runbox),
// made once and kept, as the state root is: removing it would race with a
// concurrent create.
bool IsSharedParentCgroup(absl::string_view path) {
  return absl::EndsWith(path, "/runbox");
}

// The fake has no mount redirection (fakes/fs/file_system.h): what init
// makes inside the container's /dev, /sys and /proc mounts (the /dev/fd
// symlinks, the sys/fs/cgroup mount point) lands in the bundle's rootfs.
// On Linux it lives in the tmpfs, sysfs and procfs, and goes with them.
bool IsInContainerMount(absl::string_view line) {
  if (!absl::StartsWith(line, "/bundles/")) return false;
  for (absl::string_view dir :
       {"/rootfs/dev/", "/rootfs/sys/", "/rootfs/proc/"}) {
    if (absl::StrContains(line, dir)) return true;
  }
  return false;
}

}  // namespace

bool IsFactErrno(int err) {
  switch (err) {
    case ENOENT:
    case EEXIST:
    case ENOTDIR:
    case EISDIR:
    case ELOOP:
    case ENOTEMPTY:
    case ESRCH:
    case ECHILD:
    case ENXIO:
    case ECONNREFUSED:  // Of the peer: nobody listens, it hung up...
    case ECONNRESET:
    case EPIPE:
      return true;
    default:
      return false;
  }
}

Resources TakeResources(World& world) {
  Resources r;
  fake::FakeKernel& kernel = world.kernel();
  for (const fake::ProcessInfo& p : kernel.Processes()) {
    if (!p.zombie) r.processes.push_back(absl::StrJoin(p.argv, " "));
  }
  for (const MountInfo& m : kernel.MountsOf(Pid{1})) {
    r.mounts.push_back(absl::StrCat(m.fstype, " on ", m.mount_point));
  }
  r.cgroups = kernel.CgroupPaths();
  world.InKernel([&](Host& host) {
    ListTree(host, "", r.files);
    return 0;
  });
  for (std::vector<std::string>* v :
       {&r.processes, &r.mounts, &r.cgroups, &r.files}) {
    std::sort(v->begin(), v->end());
  }
  return r;
}

std::vector<std::string> Leaks(const Resources& before,
                               const Resources& after) {
  std::vector<std::string> leaks;
  auto diff = [&](const std::vector<std::string>& b,
                  const std::vector<std::string>& a, absl::string_view what,
                  const std::function<bool(absl::string_view)>& ignore) {
    std::multiset<std::string> old(b.begin(), b.end());
    for (const std::string& item : a) {
      auto it = old.find(item);
      if (it != old.end()) {
        old.erase(it);
      } else if (!ignore || !ignore(item)) {
        leaks.push_back(absl::StrCat("leaked ", what, ": ", item));
      }
    }
  };
  diff(before.processes, after.processes, "process", nullptr);
  diff(before.mounts, after.mounts, "mount", nullptr);
  diff(before.cgroups, after.cgroups, "cgroup", IsSharedParentCgroup);
  diff(before.files, after.files, "file", [](absl::string_view line) {
    return IsStateRootEntry(line) || IsInContainerMount(line);
  });
  return leaks;
}

StateView ObserveState(World& world, const std::string& id) {
  StateView view;
  CommandResult state = world.Runbox({"state", id});
  if (!state.status) {
    view.violation = absl::StrCat("state ", id, " did not end");
    return view;
  }
  if (!state.ok()) {
    if (!absl::StrContains(state.err, "does not exist")) {
      view.violation = absl::StrCat(
          "state ", id,
          " failed other than \"does not exist\": ", state.Describe());
    }
    return view;
  }
  nlohmann::json doc = nlohmann::json::parse(state.out, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    view.violation = absl::StrCat(
        "state ", id, " printed no JSON object: ", state.Describe());
    return view;
  }
  if (doc.value("id", "") != id) {
    view.violation =
        absl::StrCat("state ", id, " names another container: ", state.out);
    return view;
  }
  const std::string status = doc.value("status", "");
  if (!ParseContainerStatus(status)) {
    view.violation =
        absl::StrCat("state ", id, " has an unknown status: ", state.out);
    return view;
  }
  view.status = status;
  return view;
}

std::vector<std::string> ContainerDirs(World& world) {
  std::vector<std::string> ids;
  world.InKernel([&](Host& host) {
    absl::StatusOr<Fd> dir =
        host.OpenAt(Fd::Cwd(), kStateRoot, {.flags = OpenFlags::kDirectory});
    if (!dir.ok()) return 0;
    absl::StatusOr<std::vector<DirEntry>> entries = host.ReadDir(*dir);
    if (!entries.ok()) return 1;
    for (const DirEntry& e : *entries) {
      if (e.type == FileType::kDirectory) ids.push_back(e.name);
    }
    return 0;
  });
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<std::string> CheckRecords(World& world) {
  std::vector<std::string> violations;
  const std::multimap<std::string, Pid> supervisors = Supervisors(world);
  for (const auto& [id, pid] : supervisors) {
    if (supervisors.count(id) > 1 && supervisors.find(id)->second == pid) {
      violations.push_back(absl::StrCat(supervisors.count(id),
                                        " live supervisors for container \"",
                                        id, "\""));
    }
  }
  for (const std::string& id : ContainerDirs(world)) {
    StateView view = ObserveState(world, id);
    if (!view.violation.empty()) {
      violations.push_back(view.violation);
      continue;
    }
    if (!view.status) continue;  // A directory without a record yet.
    const bool alive = supervisors.count(id) > 0;
    const std::string& s = *view.status;
    if ((s == "created" || s == "running" || s == "paused") && !alive) {
      violations.push_back(absl::StrCat("container \"", id, "\" is ", s,
                                        " but its supervisor is dead"));
    }
  }
  return violations;
}

std::vector<std::string> CheckRecovery(World& world, const Resources& baseline,
                                       const std::vector<std::string>& ids,
                                       bool check_leaks) {
  std::vector<std::string> violations;
  auto delete_all = [&](absl::string_view when) {
    for (const std::string& id : ContainerDirs(world)) {
      CommandResult del = world.Runbox({"delete", "--force", id});
      if (!del.ok()) {
        violations.push_back(
            absl::StrCat(when, ": delete --force ", id, ": ", del.Describe()));
      }
    }
    if (check_leaks) {
      for (std::string& leak : Leaks(baseline, TakeResources(world))) {
        violations.push_back(absl::StrCat(when, ": ", leak));
      }
    }
    // Once every container is gone, so are its mounts, /dev among them.
    world.UnmountContainerDevs();
  };
  delete_all("after recovery");
  for (const std::string& id : ids) {
    StateView view = ObserveState(world, id);
    if (!view.violation.empty()) violations.push_back(view.violation);
    if (view.status) {
      violations.push_back(absl::StrCat("after delete --force, state ", id,
                                        " still says ", *view.status));
    }
    CommandResult create =
        world.Runbox({"create", "--bundle", kSleepBundle, id});
    if (!create.ok()) {
      violations.push_back(
          absl::StrCat("a new create of ", id, ": ", create.Describe()));
    }
  }
  delete_all("after a new create");
  return violations;
}

}  // namespace runbox::chaos
