// Which cgroup hierarchies the host mounts, classified as runc classifies
// them: unified (cgroup v2 only), hybrid (v1 controllers plus a v2 mount,
// as systemd's "hybrid" mode sets up) or legacy (v1 only). Pure logic over
// Cgroups::CgroupMounts(); making and using cgroups is manager.h's job.
#ifndef RUNBOX_RUNTIME_SANDBOX_CGROUPS_HIERARCHY_H_
#define RUNBOX_RUNTIME_SANDBOX_CGROUPS_HIERARCHY_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hostapi/cgroups.h"

namespace runbox::cgroups {

enum class CgroupMode {
  kUnified,  // Only a v2 hierarchy holds controllers.
  kHybrid,   // v1 controller hierarchies and a v2 mount beside them.
  kLegacy,   // v1 only.
};
// "unified", "hybrid", "legacy".
std::string ToString(CgroupMode mode);

// One mounted v1 hierarchy and the controllers bound to it: "cpu,cpuacct"
// is one hierarchy with two controllers; "name=systemd" is a named
// hierarchy with none.
struct V1Hierarchy {
  std::string mount;                     // "/sys/fs/cgroup/cpu,cpuacct".
  std::vector<std::string> controllers;  // {"cpu", "cpuacct"}.

  bool Has(absl::string_view controller) const;
  // Whether it binds only "name=..." entries (no resource controller):
  // systemd's process-tracking hierarchy, which runbox leaves alone.
  bool IsNamedOnly() const;
  bool operator==(const V1Hierarchy&) const = default;
};

// The v2 hierarchy: its mount point and the controllers its root offers.
struct V2Hierarchy {
  std::string mount;                     // "/sys/fs/cgroup/unified".
  std::vector<std::string> controllers;  // From the root's cgroup.controllers.

  bool Has(absl::string_view controller) const;
  bool operator==(const V2Hierarchy&) const = default;
};

struct Hierarchies {
  CgroupMode mode = CgroupMode::kUnified;
  // v1 hierarchies in mount order, named ones included. A hierarchy
  // mounted twice (same controllers) is listed once, at its first mount.
  std::vector<V1Hierarchy> v1;
  // The first v2 mount, if any (required in kUnified and kHybrid).
  std::optional<V2Hierarchy> v2;

  // The v1 hierarchy that binds `controller` ("freezer", "name=systemd"),
  // or nullptr.
  const V1Hierarchy* V1For(absl::string_view controller) const;
};

// Classifies a mount list. A v1 hierarchy counts as a controller hierarchy
// when it binds at least one controller that is not "name=..."; v1
// mounts that bind nothing are skipped. FailedPrecondition when no
// hierarchy holds controllers and no v2 is mounted (nothing to manage).
absl::StatusOr<Hierarchies> ClassifyHierarchies(
    const std::vector<CgroupMount>& mounts);

// ClassifyHierarchies(cgroups.CgroupMounts()).
absl::StatusOr<Hierarchies> DetectHierarchies(Cgroups& cgroups);

// A process's cgroup in each hierarchy, from /proc/<pid>/cgroup lines
// ("4:memory:/a/b", "2:cpu,cpuacct:/x", "0::/a/b"): the path (relative to
// the reader's cgroup namespace), keyed by HierarchyKey of the line's
// controllers ("" for cgroup2). Malformed lines are skipped.
std::map<std::string, std::string> ParseProcCgroup(absl::string_view text);

// The key of a hierarchy in ParseProcCgroup's map: its controllers sorted
// and comma-joined ({"cpuacct", "cpu"} -> "cpu,cpuacct").
std::string HierarchyKey(std::vector<std::string> controllers);

}  // namespace runbox::cgroups

#endif  // RUNBOX_RUNTIME_SANDBOX_CGROUPS_HIERARCHY_H_
