// Where a container's cgroup lives: linux.cgroupsPath (config-linux.md
// "Cgroups path") resolved to one path relative to each hierarchy's root,
// and that path joined to a hierarchy's mount point. Which hierarchies get
// it is manager.h's business.
#ifndef RUNBOX_RUNTIME_SANDBOX_CGROUPS_CGROUP_PATH_H_
#define RUNBOX_RUNTIME_SANDBOX_CGROUPS_CGROUP_PATH_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace runbox::cgroups {

// The parent of default container cgroups: "/runbox/<id>".
inline constexpr absl::string_view kDefaultParent = "/runbox";

// The error for systemd-managed cgroups, both for the "slice:prefix:name"
// cgroupsPath form and for the global --systemd-cgroup flag.
inline constexpr absl::string_view kSystemdUnsupported =
    "systemd cgroup driver is not supported (--systemd-cgroup)";
absl::Status SystemdUnsupportedError();  // InvalidArgument, the text above.

// The container's cgroup, relative to every hierarchy's root, e.g.
// "/runbox/web" or "/kubepods/pod1/ctr":
//  - empty `cgroups_path`: "/runbox/<container_id>";
//  - absolute "/a/b": "/a/b" under each hierarchy's root, as the spec says;
//  - relative "a/b": runc places it under the runtime's own cgroup; runbox
//    keeps it simple and treats it as "/a/b" (under the root);
//  - the systemd form "slice:prefix:name" (not absolute, exactly two
//    colons): SystemdUnsupportedError().
// The result is normalized (NormalizeCgroupPath).
absl::StatusOr<std::string> ContainerCgroupPath(absl::string_view cgroups_path,
                                                absl::string_view container_id);

// "/a//b/", "a/./b" -> "/a/b". InvalidArgument for "..", a control
// character, or a path naming the root itself ("", "/"): a container never
// owns a hierarchy's root.
absl::StatusOr<std::string> NormalizeCgroupPath(absl::string_view path);

// A hierarchy's mount point joined with a normalized cgroup path:
// ("/sys/fs/cgroup/freezer", "/runbox/web") ->
// "/sys/fs/cgroup/freezer/runbox/web".
std::string JoinCgroupPath(absl::string_view mount,
                           absl::string_view cgroup_path);

// Whether absolute path `path` lies strictly below directory `dir`
// ("/a/b" is below "/a" and "/", not below "/a/b" nor "/ab"). Both must be
// normalized (no "..", no trailing or doubled slashes).
bool IsStrictlyUnder(absl::string_view path, absl::string_view dir);

}  // namespace runbox::cgroups

#endif  // RUNBOX_RUNTIME_SANDBOX_CGROUPS_CGROUP_PATH_H_
