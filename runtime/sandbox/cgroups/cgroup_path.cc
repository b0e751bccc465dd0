// Resolution of linux.cgroupsPath (see cgroup_path.h). The spec validator
// already rejects ".."; this checks again, since the result names
// directories the runtime makes and later removes.
#include "runtime/sandbox/cgroups/cgroup_path.h"

#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace runbox::cgroups {

absl::Status SystemdUnsupportedError() {
  return absl::InvalidArgumentError(kSystemdUnsupported);
}

absl::StatusOr<std::string> NormalizeCgroupPath(absl::string_view path) {
  if (absl::c_any_of(path, [](char c) { return absl::ascii_iscntrl(c); })) {
    return absl::InvalidArgumentError(
        absl::StrCat("cgroup path \"", absl::CEscape(path),
                     "\" must not contain control characters"));
  }
  std::vector<absl::string_view> parts;
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      return absl::InvalidArgumentError(
          absl::StrCat("cgroup path \"", path, "\" must not contain \"..\""));
    }
    parts.push_back(part);
  }
  if (parts.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cgroup path \"", path,
        "\" names a hierarchy's root; a container needs its own cgroup"));
  }
  return absl::StrCat("/", absl::StrJoin(parts, "/"));
}

absl::StatusOr<std::string> ContainerCgroupPath(
    absl::string_view cgroups_path, absl::string_view container_id) {
  if (cgroups_path.empty()) {
    return NormalizeCgroupPath(absl::StrCat(kDefaultParent, "/", container_id));
  }
  // runc's systemd driver takes "slice:prefix:name"; a plain path may hold
  // colons too, but only an absolute one (which the systemd form never is).
  if (!absl::StartsWith(cgroups_path, "/") &&
      absl::c_count(cgroups_path, ':') == 2) {
    return SystemdUnsupportedError();
  }
  absl::StatusOr<std::string> path = NormalizeCgroupPath(cgroups_path);
  if (!path.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("linux.cgroupsPath: ", path.status().message()));
  }
  return path;
}

std::string JoinCgroupPath(absl::string_view mount,
                           absl::string_view cgroup_path) {
  return absl::StrCat(absl::StripSuffix(mount, "/"), cgroup_path);
}

bool IsStrictlyUnder(absl::string_view path, absl::string_view dir) {
  if (dir == "/") return path.size() > 1 && path[0] == '/';
  return path.size() > dir.size() + 1 && absl::StartsWith(path, dir) &&
         path[dir.size()] == '/';
}

}  // namespace runbox::cgroups
