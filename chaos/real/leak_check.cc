// Host resource snapshots and their difference; see leak_check.h.
#include "chaos/real/leak_check.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"

namespace runbox::chaos {
namespace {

constexpr size_t kProcFileLimit = 1 << 20;

std::vector<std::string> SplitNul(std::string text) {
  if (text.empty()) return {};
  if (text.back() == '\0') text.pop_back();
  return absl::StrSplit(text, '\0');
}

// Whether /proc/<pid>/stat says the process is a zombie (or is gone).
bool IsZombieOrGone(Host& host, int pid) {
  absl::StatusOr<std::string> stat = ReadFileAt(
      host, Fd::Cwd(), absl::StrCat("/proc/", pid, "/stat"), kProcFileLimit);
  if (!stat.ok()) return true;
  // "pid (comm) S ...": the state follows the last ')'.
  size_t close = stat->rfind(')');
  if (close == std::string::npos || close + 2 >= stat->size()) return true;
  char state = (*stat)[close + 2];
  return state == 'Z' || state == 'X';
}

bool Mentions(const std::vector<std::string>& words,
              const std::vector<std::string>& markers) {
  for (const std::string& w : words) {
    for (const std::string& m : markers) {
      if (!m.empty() && absl::StrContains(w, m)) return true;
    }
  }
  return false;
}

void ListProcesses(Host& host, const SnapshotOptions& options, Snapshot& out) {
  absl::StatusOr<Fd> proc =
      host.OpenAt(Fd::Cwd(), "/proc", {.flags = OpenFlags::kDirectory});
  if (!proc.ok()) {
    out.errors.push_back(absl::StrCat("/proc: ", proc.status().ToString()));
    return;
  }
  absl::StatusOr<std::vector<DirEntry>> entries = host.ReadDir(*proc);
  if (!entries.ok()) {
    out.errors.push_back(absl::StrCat("/proc: ", entries.status().ToString()));
    return;
  }
  const int self = host.GetPid().value;
  for (const DirEntry& e : *entries) {
    int pid = 0;
    if (!absl::SimpleAtoi(e.name, &pid) || pid <= 0 || pid == self) continue;
    std::vector<std::string> argv = ProcessArgv(host, pid);
    if (argv.empty()) continue;  // Kernel thread, zombie or gone.
    bool ours = false;
    const std::string& arg0 = argv[0];
    absl::string_view base = arg0;
    if (size_t slash = base.rfind('/'); slash != absl::string_view::npos) {
      base.remove_prefix(slash + 1);
    }
    if (base == "runbox" || Mentions(argv, options.process_markers)) {
      ours = true;
    } else {
      absl::StatusOr<std::string> environ =
          ReadFileAt(host, Fd::Cwd(), absl::StrCat("/proc/", pid, "/environ"),
                     kProcFileLimit);
      if (environ.ok()) {
        ours = Mentions(SplitNul(*std::move(environ)), options.process_markers);
      }
    }
    if (!ours || IsZombieOrGone(host, pid)) continue;
    out.processes[pid] = absl::StrJoin(argv, " ");
  }
}

void ListCgroups(Host& host, const std::string& path, int depth,
                 Snapshot& out) {
  if (depth <= 0) return;
  absl::StatusOr<std::vector<std::string>> children = host.CgroupChildren(path);
  if (!children.ok()) {
    // A cgroup removed while we walk is no error.
    if (!IsErrno(children, ENOENT)) {
      out.errors.push_back(
          absl::StrCat("cgroup ", path, ": ", children.status().ToString()));
    }
    return;
  }
  for (const std::string& name : *children) {
    std::string child = absl::StrCat(path, "/", name);
    out.cgroups.insert(child);
    ListCgroups(host, child, depth - 1, out);
  }
}

void ListFiles(Host& host, const std::string& dir,
               const SnapshotOptions& options, Snapshot& out) {
  absl::StatusOr<Fd> fd = host.OpenAt(
      Fd::Cwd(), dir, {.flags = OpenFlags::kDirectory | OpenFlags::kNoFollow});
  if (!fd.ok()) {
    if (!IsErrno(fd, ENOENT)) {
      out.errors.push_back(absl::StrCat(dir, ": ", fd.status().ToString()));
    }
    return;
  }
  absl::StatusOr<std::vector<DirEntry>> entries = host.ReadDir(*fd);
  if (!entries.ok()) {
    out.errors.push_back(absl::StrCat(dir, ": ", entries.status().ToString()));
    return;
  }
  for (const DirEntry& e : *entries) {
    std::string path = absl::StrCat(dir, "/", e.name);
    if (std::find(options.skip_paths.begin(), options.skip_paths.end(), path) !=
        options.skip_paths.end()) {
      continue;
    }
    FileType type = e.type;
    if (type == FileType::kUnknown) {
      absl::StatusOr<FileStat> st =
          host.StatAt(Fd::Cwd(), path, FollowSymlinks::kNoFollow);
      if (st.ok()) type = st->type;
    }
    if (type == FileType::kDirectory) {
      out.files.insert(path + "/");
      ListFiles(host, path, options, out);
    } else {
      out.files.insert(path);
    }
  }
}

}  // namespace

std::vector<std::string> ProcessArgv(Host& host, int pid) {
  absl::StatusOr<std::string> text = ReadFileAt(
      host, Fd::Cwd(), absl::StrCat("/proc/", pid, "/cmdline"), kProcFileLimit);
  if (!text.ok()) return {};
  return SplitNul(*std::move(text));
}

Snapshot TakeSnapshot(Host& host, const SnapshotOptions& options) {
  Snapshot out;
  absl::StatusOr<std::vector<MountInfo>> mounts = host.ListMounts();
  if (mounts.ok()) {
    for (const MountInfo& m : *mounts) {
      out.mounts.insert(
          absl::StrCat(m.mount_point, " (", m.fstype, " ", m.source, ")"));
    }
  } else {
    out.errors.push_back(absl::StrCat("mounts: ", mounts.status().ToString()));
  }
  absl::StatusOr<std::vector<CgroupMount>> hierarchies = host.CgroupMounts();
  if (hierarchies.ok()) {
    for (const CgroupMount& h : *hierarchies) {
      for (const std::string& parent : options.cgroup_parents) {
        ListCgroups(host, absl::StrCat(h.path, "/", parent),
                    options.cgroup_depth, out);
      }
    }
  } else {
    out.errors.push_back(
        absl::StrCat("cgroup mounts: ", hierarchies.status().ToString()));
  }
  ListProcesses(host, options, out);
  for (const std::string& root : options.file_roots) {
    ListFiles(host, root, options, out);
  }
  return out;
}

std::vector<std::string> Diff(const Snapshot& before, const Snapshot& after) {
  std::vector<std::string> leaks;
  auto new_in = [&](const std::set<std::string>& b,
                    const std::set<std::string>& a, absl::string_view kind) {
    for (const std::string& x : a) {
      if (!b.count(x))
        leaks.push_back(absl::StrCat(kind, " ", x, " left behind"));
    }
  };
  new_in(before.mounts, after.mounts, "mount");
  new_in(before.cgroups, after.cgroups, "cgroup");
  for (const auto& [pid, argv] : after.processes) {
    auto it = before.processes.find(pid);
    // A reused pid running something else is new too.
    if (it == before.processes.end() || it->second != argv) {
      leaks.push_back(
          absl::StrCat("process ", pid, " (", argv, ") left behind"));
    }
  }
  new_in(before.files, after.files, "file");
  return leaks;
}

}  // namespace runbox::chaos
