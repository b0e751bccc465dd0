// Classification of the mounted cgroup hierarchies (see hierarchy.h). The
// mount list comes from /proc/self/mountinfo through the host API, which
// already splits v1 super options into controller names.
#include "runtime/sandbox/cgroups/hierarchy.h"

#include <utility>

#include "absl/algorithm/container.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "hostapi/status.h"

namespace runbox::cgroups {

std::string ToString(CgroupMode mode) {
  switch (mode) {
    case CgroupMode::kUnified:
      return "unified";
    case CgroupMode::kHybrid:
      return "hybrid";
    case CgroupMode::kLegacy:
      return "legacy";
  }
  return "unknown";
}

bool V1Hierarchy::Has(absl::string_view controller) const {
  return absl::c_linear_search(controllers, controller);
}

bool V1Hierarchy::IsNamedOnly() const {
  return absl::c_all_of(controllers, [](const std::string& c) {
    return absl::StartsWith(c, "name=");
  });
}

bool V2Hierarchy::Has(absl::string_view controller) const {
  return absl::c_linear_search(controllers, controller);
}

const V1Hierarchy* Hierarchies::V1For(absl::string_view controller) const {
  for (const V1Hierarchy& h : v1) {
    if (h.Has(controller)) return &h;
  }
  return nullptr;
}

absl::StatusOr<Hierarchies> ClassifyHierarchies(
    const std::vector<CgroupMount>& mounts) {
  Hierarchies out;
  bool v1_controllers = false;
  for (const CgroupMount& m : mounts) {
    if (m.version == CgroupVersion::kV2) {
      // A second v2 mount (a bind mount, or one made inside a container)
      // shows the same hierarchy; the first is the host's.
      if (!out.v2.has_value()) out.v2 = V2Hierarchy{m.path, m.controllers};
      continue;
    }
    if (m.controllers.empty()) continue;
    // The same hierarchy mounted again (same bound controllers) is one
    // hierarchy; keep its first mount point.
    bool seen = absl::c_any_of(out.v1, [&](const V1Hierarchy& h) {
      return h.controllers == m.controllers;
    });
    if (seen) continue;
    V1Hierarchy h{m.path, m.controllers};
    if (!h.IsNamedOnly()) v1_controllers = true;
    out.v1.push_back(std::move(h));
  }
  if (v1_controllers) {
    out.mode = out.v2.has_value() ? CgroupMode::kHybrid : CgroupMode::kLegacy;
  } else if (out.v2.has_value()) {
    out.mode = CgroupMode::kUnified;
  } else {
    return absl::FailedPreconditionError(
        "no cgroup hierarchy with controllers is mounted (neither cgroup v1 "
        "controllers nor cgroup2)");
  }
  return out;
}

absl::StatusOr<Hierarchies> DetectHierarchies(Cgroups& cgroups) {
  absl::StatusOr<std::vector<CgroupMount>> mounts = cgroups.CgroupMounts();
  if (!mounts.ok()) return Annotate(mounts.status(), "list cgroup mounts");
  return ClassifyHierarchies(*mounts);
}

std::map<std::string, std::string> ParseProcCgroup(absl::string_view text) {
  std::map<std::string, std::string> paths;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    // The path may itself hold colons: split at the first two only.
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::MaxSplits(':', 2));
    if (fields.size() != 3 || !absl::StartsWith(fields[2], "/")) continue;
    std::vector<std::string> controllers =
        absl::StrSplit(fields[1], ',', absl::SkipEmpty());
    paths[HierarchyKey(std::move(controllers))] = std::string(fields[2]);
  }
  return paths;
}

std::string HierarchyKey(std::vector<std::string> controllers) {
  absl::c_sort(controllers);
  return absl::StrJoin(controllers, ",");
}

}  // namespace runbox::cgroups
