// The real-host chaos campaign's leak checker: a snapshot of the host
// resources runbox can leave behind (mount points, cgroup directories,
// processes, files under the campaign's directories), and the difference
// of two snapshots as human-readable leak lines. Everything goes through
// the Host API, so the snapshot also runs on a fake host in tests.
#ifndef RUNBOX_CHAOS_REAL_LEAK_CHECK_H_
#define RUNBOX_CHAOS_REAL_LEAK_CHECK_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "hostapi/host.h"

namespace runbox::chaos {

struct SnapshotOptions {
  // Directories whose files and subdirectories are listed (recursively,
  // symlinks not followed). A missing one lists nothing.
  std::vector<std::string> file_roots;
  // Paths (under file_roots) not descended into: a bundle's rootfs, say.
  std::vector<std::string> skip_paths;
  // A process is ours when its argv or environment contains one of these
  // strings, or when its argv[0]'s base name is "runbox".
  std::vector<std::string> process_markers;
  // The cgroups listed, in every hierarchy: these directories below the
  // mount point (runbox's default parent, cgroups/cgroup_path.h) and all
  // below them, up to `cgroup_depth` levels. Not the whole tree: other
  // software on the host makes and removes cgroups of its own.
  std::vector<std::string> cgroup_parents = {"runbox"};
  int cgroup_depth = 6;
};

struct Snapshot {
  // "/proc/mounts"-like keys: "<mount point> (<fstype> <source>)".
  std::set<std::string> mounts;
  // Absolute cgroupfs directory paths, every hierarchy.
  std::set<std::string> cgroups;
  // Live (not zombie) processes that are ours: pid -> argv joined by ' '.
  std::map<int, std::string> processes;
  // Absolute paths under file_roots, directories with a trailing '/'.
  std::set<std::string> files;
  // What could not be read (a snapshot is best effort); for reports.
  std::vector<std::string> errors;
};

// Reads the host's current resources as `options` says.
Snapshot TakeSnapshot(Host& host, const SnapshotOptions& options);

// What `after` holds that `before` does not, one line per leak:
//   "cgroup /sys/fs/cgroup/memory/runbox/x left behind"
//   "mount /a/b (tmpfs tmpfs) left behind"
//   "process 123 (runbox supervise x) left behind"
//   "file /tmp/chaos-work/state/x/meta.json left behind"
// Sorted by kind, then name.
std::vector<std::string> Diff(const Snapshot& before, const Snapshot& after);

// The argv of process `pid` from /proc/<pid>/cmdline; empty when
// unreadable (gone, or a zombie).
std::vector<std::string> ProcessArgv(Host& host, int pid);

}  // namespace runbox::chaos

#endif  // RUNBOX_CHAOS_REAL_LEAK_CHECK_H_
